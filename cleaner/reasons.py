"""Explain each line's label in words, from the feature values that drove it.

The classifier decides; this module says which of the cues it was given stand out for the line,
so a reader can audit a removal without reading weights. For a removed line the first cue in
`_BOILERPLATE_CUES` that applies is named (most specific first); every reason ends with the
final score, and says so when the context pass changed pass 1's label. Computed for a whole page
at once with numpy: explaining must not cost more than classifying."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .article import LABELS
from .features import LINE_FEATURES

_F = {name: i for i, name in enumerate(LINE_FEATURES)}
_RUN4 = float(np.log1p(4))
_STAMPS_AROUND = 0.25  # a quarter of the 12 lines around are short date/time/comment lines


def _col(X: np.ndarray, name: str) -> np.ndarray:
    return X[:, _F[name]]


def _model_score(X: np.ndarray, columns: Sequence[str], name: str) -> np.ndarray:
    """A column pass 1 reads only for some kinds of input (the word model's, the markup
    model's): 0 where this page's kind has no such column."""
    if name not in columns:
        return np.zeros(X.shape[0], dtype=X.dtype)
    return X[:, list(columns).index(name)]


def _boilerplate_cues(X: np.ndarray, columns: Sequence[str]) -> list[tuple[np.ndarray, str]]:
    """(condition per line, reason) in priority order; `columns` names X's columns."""
    words = np.expm1(_col(X, "words"))
    short = words <= 40
    cues = [
        (_col(X, "teaser_of_other") > 0, "teaser: a cut-down copy of another line on the page"),
        (_col(X, "dup_count") > 0, "repeats another line on the page"),
        ((_col(X, "end_ellipsis") > 0) & (words >= 6), "teaser: ends with '...'"),
        (_col(X, "same_cut_len") > 0.5, "summary cut to the same length as others (a list)"),
        ((_col(X, "cue_newsletter") > 0) & short, "has a newsletter/subscription prompt"),
        ((_col(X, "cue_share") > 0) & short, "has a share bar"),
        ((_col(X, "cue_app") > 0) & short, "has an app prompt"),
        ((_col(X, "cue_legal") > 0) & short, "has copyright/legal/cookie text"),
        ((_col(X, "cue_account") > 0) & short, "has a login/account prompt"),
        ((_col(X, "cue_related") > 0) & short, "has a 'related/read more' cue"),
        ((_col(X, "cue_comment") > 0) & short, "has comment-section words"),
        ((_col(X, "cue_ad") > 0) & short, "has an advertisement marker"),
        ((_col(X, "cue_nav") > 0) & short, "has navigation words"),
        (_col(X, "link_density") > 0.5, "mostly link text"),
        ((_col(X, "reader_address") > 0.1) & short, "addresses the reader (a prompt)"),
        (_col(X, "short_run") >= _RUN4, "in a run of short lines (menu or list)"),
        (
            (_col(X, "stamps_near") >= _STAMPS_AROUND) & (_col(X, "in_main") == 0),
            "outside the main text, among name/date/reply lines (a comment thread or dated list)",
        ),
        (
            (_col(X, "content_words") > 0) & (_col(X, "topic_fit") < 0.25) & (words >= 5),
            "off-topic: shares few words with the article",
        ),
        (
            _model_score(X, columns, "lex_boilerplate") >= 0.9,
            "its words are those of boilerplate (word model)",
        ),
        (
            _model_score(X, columns, "markup_boilerplate") >= 0.9,
            "its markup (tag, class/id words) is that of boilerplate (markup model)",
        ),
        (_col(X, "before_core") > 0, "above the article's main text"),
        (_col(X, "after_core") > 0, "below the article's main text"),
    ]
    return cues


def explain(
    X: np.ndarray,
    p1: np.ndarray,
    p2: np.ndarray,
    labels: list[str],
    columns: Sequence[str],
) -> list[str]:
    """One line of explanation per line of the page; `columns` names X's columns (what
    LineModel.pass1_columns gives for the page's kind)."""
    n = len(labels)
    if n == 0:
        return []
    cues = _boilerplate_cues(X, columns)
    cue_texts = [text for _, text in cues] + ["not article text by its shape and context"]
    # index of the first condition that holds (the catch-all row last): one argmax, not a select
    first_cue = np.vstack([*(cond for cond, _ in cues), np.ones(n, dtype=bool)]).argmax(axis=0)
    first_cue = first_cue.tolist()
    words = np.rint(np.expm1(_col(X, "words"))).astype(int).tolist()
    headline = (_col(X, "title_sim") > 0.5).tolist()
    trailer = (_col(X, "cue_trailer") > 0).tolist()
    kinds = [_LABEL_INDEX[label] for label in labels]
    rows = np.arange(n)
    scores = p2[rows, kinds].tolist()
    first_label = np.argmax(p1, axis=1)
    changed = np.flatnonzero(first_label != kinds).tolist()
    # every score formatted by one %-operation ("%.2f" formats exactly as f"{x:.2f}")
    p_texts = ("; p=%.2f\n" * n % tuple(scores)).split("\n")
    out = [
        (
            cue_texts[first_cue[i]]
            if label == "boilerplate"
            else _kept(label, i, words, headline, trailer)
        )
        + p_texts[i]
        for i, label in enumerate(labels)
    ]
    for i in changed:
        j = first_label[i]
        out[i] += f"; context pass changed {LABELS[j]} ({p1[i, j]:.2f})"
    return out


def _kept(label: str, i: int, words: list[int], headline: list[bool], trailer: list[bool]) -> str:
    """The reason for a kept line (most lines of a page are boilerplate; these are few)."""
    if label == "body":
        return f"article text ({words[i]} words)"
    if label == "caption":
        return "caption: describes a photo"
    return _KEPT_REASON[label, headline[i] if label == "title" else trailer[i]]


class PageReasons(Sequence[str]):
    """The reasons of a page's lines, worked out when first read. Explaining costs about a tenth
    of cleaning a page, and most uses (JSONL or text output, a pipeline that keeps the body)
    never read a reason. Until then it holds the page's feature and score arrays. Pickles as
    the reasons themselves, so a worker process sends text, not arrays."""

    __slots__ = ("_inputs", "_texts")

    def __init__(
        self,
        X: np.ndarray,
        p1: np.ndarray,
        p2: np.ndarray,
        labels: list[str],
        notes: dict[int, str],
        columns: Sequence[str],
    ) -> None:
        self._inputs: tuple | None = (X, p1, p2, labels, notes, columns)
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            X, p1, p2, labels, notes, columns = self._inputs
            texts = explain(X, p1, p2, labels, columns)
            for i, note in notes.items():
                texts[i] = f"{note}; {texts[i]}"
            self._texts, self._inputs = texts, None
        return self._texts

    def __getitem__(self, i):  # type: ignore[override]
        return self.texts()[i]

    def __len__(self) -> int:
        return len(self.texts())

    def __reduce__(self):
        return (list, (self.texts(),))


_LABEL_INDEX = {label: k for k, label in enumerate(LABELS)}
_KEPT_REASON = {
    ("title", True): "headline: matches the page title",
    ("title", False): "headline: short unpunctuated line at the top",
    ("byline", True): "byline: reporting/editing credit",
    ("byline", False): "byline: author/date/credit line",
}
