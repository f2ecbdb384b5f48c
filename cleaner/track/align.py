"""Align a rewrite to the wire(s) it draws on, sentence by sentence, with character offsets.

Each rewrite sentence is matched to its most similar wire sentence (idf-weighted cosine over
content terms); a second wire sentence joins when it explains terms the first does not (merged or
split sentences). Inside an aligned sentence, exact shared word runs of at least `min_run` words
are `verbatim`; the rest is `rewrite`. A sentence with no wire sentence above `threshold` is
`new`. Every wire sentence ends up `kept` (mostly verbatim), `paraphrased` or `dropped`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from cleaner.track.index import term, token_spans

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital, digit or
# opening quote; or at a line break.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV = frozenset(
    """mr mrs ms dr st jr sr gen col lt capt sgt prof gov sen rep rev inc corp co ltd no vs jan feb
    mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u d.c a.m p.m etc fig ft mt""".split()
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p0, ptxt = para.start(), para.group()
        start = 0
        for m in _BOUNDARY.finditer(ptxt):
            before = re.search(r"(\S+)$", ptxt[start : m.start()])
            word = (before.group(1) if before else "").lower().lstrip("(\"'“‘")
            if word in _ABBREV or re.fullmatch(r"[a-z]", word):
                continue
            spans.append((p0 + start, p0 + m.start() + 1))
            start = m.end()
        spans.append((p0 + start, p0 + len(ptxt)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg.rstrip())
        if rs > ls:
            out.append((s + ls, s + rs))
    return out


@dataclass(slots=True)
class Span:
    """A piece of the rewrite: `kind` is verbatim | rewrite | new; wire offsets are None for new."""

    start: int
    end: int
    kind: str
    wire_id: str | None = None
    wire_start: int | None = None
    wire_end: int | None = None
    similarity: float = 0.0

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "wire_id": self.wire_id,
            "wire_start": self.wire_start,
            "wire_end": self.wire_end,
        }


@dataclass(slots=True)
class WireSentence:
    wire_id: str
    start: int
    end: int
    status: str = "dropped"  # kept | paraphrased | dropped
    words: int = 0


@dataclass(slots=True)
class Alignment:
    """The result: spans over the rewrite, the fate of every wire sentence, and word counts."""

    spans: list[Span] = field(default_factory=list)
    wire_sentences: list[WireSentence] = field(default_factory=list)
    # (rewrite_start, rewrite_end, wire_start, wire_end, wire_id) per aligned sentence pair
    pairs: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    words: int = 0
    verbatim_words: int = 0
    rewrite_words: int = 0
    new_words: int = 0
    sentences: int = 0
    aligned_sentences: int = 0
    in_order: int = 0  # aligned sentences whose wire sentence follows the previous one's
    mean_similarity: float = 0.0
    longest_run: int = 0

    def share(self, kind: str) -> float:
        n = {"verbatim": self.verbatim_words, "rewrite": self.rewrite_words, "new": self.new_words}
        return n[kind] / self.words if self.words else 0.0

    def wire_share(self, status: str) -> float:
        total = sum(w.words for w in self.wire_sentences)
        got = sum(w.words for w in self.wire_sentences if w.status == status)
        return got / total if total else 0.0

    def wire_ids(self) -> list[str]:
        """Wires that explain at least one rewrite sentence, in order of words explained."""
        words: dict[str, int] = {}
        for sp in self.spans:
            if sp.wire_id is not None:
                words[sp.wire_id] = words.get(sp.wire_id, 0) + (sp.end - sp.start)
        return sorted(words, key=lambda w: (-words[w], w))


@dataclass(slots=True)
class _Sent:
    start: int
    end: int
    toks: list[tuple[str, int, int]]
    terms: list[str]
    wire_id: str | None = None


def _sentences(text: str, wire_id: str | None = None) -> list[_Sent]:
    out = []
    for s, e in split_sentences(text):
        toks = [(t, a + s, b + s) for t, a, b in token_spans(text[s:e])]
        if not toks:
            continue
        ts = [c for c in (term(t) for t, _, _ in toks) if c is not None]
        out.append(_Sent(s, e, toks, ts, wire_id))
    return out


def _weights(sents: list[_Sent], col: dict[str, int], idf: Callable[[str], float]) -> np.ndarray:
    m = np.zeros((len(sents), len(col)), dtype=np.float32)
    for i, s in enumerate(sents):
        for t in set(s.terms):
            m[i, col[t]] = idf(t)
    return m


def similarity(
    rw: np.ndarray,
    ww: np.ndarray,
    numeric: np.ndarray | None = None,
    min_shared: int = 3,
    number_bonus: float = 0.08,
) -> np.ndarray:
    """Sentence similarity: the mean of idf-weighted cosine and of the share of the rewrite
    sentence's term weight found in the wire sentence (so a short rewrite sentence that condenses
    a long wire sentence still scores), plus `number_bonus` for each of up to two shared numbers
    (`numeric` marks the number columns: "550", "5.5" tie sentences more than any word); zero
    when fewer than `min_shared` terms are shared."""
    rn = np.linalg.norm(rw, axis=1, keepdims=True)
    wn = np.linalg.norm(ww, axis=1, keepdims=True)
    rn[rn == 0] = 1.0
    wn[wn == 0] = 1.0
    cos = (rw / rn) @ (ww / wn).T
    rb, wb = (rw > 0).astype(np.float32), (ww > 0).astype(np.float32)
    rsum = rw.sum(axis=1, keepdims=True)
    rsum[rsum == 0] = 1.0
    cov = (rw @ wb.T) / rsum
    shared = rb @ wb.T
    sim = 0.5 * (cos + cov)
    if numeric is not None and numeric.any():
        nums = (rb * numeric) @ wb.T
        sim = sim + number_bonus * np.minimum(nums, 2.0)
    return np.where(shared >= min_shared, sim, 0.0)


def align(
    rewrite: str,
    wires: Mapping[str, str],
    *,
    idf: Callable[[str], float] | None = None,
    threshold: float = 0.33,
    min_run: int = 6,
    verbatim_cover: float = 0.8,
) -> Alignment:
    """Align `rewrite` against the wire texts in `wires` (id -> text).

    `idf` weighs content terms (pass `TermStats.idf`; default: every term weighs 1).
    `threshold` is the `similarity` above which a sentence counts as drawn from a wire sentence;
    `min_run` the shortest exact word run that counts as verbatim; a sentence whose verbatim runs
    cover `verbatim_cover` of its words is one verbatim span."""
    idf = idf or (lambda _t: 1.0)
    rs = _sentences(rewrite)
    ws: list[_Sent] = []
    for wid in sorted(wires):
        ws.extend(_sentences(wires[wid], wid))
    al = Alignment()
    al.wire_sentences = [
        WireSentence(w.wire_id or "", w.start, w.end, words=len(w.toks)) for w in ws
    ]
    al.sentences = len(rs)
    al.words = sum(len(s.toks) for s in rs)
    if not rs:
        return al
    vocab: dict[str, int] = {}
    for s in rs + ws:
        for t in s.terms:
            vocab.setdefault(t, len(vocab))
    if ws and vocab:
        numeric = np.array([t[:1].isdigit() for t in vocab], dtype=np.float32)
        sim = similarity(_weights(rs, vocab, idf), _weights(ws, vocab, idf), numeric)
    else:
        sim = np.zeros((len(rs), max(1, len(ws))), dtype=np.float32)
    sims: list[float] = []
    prev_j = -1
    for i, s in enumerate(rs):
        j = int(np.argmax(sim[i])) if ws else -1
        best = float(sim[i, j]) if ws else 0.0
        if best < threshold:
            al.spans.append(Span(s.start, s.end, "new"))
            al.new_words += len(s.toks)
            continue
        matched = [j]
        # A second wire sentence of the same wire joins if it covers terms the first misses.
        second = _second(s, ws, sim[i], j, threshold)
        if second is not None:
            matched.append(second)
        al.aligned_sentences += 1
        if j > prev_j and (prev_j < 0 or ws[j].wire_id == ws[prev_j].wire_id):
            al.in_order += 1
        prev_j = j
        sims.append(best)
        _emit(al, s, [ws[k] for k in sorted(matched)], best, min_run, verbatim_cover)
        for k in matched:
            status = "kept" if al.spans[-1].kind == "verbatim" else "paraphrased"
            if al.wire_sentences[k].status != "kept":
                al.wire_sentences[k].status = status
    al.mean_similarity = float(np.mean(sims)) if sims else 0.0
    return al


def _second(s: _Sent, ws: list[_Sent], row: np.ndarray, j: int, threshold: float) -> int | None:
    if len(ws) < 2:
        return None
    order = np.argsort(-row, kind="stable")
    k = int(order[1]) if int(order[0]) == j else int(order[0])
    if row[k] < threshold * 0.6 or ws[k].wire_id != ws[j].wire_id:
        return None
    mine = set(s.terms)
    have = set(ws[j].terms) & mine
    gain = (set(ws[k].terms) & mine) - have
    return k if len(gain) >= max(2, 0.2 * len(mine)) else None


def _emit(
    al: Alignment, s: _Sent, wsents: list[_Sent], sim: float, min_run: int, cover: float
) -> None:
    """Split one aligned rewrite sentence into verbatim and rewrite spans."""
    wid = wsents[0].wire_id
    wstart, wend = wsents[0].start, wsents[-1].end
    wtoks = [t for w in wsents for t in w.toks]
    a = [t for t, _, _ in s.toks]
    b = [t for t, _, _ in wtoks]
    blocks = [
        m
        for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        if m.size >= min(min_run, len(a))
    ]
    run = max((m.size for m in blocks), default=0)
    al.longest_run = max(al.longest_run, run)
    verb = sum(m.size for m in blocks)
    al.pairs.append((s.start, s.end, wstart, wend, wid or ""))
    if verb >= cover * len(a):
        al.spans.append(Span(s.start, s.end, "verbatim", wid, wstart, wend, sim))
        al.verbatim_words += len(a)
        return
    pos = 0  # index into a
    for m in blocks:
        if m.a > pos:
            _add(al, s, pos, m.a, "rewrite", wid, wstart, wend, sim)
        _add(
            al,
            s,
            m.a,
            m.a + m.size,
            "verbatim",
            wid,
            wtoks[m.b][1],
            wtoks[m.b + m.size - 1][2],
            sim,
        )
        pos = m.a + m.size
    if pos < len(a):
        _add(al, s, pos, len(a), "rewrite", wid, wstart, wend, sim)
    # Extend the first and last span to the sentence edges so punctuation is covered too.
    first = len(al.spans) - sum(1 for _ in _tail(al.spans, s.start))
    al.spans[first].start = s.start
    for k in range(first, len(al.spans) - 1):
        al.spans[k].end = al.spans[k + 1].start
    al.spans[-1].end = s.end


def _tail(spans: list[Span], start: int):
    for sp in reversed(spans):
        if sp.start < start:
            return
        yield sp


def _add(al: Alignment, s: _Sent, i: int, j: int, kind: str, wid, ws, we, sim) -> None:
    start, end = s.toks[i][1], s.toks[j - 1][2]
    if kind == "verbatim":
        al.verbatim_words += j - i
    else:
        al.rewrite_words += j - i
    al.spans.append(Span(start, end, kind, wid, ws, we, sim))
