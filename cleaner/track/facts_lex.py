"""Word-level tools the fact comparison shares: tokens with offsets, sentences, light stems,
capitalised-name detection and the alias table that keeps "Washington" = "the U.S." from being
reported as a changed entity. Pure functions, precompiled patterns, no NLP models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# A word: letters/digits joined by inner hyphens, apostrophes, dots or ampersands ("U.S", "Japan’s",
# "Sakhalin-2", "AT&T").
_TOKEN = re.compile(r"\w+(?:[-'’.&]\w+)*")


class Token(NamedTuple):
    """One word of a text; `key` is its comparison form, `stem` its looser content form."""

    start: int
    end: int
    text: str
    key: str
    stem: str
    cap: bool  # looks like part of a name (capitalised, not a sentence-initial common word)


STOP: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just least less let may me might more most much must my myself no nor not now
    of off on once only or other our ours ourselves out over own same shall she should so some
    such than that the their theirs them themselves then there these they this those through to
    too under until up upon very via was we were what when where whether which while who whom
    whose why will with within without would yet you your yours yourself also already still even
    though although however since among amid per its it's said says say told tells added adds
    according asked noted statement one another other new last next week month year years
    annum annual annually yearly
    currently recently this that those there""".split()
)
"""Function words and reporting verbs: they carry no claim, so they are left out of the
'does the rewrite still carry this clause?' test."""

# Capitalised words that start sentences without being names, plus titles that precede names.
_COMMON_CAPS = STOP | frozenset(
    """while despite although though after before during since until unless when where with
    without both each every many most much several some such this these those there here
    however meanwhile currently officials analysts sources industry investors experts critics
    yesterday today tomorrow earlier later last next first second third one two three
    four five six seven eight nine ten but and or yet so nor for in on at by of from to as
    ahead amid among against along across around beyond instead overall separately still
    currently recently then thus therefore indeed also only even just now once again asked
    reporting editing writing additional related read see more get join follow share""".split()
)
TITLES: frozenset[str] = frozenset(
    """president prime minister chancellor secretary ceo chief executive chairman chairwoman
    chair director governor senator sen rep representative mr mrs ms dr prof professor king
    queen prince princess general gen foreign finance defence defense vice deputy ambassador
    spokesman spokeswoman spokesperson judge justice pope mayor premier emperor sheikh crown
    commissioner attorney lord lady sir dame cfo coo founder analyst economist envoy leader
    trade economy energy interior minority majority speaker whip""".split()
)
MONTHS: frozenset[str] = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
WEEKDAYS: frozenset[str] = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_NAME_LINKS = frozenset({"of", "de", "du", "van", "von", "al", "bin", "la", "le", "del", "da"})

# Countries, their people and their capitals name the same actor in news copy ("Washington",
# "the U.S.", "American"). Keys are lower-case, dots removed.
_ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("usa", "us", "u.s", "america", "american", "americans", "washington", "united states"),
    ("japan", "japanese", "tokyo"),
    ("china", "chinese", "beijing", "prc"),
    ("russia", "russian", "russians", "moscow", "kremlin"),
    ("uk", "britain", "british", "london", "united kingdom", "great britain"),
    ("eu", "european union", "brussels"),
    ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev"),
    ("south korea", "korea", "korean", "seoul", "south korean"),
    ("north korea", "pyongyang", "north korean"),
    ("india", "indian", "new delhi", "delhi"),
    ("france", "french", "paris", "elysee"),
    ("germany", "german", "berlin"),
    ("israel", "israeli", "jerusalem"),
    ("iran", "iranian", "tehran"),
    ("taiwan", "taiwanese", "taipei"),
    ("australia", "australian", "canberra"),
    ("canada", "canadian", "ottawa"),
    ("mexico", "mexican"),
    ("brazil", "brazilian", "brasilia"),
    ("saudi arabia", "saudi", "riyadh"),
    ("turkey", "turkish", "ankara", "turkiye"),
    ("italy", "italian", "rome"),
    ("spain", "spanish", "madrid"),
    ("finland", "finnish", "helsinki"),
    ("sweden", "swedish", "stockholm"),
    ("norway", "norwegian", "oslo"),
    ("denmark", "danish", "copenhagen"),
    ("estonia", "estonian", "tallinn"),
    ("poland", "polish", "warsaw"),
    ("netherlands", "dutch", "amsterdam", "the hague"),
    ("egypt", "egyptian", "cairo"),
    ("vietnam", "vietnamese", "hanoi"),
    ("indonesia", "indonesian", "jakarta"),
    ("pakistan", "pakistani", "islamabad"),
    ("syria", "syrian", "damascus"),
    ("un", "united nations"),
    ("nato", "north atlantic treaty organization"),
    ("imf", "international monetary fund"),
)
ALIAS: dict[str, int] = {name: i for i, group in enumerate(_ALIAS_GROUPS) for name in group}

_SENT_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s)|\n")
# Abbreviations after which a full stop does not end the sentence even before a capital.
_NO_BREAK = frozenset(
    """us uk un eu mr mrs ms dr prof gen gov sen rep st lt col capt sgt jan feb mar apr jun
    jul aug sep sept oct nov dec no vs approx""".split()
)
_LAST_WORD = re.compile(r"(\w+(?:\.\w+)*)\.$")


def key_of(word: str) -> str:
    """Comparison form of a word: lower case, curly apostrophe straightened, dots dropped,
    possessive removed ("Japan’s" -> "japan", "U.S." -> "usa")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if w in ("u.s", "u.s.", "us") and word[:1].isupper():
        return "usa"
    return w.replace(".", "")


def stem_of(key: str) -> str:
    """A deliberately crude stem (first five letters) so "imports"/"importing", "supply"/
    "supplies" and "dominance"/"dominates" meet; good enough for overlap tests, not for display."""
    return key[:5] if len(key) > 5 else key


def tokens(text: str) -> list[Token]:
    """Tokens of `text` with offsets; `cap` marks probable name words."""
    out: list[Token] = []
    sentence_start = True
    prev = ""
    pos = 0
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        gap = text[pos:s]
        if gap != " " and ("\n" in gap or (_TERMINAL.search(gap) and not _abbreviation(prev, gap))):
            sentence_start = True
        w = m.group()
        k, stem = _key_stem(w)
        cap = w[:1].isupper()
        if cap and (k in TITLES or k in MONTHS or k in WEEKDAYS):
            cap = False
        elif cap and sentence_start and k in _COMMON_CAPS:
            cap = False
        out.append(Token(s, e, w, k, stem, cap))
        sentence_start = False
        prev, pos = w, e
    return out


_TERMINAL = re.compile(r"[.!?]")


@lru_cache(maxsize=1 << 16)
def _key_stem(word: str) -> tuple[str, str]:
    k = key_of(word)
    return k, stem_of(k)


def _abbreviation(prev: str, gap: str) -> bool:
    """Is the full stop in `gap` the end of an abbreviation or initial rather than a sentence?"""
    if not gap.startswith(".") or "!" in gap or "?" in gap:
        return False
    raw = prev.lower().replace(".", "")
    return raw in _NO_BREAK or (len(prev) == 1 and prev.isupper())


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of text[start:end], trimmed of surrounding space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _SENT_END.finditer(text, start, end):
        if m.group() != "\n":
            nxt = text[m.end() : m.end() + 4].lstrip()
            if nxt and nxt[0].islower():
                continue
            if m.group()[0] == ".":
                word = _LAST_WORD.search(text, max(cur, m.start() - 12), m.start() + 1)
                if word is not None and _abbreviation(word.group(1), "."):
                    continue
        _push(text, cur, m.end(), spans)
        cur = m.end()
    _push(text, cur, end, spans)
    return spans


def _push(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def content_stems(toks: list[Token], skip: list[tuple[int, int]] = ()) -> set[str]:
    """Stems of the claim-bearing words: no stop words, no numbers, nothing inside `skip` spans."""
    out = set()
    for t in toks:
        if t.key in STOP or t.key[:1].isdigit() or len(t.key) < 2:
            continue
        if skip and any(s <= t.start < e for s, e in skip):
            continue
        out.add(t.stem)
    return out


def name_runs(toks: list[Token]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of consecutive name tokens ("Nobuo Tanaka", "Bank of Japan"), titles
    and sentence-initial common words already excluded by `tokens`."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(toks)
    while i < n:
        if not toks[i].cap:
            i += 1
            continue
        j = i + 1
        while j < n:
            if toks[j].cap and toks[j].start - toks[j - 1].end <= 1:
                j += 1
            elif (
                toks[j].key in _NAME_LINKS
                and j + 1 < n
                and toks[j + 1].cap
                and toks[j + 1].start - toks[j].end <= 1
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def same_name(a: str, b: str) -> bool:
    """Do two names denote the same actor? Equal, one contains the other's words ("Tanaka" /
    "Nobuo Tanaka"), aliases ("Washington" / "U.S."), or an acronym of the other ("APEC")."""
    ka = [key_of(w) for w in _TOKEN.findall(a)]
    kb = [key_of(w) for w in _TOKEN.findall(b)]
    ka = [k for k in ka if k not in TITLES and k != "the"]
    kb = [k for k in kb if k not in TITLES and k != "the"]
    if not ka or not kb:
        return False
    if set(ka) <= set(kb) or set(kb) <= set(ka):
        return True
    ja, jb = " ".join(ka), " ".join(kb)
    ga = ALIAS.get(ja, ALIAS.get(ka[-1]))
    gb = ALIAS.get(jb, ALIAS.get(kb[-1]))
    if ga is not None and ga == gb:
        return True
    return _acronym(ka, jb) or _acronym(kb, ja)


def _acronym(words: list[str], acr: str) -> bool:
    parts = [p for w in words for p in re.split(r"[-&]", w) if p and p not in _NAME_LINKS]
    return len(parts) >= 2 and "".join(p[0] for p in parts) == acr.replace(" ", "")
