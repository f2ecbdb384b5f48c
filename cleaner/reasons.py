"""Explain a line's label in words, from the feature values that drove it.

The classifier decides; this module says which of the cues it was given stand out for the line,
so a reader can audit a removal without reading weights. Reasons are ordered from the most to
the least specific cue; the first that applies is used, with the score appended."""

from __future__ import annotations

import numpy as np

from .features import LINE_FEATURES

_F = {name: i for i, name in enumerate(LINE_FEATURES)}

_CUE_WORDS = {
    "cue_newsletter": "a newsletter/subscription prompt",
    "cue_share": "a share bar",
    "cue_app": "an app prompt",
    "cue_legal": "copyright/legal/cookie text",
    "cue_account": "a login/account prompt",
    "cue_related": "a 'related/read more' cue",
    "cue_comment": "comment-section words",
    "cue_ad": "an advertisement marker",
    "cue_nav": "navigation words",
}


def _words(row: np.ndarray) -> int:
    return int(round(float(np.expm1(row[_F["words"]]))))


def boilerplate_reason(row: np.ndarray) -> str:
    f = lambda name: float(row[_F[name]])  # noqa: E731 - local shorthand
    if f("teaser_of_other") > 0:
        return "teaser: a cut-down copy of another line on the page"
    if f("dup_count") > 0:
        return "repeats another line on the page"
    if f("end_ellipsis") > 0 and _words(row) >= 6:
        return "teaser: ends with '...'"
    if f("same_cut_len") > 0.5:
        return "summary cut to the same length as others (a headline list)"
    for cue, words in _CUE_WORDS.items():
        if f(cue) > 0 and _words(row) <= 40:
            return f"has {words}"
    if f("link_density") > 0.5:
        return "mostly link text"
    if f("short_run") >= np.log1p(4):
        return f"in a run of {int(round(np.expm1(f('short_run'))))} short lines (menu or list)"
    if f("content_words") > 0 and f("topic_fit") < 0.25 and _words(row) >= 5:
        return "off-topic: shares few words with the article"
    if f("before_core") > 0:
        return "above the article's main text"
    if f("after_core") > 0:
        return "below the article's main text"
    return "not article text by its shape and context"


def reason_for(label: str, row: np.ndarray, p1: np.ndarray, p2: np.ndarray, labels: tuple) -> str:
    """One line of explanation: the cue, the final score, and any change the context pass made."""
    k = labels.index(label)
    first = labels[int(np.argmax(p1))]
    if label == "boilerplate":
        text = boilerplate_reason(row)
    elif label == "title":
        text = "headline: short unpunctuated line at the top"
        if row[_F["title_sim"]] > 0.5:
            text = "headline: matches the page title"
    elif label == "byline":
        text = "byline: author/date/credit line"
        if row[_F["cue_trailer"]] > 0:
            text = "byline: reporting/editing credit"
    elif label == "caption":
        text = "caption: describes a photo"
    else:
        text = f"article text ({_words(row)} words)"
    text += f"; p={float(p2[k]):.2f}"
    if first != label:
        text += f"; context pass changed {first} ({float(p1[labels.index(first)]):.2f})"
    return text
