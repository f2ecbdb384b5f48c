"""Per-line features (pass 1) and context features (pass 2): pure functions of a Page.

Everything is computed a page at a time, with regexes run once over the joined page text and
matches mapped back to lines, because a per-line Python loop over dozens of patterns is too slow
for the throughput we promise. Faster still, the per-line counting of own_features has a compiled
twin (cleaner/_linestats.pyx, used when built): the Python code here stays the reference, and
the twin must give the same bytes (tests/test_speedups_features.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable
from functools import lru_cache
from itertools import accumulate, filterfalse
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .article import LABELS
from .lines import DomKey, Page
from .speedups import kernel

# --- vocabulary ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = (Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")

# Cue families. Words and phrases are looked up per token (a dict lookup is far cheaper than a
# regex alternation run over the page); the few patterns that need a regex start with a literal
# or an anchor, which Python's regex engine scans quickly. The count per line is a feature.
_CUE_PHRASES: dict[str, str] = {
    "share": "share shares shared tweet whatsapp facebook twitter linkedin pinterest reddit "
    "telegram instagram youtube tiktok print|this email|this copy|link font|resizer",
    "newsletter": "newsletter newsletters subscribe subscription subscribed sign|up signup "
    "inbox daily|dose get|notified don't|spam unsubscribe notifications alerts abonnieren "
    "s'abonner suscríbete iscriviti assine",
    "legal": "copyright all|rights|reserved cookie cookies privacy terms|of|use terms|of|service "
    "consent gdpr",
    "account": "login log|in log|out logout sign|in register my|account subscribers|only "
    "paywall premium already|a|subscriber bookmarks bookmark",
    "app": "download app|store google|play apple|store get|the|app our|app the|app",
    "nav": "home menu search skip|to back|to|top scroll|to|top next previous prev contact|us "
    "about|us advertise sitemap careers archive archives rss",
    "related": "related read|more read|also see|also more|from also|read recommended popular "
    "most|read most|viewed trending you|may|also|like more|stories latest|news top|stories "
    "editor's|picks continue|reading more|information "
    # the same in the other languages we see most (de, fr, es, it, pt, nl)
    "lesen|sie|auch mehr|zum|thema weitere|artikel auch|interessant lire|aussi voir|aussi "
    "lea|también lee|también te|puede|interesar leggi|anche leia|também lees|ook",
    "comment": "comment comments reply replies posted|by said|on wrote add|a|comment "
    "view|comments report|abuse like likes upvote",
    "ad": "advertisement advertising sponsored promoted partner|content adchoices anzeige "
    "werbung publicité publicidad pubblicità publicidade advertentie",
    "byline": "staff|writer correspondent contributor reporter columnist",
    "date": "january february april june july august september october november december "
    "jan feb apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday gmt utc edt est pst bst cet updated published ago min|read",
    "caption": "photo photograph photos image images picture pictured getty afp credit "
    "illustration caption file|photo",
}
_CUE_REGEX: dict[str, str] = {
    "legal": r"©|\([cC]\) ?\d{4}",
    "byline": r"^(?:[Bb]y|BY|Post(?:ed)? by|Written by|Words by|Author|Von|Por|Par)\b",
    "trailer": r"\((?:[Rr]eporting|[Ww]riting|[Ee]diting|[Aa]dditional reporting)|[Rr]eporting by"
    r"|[Ee]diting by|[Cc]ompiled by|[Cc]ontributed by",
    # times and numeric dates; the regex starts at the separator (fast to scan for) and a digit
    # must precede it (checked in _cue_counts)
    "date": r":\d\d|[/.\-]\d{1,2}[/.\-]\d{2,4}",
    "link": r"https?://|www\.|@\w+\.\w+|\.com\b",
    "dateline": r"^[A-Z][A-Z .,'-]{2,40}(?:\((?:Reuters|AP|AFP|Bloomberg|UPI|dpa|IANS|PTI)\)"
    r"|[:,] |\s[-–—]\s)",
}
_CUE_NAMES = tuple(dict.fromkeys([*_CUE_PHRASES, *_CUE_REGEX]))
# Regexes whose every match lies within one line and contains one of these (lower-case) words
# are only run on the lines that contain one: few lines are reporting trailers, and scanning
# the whole page for one is slow.
_CUE_PREFILTER = {
    "trailer": ("reporting", "editing", "writing", "compiled by", "contributed by"),
    "legal": ("©", "(c)"),
    "link": ("http", "www.", "@", ".com"),
}
_DIGIT_BEFORE = frozenset({"date"})
_CUE_RX = {name: re.compile(rx, re.M) for name, rx in _CUE_REGEX.items()}


def _phrase_tables() -> tuple[dict[str, int], dict[str, list[tuple[tuple[str, ...], int, int]]]]:
    """Single cue words -> family; multi-word phrases indexed by their rarest word (not a
    stopword, then the longest), so a line is only scanned for a phrase when that word occurs."""
    single: dict[str, int] = {}
    multi: dict[str, list[tuple[tuple[str, ...], int, int]]] = {}
    for name, phrases in _CUE_PHRASES.items():
        j = _CUE_NAMES.index(name)
        for phrase in phrases.split():
            parts = tuple(phrase.split("|"))
            if len(parts) == 1:
                single[parts[0]] = j
            else:
                key = max(
                    range(len(parts)),
                    key=lambda k: (parts[k] not in stopwords(), len(parts[k]), -k),
                )
                multi.setdefault(parts[key], []).append((parts, key, j))
    return single, multi


_CUE_SINGLE, _CUE_MULTI = _phrase_tables()
_CUE_MULTI_KEYS = frozenset(_CUE_MULTI)

# Prompts speak to the reader ("Get your daily ...", "Join us", "Sign up to our ..."), articles
# mostly do not (outside quotes).
_READER = frozenset("you your yours you're we our ours us".split())
_IMPERATIVE = frozenset(
    "get join sign subscribe download follow click tap read watch share like register log "
    "publish submit send enter install support donate discover explore learn see view visit "
    "continue listen try accept manage allow upgrade start check find".split()
)
_END_PUNCT = frozenset(".!?:;\"”’')»")
_OPEN_QUOTES = "\"“‘'«"
_BULLETS = re.compile(r"[|•»›·▶►]|\s/\s")
_BULLET_CHARS = tuple("|•»›·▶►/")  # every bullet match contains one

_TAGS = ("p", "h1", "h2_6", "li", "td", "figcaption", "blockquote", "pre", "other")
_TAG_INDEX = {
    "p": 0,
    "h1": 1,
    "h2": 2,
    "h3": 2,
    "h4": 2,
    "h5": 2,
    "h6": 2,
    "li": 3,
    "dt": 3,
    "dd": 3,
    "tr": 4,
    "td": 4,
    "th": 4,
    "figcaption": 5,
    "caption": 5,
    "blockquote": 6,
    "pre": 7,
}
_ZONES = ("nav", "footer", "header", "aside", "form", "article")
_ATTR_CUES = {
    "attr_bad": re.compile(
        r"\b(?:nav\w*|menu\w*|footer\w*|sidebar\w*|side|share\w*|social\w*|related"
        r"|widget\w*|ads?|advert\w*|promo\w*|breadcrumbs?|cookie\w*|newsletter"
        r"|subscribe|tags?|popular|trending|most|recommend\w*|outbrain|taboola"
        r"|banner|login|signup|masthead|toolbar|utility|social)\b"
    ),
    "attr_good": re.compile(
        r"\b(?:article\w*|content\w*|story\w*|body|entry\w*|post\w*|text|main"
        r"|prose|paragraph|news)\b"
    ),
    "attr_caption": re.compile(r"\b(?:caption\w*|figure|photo\w*|image\w*|media|credit)\b"),
    "attr_byline": re.compile(
        r"\b(?:author\w*|byline\w*|date\w*|time\w*|dateline|meta|published)\b"
    ),
    "attr_comment": re.compile(r"\b(?:comment\w*|reply|replies|disqus|discussion|respond)\b"),
}

OWN_FEATURES: tuple[str, ...] = (
    "chars",
    "words",
    "avg_word_len",
    "stop_density",
    "stop_count",
    "cap_share",
    "upper_share",
    "digit_share",
    "punct_share",
    "end_punct",
    "end_ellipsis",
    "end_alnum",
    "sentences",
    "comma_rate",
    "starts_quote",
    "bullets",
    "reader_address",
    "imperative_start",
    *(f"cue_{n}" for n in _CUE_NAMES),
    "title_sim",
    "dup_count",
    "teaser_of_other",
    "has_teaser",
    "same_cut_len",
    "topic_fit",
    "content_words",
    "pos",
    "before_core",
    "after_core",
    "core_pos",
    "first_line",
    "blank_before",
    "page_lines",
    "has_dom",
    "link_density",
    *(f"tag_{t}" for t in _TAGS),
    *(f"in_{z}" for z in _ZONES),
    *_ATTR_CUES,
    "depth",
)
_NEIGHBOUR_COLS = ("words", "stop_density", "link_density", "end_punct", "topic_fit", "cue_related")
_NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
CONTEXT_FEATURES: tuple[str, ...] = (
    *(f"n{o:+d}_{c}" for o in _NEIGHBOUR_OFFSETS for c in _NEIGHBOUR_COLS),
    "short_run",
    "long_near",
    "stamps_near",
    "stamps_above",
    "stamps_below",
    "in_main",
    "main_above",
    "main_below",
    "main_share",
)
LINE_FEATURES: tuple[str, ...] = OWN_FEATURES + CONTEXT_FEATURES
"""The pass-1 feature vector of a line: its own features, then its neighbours'."""

_COL = {name: i for i, name in enumerate(OWN_FEATURES)}
_LONG_LINE_WORDS = 12
_SHORT_LINE_WORDS = 6
_STAMP_MAX_WORDS = 12
_STAMP_REACH = 6
_MAIN_GAP = 3
_TEASER_GROUP_MAX = 256
"""More lines than this sharing their first 30 characters are a template (a table, a log dump),
not a teaser list, and are not compared pairwise: a 70,000-line (18 MB) page of such lines took
112 s to clean, 1 s with the cap. The largest group on any corpus page is 86 lines (Dragnet
R901), so no page the model was trained or scored on is affected."""

# The compiled kernel (None when not built or switched off) gets the tables above, so they live
# in one place; it refuses regexes other than the ones it implements by hand.
_kernel = kernel("_linestats")
_TABLES = (
    _kernel.Tables(
        word_rx=_WORD,
        bullet_rx=_BULLETS,
        cue_rx=_CUE_RX,
        digit_before=_DIGIT_BEFORE,
        cue_names=_CUE_NAMES,
        stop=stopwords(),
        single=_CUE_SINGLE,
        multi=_CUE_MULTI,
        reader=_READER,
        imperative=_IMPERATIVE,
        end_punct=_END_PUNCT,
        open_quotes=_OPEN_QUOTES,
        long_line_words=_LONG_LINE_WORDS,
        teaser_group_max=_TEASER_GROUP_MAX,
    )
    if _kernel is not None
    else None
)


class _Plan(NamedTuple):
    """Which OWN_FEATURES columns _count_rows makes from which rows of the kernel's counts,
    grouped by the numpy operation that makes them: (columns, count rows[, more rows])."""

    stat: dict[str, int]  # row of each count
    safe: list[int]  # the denominators words, letters, chars (at least 1)
    shares: tuple[list[int], list[int], list[int]]  # count / safe[k], in float32
    flags: tuple[list[int], list[int]]  # 0 or 1
    log32: tuple[list[int], list[int]]  # log1p of the float32 count
    log64: tuple[list[int], list[int]]  # log1p of the int64 count, in float64
    ratios: tuple[list[int], list[int], list[int]]  # count / count in float64, 0 where den is


def _column_plan(stats: tuple[str, ...]) -> _Plan:
    """The plan for the kernel's counts, named by `stats` (its STATS)."""
    s = {name: i for i, name in enumerate(stats)}
    c = _COL
    safe = ("words", "letters", "chars")
    shares = {  # column: (count, denominator); avg_word_len first (capped afterwards)
        "avg_word_len": ("word_chars", "words"),
        "stop_density": ("stop", "words"),
        "cap_share": ("caps", "words"),
        "comma_rate": ("commas", "words"),
        "upper_share": ("upper", "letters"),
        "digit_share": ("digits", "chars"),
    }
    flags = ("end_punct", "end_ellipsis", "end_alnum", "starts_quote", "imperative_start")
    flags += ("teaser_of_other", "has_teaser")
    log32 = {"chars": "chars", "words": "words", "stop_count": "stop", "content_words": "content"}
    log64 = {"sentences": "sentences", "bullets": "bullets", "dup_count": "dup"}
    log64["same_cut_len"] = "cut_near"  # 0 on the lines that are not cut: log1p(0) is 0 there
    ratios = {
        "title_sim": ("title_inter", "title_union"),
        "topic_fit": ("fit_hits", "content"),
        "reader_address": ("reader", "words"),  # no words: no reader words, 0 either way
    }
    return _Plan(
        stat=s,
        safe=[s[k] for k in safe],
        shares=(
            [c[k] for k in shares],
            [s[num] for num, _ in shares.values()],
            [safe.index(den) for _, den in shares.values()],
        ),
        flags=([c[k] for k in flags], [s[k] for k in flags]),
        log32=([c[k] for k in log32], [s[v] for v in log32.values()]),
        log64=([c[k] for k in log64], [s[v] for v in log64.values()]),
        ratios=(
            [c[k] for k in ratios],
            [s[num] for num, _ in ratios.values()],
            [s[den] for _, den in ratios.values()],
        ),
    )


_PLAN = _column_plan(_kernel.STATS) if _kernel is not None else None
_FUSED_COLUMNS = _COL["page_lines"] + 1
"""The compiled path makes the columns before the DOM's as rows of one array, then writes them
into the page's matrix at once (see _own_features_compiled)."""

_CUE_SINGLE_KEYS = frozenset(_CUE_SINGLE)


def _lines_containing(lowered: str, starts: list[int], words: tuple[str, ...]) -> list[int]:
    """Indices of the lines (starting at `starts` in `lowered`) that contain any of `words`: a
    few C-level finds, so a slow regex only runs on the lines that could match."""
    found: set[int] = set()
    for w in words:
        at = lowered.find(w)
        while at != -1:
            i = bisect_right(starts, at) - 1
            found.add(i)
            at = lowered.find(w, starts[i + 1]) if i + 1 < len(starts) else -1
    return sorted(found)


def _cue_counts(
    joined: str,
    starts: list[int],
    texts: list[str],
    lowered: tuple[str, list[int]],
    tokens: list[list[str]],
) -> np.ndarray:
    """Distinct cue words and phrase occurrences per line and family, plus regex cue matches."""
    n = len(tokens)
    out = np.zeros((n, len(_CUE_NAMES)), dtype=np.float32)
    single, multi = _CUE_SINGLE, _CUE_MULTI
    for i, ws in enumerate(tokens):
        hits = _CUE_SINGLE_KEYS.intersection(ws)
        if hits:
            for w in hits:
                out[i, single[w]] += 1.0
        keys = _CUE_MULTI_KEYS.intersection(ws)
        if keys:
            for k, w in enumerate(ws):
                if w in keys:
                    for parts, at, j in multi[w]:
                        lo = k - at
                        if lo >= 0 and tuple(ws[lo : lo + len(parts)]) == parts:
                            out[i, j] += 1.0
    for name, rx in _CUE_RX.items():
        j = _CUE_NAMES.index(name)
        words = _CUE_PREFILTER.get(name)
        if words:
            for i in _lines_containing(*lowered, words):
                out[i, j] += len(rx.findall(texts[i]))
            continue
        digit_before = name in _DIGIT_BEFORE
        for m in rx.finditer(joined):
            at = m.start()
            if digit_before and not (at and joined[at - 1].isdigit()):
                continue
            out[bisect_right(starts, at) - 1, j] += 1.0
    return out


def _strip_ellipsis(text: str) -> str:
    return text.rstrip(".… ").rstrip()


def _topic_fit(tokens: list[list[str]], stop: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """How much of a line's content vocabulary the page's long lines share (leave-one-out).

    Unrelated headlines and summaries score low; article lines score high."""
    # Content words: longer than two letters, not a stopword or a number. The test runs once a
    # distinct word of the page; each line is then filtered by C-level set lookups.
    vocab = set().union(*tokens)
    not_content = {w for w in vocab if len(w) <= 2 or w in stop or w.isdigit()}.__contains__
    content = [list(filterfalse(not_content, ws)) for ws in tokens]
    long_idx = [i for i, ws in enumerate(tokens) if len(ws) >= _LONG_LINE_WORDS]
    if len(long_idx) < 2:
        long_idx = list(range(len(tokens)))
    main: Counter[str] = Counter()
    for i in long_idx:
        main.update(set(content[i]))
    # a word counts when some *other* long line uses it: once for a short line, twice for a long
    in_one = frozenset(main).__contains__
    in_two = frozenset(w for w, k in main.items() if k > 1).__contains__
    is_long = set(long_idx)
    fit = np.zeros(len(tokens), dtype=np.float32)
    for i, cw in enumerate(content):
        if cw:
            fit[i] = sum(map(in_two if i in is_long else in_one, cw)) / len(cw)
    counts = np.log1p(np.array([len(c) for c in content], dtype=np.float32))
    return fit, counts


def _teasers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(line is a cut-down copy of a longer line, line has such a cut-down copy elsewhere)."""
    by_head: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        if len(t) >= 30:
            by_head.setdefault(t[:30].lower(), []).append(i)
    teaser = np.zeros(len(texts), dtype=np.float32)
    has = np.zeros(len(texts), dtype=np.float32)
    for idx in by_head.values():
        if not 2 <= len(idx) <= _TEASER_GROUP_MAX:
            continue
        lower = {j: texts[j].lower() for j in idx}
        for i in idx:
            short = _strip_ellipsis(texts[i]).lower()
            for j in idx:
                if j != i and len(texts[j]) > len(short) and lower[j].startswith(short):
                    teaser[i] = 1.0
                    has[j] = 1.0
    return teaser, has


def _same_cut(texts: list[str]) -> np.ndarray:
    """Lines cut to one fixed length without final punctuation (summaries in a teaser list)."""
    lengths = Counter()
    cut = [len(t) >= 40 and t[-1] not in _END_PUNCT for t in texts]
    for t, c in zip(texts, cut, strict=True):
        if c:
            lengths[len(t)] += 1
    out = np.zeros(len(texts), dtype=np.float32)
    for i, (t, c) in enumerate(zip(texts, cut, strict=True)):
        if c:
            n = lengths[len(t) - 1] + lengths[len(t)] + lengths[len(t) + 1] - 1
            out[i] = np.log1p(n)
    return out


def _title_similarity(tokens: list[list[str]], title: str | None) -> np.ndarray:
    out = np.zeros(len(tokens), dtype=np.float32)
    if not title:
        return out
    tset = set(_WORD.findall(title.lower()))
    if not tset:
        return out
    for i, ws in enumerate(tokens):
        if ws and len(ws) <= 3 * len(tset):
            s = set(ws)
            out[i] = len(s & tset) / len(s | tset)
    return out


def _char_classes(joined: str, starts: list[int]) -> tuple[np.ndarray, ...]:
    """Per-line counts of letters, upper-case letters, digits, spaces and capitalised words,
    computed on code points with numpy instead of a Python loop over characters."""
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 192) & (cp <= 222) & (cp != 215))
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 223) & (cp <= 255) & (cp != 247))
    other_letter = (
        (cp >= 256) & ~((cp >= 0x2000) & (cp <= 0x2BFF)) & ~((cp >= 0x3000) & (cp <= 0x303F))
    )
    letter = upper | lower | other_letter
    digit = (cp >= 48) & (cp <= 57)
    space = (cp == 32) | (cp == 9)
    wordy = letter | digit
    word_start = wordy.copy()
    word_start[1:] &= ~wordy[:-1]
    idx = np.asarray(starts, dtype=np.int64)

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.float32), idx) if len(mask) else np.zeros(len(idx))

    return (
        per_line(letter),
        per_line(upper),
        per_line(digit),
        per_line(space),
        per_line(word_start & upper),
    )


def own_features(page: Page, out: np.ndarray | None = None) -> np.ndarray:
    """Pass-1 own features: one row a line, columns named by OWN_FEATURES. Computed by the
    compiled kernel when it is built, else in Python; both give the same bytes. Written into
    `out` (n x OWN_FEATURES, all zeros; line_features gives a slice of its matrix) when given."""
    return _own_features_and_words(page, out, keep_words=False)[0]


def _own_features_and_words(
    page: Page, out: np.ndarray | None, keep_words: bool
) -> tuple[np.ndarray, object | None]:
    """own_features, and with `keep_words` the compiled kernel's split of the lines into words
    (a _linestats.PageWords; None from the Python path)."""
    if _TABLES is not None:
        return _own_features_compiled(page, out, keep_words)
    return _own_features_python(page, out), None


def _zeros_or(out: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros((n, len(OWN_FEATURES)), dtype=np.float32) if out is None else out


def _own_features_python(page: Page, out: np.ndarray | None = None) -> np.ndarray:
    """The reference implementation of own_features (the kernel must match it exactly)."""
    lines = page.lines
    n = len(lines)
    X = _zeros_or(out, n)
    if n == 0:
        return X
    texts = [ln.text for ln in lines]
    stop = stopwords()
    joined = "\n".join(texts)
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    lowered = joined.lower()
    lower = lowered.split("\n")
    lower_starts = starts
    if len(lowered) != len(joined):  # lower-casing changed some lengths (e.g. "İ")
        lower_starts = list(accumulate((len(t) + 1 for t in lower[:-1]), initial=0))
    tokens = [_WORD.findall(t) for t in lower]

    chars = np.array([len(t) for t in texts], dtype=np.float32)
    nwords = np.array([len(ws) for ws in tokens], dtype=np.float32)
    is_stop = stop.__contains__
    nstop = np.array([sum(map(is_stop, ws)) for ws in tokens], dtype=np.float32)
    word_chars = np.array([sum(map(len, ws)) for ws in tokens], dtype=np.float32)
    commas = np.array([t.count(",") for t in texts], dtype=np.float32)
    classes = _char_classes(joined, starts)
    _shape_columns(X, chars, nwords, nstop, word_chars, commas, *classes)
    c = _COL
    X[:, c["end_punct"]] = [t[-1] in _END_PUNCT for t in texts]
    X[:, c["end_ellipsis"]] = [t.endswith("...") or t.endswith("…") for t in texts]
    X[:, c["end_alnum"]] = [t[-1].isalnum() for t in texts]
    X[:, c["sentences"]] = np.log1p([t.count(". ") + t.count("? ") + t.count("! ") for t in texts])
    X[:, c["starts_quote"]] = [t[0] in _OPEN_QUOTES for t in texts]
    bullets = np.zeros(n)
    for i in _lines_containing(lowered, lower_starts, _BULLET_CHARS):
        bullets[i] = len(_BULLETS.findall(texts[i]))
    X[:, c["bullets"]] = np.log1p(bullets)
    first_cue = c[f"cue_{_CUE_NAMES[0]}"]
    cues = _cue_counts(joined, starts, texts, (lowered, lower_starts), tokens)
    X[:, first_cue : first_cue + len(_CUE_NAMES)] = np.log1p(cues)
    X[:, c["title_sim"]] = _title_similarity(tokens, page.html_title)
    dup = Counter(lower)
    X[:, c["dup_count"]] = np.log1p([dup[t] - 1 for t in lower])
    teaser, has_teaser = _teasers(texts)
    X[:, c["teaser_of_other"]] = teaser
    X[:, c["has_teaser"]] = has_teaser
    X[:, c["same_cut_len"]] = _same_cut(texts)
    fit, content_counts = _topic_fit(tokens, stop)
    X[:, c["topic_fit"]] = fit
    X[:, c["content_words"]] = content_counts
    X[:, c["reader_address"]] = [
        sum(map(_READER.__contains__, ws)) / max(len(ws), 1) for ws in tokens
    ]
    X[:, c["imperative_start"]] = [bool(ws) and ws[0] in _IMPERATIVE for ws in tokens]
    _position_columns(X, page, nwords, chars)
    if page.is_html:
        _dom_features(page, X, chars)
    return X


def _own_features_compiled(
    page: Page, out: np.ndarray | None = None, keep_words: bool = False
) -> tuple[np.ndarray, object | None]:
    """own_features from the integer counts of cleaner._linestats. Each column is made from
    them by the numpy operation, on the same dtype and layout, that _own_features_python
    applies to its own counts (a Python int divided, or log1p of an int64 or float32 array),
    so the floats come out bit for bit the same. Elementwise, so columns that take the same
    operation go through it together: a page is a few hundred lines, and the number of numpy
    calls, not the arithmetic, is what costs."""
    lines = page.lines
    n = len(lines)
    X = _zeros_or(out, n)
    if n == 0:
        return X, None
    texts = [ln.text for ln in lines]
    title = page.html_title
    title_words = frozenset(_WORD.findall(title.lower())) if title else frozenset()
    counts = _kernel.line_stats(texts, _TABLES, title_words, keep_words)
    if counts is None:  # a page the reference fails on (see line_stats): raise its error
        return _own_features_python(page, out), None
    table, cues = counts[:2]
    f32 = table.astype(np.float32)
    rows = np.zeros((_FUSED_COLUMNS, n), dtype=np.float32)  # X[:, :_FUSED_COLUMNS].T
    _count_rows(rows, table, f32)
    k = _COL[f"cue_{_CUE_NAMES[0]}"]
    rows[k : k + len(_CUE_NAMES)] = np.log1p(cues).T
    chars = f32[_PLAN.stat["chars"]]
    _position_columns(rows.T, page, f32[_PLAN.stat["words"]], chars)
    X[:, :_FUSED_COLUMNS] = rows.T
    if page.is_html:
        _dom_features(page, X, chars)
    return X, counts[2] if keep_words else None


def _count_rows(rows: np.ndarray, table: np.ndarray, f32: np.ndarray) -> None:
    """The columns made from the kernel's counts (`table`, and as float32 `f32`: one row a
    count), into `rows` (one row an OWN_FEATURES column), a numpy call per kind of operation
    (see _Plan)."""
    plan, s = _PLAN, _PLAN.stat
    rows[plan.log32[0]] = np.log1p(f32[plan.log32[1]])
    safe = np.maximum(f32[plan.safe], 1.0)
    shares = f32[plan.shares[1]] / safe[plan.shares[2]]
    word_len = shares[0]  # avg_word_len: at most 20 characters, in tens
    np.minimum(word_len, 20.0, out=word_len)
    word_len /= 10.0
    rows[plan.shares[0]] = shares
    punct = f32[s["chars"]] - f32[s["letters"]]
    punct -= f32[s["digits"]]
    punct -= f32[s["spaces"]]
    punct /= safe[2]
    rows[_COL["punct_share"]] = np.clip(punct, 0, 1)
    rows[plan.flags[0]] = f32[plan.flags[1]]
    rows[plan.log64[0]] = np.log1p(table[plan.log64[1]])
    # integer counts divided in float64 like the reference's int / int (exact operands, one
    # rounding), 0 where the denominator is, then rounded to float32 as it is
    den = table[plan.ratios[2]]
    ratios = np.zeros(den.shape, dtype=np.float64)
    np.divide(table[plan.ratios[1]], den, out=ratios, where=den > 0)
    rows[plan.ratios[0]] = ratios


def _shape_columns(
    X: np.ndarray,
    chars: np.ndarray,
    nwords: np.ndarray,
    nstop: np.ndarray,
    word_chars: np.ndarray,
    commas: np.ndarray,
    letters: np.ndarray,
    upper: np.ndarray,
    digits: np.ndarray,
    spaces: np.ndarray,
    ncap: np.ndarray,
) -> None:
    """The columns made from per-line counts (float32 arrays) of characters and words."""
    c = _COL
    safe_words = np.maximum(nwords, 1.0)
    X[:, c["chars"]] = np.log1p(chars)
    X[:, c["words"]] = np.log1p(nwords)
    X[:, c["avg_word_len"]] = np.minimum(word_chars / safe_words, 20.0) / 10.0
    X[:, c["stop_density"]] = nstop / safe_words
    X[:, c["stop_count"]] = np.log1p(nstop)
    X[:, c["cap_share"]] = ncap / safe_words
    X[:, c["upper_share"]] = upper / np.maximum(letters, 1.0)
    X[:, c["digit_share"]] = digits / np.maximum(chars, 1.0)
    X[:, c["punct_share"]] = np.clip(
        (chars - letters - digits - spaces) / np.maximum(chars, 1.0), 0, 1
    )
    X[:, c["comma_rate"]] = commas / safe_words


def _position_columns(X: np.ndarray, page: Page, nwords: np.ndarray, chars: np.ndarray) -> None:
    """Where a line sits on the page."""
    n = len(page.lines)
    c = _COL
    idx = np.arange(n, dtype=np.float32)
    X[:, c["pos"]] = idx / max(n - 1, 1)
    long_lines = np.flatnonzero(nwords >= _LONG_LINE_WORDS)
    if len(long_lines):
        first, last = long_lines[0], long_lines[-1]
        X[:, c["before_core"]] = idx < first
        X[:, c["after_core"]] = idx > last
        X[:, c["core_pos"]] = np.clip((idx - first) / max(last - first, 1), -1.0, 2.0)
    X[0, c["first_line"]] = 1.0
    X[:, c["blank_before"]] = [ln.blank_before for ln in page.lines]
    X[:, c["page_lines"]] = np.log1p(n)


@lru_cache(maxsize=8192)
def _dom_row(tag: str, path: str, attrs: str) -> np.ndarray:
    """The tag, zone, depth and class/id columns of a line. Cached: the lines of a page (and of
    a site) share a handful of (tag, path, attrs) combinations."""
    row = np.zeros(len(OWN_FEATURES), dtype=np.float32)
    row[_COL["tag_p"] + _TAG_INDEX.get(tag, len(_TAGS) - 1)] = 1.0
    for k, zone in enumerate(_ZONES):
        if zone in path:
            row[_COL["in_" + _ZONES[0]] + k] = 1.0
    for col in _attr_cue_columns(attrs):
        row[col] = 1.0
    row[_COL["depth"]] = path.count(">") / 6.0
    row.setflags(write=False)
    return row


_ATTR_CUE_COLUMNS = tuple((_COL[name], rx) for name, rx in _ATTR_CUES.items())
_WORD_CUES: dict[str, tuple[int, ...]] = {}
_WORD_CUES_MAX = 16384


def _attr_cue_columns(attrs: str) -> set[int]:
    """Columns of the class/id cues that match `attrs`. Each cue regex is \\b(word alternatives)\\b,
    so it matches the whole string exactly when it matches one of its space-separated words:
    the regexes run once per distinct word (few, and shared across sites), not once per string."""
    cols: set[int] = set()
    for word in attrs.split():
        hits = _WORD_CUES.get(word)
        if hits is None:
            if len(_WORD_CUES) >= _WORD_CUES_MAX:
                _WORD_CUES.clear()
            hits = tuple(col for col, rx in _ATTR_CUE_COLUMNS if rx.search(word))
            _WORD_CUES[word] = hits
        cols.update(hits)
    return cols


def _dom_features(page: Page, X: np.ndarray, chars: np.ndarray) -> None:
    c = _COL
    X[:, c["has_dom"]] = 1.0
    keys, ids = page.dom_index()
    if all(key is None for key in keys):
        return
    # one row per distinct (tag, path, attrs) of the page, then one gather
    table = np.vstack([_NO_DOM_ROW if key is None else _dom_row(*key) for key in keys])
    X += table[ids]
    doms = [ln.dom for ln in page.lines]
    rows = [i for i, d in enumerate(doms) if d is not None]
    links = np.array([doms[i].link_chars for i in rows], dtype=np.float32)
    X[rows, c["link_density"]] = links / np.maximum(chars[rows], 1.0)


_NO_DOM_ROW = np.zeros(len(OWN_FEATURES), dtype=np.float32)


def _window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over `width` lines (zeros beyond the page), same length as input."""
    half = width // 2
    padded = np.concatenate([np.zeros(half + 1), values.astype(np.float64), np.zeros(half)])
    cum = np.cumsum(padded)
    return ((cum[width:] - cum[:-width]) / width).astype(np.float32)


def _window_means(values: np.ndarray, widths: tuple[int, ...]) -> np.ndarray:
    """_window_mean(values, w) for each of the (odd) widths, one row each, from one cumulative
    sum: padding further with zeros adds exact zeros, so every sum is the same float64 that
    _window_mean's own padding gives."""
    n, half = len(values), max(widths) // 2
    padded = np.concatenate([np.zeros(half + 1), values.astype(np.float64), np.zeros(half)])
    cum = np.cumsum(padded)
    widths_ = np.array(widths)
    start = (half - widths_ // 2)[:, None] + np.arange(n)  # _window_mean's cum[:-w] at i
    means = (cum[start + widths_[:, None]] - cum[start]) / widths_[:, None]
    return means.astype(np.float32)


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each True element the length of the run of Trues it is in; 0 for False ones."""
    n = len(flags)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    starts = np.flatnonzero(np.concatenate(([True], flags[1:] != flags[:-1])))
    lengths = np.diff(np.append(starts, n))
    return np.repeat(np.where(flags[starts], lengths, 0), lengths).astype(np.float32)


def context_columns(own: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Neighbours' features and run lengths, so pass 1 already sees its surroundings. Written
    into `out` (n x the context columns of LINE_FEATURES) when given: no extra copy."""
    n = own.shape[0]
    if out is None:
        out = np.empty((n, len(LINE_FEATURES) - own.shape[1]), dtype=np.float32)
    j = _neighbour_columns(own, out)
    for part in _context_parts(own):
        out[:, j : j + part.shape[1]] = part
        j += part.shape[1]
    return out


def _neighbour_columns(own: np.ndarray, out: np.ndarray) -> int:
    """The neighbours' columns (-1 beyond the page), written into out's first columns, one
    block an offset; returns how many. The page is padded with -1 rows once, so each block
    is one slice of it."""
    n, k = own.shape[0], len(_NEIGHBOUR_COLS)
    reach = max(map(abs, _NEIGHBOUR_OFFSETS))
    padded = np.full((n + 2 * reach, k), -1.0, dtype=np.float32)
    padded[reach : reach + n] = own[:, _NEIGHBOUR_IDX]
    for j, off in enumerate(_NEIGHBOUR_OFFSETS):
        out[:, j * k : (j + 1) * k] = padded[reach + off : reach + off + n]
    return len(_NEIGHBOUR_OFFSETS) * k


_NEIGHBOUR_IDX = [_COL[name] for name in _NEIGHBOUR_COLS]


def _context_parts(own: np.ndarray) -> list[np.ndarray]:
    """The context columns after the neighbours', a block of them an array, in LINE_FEATURES
    order."""
    words = np.expm1(own[:, _COL["words"]])
    short = words < _SHORT_LINE_WORDS
    run = _run_lengths(short)
    long_ = (words >= _LONG_LINE_WORDS).astype(np.float32)
    window = _window_mean(long_, 7) * 7 - long_
    return [
        np.log1p(run)[:, None],
        window[:, None] / 6.0,
        _stamp_columns(own, words),
        _main_block_columns(words),
    ]


def _main_block_columns(words: np.ndarray) -> np.ndarray:
    """Where a line sits relative to the main block: the run of long lines (no more than
    MAIN_GAP - 1 other lines between two of them) holding the most words. The first and last
    long lines of the page (before_core, after_core) span comment threads and long teaser lists
    too; the main block mostly does not, because their long lines come apart by name, date and
    link lines."""
    n = len(words)
    out = np.zeros((n, 4), dtype=np.float32)
    long_idx = np.flatnonzero(words >= _LONG_LINE_WORDS)
    if not len(long_idx):
        return out
    long_words = words[long_idx].astype(np.float64)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(long_idx) > _MAIN_GAP) + 1))
    mass = np.add.reduceat(long_words, starts)
    best = int(np.argmax(mass))
    end = starts[best + 1] if best + 1 < len(starts) else len(long_idx)
    first, last = int(long_idx[starts[best]]), int(long_idx[end - 1])
    idx = np.arange(n)
    out[:, 0] = (idx >= first) & (idx <= last)
    out[:, 1] = np.log1p(np.maximum(first - idx, 0))
    out[:, 2] = np.log1p(np.maximum(idx - last, 0))
    out[:, 3] = mass[best] / long_words.sum()
    return out


def _stamp_columns(own: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Where a line sits among short date, time or comment lines ("Kate on Oct 23, 1:38 pm",
    "Reply", "Posted by ..."): an article has a few near its top; a comment thread or a dated
    list of other stories has one every few lines, far beyond the reach of the neighbours'
    columns. Counts within STAMP_REACH lines either side (not the line itself), and all above
    and all below."""
    stamp = (
        (words <= _STAMP_MAX_WORDS)
        & ((own[:, _COL["cue_date"]] > 0) | (own[:, _COL["cue_comment"]] > 0))
    ).astype(np.float32)
    width = 2 * _STAMP_REACH + 1
    near = _window_mean(stamp, width) * width - stamp
    above = np.cumsum(stamp) - stamp
    below = stamp.sum() - above - stamp
    return np.column_stack([near / (2 * _STAMP_REACH), np.log1p(above), np.log1p(below)]).astype(
        np.float32
    )


def line_features(page: Page, spare: int = 0) -> np.ndarray:
    """The full pass-1 matrix: own features then context columns (LINE_FEATURES order), and
    `spare` columns of zeros after them, for the model to write its word scores into in
    place (LineModel.pass1_inputs): a page's matrix is copied once, not once a stage."""
    return line_features_and_words(page, spare, keep_words=False)[0]


def line_features_and_words(
    page: Page, spare: int = 0, keep_words: bool = True
) -> tuple[np.ndarray, object | None]:
    """line_features, and with `keep_words` the compiled kernel's split of the lines into
    words (None without the kernel), which the word model then need not redo
    (LexicalScorer.page_columns)."""
    k = len(OWN_FEATURES)
    X = np.zeros((len(page.lines), len(LINE_FEATURES) + spare), dtype=np.float32)
    words = None
    if page.lines:
        own, words = _own_features_and_words(page, X[:, :k], keep_words)
        context_columns(own, X[:, k : len(LINE_FEATURES)])
    return X, words


# --- pass 2 ------------------------------------------------------------------------------------

_PROB_OFFSETS = (-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5)
_BODY_WINDOWS = (5, 11, 21, 41)
_BODY = LABELS.index("body")


_REVISION_OWN = (
    "words", "stop_density", "link_density", "has_dom", "pos", "first_line",
    # the strongest boilerplate cues, so the context pass does not smooth a prompt into the body
    "cue_newsletter", "cue_share", "cue_app", "cue_related", "reader_address", "imperative_start",
    "end_ellipsis", "teaser_of_other", "dup_count",
    "stamps_near", "stamps_above", "stamps_below", "in_main", "main_above", "main_below",
    "main_share",
)  # fmt: skip
_REVISION_COLS = [LINE_FEATURES.index(name) for name in _REVISION_OWN]


def revision_features(X: np.ndarray, probs: np.ndarray, extra: int = 0) -> np.ndarray:
    """Pass-2 inputs: the pass-1 label probabilities of the line and its neighbourhood, window
    averages of the body probability, where the line sits relative to the body mass, and only a
    few shape features of its own. Kept deliberately narrow: pass 2 is there to revise from
    context, not to learn the line again (a wide pass 2 overfits the hand-labelled pages).
    `extra`: columns left (zero) after REVISION_FEATURES for the caller to fill (the DOM-group
    columns, dom_group_columns)."""
    n, k = probs.shape
    out = np.zeros((n, len(REVISION_FEATURES) + extra), dtype=np.float32)  # k == len(LABELS)
    j = len(_REVISION_COLS)
    out[:, :j] = X[:, _REVISION_COLS]
    # the probabilities of the lines around, zeros beyond the page: one strided view of the
    # padded page (line i, offset o -> row i + o), one copy into a block of out
    reach = max(map(abs, _PROB_OFFSETS))
    padded = np.zeros((n + 2 * reach, k), dtype=probs.dtype)
    padded[reach : reach + n] = probs
    width = len(_PROB_OFFSETS) * k
    windows = np.ndarray(
        (n, len(_PROB_OFFSETS), k),
        dtype=padded.dtype,
        buffer=padded,
        offset=(reach + _PROB_OFFSETS[0]) * padded.strides[0],
        strides=(padded.strides[0], padded.strides[0], padded.strides[1]),
    )
    out[:, j : j + width].reshape(n, len(_PROB_OFFSETS), k)[...] = windows
    j += width
    body = probs[:, _BODY]
    out[:, j : j + len(_BODY_WINDOWS)] = _window_means(body, _BODY_WINDOWS).T
    j += len(_BODY_WINDOWS)
    cum = np.cumsum(body)
    total = max(float(cum[-1]), 1e-6) if n else 1.0
    out[:, j] = (cum - body) / total
    out[:, j + 1] = 1.0 - cum / total
    return out


REVISION_FEATURES: tuple[str, ...] = (
    *_REVISION_OWN,
    *(f"p{o:+d}_{lab}" for o in _PROB_OFFSETS for lab in LABELS),
    "body_w5",
    "body_w11",
    "body_w21",
    "body_w41",
    "body_mass_before",
    "body_mass_after",
)


# --- pass 2, HTML: the line's DOM group ------------------------------------------------------

DOM_GROUPINGS: dict[str, Callable[[DomKey], Hashable]] = {
    # the DomKey without the line's own tag: the container it sits in (path and its words)
    "path_attrs": itemgetter(1, 2),
    # the tag path alone: coarser (sidebars and article often share one)
    "path": itemgetter(1),
    # the path without the line's own tag: a <p> and the <h2> beside it in one group
    "parent": lambda key: key[1].rpartition(">")[0],
}
"""How a line's DomKey (tag, path, attrs) maps to its DOM group, by name (itemgetter where it
can: a third of a Python loop's time)."""
_DOM_GROUP_STATS = ("body", "boiler", "words", "share")
_BOILER = LABELS.index("boilerplate")
_WORDS_COL = LINE_FEATURES.index("words")  # holds log1p(words)


def dom_group_names(groupings: tuple[str, ...]) -> tuple[str, ...]:
    """The names of dom_group_columns' columns for these groupings, in order."""
    return tuple(f"dom_{g}_{stat}" for g in groupings for stat in _DOM_GROUP_STATS)


def dom_group_columns(
    dom_index: tuple[list, list[int]],
    X: np.ndarray,
    probs: np.ndarray,
    groupings: tuple[str, ...],
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Per grouping, four columns a line, from the OTHER lines of the page in the line's DOM
    group (the line itself left out): the word-weighted mean of their pass-1 body and
    boilerplate probabilities, log1p of their words, and the group's share of the page's words
    (the line included). A line with no other worded line in its group (alone, or without DOM
    hints: each such line is a group of its own) gets the page's word-weighted means over its
    other lines instead (what is known of it without a group) and 0 words. Numpy over the
    page's distinct keys (Page.dom_index), no loop over lines."""
    keys, ids = dom_index
    n = len(ids)
    if out is None:
        out = np.zeros((n, 4 * len(groupings)), dtype=np.float32)
    if n == 0:
        return out
    key_ids = np.asarray(ids, dtype=np.intp)
    w = np.rint(np.expm1(X[:, _WORDS_COL].astype(np.float64)))
    wb = w * probs[:, _BODY]
    wx = w * probs[:, _BOILER]
    total, total_b, total_x = w.sum(), wb.sum(), wx.sum()
    rest = total - w
    some = rest >= 0.5
    rest_safe = np.where(some, rest, 1.0)
    # the neutral value: the rest of the page (the line's own scores on a one-line page)
    page_b = np.where(some, (total_b - wb) / rest_safe, probs[:, _BODY])
    page_x = np.where(some, (total_x - wx) / rest_safe, probs[:, _BOILER])
    for j, name in enumerate(groupings):
        group_of_key = DOM_GROUPINGS[name]
        group_of: dict = {}
        numbered = group_of.setdefault
        gid_of_key = np.array(
            [-1 if key is None else numbered(group_of_key(key), len(group_of)) for key in keys],
            dtype=np.intp,
        )
        gid = gid_of_key[key_ids]
        dom = gid >= 0
        g = len(group_of)
        gsafe = np.where(dom, gid, g)  # the lines without hints in one bin, never read
        W = np.bincount(gsafe, w, g + 1)
        w_o = W[gsafe] - w
        b_o = np.bincount(gsafe, wb, g + 1)[gsafe] - wb
        x_o = np.bincount(gsafe, wx, g + 1)[gsafe] - wx
        has = dom & (w_o >= 0.5)
        w_safe = np.where(has, w_o, 1.0)
        c = 4 * j
        out[:, c] = np.where(has, b_o / w_safe, page_b)
        out[:, c + 1] = np.where(has, x_o / w_safe, page_x)
        out[:, c + 2] = np.log1p(np.where(has, w_o, 0.0))
        out[:, c + 3] = np.where(dom, W[gsafe], w) / max(total, 1.0)
    return out


def pass2_inputs(
    X: np.ndarray, probs: np.ndarray, dom_index: tuple | None, groupings: tuple[str, ...]
) -> np.ndarray:
    """A page's pass-2 inputs: revision_features, then each DOM grouping's columns when the
    model's pass 2 reads any (`dom_index`: Page.dom_index(), needed only then). The one
    builder for training and LineModel.predict, so both give the networks the same columns."""
    if not groupings:
        return revision_features(X, probs)
    if dom_index is None:
        raise ValueError("pass 2 reads DOM groups: the page's dom_index is needed")
    R = revision_features(X, probs, 4 * len(groupings))
    dom_group_columns(dom_index, X, probs, groupings, R[:, len(REVISION_FEATURES) :])
    return R
