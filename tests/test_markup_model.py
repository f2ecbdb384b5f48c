"""The markup model: the word model's regression over a line's tag and class/id words (HTML).

It must score a line exactly as the word model would score the line's markup text, learn which
container names mark boilerplate, be stored and checked like the word model, feed pass 1 the
columns the networks were trained on, and name itself when it is why a line was removed."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from cleaner.article import LABELS, DomHints, Line
from cleaner.features import LINE_FEATURES
from cleaner.lexical import (
    MARKUP_FEATURES,
    LexicalScorer,
    Vocabulary,
    lexical_columns,
    markup_text,
)
from cleaner.lines import Page, html_to_page
from cleaner.model import load_model, read_model, save_model
from cleaner.reasons import explain

BOILER = LABELS.index("boilerplate")
BODY = LABELS.index("body")


def test_markup_text_is_the_tag_then_the_class_and_id_words() -> None:
    assert markup_text(DomHints(tag="p", attrs="entry content")) == "tp entry content"
    assert markup_text(DomHints(tag="li", attrs="")) == "tli "
    assert markup_text(None) == ""  # text input: no markup


def _scorer() -> LexicalScorer:
    texts = ["tp entry content", "tli sidebar widget", "tdiv footer", "tp entry content post"]
    vocab = Vocabulary.build(texts * 2, 2)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(vocab.size, len(LABELS))).astype(np.float32)
    return LexicalScorer(vocab, weights, rng.normal(size=len(LABELS)).astype(np.float32))


def test_markup_columns_score_every_line_as_its_own_markup() -> None:
    """Each distinct markup is scored once and shared: the same columns as scoring every
    line's markup text on its own."""
    scorer = _scorer()
    doms = [
        DomHints(tag="p", attrs="entry content"),
        DomHints(tag="li", attrs="sidebar widget"),
        DomHints(tag="p", attrs="entry content"),
        None,
        DomHints(tag="div", attrs="footer"),
        DomHints(tag="li", attrs="sidebar widget"),
    ]
    lines = [Line(text=f"line {i}", index=i, dom=d) for i, d in enumerate(doms)]
    got = scorer.markup_columns(Page(lines=lines, is_html=True))
    want = lexical_columns(scorer.probabilities([markup_text(d) for d in doms]))
    assert got.shape == (len(lines), len(MARKUP_FEATURES))
    np.testing.assert_array_equal(got, want)
    assert not np.array_equal(got[0], got[1])  # different markup, different scores
    # scored again from the memo, after another page: the same values
    other = [Line(text="x", index=0, dom=DomHints(tag="td", attrs="comment reply"))]
    scorer.markup_columns(Page(lines=other, is_html=True))
    again = scorer.markup_columns(Page(lines=list(lines), is_html=True))
    np.testing.assert_array_equal(again, got)


def test_the_markup_memo_is_bounded_and_stays_right(monkeypatch) -> None:
    from cleaner import lexical

    monkeypatch.setattr(lexical, "_MARKUP_ROWS_MAX", 4)
    scorer = _scorer()
    pages = [
        [DomHints(tag="p", attrs=f"entry content c{k}"), DomHints(tag="li", attrs="sidebar")]
        for k in range(6)
    ]
    for doms in pages * 2:
        lines = [Line(text="x", index=i, dom=d) for i, d in enumerate(doms)]
        got = scorer.markup_columns(Page(lines=lines, is_html=True))
        want = lexical_columns(scorer.probabilities([markup_text(d) for d in doms]))
        np.testing.assert_array_equal(got, want)
        assert len(scorer._row_of) <= 4


def _html(site: str) -> str:
    body = "".join(
        f"<p>Paragraph {k} of the {site} story, in which the council said the vote would be "
        "held again next week.</p>"
        for k in range(4)
    )
    side = "".join(f"<li>Other story {k} on {site}</li>" for k in range(4))
    return (
        f"<html><body><div class='entry-content'>{body}</div>"
        f"<ul class='sidebar widget'>{side}</ul></body></html>"
    )


def test_fitted_markup_model_learns_container_names() -> None:
    pytest.importorskip("sklearn")
    from cleaner.train import Examples, TrainConfig, fit_lexical

    ex = Examples([], [], [], [])
    for site in ("alpha", "beta", "gamma"):
        page = html_to_page(_html(site))
        labels = [
            "body" if ln.dom and "entry" in ln.dom.attrs else "boilerplate" for ln in page.lines
        ]
        assert labels.count("body") == 4 and labels.count("boilerplate") == 4
        ex.add(page, labels, site)
    columns, scorer = fit_lexical(ex, TrainConfig(lexical_min_lines=2, lexical_folds=3),
                                  log=lambda _: None, markup=True)  # fmt: skip
    assert columns.shape == (24, len(MARKUP_FEATURES))
    assert {"tp", "tli", "entry", "content", "sidebar", "widget"} <= set(scorer.vocabulary.words)
    probs = scorer.probabilities(["tli sidebar widget", "tp entry content"])
    assert probs[0, BOILER] > 0.5 > probs[1, BOILER]
    # out-of-fold columns: each site's lines scored by a model fitted on the other two sites
    page_rows = np.repeat(np.arange(3), 8)
    first_site = columns[page_rows == 0]
    assert np.all(first_site[4:, BOILER] > first_site[:4, BOILER])


def test_shipped_model_reads_markup_for_html_only() -> None:
    model = load_model()
    assert set(model.markup) == set(model.card["markup_model_kinds"]) == {"html"}
    assert model.pass1_columns("html") == LINE_FEATURES + MARKUP_FEATURES
    assert MARKUP_FEATURES[0] not in model.pass1_columns("text")
    page = html_to_page(_html("alpha"))
    from cleaner.features import line_features

    for kind in ("html", "text"):
        X = model.pass1_inputs(line_features(page), page, kind)
        assert X.shape == (len(page.lines), len(model.pass1_columns(kind)))
        assert X.shape[1] == model.networks[f"{kind}/pass1"].members[0].mean.shape[0]
        # the same columns when line_features leaves room for them and they are filled in place
        spare = line_features(page, model.spare_columns(kind))
        assert spare.shape == X.shape and not spare[:, len(LINE_FEATURES) :].any()
        filled = model.pass1_inputs(spare, page, kind)
        assert filled is spare
        np.testing.assert_array_equal(filled, X)


def test_markup_model_survives_saving(tmp_path: Path) -> None:
    model = load_model()
    save_model(model, tmp_path / "m")
    again = read_model(tmp_path / "m")
    texts = ["tli sidebar widget", "tp entry content", "tdiv comment reply"]
    np.testing.assert_array_equal(
        again.markup["html"].probabilities(texts), model.markup["html"].probabilities(texts)
    )


def test_a_model_without_markup_model_still_loads(tmp_path: Path) -> None:
    """Model folders written before the markup model (0.4.0 and older) have no such part."""
    model = dataclasses.replace(load_model(), markup={})  # the cached model is shared: a copy
    save_model(model, tmp_path / "old")
    card = json.loads((tmp_path / "old" / "model.json").read_text())
    assert card["markup_model_kinds"] == []
    assert read_model(tmp_path / "old").markup == {}


def test_a_removal_by_markup_says_so() -> None:
    """A line with no other cue, whose markup the markup model calls boilerplate, is explained
    by it; the same features without the markup column fall through to the catch-all."""
    columns = LINE_FEATURES + MARKUP_FEATURES
    X = np.zeros((2, len(columns)), dtype=np.float32)
    X[:, columns.index("words")] = np.log1p(50)  # long enough to skip the short-line cues
    X[0, columns.index("markup_boilerplate")] = 0.95
    X[1, columns.index("markup_boilerplate")] = 0.5
    p = np.zeros((2, len(LABELS)), dtype=np.float32)
    p[:, BOILER] = 1.0
    reasons = explain(X, p, p, ["boilerplate"] * 2, columns)
    assert reasons[0].startswith("its markup (tag, class/id words) is that of boilerplate")
    assert "markup" not in reasons[1]
    without = explain(X[:, : len(LINE_FEATURES)], p, p, ["boilerplate"] * 2, LINE_FEATURES)
    assert "markup" not in without[0]


def test_markup_model_option_takes_html_or_none() -> None:
    from cleaner.cli_model import _markup_model_kinds

    assert _markup_model_kinds("html") == ("html",)
    assert _markup_model_kinds("none") == ()
    with pytest.raises(argparse.ArgumentTypeError, match="no markup"):
        _markup_model_kinds("text,html")


def test_a_used_model_pickles_and_cleans_the_same() -> None:
    """A Spark or Dask job sends the model to its workers. The kernel's term index and the
    markup memo are rebuilt there, not pickled; the output is the same."""
    import pickle

    from cleaner import clean

    model = load_model()
    html = _html("alpha")
    text = (
        "Council approves budget\nBy Dana Reyes\nThe city council approved a new budget for "
        "parks on Monday after a long debate, officials said.\nShare this article"
    )
    before = [clean(html, model=model), clean(text, model=model)]
    assert model.markup["html"]._row_of  # it has scored markups
    copy = pickle.loads(pickle.dumps(model))
    assert copy.markup["html"]._row_of == {} and copy.lexical["text"].vocabulary._index is None
    after = [clean(html, model=copy), clean(text, model=copy)]
    for a, b in zip(before, after, strict=True):
        assert a.body == b.body
        assert [(ln.label, ln.score, ln.reason) for ln in a.lines] == [
            (ln.label, ln.score, ln.reason) for ln in b.lines
        ]
