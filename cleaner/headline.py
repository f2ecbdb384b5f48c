"""Which line is the headline: a small ranker over the lines at the top of the article.

The networks score each line on its own and with its neighbours; a headline is better told by
comparing the page's would-be headlines with each other: which is nearest above the first
paragraph, which shares words with the lede, which has the highest title score of them all.
The ranker is a logistic regression over such features of every candidate (the lines from
REACH_ABOVE above the first body line to REACH_BELOW below it, of at most MAX_WORDS words); the
best-scored candidate becomes the title when its probability is at least the model's threshold,
and a page with no candidate that good has no title. Trained on the pages whose labels mark a
headline (`fit_ranker`, called by `cleaner train`); run with numpy, the candidates and their
features with a compiled twin when built (`_linestats.headline_candidates` and
`headline_features`: the same values to the bit, tests/test_headline_ranker.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .article import LABELS
from .speedups import kernel
from .text import words

REACH_ABOVE = 25
REACH_BELOW = 3
MAX_WORDS = 40
SENTENCE_WORDS = 12
THRESHOLD = 0.3
"""A page's best candidate becomes its title from this probability on; below, the page has no
title. Chosen on the dev sites (seeds 0 and 3, text and HTML): from 0.2 to 0.3 the L3S headlines
found stay within one page, and fewer Dragnet pages get a line that is not their headline."""

HEADLINE_FEATURES: tuple[str, ...] = (
    *(f"p_{label}" for label in LABELS),  # the revised (pass-2) scores of the line
    "p1_title",  # pass 1's title score: the line's own look
    "top_title_score",  # the highest title score of the candidates
    "title_rank",  # its rank among them by title score (0 = highest; capped at 5)
    "title_gap",  # the highest candidate title score minus the line's
    "above_body",  # 1 above the first body line, -1 below it, 0 on it
    "distance",  # lines from the first body line (capped at 20, over 20)
    "next_to_body",  # the line right above the first body line
    "two_above_body",
    "words",  # words (capped at 30, over 30)
    "ends_full_stop",
    "ends_question",
    "capitalised",  # share of its words that start with a capital
    "has_digit",
    "has_separator",  # ":", "|", " - ", "»": a site name or section glued on
    "lede_overlap",  # share of its content words found in the first two body lines
    "content_words",  # its words of 4+ letters (capped at 15, over 15)
)

_TITLE = LABELS.index("title")
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
_SEPARATORS = (":", "|", " - ", "»")
_kernel = kernel("_linestats")
if _kernel is not None and (
    _kernel.HEADLINE_CONTENT_WORD != _CONTENT_WORD.pattern
    or _kernel.HEADLINE_SEPARATORS != _SEPARATORS
):
    _kernel = None  # a kernel built for other rules: the Python path is the reference


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in _CONTENT_WORD.findall(text)}


def candidates(texts: list[str], labels: list[str]) -> list[int]:
    """Lines that could be the headline: near the first body line and short enough."""
    first_body = _index(labels, "body", 0, len(texts))
    lo, hi = max(0, first_body - REACH_ABOVE), min(len(texts), first_body + REACH_BELOW)
    if _kernel is not None:
        return _kernel.headline_candidates(texts, lo, hi, MAX_WORDS, SENTENCE_WORDS)
    return [i for i in range(lo, hi) if _could_be_headline(texts[i])]


def _could_be_headline(text: str) -> bool:
    """At most MAX_WORDS words, and not a sentence (is_sentence)."""
    words = text.split(maxsplit=MAX_WORDS)  # a paragraph is not split whole just to count
    return len(words) <= MAX_WORDS and not _ends_sentence(text, len(words))


def is_sentence(text: str) -> bool:
    """A line of 12+ words that ends a sentence ('.', '!' or '?', not a cut-off '...') is
    article text or a summary, not a headline: 1 of the 484 headlines L3S marks on its train
    and dev pages is one, and a page that is one bare paragraph was taken for its headline."""
    return _ends_sentence(text, len(text.split()))


def _ends_sentence(text: str, words: int) -> bool:
    end = text.rstrip()
    return words >= SENTENCE_WORDS and end[-1:] in ".!?" and not end.endswith("...")


def candidate_features(
    texts: list[str], labels: list[str], p1: np.ndarray, p2: np.ndarray, cands: list[int]
) -> np.ndarray:
    """One row of HEADLINE_FEATURES a candidate line. Runs on every page: the score columns
    are computed for all candidates at once, only the shape columns line by line."""
    first_body = _index(labels, "body", 0, len(texts))
    second_body = _index(labels, "body", first_body + 1, None)
    lede_lines = [texts[i] for i in (first_body, second_body) if i is not None and i < len(texts)]
    if _kernel is not None and p1.dtype == p2.dtype == np.float32:
        p1, p2 = np.ascontiguousarray(p1), np.ascontiguousarray(p2)
        width, lede_text = len(HEADLINE_FEATURES), " ".join(lede_lines)
        return _kernel.headline_features(texts, cands, p1, p2, first_body, lede_text, _TITLE, width)
    lede = _content_words(" ".join(lede_lines))
    at = np.asarray(cands, dtype=np.intp)
    title = p2[at, _TITLE]
    top = title.max() if len(cands) else 0.0
    rank = np.empty(len(cands))
    rank[np.argsort(-title, kind="stable")] = np.arange(len(cands))
    dist = first_body - at
    rows = np.empty((len(cands), len(HEADLINE_FEATURES)), dtype=np.float64)
    k = len(LABELS)
    rows[:, :k] = p2[at]
    rows[:, k] = p1[at, _TITLE]
    rows[:, k + 1] = top
    rows[:, k + 2] = np.minimum(rank, 5.0)
    rows[:, k + 3] = top - title
    rows[:, k + 4] = np.sign(dist)
    rows[:, k + 5] = np.minimum(np.abs(dist), 20) / 20
    rows[:, k + 6] = dist == 1
    rows[:, k + 7] = dist == 2
    rows[:, k + 8 :] = [_shape(texts[i], lede) for i in cands] if cands else 0.0
    return rows


def _index(labels: list[str], label: str, start: int, default: int | None) -> int | None:
    try:
        return labels.index(label, start)
    except ValueError:
        return default


def _shape(text: str, lede: set[str]) -> tuple[float, ...]:
    """The line-by-line columns: words, end, capitals, digits, separators, lede words."""
    words = text.split()
    content = _content_words(text)
    return (
        min(len(words), 30) / 30,
        text.endswith("."),
        text.endswith(("?", "!")),
        sum(map(str.isupper, [w[0] for w in words])) / max(1, len(words)),
        any(map(str.isdigit, text)),
        any(s in text for s in _SEPARATORS),
        len(content & lede) / max(1, len(content)),
        min(len(content), 15) / 15,
    )


@dataclass(frozen=True, slots=True)
class HeadlineRanker:
    """A logistic regression over HEADLINE_FEATURES: a candidate's probability of being the
    page's headline."""

    weights: np.ndarray  # (len(HEADLINE_FEATURES),)
    bias: float
    threshold: float = THRESHOLD

    def choose(
        self,
        texts: list[str],
        labels: list[str],
        p1: np.ndarray,
        p2: np.ndarray,
        hint: str | None = None,
    ) -> tuple[int, float, bool] | None:
        """(line index, probability, whether it matches the hint) of the headline, or None
        when no candidate is likely. The page's only body line is never taken: the article
        would be left empty. With a `hint` (the page's title as a scraper stored it), the
        best-ranked candidate that matches it (see matches_hint) is taken whatever its
        probability; when none does, the ranker decides alone."""
        cands = candidates(texts, labels)
        if not cands:
            return None
        z = candidate_features(texts, labels, p1, p2, cands) @ self.weights + self.bias
        probs = (1.0 / (1.0 + np.exp(-z))).tolist()
        sole_body = labels.index("body") if labels.count("body") == 1 else -1
        order = np.argsort(-z, kind="stable").tolist()  # of equals, the topmost line first
        if hint:
            hint_words = _hint_words(hint)
            for best in order:
                line = cands[best]
                if line != sole_body and matches_hint(texts[line], hint_words):
                    return line, probs[best], True
        for best in order:
            if probs[best] < self.threshold:
                return None
            if cands[best] != sole_body:
                return cands[best], probs[best], False
        return None


HINT_SHARE = 0.8
"""A candidate matches a title hint when at least this share of its words are words of the
hint, it has at least HINT_MIN_WORDS words, and it holds at least HINT_COVER of the hint's
distinct words. Stored page titles add the site's name or a section ("Headline - Site"), so
the candidate need not hold all of the hint; but a menu line ("Home | News | Sport") must not
match a generic site title ("Home of local News, Sport and Weather"). Chosen on the L3S dev
text pages with each page's <title> as the hint (seed-0 text model): headlines found 79 of 107
without a hint; 83 at a share of 0.6, 86 at 0.8 and at 1.0; with the share at 0.8, a cover of
0.3 or 0.5 keeps 86 (seed 3: 89), 0.6 gives 82."""
HINT_MIN_WORDS = 3
HINT_COVER = 0.5


def _hint_words(hint: str) -> set[str]:
    return {w.casefold() for w in words(hint)}


def matches_hint(text: str, hint_words: set[str]) -> bool:
    """Whether a line is the headline a title hint names (see HINT_SHARE)."""
    line_words = [w.casefold() for w in words(text)]
    if len(line_words) < HINT_MIN_WORDS:
        return False
    if len(hint_words.intersection(line_words)) < HINT_COVER * len(hint_words):
        return False
    return sum(w in hint_words for w in line_words) >= HINT_SHARE * len(line_words)


def fit_ranker(
    pages: Iterable[tuple[list[str], list[str], np.ndarray, np.ndarray, int]],
    *,
    threshold: float = THRESHOLD,
) -> HeadlineRanker | None:
    """Fit on (texts, predicted labels, pass-1 scores, pass-2 scores, headline line) pages:
    the headline line is the one candidate to learn as right. None when no page has its
    headline among its candidates (a folder without title labels)."""
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for texts, labels, p1, p2, headline in pages:
        cands = candidates(texts, labels)
        if headline not in cands:
            continue
        X.append(candidate_features(texts, labels, p1, p2, cands))
        y.append(np.array([i == headline for i in cands]))
    if not X or all(len(rows) == 1 for rows in y):
        return None  # nothing to tell apart: no page with a headline among other candidates
    clf = LogisticRegression(C=1.0, max_iter=3000).fit(np.vstack(X), np.concatenate(y))
    # rounded as model files store weights (float32), so a trained model in memory and the
    # same model read back choose alike
    weights = clf.coef_[0].astype(np.float32).astype(np.float64)
    return HeadlineRanker(weights, float(np.float32(clf.intercept_[0])), threshold)
