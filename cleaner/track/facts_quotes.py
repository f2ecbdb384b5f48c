"""Direct quotes, who said them, and attributions ("according to X", "X said", "said X").

Quote marks: curly “ ”, straight " ", and single ‘ ’ / ' ' (UK style). A single mark counts as
an opening only at the start of a word and as a closing only at the end of one, so the apostrophes
in "Japan’s" or "don’t" never open or close a quote. Attributions are found outside quotes only,
so "The U.S. said ..." inside Tanaka's quote is not an attribution of the article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from cleaner.track.facts_lex import ALIAS, STOP, TITLES, key_of, same_name, stem_of

_WORD = re.compile(r"\w+(?:[-'’.&]\w+)*")
_SAY = re.compile(
    r"\b(said|says|say|told|tells|tell|added|adds|asked|asks|noted|notes|note|stated|states|"
    r"wrote|writes|explained|explains|argued|argues|warned|warns|stressed|stresses|insisted|"
    r"insists|declared|remarked|commented|continued|tweeted|posted|announced|announces|"
    r"acknowledged|admitted|admits|observed|recalled|replied|responded|claimed|claims|"
    r"confirmed|confirms|predicted|cautioned|emphasi[sz]ed|suggested|suggests|suggest|reported|"
    r"estimated|estimates|believes|believe)\b"
)
# Verbs that also have non-saying uses ("have added urgency", "posted a loss") count only when
# what follows looks like the end of an attribution.
_WEAK = frozenset(
    "added adds posted reported estimated estimates announced announces "
    "confirmed confirms claimed claims continued believe believes".split()
)
_WEAK_OK = re.compile(r"\s*(?:[,.;:!?”\"]|that\b|in\s+an?\s+\w*\s*statement|$)")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
_DELIMS = ',;:.!?\n“”"()[]—–'
_CLAUSE_WORDS = frozenset(
    "that and but while as because which who where when if after before since although "
    "though whereas so".split()
)
_AUX = frozenset(
    "has have had was were is are also later previously earlier then reportedly would will "
    "recently repeatedly once again has't".split()
)
_NP_AFTER_STOP = frozenset(
    "and who which that in on at as after before when while adding referring speaking during "
    "to from".split()
)
PRONOUNS = frozenset("he she it they we i you this that".split())
_ANON = frozenset(
    "source sources person people insider insiders familiar official officials aide aides "
    "diplomat diplomats spokesperson spokesman spokeswoman analyst analysts observers".split()
)
_OPEN_SINGLE = "‘'"
_BEFORE_OPEN = set(' \t\n([{“"—–-/')


@dataclass(slots=True)
class Quote:
    """Quoted words: `start`/`end` bound the words inside the marks; `speaker` is who says them
    when the text tells ('' when it does not)."""

    text: str
    start: int
    end: int
    open_at: int  # offset of the opening mark
    close_at: int  # offset just past the closing mark (= end when unclosed)
    speaker: str = ""
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(slots=True)
class Attribution:
    """'according to Eurasia Group', 'the White House said', 'said Nobuo Tanaka'."""

    source: str
    start: int  # the whole phrase
    end: int
    source_start: int
    source_end: int
    verb: str


def extract_quotes(text: str) -> list[Quote]:
    """All quotes, in order. Doubles first; singles only outside them (a UK single-quoted
    passage may still hold a double-quoted one)."""
    if not _ANY_MARK.search(text):
        return []
    quotes: list[Quote] = []
    line_start = 0
    for line in text.split("\n"):
        if _ANY_MARK.search(line):
            quotes.extend(_quotes_in_line(text, line_start, line_start + len(line)))
        line_start += len(line) + 1
    return quotes


_ANY_MARK = re.compile(r"[“\"‘]|(?:^|(?<=[\s(\[{“\"—–/-]))'(?=\w)")
_DOUBLE = re.compile(r"[“\"]")
_SINGLE = re.compile(r"[‘']")


def _quotes_in_line(text: str, ls: int, le: int) -> list[Quote]:
    found: list[Quote] = []
    pos = ls
    # Curly and straight double quotes, left to right.
    for m in _DOUBLE.finditer(text, ls, le):
        i = m.start()
        if i < pos:
            continue
        c = text[i]
        if c == '"' and i > ls and text[i - 1] not in _BEFORE_OPEN:
            continue
        if c == "“":
            j = text.find("”", i + 1, le)
            k = text.find("“", i + 1, le)
            if k != -1 and (j == -1 or k < j):  # opened again before closing: runs on
                j, end = -1, k
            else:
                end = j if j != -1 else le
        else:
            j = text.find('"', i + 1, le)
            end = j if j != -1 else le
        _add(found, text, i, end, end + 1 if j != -1 else end)
        pos = end + 1 if j != -1 else end
    taken = [(q.open_at, q.close_at) for q in found]
    pos = ls
    for m in _SINGLE.finditer(text, ls, le):
        i = m.start()
        if i < pos or any(s <= i < e for s, e in taken):
            continue
        if (i == ls or text[i - 1] in _BEFORE_OPEN) and i + 1 < le and text[i + 1].isalnum():
            j = _single_close(text, i, le, "’" if text[i] == "‘" else "'")
            if j != -1:
                _add(found, text, i, j, j + 1)
                pos = j + 1
    found.sort(key=lambda q: q.open_at)
    return found


def _single_close(text: str, i: int, le: int, mark: str) -> int:
    """The closing single mark for an opening at `i`: at the end of a word, not a possessive
    ("leaders’ talks") unless nothing better follows; -1 when there is none within 400 chars."""
    limit = min(le, i + 400)
    candidates = []
    j = text.find(mark, i + 2, limit)
    while j != -1:
        if not text[j - 1].isspace() and (j + 1 >= le or not text[j + 1].isalnum()):
            candidates.append(j)
        j = text.find(mark, j + 1, limit)
    for j in candidates:
        plural_possessive = text[j - 1] in "sS" and j + 1 < le and text[j + 1] == " "
        if not plural_possessive:
            return j
    return candidates[0] if candidates else -1


def _add(found: list[Quote], text: str, open_at: int, end: int, close_at: int) -> None:
    s = open_at + 1
    while s < end and text[s].isspace():
        s += 1
    e = end
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s and _WORD.search(text, s, e):
        found.append(Quote(text[s:e], s, e, open_at, close_at))


def mask_quotes(text: str, quotes: list[Quote]) -> str:
    """`text` with the words inside quotes blanked (offsets kept), marks left in place."""
    if not quotes:
        return text
    parts, pos = [], 0
    for q in quotes:
        if q.start < pos:
            continue
        parts.append(text[pos : q.start])
        parts.append(" " * (q.end - q.start))
        pos = q.end
    parts.append(text[pos:])
    return "".join(parts)


def extract_attributions(text: str, masked: str) -> list[Attribution]:
    """Attributions in `text`, searched in `masked` (quotes blanked) so quoted words never count."""
    out: list[Attribution] = []
    for m in _ACCORDING.finditer(masked):
        np = _np_after(masked, m.end())
        if np:
            out.append(
                Attribution(text[np[0] : np[1]], m.start(), np[1], np[0], np[1], "according to")
            )
    for m in _SAY.finditer(masked):
        before = masked[max(0, m.start() - 3) : m.start()].rstrip()
        if before[-1:] in ("”", '"', "’", "'", ","):
            np = _np_after(masked, m.end())
            if np and (
                masked[np[0]].isupper()
                or masked[np[0] : np[0] + 2] in ("a ", "an")
                or masked[np[0] : np[0] + 4] == "the "
            ):
                out.append(
                    Attribution(text[np[0] : np[1]], m.start(), np[1], np[0], np[1], m.group())
                )
                continue
        if m.group() in _WEAK and not _WEAK_OK.match(masked, m.end()):
            continue
        np = _np_before(masked, m.start())
        if np:
            out.append(Attribution(text[np[0] : np[1]], np[0], m.end(), np[0], np[1], m.group()))
    out.sort(key=lambda a: a.start)
    return out


def _np_after(text: str, pos: int) -> tuple[int, int] | None:
    """The noun phrase starting at `pos`: up to punctuation or a clause word, at most 8 words."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    end = pos
    count = 0
    for m in _WORD.finditer(text, pos, min(len(text), pos + 120)):
        if text[end : m.start()].strip() and (
            not count or any(c in _DELIMS for c in text[end : m.start()])
        ):
            break
        if m.group().lower() in _NP_AFTER_STOP and count:
            break
        end = _abbr_end(text, m)
        count += 1
        if count >= 8:
            break
    if not count or not _contentful(text[pos:end]):
        return None
    return pos, end


def _np_before(text: str, pos: int) -> tuple[int, int] | None:
    """The subject just before a saying verb: back to punctuation or a clause word, auxiliaries
    dropped, at most 7 words (else its trailing capitalised run)."""
    seg_start = max(0, pos - 100)
    for k in range(pos - 1, seg_start - 1, -1):
        if text[k] in _DELIMS and (text[k] != "." or _full_stop(text, k)):
            seg_start = k + 1
            break
    words = list(_WORD.finditer(text, seg_start, pos))
    cut = 0
    for idx, w in enumerate(words):
        if w.group().lower() in _CLAUSE_WORDS:
            cut = idx + 1
    words = words[cut:]
    while words and words[-1].group().lower() in _AUX:
        words.pop()
    if not words:
        return None
    if words[-1].group().lower() in PRONOUNS:
        words = words[-1:]  # "A short time later he said"
    if len(words) > 7:
        run = []
        for w in reversed(words):
            if not w.group()[:1].isupper():
                break
            run.append(w)
        if not run:
            return None
        words = run[::-1]
    s, e = words[0].start(), _abbr_end(text, words[-1])
    return (s, e) if _contentful(text[s:e]) else None


def _abbr_end(text: str, word: re.Match[str]) -> int:
    """End of a word, taking the final dot of an abbreviation ('U.S.') along."""
    e = word.end()
    return e + 1 if "." in word.group() and text[e : e + 1] == "." else e


_WORD_BEFORE = re.compile(r"(\w+)(?:\.\w+)*$")


def _full_stop(text: str, k: int) -> bool:
    """Is the '.' at `k` a sentence end, not the dot of 'U.S.' or 'Mr.'?"""
    if k + 1 < len(text) and not text[k + 1].isspace():
        return False
    word = _WORD_BEFORE.search(text, max(0, k - 12), k)
    if word is None:
        return True
    whole = word.group().replace(".", "").lower()
    return not ("." in word.group() or len(whole) == 1 or whole in _ABBREVIATIONS)


_ABBREVIATIONS = frozenset("mr mrs ms dr prof gen gov sen rep st lt col capt sgt no vs".split())


def _contentful(np: str) -> bool:
    keys = [key_of(w) for w in _WORD.findall(np)]
    return any(k in PRONOUNS or k not in STOP for k in keys) and not (
        len(keys) == 1 and keys[0] in ("the", "a", "an")
    )


def assign_speakers(text: str, quotes: list[Quote], attributions: list[Attribution]) -> None:
    """Give each quote its speaker: an attribution right after the closing mark (', said X',
    'X said') or right before the opening one ('X said: “'); else the previous quote's speaker
    when only that quote's attribution sentence stands between them (a quote that runs on).
    Of several attributions beside a quote the first in `attributions` wins."""
    beside = _Beside(attributions)
    prev: Quote | None = None
    for q in quotes:
        a = beside.speaker(text, q)
        if a is not None:
            q.speaker, q.speaker_start, q.speaker_end = a.source, a.source_start, a.source_end
        if not q.speaker and prev is not None and prev.speaker and _runs_on(text, prev, q):
            q.speaker = prev.speaker
            q.speaker_start, q.speaker_end = prev.speaker_start, prev.speaker_end
        prev = q


_GAP_AFTER = re.compile(r"[ ,.\t]*")  # what may stand between a closing mark and 'said X'
_GAP_BEFORE = frozenset(" ,:\t")  # and between 'X said' and an opening mark


class _Beside:
    """Attributions indexed by where they start and end, so a quote's speaker is looked up
    among the attributions that touch it instead of testing (and slicing the text up to) every
    attribution of the text for every quote: that made a 1 MB text with thousands of quotes
    take minutes."""

    def __init__(self, attributions: list[Attribution]) -> None:
        self.items = attributions
        self.starts = sorted((a.start, i) for i, a in enumerate(attributions))
        self.ends = sorted((a.end, i) for i, a in enumerate(attributions))

    def speaker(self, text: str, q: Quote) -> Attribution | None:
        """The first attribution that starts after the closing mark with only spaces, commas
        or dots between, or ends before the opening mark with only spaces, commas or colons."""
        after = _GAP_AFTER.match(text, q.close_at).end()
        before = q.open_at
        while before > 0 and text[before - 1] in _GAP_BEFORE:
            before -= 1
        hits = _between(self.starts, q.close_at, after) + _between(self.ends, before, q.open_at)
        return self.items[min(hits)] if hits else None


def _between(keyed: list[tuple[int, int]], lo: int, hi: int) -> list[int]:
    """Indices of the (offset, index) pairs whose offset lies in [lo, hi]."""
    i = bisect.bisect_left(keyed, (lo, -1))
    j = bisect.bisect_right(keyed, (hi, len(keyed)))
    return [idx for _, idx in keyed[i:j]]


def _runs_on(text: str, prev: Quote, q: Quote) -> bool:
    """Does `q` continue `prev`: at most 160 characters on the line after `prev` closes (its
    attribution sentence) and nothing but blank lines after that?"""
    nl = text.find("\n", prev.close_at, q.open_at)
    if (q.open_at if nl == -1 else nl) - prev.close_at > 160:
        return False
    return nl == -1 or not text[nl : q.open_at].strip()


# ------------------------------------------------------------------------ comparing sources


def is_pronoun(source: str) -> bool:
    return key_of(source.strip()) in PRONOUNS


def is_anonymous(source: str) -> bool:
    keys = {key_of(w) for w in _WORD.findall(source)}
    return bool(keys & _ANON) and not any(
        w[:1].isupper()
        and key_of(w) not in TITLES
        and key_of(w) not in _ANON
        and key_of(w) not in ("the", "a", "an", "senior", "industry")
        and key_of(w) not in ALIAS
        for w in _WORD.findall(source)
    )


def source_keys(source: str) -> set[str]:
    """The words that identify a source ('the White House' -> {white, house})."""
    return {
        stem_of(k)
        for k in (key_of(w) for w in _WORD.findall(source))
        if k not in STOP
        and k not in TITLES
        and k not in ("data", "statement", "report")
        and len(k) > 1
    }


def wording(source: str) -> tuple[str, ...]:
    """A source's words as compared: case, curly or straight quotes and apostrophes, spacing,
    surrounding punctuation and a leading 'the' do not count. Title-only sources ('the
    president') have no identifying word, so this is how they are told apart or matched."""
    keys = [key_of(w) for w in _WORD.findall(source)]
    return tuple(keys[1:] if keys[:1] == ["the"] else keys)


def same_source(a: str, b: str) -> bool:
    """Could `a` and `b` be the same source? The same wording (see `wording`); pronouns match
    anything; two anonymous sources match; otherwise a shared identifying word or a known
    alias/acronym."""
    if is_pronoun(a) or is_pronoun(b):
        return True
    wa = wording(a)
    if wa and wa == wording(b):
        return True
    if is_anonymous(a) and is_anonymous(b):
        return True
    if source_keys(a) & source_keys(b):
        return True
    return same_name(a, b)


# ------------------------------------------------------------------------ comparing quotes

_ELLIPSIS = re.compile(r"\.\.\.|…|\[[^\]]*\]")
_NUMERIC_FILLER = frozenset({"percent", "per", "cent", "pct"})


def quote_keys(text: str) -> list[str]:
    """Words of a quote as compared: lower case, apostrophes unified, 'percent' ignored."""
    return [k for k in (key_of(w) for w in _WORD.findall(text)) if k not in _NUMERIC_FILLER]


def quote_segments(text: str) -> list[str]:
    """A quote split at ellipses and bracketed insertions, each part as ' joined keys '."""
    return [" " + " ".join(ks) + " " for ks in (quote_keys(p) for p in _ELLIPSIS.split(text)) if ks]


def contained(rq_text: str, pool: list[str]) -> int:
    """Index of the first pooled wire text (' joined keys ') holding every segment of the
    rewrite quote word for word; -1 if none."""
    segs = quote_segments(rq_text)
    if not segs:
        return -1
    for i, joined in enumerate(pool):
        if all(s in joined for s in segs):
            return i
    return -1


def overlap(rq_text: str, wq_text: str) -> float:
    """Share of the rewrite quote's content words found in the wire quote."""
    r = _content(rq_text)
    if not r:
        return 0.0
    return len(r & _content(wq_text)) / len(r)


@lru_cache(maxsize=8192)
def _content(text: str) -> frozenset[str]:
    """A quote's content stems. Cached: each rewrite quote is scored against every quote of its
    wire, so the same texts come back many times."""
    return frozenset(stem_of(k) for k in quote_keys(text) if k not in STOP)
