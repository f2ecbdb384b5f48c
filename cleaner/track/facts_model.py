"""The data of fact comparison: what a text states (`Facts`) and what changed (`Discrepancy`).

`extract_facts` runs once per text; comparisons then pick the facts inside aligned spans by
offset, so an article is parsed once however many pairs it has.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from cleaner.track.facts_lex import Token, content_stems, name_runs, sentences, tokens
from cleaner.track.facts_numbers import DateRef, Number, extract_dates, extract_numbers
from cleaner.track.facts_quotes import (
    Attribution,
    Quote,
    assign_speakers,
    extract_attributions,
    extract_quotes,
    mask_quotes,
)

KINDS: tuple[str, ...] = (
    "number-changed",
    "number-dropped",
    "hedge-dropped",
    "quote-altered",
    "quote-added",
    "attribution-dropped",
    "attribution-changed",
    "entity-changed",
    "claim-added",
)


@dataclass(slots=True)
class Discrepancy:
    """One fact that did not survive the rewrite. Offsets index the strings passed in. For
    dropped kinds `rewrite_text` is '' and the rewrite offsets locate the aligned rewrite span;
    for added kinds `wire_text` is '' and the wire offsets (if any) locate the aligned wire span."""

    kind: str
    rewrite_text: str
    wire_text: str
    detail: str
    rewrite_start: int | None = None
    rewrite_end: int | None = None
    wire_start: int | None = None
    wire_end: int | None = None


# Modality: words that make a statement tentative. A wire hedge counts as dropped only if the
# rewrite sentence carrying its scope has none of `ANY_HEDGE`. Bare "would" (reported speech)
# and "will" are not hedges.
WIRE_HEDGE = re.compile(
    r"\b(could|might|may|would consider|would likely|likely|possibl[ey]|potential(?:ly)?|"
    r"(?:is|are|was|were) expected to|expects? to|aim(?:s|ed)? (?:to|at)|aiming to|"
    r"plan(?:s|ned)? to|planning to|intend(?:s|ed)? to|hop(?:e|es|ed) to|seek(?:s|ing)? to|"
    r"consider(?:s|ed|ing)?|preliminary|tentative(?:ly)?|proposed|reportedly|allegedly|"
    r"purportedly)\b"
)
ANY_HEDGE = re.compile(
    WIRE_HEDGE.pattern
    + r"|\b(?:would|expected|expects?|aims?|aimed|plans?|planned|intend\w*|hope\w*|seek\w*|"
    r"sought|mull\w*|weigh\w*|explor\w*|hint\w*|suggest\w*|bid to|move to|efforts? to|push to|"
    r"designed to|meant to|set to|goal|believed to|appears? to|seems? to|if|unless|"
    r"talks? (?:on|about)|discuss\w*|propos\w*|possib\w*|potential\w*|could|may|might)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Hedge:
    """A hedge as written: 'up to' bound to a number, or a modal word ('could', 'aim to')."""

    text: str
    start: int
    end: int
    kind: str  # "number" | "modal"


@dataclass(slots=True)
class Entity:
    """A capitalised name sequence ("Nobuo Tanaka", "Eurasia Group"), titles left out."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class Facts:
    """Everything `compare_*` looks at in one text, each list sorted by start offset."""

    text: str
    numbers: list[Number]
    dates: list[DateRef]
    hedges: list[Hedge]
    quotes: list[Quote]
    attributions: list[Attribution]
    entities: list[Entity]
    sentences: list[tuple[int, int]]
    tokens: list[Token] = field(repr=False)
    sentence_starts: list[int] = field(default_factory=list, repr=False)
    _starts: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.sentence_starts = [s for s, _ in self.sentences]

    def within(self, name: str, ranges: list[tuple[int, int]]) -> list:
        """The items of list `name` ('tokens', 'numbers', ...) whose start lies in one of
        `ranges`. The start offsets are listed once per text, not per lookup: a long article is
        looked up once per aligned group and per sentence."""
        items = getattr(self, name)
        starts = self._starts.get(name)
        if starts is None:
            starts = self._starts[name] = [x.start for x in items]
        return _inside(items, starts, ranges)


def extract_facts(text: str) -> Facts:
    """Numbers (value, unit, hedge), dates, hedges, quotes with speakers, attributions, names
    and sentences of `text`."""
    if not isinstance(text, str):
        raise TypeError(f"extract_facts needs a str, got {type(text).__name__}")
    dates = extract_dates(text)
    numbers = extract_numbers(text, [(d.start, d.end) for d in dates])
    quotes = extract_quotes(text)
    masked = mask_quotes(text, quotes)
    attributions = extract_attributions(text, masked)
    assign_speakers(text, quotes, attributions)
    hedges = [Hedge(m.group(), m.start(), m.end(), "modal") for m in WIRE_HEDGE.finditer(masked)]
    hedges += [
        Hedge(n.hedge, n.hedge_start, n.hedge_start + len(n.hedge), "number")
        for n in numbers
        if n.hedge and n.hedge_start is not None
    ]
    hedges.sort(key=lambda h: h.start)
    toks = tokens(text)
    entities = [
        Entity(text[toks[i].start : toks[j - 1].end], toks[i].start, toks[j - 1].end)
        for i, j in name_runs(toks)
    ]
    return Facts(
        text, numbers, dates, hedges, quotes, attributions, entities, sentences(text), toks
    )


def _inside(items: list, starts: list[int], ranges: list[tuple[int, int]]) -> list:
    """Items whose start lies in one of `ranges` (items sorted by start; `starts` theirs)."""
    if not items:
        return []
    out = []
    for s, e in ranges:
        out.extend(items[bisect.bisect_left(starts, s) : bisect.bisect_left(starts, e)])
    return out


class Side:
    """One side of a comparison: the facts of a whole text restricted to some spans of it."""

    __slots__ = (
        "facts",
        "ranges",
        "numbers",
        "dates",
        "hedges",
        "quotes",
        "attributions",
        "tokens",
        "stems",
        "text",
        "_sentences",
    )

    def __init__(self, facts: Facts, ranges: list[tuple[int, int]]) -> None:
        self.facts = facts
        self.text = facts.text
        self.ranges = ranges
        self.numbers: list[Number] = facts.within("numbers", ranges)
        self.dates: list[DateRef] = facts.within("dates", ranges)
        self.hedges: list[Hedge] = [h for h in facts.within("hedges", ranges) if h.kind == "modal"]
        self.quotes: list[Quote] = facts.within("quotes", ranges)
        self.attributions: list[Attribution] = facts.within("attributions", ranges)
        self.tokens: list[Token] = facts.within("tokens", ranges)
        self.stems: set[str] = content_stems(self.tokens)
        self._sentences: list[tuple[int, int, set[str]]] | None = None

    def sentences(self) -> list[tuple[int, int, set[str]]]:
        """The side's sentences (clipped to its ranges) with their content stems."""
        if self._sentences is None:
            out = []
            for rs, re_ in self.ranges:
                i = max(0, bisect.bisect_right(self.facts.sentence_starts, rs) - 1)
                for s, e in self.facts.sentences[i:]:
                    if s >= re_:
                        break
                    if e > rs:
                        s, e = max(s, rs), min(e, re_)
                        out.append((s, e, content_stems(self.tokens_between(s, e))))
            self._sentences = out
        return self._sentences

    @property
    def start(self) -> int:
        return self.ranges[0][0]

    @property
    def end(self) -> int:
        return self.ranges[-1][1]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence holding `pos`, clipped to the side's range that holds it."""
        sents = self.facts.sentences
        i = bisect.bisect_right(self.facts.sentence_starts, pos) - 1
        s, e = sents[i] if i >= 0 and sents[i][1] > pos else (pos, pos + 1)
        for rs, re_ in self.ranges:
            if rs <= pos < re_:
                return max(s, rs), min(e, re_)
        return s, e

    def tokens_between(self, s: int, e: int) -> list[Token]:
        return self.facts.within("tokens", [(s, e)])
