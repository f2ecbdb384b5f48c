"""Reasons are worded when first read, and are then exactly what explaining eagerly gives."""

from __future__ import annotations

import importlib
import pickle
from pathlib import Path

import pytest

from cleaner import reasons as reasons_module
from cleaner.article import Line

clean_module = importlib.import_module("cleaner.clean")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "seeds" / "000_511d9a10b809bd20.txt"


@pytest.fixture
def explain_calls(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = reasons_module.explain

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(reasons_module, "explain", counting)
    return calls


def test_cleaning_words_no_reason_until_one_is_read(explain_calls) -> None:
    article = clean_module.clean(EXAMPLE.read_text(encoding="utf-8"))
    assert article.body and explain_calls == []
    article.to_dict()  # the JSONL shape: no reasons in it
    assert explain_calls == []
    first = article.lines[0].reason
    assert first and explain_calls == [1]
    assert all(ln.reason for ln in article.lines)
    assert explain_calls == [1]  # the page's reasons are worded once


def test_lazy_reasons_equal_eager_ones() -> None:
    from cleaner.lines import to_page
    from cleaner.model import load_model

    model = load_model()
    article = clean_module.article_from_page(to_page(EXAMPLE.read_text(encoding="utf-8")), model)
    X, p1, p2 = clean_module.classify(to_page(EXAMPLE.read_text(encoding="utf-8")), model)
    labels, notes = clean_module._decide(p2, [ln.text for ln in article.lines])
    assert labels == [ln.label for ln in article.lines]
    eager = reasons_module.explain(X, p1, p2, labels, model.pass1_columns("text"))
    expected = [f"{notes[i]}; {r}" if i in notes else r for i, r in enumerate(eager)]
    assert [ln.reason for ln in article.lines] == expected


def test_a_pickled_article_carries_words_not_arrays() -> None:
    article = clean_module.clean(EXAMPLE.read_text(encoding="utf-8"))
    data = pickle.dumps(article)
    again = pickle.loads(data)
    assert again == article
    assert [ln.reason for ln in again.lines] == [ln.reason for ln in article.lines]
    assert isinstance(again.lines[0]._reason[0], list)
    assert b"numpy" not in data


def test_lines_compare_by_their_reasons_however_held() -> None:
    held = Line("text", 0)
    held._reason = (["because"], 0)
    plain = Line("text", 0)
    plain.reason = "because"
    assert held == plain
    plain.reason = "otherwise"
    assert held != plain
