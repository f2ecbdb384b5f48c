"""Propose wire candidates for a rewrite without comparing every pair.

Two cheap proposers feed one finer score:
- an inverted index of the rare content terms of each wire (names, numbers, unusual words), queried
  with a rewrite's rarest terms and scored by summed idf: paraphrases keep these terms even when
  they share no long word runs;
- MinHash-LSH over word shingles, which finds near-verbatim copies (and clusters copies of one
  wire story) in constant time per document.
The finer score is a tf-idf cosine over content terms plus shingle containment. Query cost is
bounded by `query_terms` postings lists of at most `max_df` wires each, so a corpus costs close to
linear time in its size. Pure numpy + stdlib; deterministic (crc32 hashing, fixed seeds).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:[-'’.]\w+)*", re.UNICODE)

STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say told
    according mr mrs ms new one two also year years would may might must shall us week day
    monday tuesday wednesday thursday friday saturday sunday percent pct cent""".split()
)
# Weekday names are excluded from terms because rewrites resolve them to dates ("Tuesday" ->
# "October 28"); the facts module checks that equivalence.


def tokens(text: str) -> list[str]:
    """All word tokens, lower-cased (stopwords kept): the unit of verbatim runs and shingles."""
    return [t.lower() for t in _TOKEN.findall(text)]


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word tokens with their character offsets in `text`."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=1 << 20)
def term(tok: str) -> str | None:
    """A token reduced to a content term, or None for stopwords and one-letter tokens. The light
    stemming (possessives, plurals) lets "China's"/"China" and "tariffs"/"tariff" meet."""
    if tok in STOPWORDS:
        return None
    if tok.endswith(("'s", "’s")):
        tok = tok[:-2]
    if tok[:1].isdigit():
        return tok.replace(",", "")
    if len(tok) < 2:
        return None
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


def terms(text_or_tokens: str | Sequence[str]) -> list[str]:
    """Content terms of a text, in order (stopwords and punctuation gone)."""
    toks = tokens(text_or_tokens) if isinstance(text_or_tokens, str) else text_or_tokens
    out = []
    for t in toks:
        c = term(t)
        if c is not None:
            out.append(c)
    return out


_TOKEN_HASH: dict[str, int] = {}


def shingle_hashes(toks: Sequence[str], k: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word k-shingles of `toks` (vectorised, deterministic)."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    cache = _TOKEN_HASH
    hs = []
    for t in toks:
        h = cache.get(t)
        if h is None:
            h = zlib.crc32(t.encode("utf-8")) | 1
            if len(cache) < 2_000_000:
                cache[t] = h
        hs.append(h)
    arr = np.asarray(hs, dtype=np.uint64)
    if len(arr) < k:
        k = len(arr)
    n = len(arr) - k + 1
    out = np.zeros(n, dtype=np.uint64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for j in range(k):
            out = out * mult + arr[j : j + n]
    return np.unique(out)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A wire proposed for a rewrite: `score` is the finer score used for ranking."""

    wire_id: str
    score: float
    cosine: float
    containment: float
    proposal: float


@dataclass(slots=True)
class _Doc:
    id: str
    term_ids: np.ndarray  # sorted unique int32
    tf: np.ndarray  # float32, aligned with term_ids
    shingles: np.ndarray  # sorted unique uint64
    norm: float = 0.0


class WireIndex:
    """An index over wire stories. Add wires, call `build()`, then ask `candidates(text)`.

    Parameters (all keyword, with the defaults used by `cleaner track`):
    - num_perm, bands: MinHash size and LSH bands (64/16 => Jaccard ~0.5 threshold).
    - shingle: words per shingle.
    - max_df: a term in more than this share of wires (and more than `min_max_df` wires) is too
      common to propose candidates; it still counts in the cosine.
    - query_terms: how many of a rewrite's rarest terms are looked up.
    """

    def __init__(
        self,
        *,
        num_perm: int = 64,
        bands: int = 16,
        shingle: int = 5,
        max_df: float = 0.02,
        min_max_df: int = 20,
        query_terms: int = 48,
        seed: int = 1,
    ) -> None:
        self.num_perm = num_perm
        self.bands = bands
        self.shingle = shingle
        self.max_df = max_df
        self.min_max_df = min_max_df
        self.query_terms = query_terms
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self.vocab: dict[str, int] = {}
        self.docs: list[_Doc] = []
        self._ids: dict[str, int] = {}
        self._df: Counter[int] = Counter()
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        self._built = False

    def __len__(self) -> int:
        return len(self.docs)

    # -- building -----------------------------------------------------------------------------
    def _vector(self, tlist: Sequence[str], *, grow: bool) -> tuple[np.ndarray, np.ndarray]:
        counts: Counter[int] = Counter()
        for t in tlist:
            tid = self.vocab.get(t)
            if tid is None:
                if not grow:
                    tid = -1 - (zlib.crc32(t.encode("utf-8")) & 0x7FFFFFFF)  # unseen: own id
                else:
                    tid = len(self.vocab)
                    self.vocab[t] = tid
            counts[tid] += 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        order = np.argsort(ids, kind="stable")
        return ids[order], tf[order]

    def add(self, wire_id: str, text: str) -> None:
        """Add one wire story. Ids must be unique."""
        if wire_id in self._ids:
            raise ValueError(f"duplicate wire id {wire_id!r}")
        toks = tokens(text)
        ids, tf = self._vector(terms(toks), grow=True)
        doc = _Doc(wire_id, ids, tf, shingle_hashes(toks, self.shingle))
        self._ids[wire_id] = len(self.docs)
        self.docs.append(doc)
        self._df.update(ids.tolist())
        self._built = False

    def extend(self, items: Iterable[tuple[str, str]]) -> WireIndex:
        for wire_id, text in items:
            self.add(wire_id, text)
        return self.build()

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """MinHash signature (num_perm uint32) of a shingle-hash set."""
        if len(shingles) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        with np.errstate(over="ignore"):
            h = self._a[:, None] * shingles[None, :] + self._b[:, None]
        return (h >> np.uint64(32)).min(axis=1).astype(np.uint32)

    def _band_keys(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        rows = self.num_perm // self.bands
        return [(b, sig[b * rows : (b + 1) * rows].tobytes()) for b in range(self.bands)]

    def _canonicalise(self) -> None:
        """Renumber terms in string order and wires in id order. Insertion order must not leak
        into results: term ids break ties among equally rare terms (which `query_terms` keep),
        doc positions break ties among equal proposals, and both set the order of float sums,
        so the same corpus read in another order could propose other wires."""
        names = sorted(self.vocab)
        old = np.fromiter((self.vocab[t] for t in names), dtype=np.int64, count=len(names))
        remap = np.empty(len(names), dtype=np.int64)
        remap[old] = np.arange(len(names))
        self.vocab = {t: i for i, t in enumerate(names)}
        self._df = Counter({int(remap[tid]): c for tid, c in self._df.items()})
        for d in self.docs:
            ids = remap[d.term_ids]
            order = np.argsort(ids, kind="stable")
            d.term_ids, d.tf = ids[order], d.tf[order]
        self.docs.sort(key=lambda d: d.id)
        self._ids = {d.id: i for i, d in enumerate(self.docs)}

    def build(self) -> WireIndex:
        """Freeze the index: idf, norms, postings, LSH buckets."""
        self._canonicalise()
        n = len(self.docs)
        v = len(self.vocab)
        df = np.zeros(v, dtype=np.float32)
        for tid, c in self._df.items():
            df[tid] = c
        self.idf = np.log((n + 1) / (df + 1)).astype(np.float32) + 1.0
        if v == 0:
            self.idf = np.ones(1, dtype=np.float32)
        self._unseen_idf = float(math.log(n + 1) + 1.0)
        term_col, doc_col = [], []
        self._buckets = {}
        for i, d in enumerate(self.docs):
            w = self._weights(d.term_ids, d.tf)
            d.norm = float(np.sqrt((w * w).sum())) or 1.0
            term_col.append(d.term_ids)
            doc_col.append(np.full(len(d.term_ids), i, dtype=np.int32))
            for key in self._band_keys(self.signature(d.shingles)):
                self._buckets.setdefault(key, []).append(i)
        if n:
            tcol = np.concatenate(term_col)
            dcol = np.concatenate(doc_col)
            order = np.argsort(tcol, kind="stable")
            self._post_docs = dcol[order]
            self._post_start = np.searchsorted(tcol[order], np.arange(v + 1))
        else:
            self._post_docs = np.zeros(0, dtype=np.int32)
            self._post_start = np.zeros(v + 1, dtype=np.int64)
        self._df_arr = df
        self._built = True
        return self

    def _weights(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        idf = np.where(ids >= 0, self.idf[np.clip(ids, 0, None)], self._unseen_idf)
        return (1.0 + np.log(tf)) * idf

    # -- querying -----------------------------------------------------------------------------
    def candidates(self, text: str, k: int = 5, *, exclude: str | None = None) -> list[Candidate]:
        """Up to `k` wires ranked by the finer score, best first (ties by id)."""
        if not self._built:
            self.build()
        n = len(self.docs)
        if n == 0:
            return []
        toks = tokens(text)
        ids, tf = self._vector(terms(toks), grow=False)
        shingles = shingle_hashes(toks, self.shingle)
        pool: set[int] = set()
        proposal = np.zeros(0)
        seen = ids >= 0
        if seen.any():
            sid = ids[seen]
            df = self._df_arr[sid]
            cap = max(self.min_max_df, self.max_df * n)
            rare = sid[df <= cap]
            if len(rare):
                rare = rare[np.argsort(-self.idf[rare], kind="stable")[: self.query_terms]]
                starts, ends = self._post_start[rare], self._post_start[rare + 1]
                postings = [self._post_docs[s:e] for s, e in zip(starts, ends, strict=True)]
                lens = ends - starts
                docs = np.concatenate(postings)
                weights = np.repeat(self.idf[rare], lens)
                proposal = np.bincount(docs, weights=weights, minlength=n)
                proposal /= float(self.idf[rare].sum())
                top = np.argsort(-proposal, kind="stable")[: 4 * k]
                pool.update(int(i) for i in top if proposal[i] > 0)
        for key in self._band_keys(self.signature(shingles)):
            pool.update(self._buckets.get(key, ()))
        qw = self._weights(ids, tf) if len(ids) else np.zeros(0)
        qnorm = float(np.sqrt((qw * qw).sum())) or 1.0
        out = []
        for i in sorted(pool):
            d = self.docs[i]
            if d.id == exclude:
                continue
            _, qi, di = np.intersect1d(ids, d.term_ids, assume_unique=True, return_indices=True)
            dw = self._weights(d.term_ids[di], d.tf[di])
            cos = float((qw[qi] * dw).sum()) / (qnorm * d.norm)
            cont = (
                len(np.intersect1d(shingles, d.shingles, assume_unique=True)) / len(shingles)
                if len(shingles)
                else 0.0
            )
            prop = float(proposal[i]) if len(proposal) else 0.0
            out.append(Candidate(d.id, max(cos, cont), cos, cont, prop))
        out.sort(key=lambda c: (-c.score, c.wire_id))
        return out[:k]


class TermStats:
    """Document frequencies of content terms over a whole corpus (wires and rewrites), so that
    words every article on a story shares ("Trump", "summit") weigh less in sentence alignment
    than the ones that tie a rewrite to one wire ("JERA", "5.5")."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, text_terms: Iterable[str]) -> None:
        self.df.update(set(text_terms))
        self.n += 1

    def idf(self, t: str) -> float:
        return math.log((self.n + 1) / (self.df.get(t, 0) + 1)) + 1.0
