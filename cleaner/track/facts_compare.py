"""The rules that turn two sets of facts into discrepancies, one function per fact family.

Every rule is built to stay silent on an untouched or lightly reworded sentence: a wire fact is
only 'dropped' when the rewrite still carries the rest of its clause, a number only 'changed'
when the two numbers measure the same thing (same unit and shared context), an entity only
'changed' when one name takes the place of another in otherwise matching words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable

from cleaner.track.facts_lex import STOP, content_stems, same_name, stem_of
from cleaner.track.facts_model import ANY_HEDGE, Discrepancy, Side
from cleaner.track.facts_numbers import (
    Number,
    dates_agree,
    hedges_conflict,
    same_unit,
    same_value,
    show_date,
)
from cleaner.track.facts_quote_judge import judge_quotes
from cleaner.track.facts_quotes import (
    is_pronoun,
    quote_keys,
    same_source,
    source_keys,
)

_CLAUSE_DELIM = re.compile(r"[;:()]|,\s|\s[–—-]\s|—")
CARRIED_CLAUSE = 0.6  # share of a wire clause's content words the rewrite must keep
CARRIED_SENTENCE = 0.4  # same, for a whole sentence (attributions)
SCOPE_KEPT = 2 / 3  # share of a modal hedge's scope words a rewrite sentence must keep
_HEDGE_REACH = 60  # chars before the kept scope words where a weak rewrite hedge still counts
_WEAK_HEDGE = re.compile(r"would|if|unless|set to")


def compare_sides(
    r: Side,
    w: Side,
    rdate: dt.date | None,
    wdate: dt.date | None,
    *,
    quotes: bool,
    supported: Callable[[Number], bool] | None = None,
) -> list[Discrepancy]:
    """All discrepancies between aligned spans. `quotes=False` leaves quotes to the caller
    (the article-level pass); `supported` says whether an extra rewrite number appears elsewhere
    in the wire, which silences claim-added for it."""
    out = _numbers(r, w, supported)
    out += _dates(r, w, rdate or wdate, wdate or rdate)
    out += _modal_hedges(r, w)
    out += _attributions(r, w)
    out += _entities(r, w)
    if quotes:
        out += judge_quotes(r.quotes, w.quotes, w, None)
    return out


# ------------------------------------------------------------------------------- numbers


def _clause(side: Side, pos: int) -> tuple[int, int]:
    """The clause of the side's sentence that holds `pos` (between commas, semicolons...)."""
    s, e = side.sentence_at(pos)
    cs, ce = s, e
    for m in _CLAUSE_DELIM.finditer(side.text, s, e):
        if m.end() <= pos:
            cs = m.end()
        elif m.start() >= pos:
            ce = m.start()
            break
    return cs, ce


def _clause_stems(side: Side, pos: int) -> set[str]:
    cs, ce = _clause(side, pos)
    return _stems_without_facts(side, cs, ce)


def _stems_without_facts(side: Side, s: int, e: int) -> set[str]:
    """Content stems of text[s:e] leaving out numbers, dates and hedges themselves."""
    f = side.facts
    skip = [
        (x.start, x.end)
        for group in (f.numbers, f.dates, f.hedges)
        for x in group
        if s <= x.start < e
    ]
    return content_stems(side.tokens_between(s, e), skip)


def _context(side: Side, pos: int) -> set[str]:
    """What a number or date is about: its clause's words, or its sentence's when the clause
    is too short to say ('In June, JERA, ...')."""
    stems = _clause_stems(side, pos)
    if len(stems) >= 2:
        return stems
    return _stems_without_facts(side, *side.sentence_at(pos))


def _kept(stems: set[str], other: set[str], share: float, least: int = 2) -> bool:
    hit = len(stems & other)
    return len(stems) >= least and hit >= least and hit >= share * len(stems)


def _carriers(stems: set[str], side: Side, share: float, least: int = 2) -> list[tuple[int, int]]:
    """The sentences of `side` that each keep `share` of `stems` (one sentence must: words
    scattered over several sentences do not carry a clause)."""
    return [(s, e) for s, e, st in side.sentences() if _kept(stems, st, share, least)]


def _numbers(r: Side, w: Side, supported: Callable[[Number], bool] | None) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    r_left = list(r.numbers)
    w_left: list[Number] = []
    pairs: list[tuple[Number, Number]] = []
    for exact in (True, False):
        pending = w.numbers if exact else w_left
        w_left = []
        for wn in pending:
            hit = next(
                (
                    rn
                    for rn in r_left
                    if same_unit(rn, wn) and (rn.value == wn.value if exact else same_value(rn, wn))
                ),
                None,
            )
            if hit is None:
                w_left.append(wn)
            else:
                r_left.remove(hit)
                pairs.append((wn, hit))
    for wn, rn in pairs:
        why = hedges_conflict(wn, rn)
        if why:
            where = "before" if (wn.hedge_start or 0) < wn.start else "after"
            detail = (
                f"hedge '{wn.hedge}' {where} '{wn.text}' dropped"
                if why == "dropped"
                else f"hedge '{wn.hedge}' on '{wn.text}' became '{rn.hedge}'"
            )
            out.append(
                _d(
                    "hedge-dropped",
                    r,
                    *rn.span,
                    w,
                    *wn.span,
                    detail,
                    rtext=rn.shown,
                    wtext=wn.shown,
                )
            )
    # Several wire numbers merged into their sum: "4% and 1% of processing" -> "5% combined".
    for rn in list(r_left):
        group = _summands(rn, w_left)
        if group:
            for wn in group:
                w_left.remove(wn)
            r_left.remove(rn)
            out.append(_sum_changed(r, w, rn, group))
    # Leftovers that measure the same thing in the same words: a changed number.
    for wn in list(w_left):
        best, best_score = None, 0.0
        w_ctx = _context(w, wn.start) | _of_stems(wn)
        for rn in r_left:
            if not _pairable(wn, rn):
                continue
            r_ctx = _context(r, rn.start) | _of_stems(rn)
            score = len(w_ctx & r_ctx) / max(1, min(len(w_ctx), len(r_ctx)))
            if score > best_score:
                best, best_score = rn, score
        if best is not None and best_score >= 0.3:
            w_left.remove(wn)
            r_left.remove(best)
            out.append(
                _d(
                    "number-changed",
                    r,
                    *best.span,
                    w,
                    *wn.span,
                    f"'{wn.shown}' became '{best.shown}'" + _measure_note(r, w, wn, best),
                    rtext=best.shown,
                    wtext=wn.shown,
                )
            )
    for wn in w_left:
        if not wn.salient or wn.kind == "year":
            continue  # a dropped year is background more often than a changed fact
        carriers = _carriers(_clause_stems(w, wn.start), r, CARRIED_CLAUSE, 3)
        if carriers:
            cs, ce = _clause(w, wn.start)
            out.append(
                _d(
                    "number-dropped",
                    r,
                    *carriers[0],
                    w,
                    *wn.span,
                    f"'{wn.shown}' missing; the rewrite keeps the rest of '{_clip(w.text[cs:ce])}'",
                    rtext="",
                    wtext=wn.shown,
                )
            )
    for rn in r_left:
        if rn.salient and not (supported and supported(rn)):
            out.append(
                _d(
                    "claim-added",
                    r,
                    *rn.span,
                    w,
                    w.start,
                    w.end,
                    f"'{rn.shown}' is not in the aligned wire text",
                    rtext=rn.shown,
                    wtext="",
                )
            )
    return out


def _pairable(wn: Number, rn: Number) -> bool:
    if wn.kind != rn.kind:
        return False
    return wn.kind not in ("measure", "money") or same_unit(wn, rn)


def _of_stems(n: Number) -> set[str]:
    return {stem_of(k) for k in quote_keys(n.of_phrase)} if n.of_phrase else set()


def _summands(rn: Number, w_left: list[Number]) -> list[Number]:
    """Two or three wire numbers of the rewrite number's kind that add up to it."""
    if rn.kind in ("year", "count") and rn.kind != "percent":
        return []
    cands = [wn for wn in w_left if _pairable(wn, rn)]
    for size in (2, 3):
        for i in range(len(cands) - size + 1):
            group = cands[i : i + size]  # adjacent in the wire: "4% and 1%"
            if abs(sum(x.value for x in group) - rn.value) <= 1e-9 * max(1.0, abs(rn.value)):
                return group
    return []


def _measure(side: Side, n: Number) -> str:
    """What a number counts: its own 'of ...' phrase, else that of the nearest earlier number in
    its sentence ('12% and 8% of extraction, while ... an additional 5% combined')."""
    if n.of_phrase:
        return n.of_phrase
    s, _ = side.sentence_at(n.start)
    earlier = [x for x in side.facts.numbers if s <= x.start < n.start and x.of_phrase]
    return earlier[-1].of_phrase if earlier else ""


def _differs(a: str, b: str) -> bool:
    ka = {stem_of(k) for k in quote_keys(a)} - STOP
    kb = {stem_of(k) for k in quote_keys(b)} - STOP
    return bool(ka and kb and not ka & kb)


def _sum_changed(r: Side, w: Side, rn: Number, group: list[Number]) -> Discrepancy:
    parts = " and ".join(x.text for x in group)
    w_what, r_what = _measure(w, group[-1]), _measure(r, rn)
    detail = f"'{parts}'" + (f" of {w_what}" if w_what else "") + f" combined into '{rn.shown}'"
    if _differs(w_what, r_what):
        detail += f"; the rewrite counts it as {r_what}, the wire as {w_what}"
    return _d(
        "number-changed",
        r,
        *rn.span,
        w,
        group[0].start,
        group[-1].end,
        detail,
        rtext=rn.shown,
        wtext=w.text[group[0].start : group[-1].end],
    )


def _measure_note(r: Side, w: Side, wn: Number, rn: Number) -> str:
    w_what, r_what = _measure(w, wn), _measure(r, rn)
    if _differs(w_what, r_what):
        return f" (wire: of {w_what}; rewrite: of {r_what})"
    return ""


# --------------------------------------------------------------------------------- dates


def _dates(r: Side, w: Side, rdate: dt.date | None, wdate: dt.date | None) -> list[Discrepancy]:
    r_left = list(r.dates)
    w_left = []
    for wd in w.dates:
        hit = next((rd for rd in r_left if dates_agree(rd, rdate, wd, wdate)), None)
        if hit is None:
            w_left.append(wd)
        else:
            r_left.remove(hit)
    out = []
    for wd in w_left:
        w_ctx = _context(w, wd.start)
        best, best_score = None, 0.0
        for rd in r_left:
            if rd.day_level != wd.day_level:
                continue
            r_ctx = _context(r, rd.start)
            score = len(w_ctx & r_ctx) / max(1, min(len(w_ctx), len(r_ctx)))
            if score > best_score:
                best, best_score = rd, score
        if best is None or best_score < 0.3:
            continue
        r_left.remove(best)
        out.append(
            _d(
                "number-changed",
                r,
                best.start,
                best.end,
                w,
                wd.start,
                wd.end,
                f"date {show_date(wd, wdate)} became {show_date(best, rdate)}",
                rtext=best.text,
                wtext=wd.text,
            )
        )
    return out


# ---------------------------------------------------------------------------- modal hedges


def _modal_hedges(r: Side, w: Side) -> list[Discrepancy]:
    out = []
    for h in w.hedges:
        _, ce = _clause(w, h.start)
        scope_toks = [t for t in w.tokens_between(h.end, ce)][:8]
        nums = [(n.start, n.end) for n in w.facts.numbers if h.end <= n.start < ce]
        scope = content_stems(scope_toks, nums)
        if len(scope) < 2:
            continue
        ws_, we_ = w.sentence_at(h.start)
        sentence = content_stems(w.tokens_between(ws_, we_))
        for s, e, stems in r.sentences():
            if not _kept(scope, stems, SCOPE_KEPT) or not _kept(
                sentence, stems, CARRIED_SENTENCE, 3
            ):
                continue
            # Any hedge before or among the scope's words counts ("plans for both countries to
            # coordinate ..., and provide"); a weak one ("would", "if") only close before them.
            hits = [t for t in r.tokens_between(s, e) if t.stem in scope]
            lo = hits[0].start - _HEDGE_REACH
            if not any(
                m.start() >= lo or not _WEAK_HEDGE.fullmatch(m.group().lower())
                for m in ANY_HEDGE.finditer(r.text, s, hits[-1].end)
            ):
                scope_end = scope_toks[-1].end if scope_toks else h.end
                out.append(
                    _d(
                        "hedge-dropped",
                        r,
                        s,
                        e,
                        w,
                        h.start,
                        scope_end,
                        f"hedge '{h.text}' before '{_clip(w.text[h.end : scope_end])}' dropped",
                        rtext=r.text[s:e],
                        wtext=w.text[h.start : scope_end],
                    )
                )
            break
    return out


# ---------------------------------------------------------------------------- attributions


def _attributions(r: Side, w: Side) -> list[Discrepancy]:
    out = []
    used: set[int] = set()
    for wa in w.attributions:
        if is_pronoun(wa.source):
            continue
        if any(same_source(ra.source, wa.source) for ra in r.attributions):
            continue
        keys = source_keys(wa.source)
        if keys and keys <= r.stems:
            continue  # the rewrite still names the source, just not as an attribution
        s, e = w.sentence_at(wa.start)
        sent = content_stems(w.tokens_between(s, e), [(wa.start, wa.end)])
        carriers = _carriers(sent, r, CARRIED_SENTENCE, least=3)
        if not carriers:
            continue
        # Only attributions in the rewrite sentence that carries the claim can replace it.
        here = [
            (i, ra)
            for i, ra in enumerate(r.attributions)
            if any(cs <= ra.start < ce for cs, ce in carriers)
        ]
        if any(is_pronoun(ra.source) for _, ra in here):
            continue  # "he said": cannot tell who
        other = next(
            (
                (i, ra)
                for i, ra in here
                if i not in used
                and not any(same_source(ra.source, x.source) for x in w.attributions)
            ),
            None,
        )
        if other is not None:
            used.add(other[0])
            ra = other[1]
            out.append(
                _d(
                    "attribution-changed",
                    r,
                    ra.source_start,
                    ra.source_end,
                    w,
                    wa.source_start,
                    wa.source_end,
                    f"attributed to '{ra.source}' instead of '{wa.source}'",
                    rtext=ra.source,
                    wtext=wa.source,
                )
            )
        elif not here:
            out.append(
                _d(
                    "attribution-dropped",
                    r,
                    *carriers[0],
                    w,
                    wa.start,
                    wa.end,
                    f"attribution to '{wa.source}' dropped",
                    rtext="",
                    wtext=w.text[wa.start : wa.end],
                )
            )
    return out


# -------------------------------------------------------------------------------- entities


def _entities(r: Side, w: Side) -> list[Discrepancy]:
    rq = [(q.open_at, q.close_at) for q in r.quotes]
    wq = [(q.open_at, q.close_at) for q in w.quotes]
    rt = [t for t in r.tokens if not any(s <= t.start < e for s, e in rq)]
    wt = [t for t in w.tokens if not any(s <= t.start < e for s, e in wq)]
    r_keys = {t.key for t in rt}
    w_keys = {t.key for t in wt}
    if not any(t.cap and t.key not in w_keys for t in rt):
        return []
    if not any(t.cap and t.key not in r_keys for t in wt):
        return []
    ops = difflib.SequenceMatcher(
        None, [t.key for t in wt], [t.key for t in rt], autojunk=False
    ).get_opcodes()
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or i2 - i1 > 4 or j2 - j1 > 4:
            continue
        wseg, rseg = wt[i1:i2], rt[j1:j2]
        if not (wseg[0].cap and wseg[-1].cap and rseg[0].cap and rseg[-1].cap):
            continue
        if not all(t.cap or len(t.key) <= 3 for t in wseg + rseg):
            continue
        before = ops[k - 1][2] - ops[k - 1][1] if k and ops[k - 1][0] == "equal" else 0
        after = (
            ops[k + 1][2] - ops[k + 1][1] if k + 1 < len(ops) and ops[k + 1][0] == "equal" else 0
        )
        if max(before, after) < 2 or min(before, after) < 1 and not (i1 == 0 or i2 == len(wt)):
            continue
        if any(t.key in w_keys for t in rseg) or any(t.key in r_keys for t in wseg):
            continue  # a name moved, not replaced
        if any(t.key in _AGENCIES for t in wseg + rseg):
            continue  # "TOKYO (Reuters) -" vs "TOKYO, Japan:": a credit, not a fact
        wname = w.text[wseg[0].start : wseg[-1].end]
        rname = r.text[rseg[0].start : rseg[-1].end]
        if same_name(wname, rname) or _named_in(rname, wt) or _named_in(wname, rt):
            continue
        out.append(
            _d(
                "entity-changed",
                r,
                rseg[0].start,
                rseg[-1].end,
                w,
                wseg[0].start,
                wseg[-1].end,
                f"'{wname}' became '{rname}'",
                rtext=rname,
                wtext=wname,
            )
        )
    return out


_AGENCIES = frozenset({"reuters", "ap", "afp", "bloomberg", "associated", "press", "dpa"})


def _named_in(name: str, toks: list) -> bool:
    """Is `name` (or an alias of it) among the capitalised words of `toks`?"""
    return any(t.cap and same_name(name, t.text) for t in toks)


# --------------------------------------------------------------------------------- helpers


def _clip(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 3] + "..."


def _d(
    kind: str,
    r: Side,
    rs: int | None,
    re_: int | None,
    w: Side,
    ws: int | None,
    we: int | None,
    detail: str,
    *,
    rtext: str,
    wtext: str,
) -> Discrepancy:
    """A discrepancy whose non-empty texts are exactly the slices its offsets name."""
    if rtext and rs is not None and re_ is not None:
        rtext = r.text[rs:re_]
    if wtext and ws is not None and we is not None:
        wtext = w.text[ws:we]
    return Discrepancy(kind, rtext, wtext, detail, rs, re_, ws, we)
