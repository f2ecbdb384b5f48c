"""Judging rewrite quotes against wire quotes: kept word for word, altered, or added.

A rewrite quote is kept when each of its parts (split at ellipses and [bracketed] insertions)
is a word-for-word run of one wire quote, or of two consecutive quotes by the same speaker.
Otherwise it is altered when it shares half its content words with a wire quote, or is given to a
speaker the wire quotes on the same subject; else added, unless it is a short scare-quoted term
the wire itself uses.
"""

from __future__ import annotations

import difflib

from cleaner.track.facts_lex import STOP
from cleaner.track.facts_model import Discrepancy, Side
from cleaner.track.facts_quotes import (
    Quote,
    contained,
    is_anonymous,
    is_pronoun,
    overlap,
    quote_keys,
    quote_segments,
    same_source,
)


def wire_pool(quotes: list[Quote]) -> list[tuple[str, Quote, str, int]]:
    """Each wire quote as (' joined keys ', quote, text, end offset), plus each quote run on
    into the next by the same speaker (a rewrite may join two paragraphs of one quote)."""
    pool = []
    for i, q in enumerate(quotes):
        pool.append((" " + " ".join(quote_keys(q.text)) + " ", q, q.text, q.end))
        if i + 1 < len(quotes) and q.speaker and quotes[i + 1].speaker == q.speaker:
            both = q.text + " " + quotes[i + 1].text
            pool.append((" " + " ".join(quote_keys(both)) + " ", q, both, quotes[i + 1].end))
    return pool


def judge_quotes(
    rquotes: list[Quote],
    wquotes: list[Quote],
    w: Side,
    narrative: str | None,
    local: set[int] | None = None,
    *,
    pool: list[tuple[str, Quote, str, int]] | None = None,
) -> list[Discrepancy]:
    """Judge each rewrite quote against the wire's quotes: kept (a word-for-word part of one),
    altered (shares most content words, or is put in the mouth of a speaker the wire quotes),
    or added. `narrative` is the wire text as ' joined keys ' (default: the side's spans), used
    to tell scare-quoted terms from invented quotes; `local` holds the wire quotes' start offsets
    to prefer on ties (those aligned with the rewrite quote); `pool` is `wire_pool(wquotes)`
    when the caller judges many quotes one at a time against the same wire."""
    if narrative is None:
        narrative = " " + " ".join(quote_keys(" ".join(w.text[s:e] for s, e in w.ranges))) + " "
    if pool is None:
        pool = wire_pool(wquotes)
    joined = [p[0] for p in pool]
    out = []
    for rq in rquotes:
        segs = quote_segments(rq.text)
        if not segs:
            continue
        nwords = sum(len(s.split()) for s in segs)
        idx = contained(rq.text, joined)
        if idx >= 0:
            wq = pool[idx][1]
            if (
                rq.speaker
                and wq.speaker
                and not is_pronoun(rq.speaker)
                and not is_pronoun(wq.speaker)
                and not same_source(rq.speaker, wq.speaker)
            ):
                out.append(
                    Discrepancy(
                        "attribution-changed",
                        rq.speaker,
                        wq.speaker,
                        f"quote attributed to '{rq.speaker}'; the wire has '{wq.speaker}' say it",
                        rq.speaker_start,
                        rq.speaker_end,
                        wq.speaker_start,
                        wq.speaker_end,
                    )
                )
            continue
        best, best_score = None, 0.0
        for entry in pool:
            score = overlap(rq.text, entry[2]) + (
                0.001 if local and entry[1].start in local else 0.0
            )
            if score > best_score:
                best, best_score = entry, score
        content = {k for k in quote_keys(rq.text) if k not in STOP}
        if best is not None and best_score >= 0.5 and best_score * len(content) >= 2:
            longer = contained(best[2], [" " + " ".join(quote_keys(rq.text)) + " "]) == 0
            why = "extends a wire quote" if longer else "rewords a wire quote"
            out.append(_altered(rq, best, w.text, why))
            continue
        spoken = _same_speaker(rq, wquotes)
        entry = None
        if spoken is not None:
            entry = max(
                (p for p in pool if p[1].speaker == spoken.speaker),
                key=lambda p: overlap(rq.text, p[2]),
            )
        if entry is not None and overlap(rq.text, entry[2]) > 0:  # on the same subject
            why = f"puts words the wire does not quote in the mouth of '{spoken.speaker}'"
            out.append(_altered(rq, entry, w.text, why))
            continue
        in_narrative = all(s in narrative for s in segs)
        if in_narrative and nwords <= 3:
            continue  # a scare-quoted term the wire uses too
        detail = (
            "wire has these words but not as a quote"
            if in_narrative
            else "quote not found in the wire"
        )
        if rq.speaker:
            detail += f" (attributed to '{rq.speaker}')"
        out.append(Discrepancy("quote-added", rq.text, "", detail, rq.start, rq.end))
    return out


def _same_speaker(rq: Quote, wquotes: list[Quote]) -> Quote | None:
    if not rq.speaker or is_pronoun(rq.speaker) or is_anonymous(rq.speaker):
        return None
    for wq in wquotes:
        if wq.speaker and not is_pronoun(wq.speaker) and same_source(rq.speaker, wq.speaker):
            return wq
    return None


def _altered(rq: Quote, entry: tuple[str, Quote, str, int], wire: str, why: str) -> Discrepancy:
    _, wq, wtext, wend = entry
    rk, wk = quote_keys(rq.text), quote_keys(wtext)
    gone, new = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wk, rk, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            gone.extend(wk[i1:i2])
        if tag in ("replace", "insert"):
            new.extend(rk[j1:j2])
    detail = f"quote {why}"
    if gone or new:
        detail += f"; wire words missing: {_few(gone)}; words not in the wire: {_few(new)}"
    return Discrepancy(
        "quote-altered", rq.text, wire[wq.start : wend], detail, rq.start, rq.end, wq.start, wend
    )


def _few(words: list[str], n: int = 6) -> str:
    if not words:
        return "none"
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
