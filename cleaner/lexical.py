"""Which words a line uses: a learned word score, stacked under pass 1.

The hand-made features see a line's shape and a few cue families; many lines give themselves
away by words no cue list holds ("thanks for sharing", "lol", "click here", a site's own menu
words) or by words that are plainly reporting ("said", "officials"). A multinomial logistic
regression over the line's words, its first and last word, and its word pairs scores each label;
those scores (and the body score of the two lines either side) become pass-1 columns. Training
gives pass 1 scores made out-of-fold by site (see train.fit_lexical), so it learns how far to
trust them on a site the word model has never seen.

The same model over a different text, a line's markup (markup_text: its tag and class/id
words), is the markup model HTML pages get: sites name their boilerplate containers in more
ways than a cue list holds.

The model is data: a vocabulary, sorted integer keys for first words, last words and word pairs,
and one weight matrix (stored in the model's weights.npz). One function, line_terms, turns lines
into terms for training and for scoring, so the two cannot drift apart. Scoring runs in the
compiled kernel (_linestats: TermIndex, line_terms, line_scores) when it is built; the numpy code
here is the reference it must match bit for bit (tests/test_lexical.py). While cleaning, the
kernel scores a page from the words it already split the lines into for the features
(page_scores, through LexicalScorer.page_columns): each distinct word is looked up once a page.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from .article import LABELS, DomHints
from .lines import Page
from .speedups import kernel

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*")  # features.py's words (the kernel's WORD_PATTERN)
_kernel = kernel("_linestats")
_BODY = LABELS.index("body")
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
LEXICAL_FEATURES: tuple[str, ...] = (
    *(f"lex_{label}" for label in LABELS),
    *(f"lex_body{o:+d}" for o in NEIGHBOUR_OFFSETS),
)
"""Pass-1 columns appended after features.LINE_FEATURES."""
MARKUP_FEATURES: tuple[str, ...] = (
    *(f"markup_{label}" for label in LABELS),
    *(f"markup_body{o:+d}" for o in NEIGHBOUR_OFFSETS),
)
"""The same columns from the markup model: a word model over a line's markup (markup_text),
appended after the word model's columns (or after LINE_FEATURES where a kind has no word
model)."""


def markup_text(dom: DomHints | None) -> str:
    """A line's markup as words, for the markup model: its tag (as "t" + tag: "tp", "tli") and
    the class/id words of its element and ancestors ("entry content", "sidebar widget").
    features.py's class/id cues are a fixed list; sites name their containers in many more
    ways, and the names recur across sites (WordPress, Disqus, news CMSs). Empty for text."""
    return "" if dom is None else _markup_words(dom.tag, dom.attrs)


def _markup_words(tag: str, attrs: str) -> str:
    return f"t{tag} {attrs}"


def tokens(text: str) -> list[str]:
    """The lower-cased words of a line, as features.py splits them."""
    return _TOKEN.findall(text.lower())


def _word_ids(texts: Sequence[str], words: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(id of every token of every lower-cased line, -1 if unknown; tokens per line): the
    reference the compiled line_terms is tested against (through _line_terms_python)."""
    per_line = [_TOKEN.findall(text.lower()) for text in texts]
    get = words.get
    ids = [get(w, -1) for w in chain.from_iterable(per_line)]
    counts = np.fromiter(map(len, per_line), dtype=np.int64, count=len(per_line))
    return np.array(ids, dtype=np.int64), counts


@dataclass(slots=True)
class Vocabulary:
    """Term index: words (ids 0..V-1), then first words, last words and word pairs, each a
    sorted array of integer keys (a word id; a pair is first_id * V + second_id)."""

    words: dict[str, int]
    first: np.ndarray
    last: np.ndarray
    pairs: np.ndarray
    _index: object = field(default=None, repr=False, compare=False)  # the kernel's, built once

    def __getstate__(self) -> tuple:
        """Pickled without the kernel's index (it is rebuilt on first use): a model can be
        sent to another process, e.g. by a Spark or Dask job."""
        return (self.words, self.first, self.last, self.pairs)

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)  # type: ignore[misc]

    @property
    def size(self) -> int:
        return len(self.words) + len(self.first) + len(self.last) + len(self.pairs)

    @classmethod
    def build(cls, texts: Sequence[str], min_lines: int) -> Vocabulary:
        """Terms found on at least `min_lines` lines (rarer terms are names and typos)."""
        word_df: Counter[str] = Counter()
        for text in texts:
            word_df.update(set(tokens(text)))
        kept_words = sorted(w for w, n in word_df.items() if n >= min_lines)
        words = {w: i for i, w in enumerate(kept_words)}
        empty = np.zeros(0, dtype=np.int64)
        vocab = cls(words, empty, empty, empty)
        ids, line_of, starts, ends = vocab._ids(texts)
        first_df: Counter[int] = Counter(ids[starts].tolist())
        last_df: Counter[int] = Counter(ids[ends - 1].tolist())
        keys = _pair_keys(ids, line_of, len(words))
        known = keys >= 0
        square = len(words) ** 2
        distinct = np.unique(line_of[:-1][known] * square + keys[known])  # once a line
        pair_df: Counter[int] = Counter((distinct % square).tolist())

        def kept(df: Counter[int]) -> np.ndarray:
            return np.array(
                sorted(k for k, n in df.items() if k >= 0 and n >= min_lines), dtype=np.int64
            )

        return cls(words, kept(first_df), kept(last_df), kept(pair_df))

    def _ids(self, texts: Sequence[str]) -> tuple[np.ndarray, ...]:
        """Word ids of all tokens (-1 when unknown), the line of each, and the first and
        one-past-last token index of every line that has tokens."""
        ids, counts = _word_ids(texts, self.words)
        line_of = np.repeat(np.arange(len(texts)), counts)
        ends = np.cumsum(counts)
        has = counts > 0
        return ids, line_of, (ends - counts)[has], ends[has]

    def line_terms(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(line index, term index) of every distinct known term of every line, sorted by line
        then term. Term indices: words, then first words, last words, word pairs."""
        if _kernel is None:
            return self._line_terms_python(texts)
        return _kernel.line_terms(_as_list(texts), self.term_index())

    def term_index(self):
        """The compiled kernel's TermIndex of this vocabulary (built on first use)."""
        if self._index is None:
            words = sorted(self.words, key=self.words.__getitem__)
            self._index = _kernel.TermIndex(words, self.first, self.last, self.pairs)
        return self._index

    def _line_terms_python(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The reference for the compiled kernel's line_terms."""
        ids, line_of, starts, ends = self._ids(texts)
        v = len(self.words)
        known = ids >= 0
        parts_line = [line_of[known]]
        parts_term = [ids[known]]
        offset = v
        for keys, table in ((ids[starts], self.first), (ids[ends - 1], self.last)):
            hit, pos = _lookup(table, keys)
            parts_line.append(line_of[starts][hit])
            parts_term.append(pos[hit] + offset)
            offset += len(table)
        keys = _pair_keys(ids, line_of, v)
        hit, pos = _lookup(self.pairs, keys)
        parts_line.append(line_of[:-1][hit])
        parts_term.append(pos[hit] + offset)
        combined = np.concatenate(parts_line) * self.size + np.concatenate(parts_term)
        combined.sort()
        if len(combined):
            combined = combined[np.r_[True, combined[1:] != combined[:-1]]]
        return combined // self.size, combined % self.size


def _as_list(texts: Sequence[str]) -> list[str]:
    """The kernel takes a list; a list given is not copied (this runs on every page)."""
    return texts if isinstance(texts, list) else list(texts)


def _pair_keys(ids: np.ndarray, line_of: np.ndarray, v: int) -> np.ndarray:
    """first_id * V + second_id for adjacent known words of one line, else -1."""
    if len(ids) < 2:
        return np.zeros(0, dtype=np.int64)
    a, b = ids[:-1], ids[1:]
    ok = (a >= 0) & (b >= 0) & (line_of[:-1] == line_of[1:])
    return np.where(ok, a * v + b, -1)


def _lookup(table: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which keys are in the sorted table, and where."""
    if len(table) == 0 or len(keys) == 0:
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
    order = np.argsort(keys, kind="stable")  # sorted keys search far faster
    pos = np.empty_like(keys)
    pos[order] = np.minimum(np.searchsorted(table, keys[order]), len(table) - 1)
    return (table[pos] == keys) & (keys >= 0), pos


@dataclass(slots=True)
class LexicalScorer:
    """The fitted word model: label scores are softmax(bias + the summed weight rows of a
    line's distinct terms), as the logistic regression it was fitted as computes them."""

    vocabulary: Vocabulary
    weights: np.ndarray  # (vocabulary.size, labels)
    bias: np.ndarray  # (labels,)
    # markup_columns' memo: a line's scores depend on its text alone, and pages of one site (or
    # one CMS) share their markup. Row k of _table holds the probabilities of the markup whose
    # (tag, class/id words) _row_of maps to k; None stands for a line without markup.
    _row_of: dict[tuple[str, str] | None, int] = field(
        default_factory=dict, repr=False, compare=False
    )
    _table: np.ndarray = field(
        default_factory=lambda: np.zeros((0, len(LABELS)), dtype=np.float32),
        repr=False,
        compare=False,
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __getstate__(self) -> tuple:
        """Pickled without its memo and lock (a new process starts with an empty memo)."""
        return (self.vocabulary, self.weights, self.bias)

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Label probabilities of each line from its words alone (softmax of the sums)."""
        vocab = self.vocabulary
        if _kernel is not None:
            z = _kernel.line_scores(_as_list(texts), vocab.term_index(), self.weights, self.bias)
        else:
            z = self.sums(texts)
        return softmax_rows(z)

    def sums(self, texts: Sequence[str]) -> np.ndarray:
        """The bias plus the weight rows of each line's distinct terms, added one at a time in
        term order (float32): the reference for the compiled kernel's line_scores."""
        z = np.tile(self.bias, (len(texts), 1))
        line, term = self.vocabulary._line_terms_python(texts)
        np.add.at(z, line, self.weights[term])  # unbuffered: in order, like the kernel
        return z

    def columns(self, texts: Sequence[str]) -> np.ndarray:
        return lexical_columns(self.probabilities(texts))

    def page_columns(self, page: Page, words: object | None = None) -> np.ndarray:
        """columns() of the page's lines, from `words`, the kernel's split of them for the
        features (features.line_features_and_words) when given: the same terms, so the same
        bits, without lower-casing, splitting and looking up every token again."""
        texts = [ln.text for ln in page.lines]
        if words is not None and _kernel is not None:
            vocab = self.vocabulary
            z = _kernel.page_scores(words, texts, vocab.term_index(), self.weights, self.bias)
            if z is not None:
                return lexical_columns(softmax_rows(z))
        return self.columns(texts)

    def markup_columns(self, page: Page) -> np.ndarray:
        """MARKUP_FEATURES of a page's lines. The lines of a page share a few dozen markups
        (Page.dom_index): each distinct one is scored once, and kept for the next pages (the
        same values as scoring it again: a row's scores do not depend on the rows scored with
        it)."""
        keys, ids = page.dom_index()
        markups = [None if key is None else (key[0], key[2]) for key in keys]  # (tag, attrs)
        with self._lock:  # clean() may be called from several threads
            row_of = self._row_of
            missing = list(dict.fromkeys(m for m in markups if m not in row_of))
            if len(row_of) + len(missing) > _MARKUP_ROWS_MAX:  # full: start again
                row_of.clear()
                missing = list(dict.fromkeys(markups))
            if missing:
                self._memo(missing)
            rows = np.fromiter(map(row_of.__getitem__, markups), dtype=np.intp, count=len(keys))
            probs = self._table[rows[np.asarray(ids, dtype=np.intp)]]
        return lexical_columns(probs)

    def _memo(self, keys: list[tuple[str, str] | None]) -> None:
        """Score markups not seen yet into the memo."""
        start, end = len(self._row_of), len(self._row_of) + len(keys)
        texts = ["" if key is None else _markup_words(*key) for key in keys]
        if end > len(self._table):
            grown = np.zeros((2 * end, len(LABELS)), dtype=np.float32)
            grown[:start] = self._table[:start]
            self._table = grown
        self._table[start:end] = self.probabilities(texts)
        self._row_of.update(zip(keys, range(start, end), strict=True))


_MARKUP_ROWS_MAX = 16384  # distinct markups kept by markup_columns (a few MB at most)


def softmax_rows(z: np.ndarray) -> np.ndarray:
    """The softmax over z's last axis, in place (z is returned). Label by label: numpy's
    reductions over a last axis of five cost more than the arithmetic. The same bits as
    z.max / z.sum(axis=-1): the maximum is exact, and the sum adds the labels in order."""
    top = z[..., 0].copy()
    for j in range(1, z.shape[-1]):
        np.maximum(top, z[..., j], out=top)
    z -= top[..., None]
    np.exp(z, out=z)
    total = z[..., 0].copy()
    for j in range(1, z.shape[-1]):
        total += z[..., j]
    z /= total[..., None]
    return z


def lexical_columns(probs: np.ndarray) -> np.ndarray:
    """LEXICAL_FEATURES (or MARKUP_FEATURES) of one page from its lines' word-model (or
    markup-model) probabilities."""
    n = len(probs)
    body = probs[:, _BODY]
    out = np.zeros((n, len(LEXICAL_FEATURES)), dtype=np.float32)
    out[:, : probs.shape[1]] = probs
    for j, off in enumerate(NEIGHBOUR_OFFSETS, start=probs.shape[1]):
        if off < 0 and n > -off:
            out[-off:, j] = body[:off]
        elif off > 0 and n > off:
            out[:-off, j] = body[off:]
    return out
