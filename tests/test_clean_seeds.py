"""The user's own example: five real scrapes of one story (bundled in examples/seeds).

Every article line must be kept and every kind of site boilerplate removed, with title and byline
found where the page has them. Gold labels are the hand-labelled copies in labelled/seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.labelled import read_labelled
from cleaner.text import normalise

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "examples" / "seeds").glob("*.txt"))
KEPT = {"title", "byline", "body", "caption"}


def _gold(seed: Path):
    return read_labelled(REPO / "labelled" / "seeds" / f"{seed.stem}.tsv")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_every_article_line_kept(seed: Path) -> None:
    gold = _gold(seed)
    article = clean(seed.read_text(encoding="utf-8"))
    assert article.error is None
    assert len(article.lines) == len(gold.lines)
    body_lines = set(article.body.split("\n"))
    missing = [
        g.text for g in gold.lines if g.label == "body" and normalise(g.text) not in body_lines
    ]
    assert not missing, f"article lines dropped: {missing}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_every_boilerplate_line_removed(seed: Path) -> None:
    gold = _gold(seed)
    article = clean(seed.read_text(encoding="utf-8"))
    kept = [
        (g.text, ln.label, ln.reason)
        for g, ln in zip(gold.lines, article.lines, strict=True)
        if g.label == "boilerplate" and ln.label in KEPT
    ]
    assert not kept, f"boilerplate kept: {kept}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_title_and_byline_found_where_the_page_has_them(seed: Path) -> None:
    gold = _gold(seed)
    article = clean(seed.read_text(encoding="utf-8"))
    gold_title = next((g.text for g in gold.lines if g.label == "title"), None)
    assert (article.title or None) == (normalise(gold_title) if gold_title else None)
    gold_bylines = [normalise(g.text) for g in gold.lines if g.label == "byline"]
    if gold_bylines:
        assert article.byline is not None
        for b in gold_bylines:
            assert b in article.byline


def test_self_teaser_in_000_is_removed_with_a_reason() -> None:
    seed = next(p for p in SEEDS if p.name.startswith("000"))
    article = clean(seed.read_text(encoding="utf-8"))
    teaser = [
        ln
        for ln in article.lines
        if ln.text.startswith("TOKYO, Japan: U.S. President") and ln.text.endswith("...")
    ]
    assert len(teaser) == 1
    assert teaser[0].label == "boilerplate"
    assert "teaser" in teaser[0].reason


def test_every_line_has_label_score_and_reason() -> None:
    for seed in SEEDS:
        article = clean(seed.read_text(encoding="utf-8"))
        for ln in article.lines:
            assert ln.label in {"title", "byline", "body", "caption", "boilerplate"}
            assert 0.0 <= ln.score <= 1.0
            assert ln.reason


def test_output_is_deterministic() -> None:
    seed = SEEDS[0].read_text(encoding="utf-8")
    a, b = clean(seed), clean(seed)
    assert a.to_dict(with_lines=True) == b.to_dict(with_lines=True)


def test_outlet_guessed_from_the_page_credits() -> None:
    outlets = {p.name[:3]: clean(p.read_text(encoding="utf-8")).outlet for p in SEEDS}
    assert outlets["001"] == "Reuters"
    assert outlets["000"] == "Africa Leader"
    assert outlets["003"] == "Clash Report"
    assert outlets["004"] is not None and "Edge" in outlets["004"]
