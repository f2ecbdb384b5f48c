"""Which facts changed between a rewrite and the wire copy it was aligned to.

Public API: `Discrepancy`, `KINDS`, `Facts`, `extract_facts`, `compare_pair`, `compare_article`.

Kinds and the rule behind each (all rules aim to say nothing about an untouched or lightly
reworded sentence; equivalent forms such as "8%" / "eight percent", "US$550 billion" /
"$550 billion", "metric tons" / "tonnes", "over" / "more than", "Tuesday" / "October 28" are
normalised before comparing):

- number-changed: a wire number and a rewrite number of the same kind (percent, money, unit,
  year, count) measure the same thing (shared clause words) but differ beyond the rewrite's own
  rounding; or several wire numbers were summed into one ("4% and 1%" -> "5% combined"); or a
  date resolves to a different day (weekdays resolved against the publication dates).
- number-dropped: a wire number written in digits (or a percent/money/scale) is missing while
  the rewrite keeps at least half of the content words of that number's clause.
- hedge-dropped: a number keeps its value but loses its hedge ("up to 5.5 million" -> "5.5
  million") or flips bound ("up to" -> "more than"); or a modal hedge ("could", "aim to",
  "would consider", "preliminary" ...) vanishes from the rewrite sentence that keeps two thirds
  of the words it governed, with no hedge of any kind left in that sentence.
- quote-altered: a rewrite quote is not a word-for-word part of any wire quote but shares at
  least half its content words with one, or is attributed to a speaker the wire quotes.
- quote-added: a rewrite quote matching no wire quote (short scare-quoted terms that the wire
  uses unquoted are ignored).
- attribution-dropped: a wire attribution ("according to X", "X said") whose sentence the
  rewrite carries (40% of content words) with no attribution to a matching source and no
  mention of the source.
- attribution-changed: as above, but the rewrite credits a different source; or a quote the
  wire gives to one speaker is given to another. The same words up to case, quote style,
  spacing, punctuation and a leading 'the' are the same source (`facts_quotes.same_source`).
- entity-changed: one name replaces another in otherwise matching word sequences (aliases such
  as "Washington"/"U.S.", surnames and acronyms excepted). Omitted names are never flagged.
- claim-added: a rewrite number (digits, percent, money or scale) that neither its aligned wire
  span nor any other part of the wire supports; in `compare_article` also numbers and named
  attributions in rewrite sentences that no pair covers and that the wire nowhere supports.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache

from cleaner.track.facts_compare import compare_sides
from cleaner.track.facts_lex import content_stems
from cleaner.track.facts_model import KINDS, Discrepancy, Facts, Side, extract_facts
from cleaner.track.facts_numbers import Number, same_unit, same_value
from cleaner.track.facts_quote_judge import judge_quotes, wire_pool
from cleaner.track.facts_quotes import is_pronoun, quote_keys, same_source, source_keys

__all__ = ["KINDS", "Discrepancy", "Facts", "compare_article", "compare_pair", "extract_facts"]

Pair = tuple[int, int, int, int]


def compare_pair(
    rewrite: str,
    wire: str,
    *,
    rewrite_date: dt.date | None = None,
    wire_date: dt.date | None = None,
) -> list[Discrepancy]:
    """Facts that changed between a rewrite span and the wire span it was aligned to (each one
    or a few sentences). Offsets index the two strings given. Quotes are judged against the
    wire span's quotes only; `compare_article` judges them against the whole wire."""
    if not isinstance(rewrite, str) or not isinstance(wire, str):
        raise TypeError("compare_pair needs the rewrite and wire texts as str")
    if rewrite == wire:
        return []  # nothing can have changed
    rf, wf = _facts_cached(rewrite), _facts_cached(wire)
    r, w = Side(rf, [(0, len(rewrite))]), Side(wf, [(0, len(wire))])
    found = compare_sides(r, w, _day(rewrite_date), _day(wire_date), quotes=True)
    return _finish(found)


def compare_article(
    rewrite: str,
    wire: str,
    pairs: Sequence[Pair],
    *,
    rewrite_date: dt.date | None = None,
    wire_date: dt.date | None = None,
) -> list[Discrepancy]:
    """Article level: `pairs` are aligned spans (rewrite_start, rewrite_end, wire_start,
    wire_end). Pairs that share rewrite or wire text are compared as one group (a sentence
    split in two, two merged into one). Every rewrite quote is then judged against every wire
    quote (quote-added / quote-altered / attribution-changed), and rewrite sentences no pair
    covers are checked for claims the wire nowhere supports. Deduplicated; sorted by
    rewrite_start, then kind."""
    if not isinstance(rewrite, str) or not isinstance(wire, str):
        raise TypeError("compare_article needs the rewrite and wire texts as str")
    groups = _groups(_checked(pairs, len(rewrite), len(wire)))
    rdate, wdate = _day(rewrite_date), _day(wire_date)
    rf, wf = extract_facts(rewrite), extract_facts(wire)

    def supported(n: Number) -> bool:
        return any(same_unit(n, x) and same_value(n, x) for x in wf.numbers)

    found: list[Discrepancy] = []
    for r_ranges, w_ranges in groups:
        found += compare_sides(
            Side(rf, r_ranges), Side(wf, w_ranges), rdate, wdate, quotes=False, supported=supported
        )
    whole = Side(wf, [(0, len(wire))])
    narrative = " " + " ".join(quote_keys(wire)) + " "
    pool = wire_pool(wf.quotes)
    # Prefer the wire quotes of the group the rewrite quote is aligned in.
    local = [{x.start for x in wf.within("quotes", wr)} for _, wr in groups]
    group_at = _Locator([rr for rr, _ in groups])
    for q in rf.quotes:
        g = group_at(q.start)
        found += judge_quotes(
            [q], wf.quotes, whole, narrative, set() if g is None else local[g], pool=pool
        )
    found += _uncovered_claims(rf, wf, group_at, supported)
    return _finish(found)


class _Locator:
    """Which of several sets of disjoint ranges (the groups' rewrite ranges, which never
    overlap across groups) holds an offset, by bisection: an article with thousands of quotes
    and sentences must not scan every group for each."""

    def __init__(self, range_sets: list[list[tuple[int, int]]]) -> None:
        bounds = sorted((s, e, i) for i, rs in enumerate(range_sets) for s, e in rs)
        self.starts = [b[0] for b in bounds]
        self.bounds = bounds
        merged = _merge([(s, e) for s, e, _ in bounds])
        self.covered, self.covered_ends = merged, [e for _, e in merged]

    def __call__(self, pos: int) -> int | None:
        """The index of the range set holding `pos`, or None."""
        k = bisect.bisect_right(self.starts, pos) - 1
        return self.bounds[k][2] if k >= 0 and pos < self.bounds[k][1] else None

    def overlaps(self, s: int, e: int) -> bool:
        """Does [s, e) share text with any range?"""
        k = bisect.bisect_right(self.covered_ends, s)
        return k < len(self.covered) and self.covered[k][0] < e


@lru_cache(maxsize=4096)
def _facts_cached(text: str) -> Facts:
    """Wire sentences recur across many rewrites; facts are never mutated, so share them."""
    return extract_facts(text)


def _uncovered_claims(
    rf: Facts, wf: Facts, covered: _Locator, supported: Callable[[Number], bool]
) -> list[Discrepancy]:
    """claim-added for rewrite sentences outside every pair: each salient number the wire
    never states, and each named attribution to a source the wire never mentions."""
    wire_stems = content_stems(wf.tokens)
    out = []
    for s, e in rf.sentences:
        if covered.overlaps(s, e):
            continue
        for n in rf.within("numbers", [(s, e)]):
            if n.salient and not supported(n):
                ns, ne = n.span  # the claim as written, hedge included ("about 20 minutes")
                out.append(
                    Discrepancy(
                        "claim-added",
                        rf.text[ns:ne],
                        "",
                        f"'{rf.text[ns:ne]}' is in no aligned span and not in the wire",
                        ns,
                        ne,
                    )
                )
        for a in rf.within("attributions", [(s, e)]):
            if is_pronoun(a.source):
                continue
            if any(same_source(a.source, x.source) for x in wf.attributions):
                continue
            keys = source_keys(a.source)
            if keys and keys <= wire_stems:
                continue
            out.append(
                Discrepancy(
                    "claim-added",
                    rf.text[a.start : a.end],
                    "",
                    f"attributed to '{a.source}', whom the wire never cites",
                    a.start,
                    a.end,
                )
            )
    return out


def _checked(pairs: Sequence[Pair], n_rewrite: int, n_wire: int) -> list[Pair]:
    out = []
    for i, p in enumerate(pairs):
        try:
            rs, re_, ws, we = (int(x) for x in p)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"pair {i} {p!r} is not four offsets") from exc
        if not (0 <= rs <= re_ <= n_rewrite and 0 <= ws <= we <= n_wire):
            raise ValueError(
                f"pair {i} {p!r} lies outside the texts (rewrite has {n_rewrite} chars, "
                f"wire {n_wire})"
            )
        if re_ > rs and we > ws:
            out.append((rs, re_, ws, we))
    return out


def _groups(pairs: list[Pair]) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Pairs joined when they share rewrite or wire text; each group as merged ranges."""
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for side in ((0, 1), (2, 3)):
        order = sorted(range(len(pairs)), key=lambda i: (pairs[i][side[0]], pairs[i][side[1]]))
        reach, last = -1, -1
        for i in order:
            s, e = pairs[i][side[0]], pairs[i][side[1]]
            if last >= 0 and s < reach:
                parent[find(i)] = find(last)
            if e > reach:
                reach, last = e, i
    members: dict[int, list[Pair]] = {}
    for i, p in enumerate(pairs):
        members.setdefault(find(i), []).append(p)
    groups = [
        (_merge([(p[0], p[1]) for p in ps]), _merge([(p[2], p[3]) for p in ps]))
        for ps in members.values()
    ]
    return sorted(groups)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _day(d: dt.date | str | None) -> dt.date | None:
    if d is None:
        return None
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d)[:10])


def _finish(found: list[Discrepancy]) -> list[Discrepancy]:
    """Deduplicate; drop an entity change that is really a changed attribution; sort."""
    attr = [(d.rewrite_start, d.rewrite_end) for d in found if d.kind == "attribution-changed"]
    seen, out = set(), []
    for d in found:
        if d.kind == "entity-changed" and any(
            s is not None and s < d.rewrite_end and d.rewrite_start < e for s, e in attr
        ):
            continue
        key = (d.kind, d.rewrite_start, d.rewrite_end, d.wire_start, d.wire_end)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    out.sort(
        key=lambda d: (
            -1 if d.rewrite_start is None else d.rewrite_start,
            d.kind,
            -1 if d.wire_start is None else d.wire_start,
            d.detail,
        )
    )
    return out
