"""With a model that has no headline ranker (one trained on pages without title labels), an HTML
page with article text but no line labelled title gets the likeliest title line above the
article as its headline (clean._headline_fallback); a text scrape does not."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

from cleaner.article import LABELS
from cleaner.clean import HEADLINE_FLOOR, HEADLINE_REACH, _headline_fallback
from cleaner.model import load_model

clean_module = importlib.import_module(
    "cleaner.clean"
)  # the module (cleaner.clean is also the function)

T, BODY, BOILER = LABELS.index("title"), LABELS.index("body"), LABELS.index("boilerplate")


def _p2(title_scores: list[float], n_body: int) -> np.ndarray:
    """Boilerplate lines with the given title scores, then n_body sure body lines."""
    rows = []
    for t in title_scores:
        row = np.zeros(len(LABELS), dtype=np.float32)
        row[T], row[BOILER] = t, 1.0 - t
        rows.append(row)
    for _ in range(n_body):
        row = np.zeros(len(LABELS), dtype=np.float32)
        row[BODY] = 1.0
        rows.append(row)
    return np.array(rows)


def test_the_likeliest_title_line_above_the_body_becomes_the_headline() -> None:
    p2 = _p2([0.3, 0.01, 0.2, 0.4, 0.1], 2)
    labels = ["boilerplate"] * 5 + ["body"] * 2
    notes: dict[int, str] = {}
    _headline_fallback(p2, labels, notes)
    assert labels == ["boilerplate"] * 3 + ["title", "boilerplate"] + ["body"] * 2
    assert notes == {3: "headline: the likeliest title line above the article (none was sure)"}


def test_no_headline_below_the_floor_beyond_the_reach_or_from_a_ruled_line() -> None:
    below = _p2([HEADLINE_FLOOR / 2] * 3, 1)
    labels = ["boilerplate"] * 3 + ["body"]
    _headline_fallback(below, labels, {})
    assert "title" not in labels
    far = _p2([0.9] + [0.0] * HEADLINE_REACH, 1)  # the only title-like line is out of reach
    labels = ["boilerplate"] * (HEADLINE_REACH + 1) + ["body"]
    _headline_fallback(far, labels, {})
    assert "title" not in labels
    ruled = _p2([0.9, 0.2], 1)  # a line a rule removed (a repeat, the site's) is not a candidate
    labels, notes = ["boilerplate", "boilerplate", "body"], {0: "recurs on 5 of 6 pages"}
    _headline_fallback(ruled, labels, notes)
    assert labels == ["boilerplate", "title", "body"]


@pytest.mark.parametrize("kind", ["html", "text"])
def test_only_html_pages_get_a_fallback_headline(kind: str, monkeypatch) -> None:
    lines = ["Menu", "Council approves new budget", "The council voted on Tuesday. " * 5]
    model = dataclasses.replace(load_model(), headline={})  # a model without a headline ranker
    width = len(model.pass1_columns(kind))
    p2 = _p2([0.0, 0.3], 1)

    def fixed_scores(page, _model):
        return np.zeros((len(page.lines), width), dtype=np.float32), p2, p2

    monkeypatch.setattr(clean_module, "classify", fixed_scores)
    if kind == "html":
        markup = "<html><body>" + "".join(f"<p>{t}</p>" for t in lines) + "</body></html>"
        article = clean_module.clean(markup, kind="html", model=model)
        assert article.title == "Council approves new budget"
        assert "likeliest title line" in article.lines[1].reason
    else:
        article = clean_module.clean("\n".join(lines), kind="text", model=model)
        assert article.title is None
    assert article.body.startswith("The council voted")
