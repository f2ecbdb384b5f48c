"""The headline ranker (cleaner/headline.py): which lines it weighs, how it chooses, how it is
fitted, stored and used by clean()."""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from cleaner.article import LABELS
from cleaner.headline import (
    HEADLINE_FEATURES,
    MAX_WORDS,
    REACH_ABOVE,
    REACH_BELOW,
    HeadlineRanker,
    candidate_features,
    candidates,
    fit_ranker,
)
from cleaner.model import ModelError, load_model, read_model, save_model

clean_module = importlib.import_module("cleaner.clean")
T, BODY, BOILER = LABELS.index("title"), LABELS.index("body"), LABELS.index("boilerplate")
COLUMN = {name: k for k, name in enumerate(HEADLINE_FEATURES)}


def _scores(title: list[float], n_body: int) -> np.ndarray:
    """Lines with the given title scores (the rest boilerplate), then n_body sure body lines."""
    rows = np.zeros((len(title) + n_body, len(LABELS)))
    rows[: len(title), T] = title
    rows[: len(title), BOILER] = 1.0 - np.array(title)
    rows[len(title) :, BODY] = 1.0
    return rows


def _ranker(bias: float = 0.0, **weights: float) -> HeadlineRanker:
    w = np.zeros(len(HEADLINE_FEATURES))
    for name, value in weights.items():
        w[COLUMN[name]] = value
    return HeadlineRanker(w, bias, 0.5)


def test_candidates_are_short_lines_near_the_first_body_line() -> None:
    texts = ["Menu"] * 40 + ["A paragraph of the story."] * 10
    labels = ["boilerplate"] * 40 + ["body"] * 10
    assert candidates(texts, labels) == list(range(40 - REACH_ABOVE, 40 + REACH_BELOW))
    texts[30] = " ".join(["word"] * (MAX_WORDS + 1))
    texts[31] = "This line is a whole sentence of twelve words, as paragraphs are."
    texts[32] = "A headline that ends in a question mark but is short?"
    found = candidates(texts, labels)
    assert 30 not in found and 31 not in found and 32 in found


def test_features_describe_each_candidate_against_the_others() -> None:
    texts = ["Home | News", "Storm floods the valley", "By Ann Lee", "The storm flooded the valley"]
    labels = ["boilerplate", "title", "byline", "body"]
    p2 = _scores([0.1, 0.9, 0.2], 1)
    rows = candidate_features(texts, labels, p2, p2, [0, 1, 2])
    assert rows.shape == (3, len(HEADLINE_FEATURES))
    assert rows[:, COLUMN["title_rank"]].tolist() == [2, 0, 1]
    assert rows[1, COLUMN["title_gap"]] == 0 and rows[0, COLUMN["title_gap"]] == pytest.approx(0.8)
    assert rows[:, COLUMN["next_to_body"]].tolist() == [0, 0, 1]
    assert rows[:, COLUMN["two_above_body"]].tolist() == [0, 1, 0]
    assert rows[0, COLUMN["has_separator"]] == 1 and rows[1, COLUMN["has_separator"]] == 0
    assert rows[1, COLUMN["lede_overlap"]] == pytest.approx(2 / 3)  # storm, valley; not floods
    assert rows[0, COLUMN["lede_overlap"]] == 0.0


def test_the_best_candidate_wins_only_above_the_threshold() -> None:
    texts = ["Menu", "Storm floods the valley", "The storm flooded the valley on Monday."]
    labels = ["boilerplate", "boilerplate", "body"]
    p2 = _scores([0.1, 0.2], 1)
    pick = _ranker(next_to_body=3.0).choose(texts, labels, p2, p2)
    assert pick is not None and pick[0] == 1 and pick[1] == pytest.approx(1 / (1 + np.exp(-3)))
    assert _ranker(-1.0, next_to_body=-3.0).choose(texts, labels, p2, p2) is None
    assert _ranker().choose([], [], p2[:0], p2[:0]) is None


def test_the_only_body_line_is_never_the_headline() -> None:
    """A short one-paragraph page whose paragraph the ranker likes best keeps it as its body;
    the next candidate above the threshold is the headline instead, if any."""
    texts = ["Menu", "Storm floods valley", "Roads closed after the storm"]
    labels = ["boilerplate", "boilerplate", "body"]
    p2 = _scores([0.1, 0.3], 1)
    ranker = _ranker(1.0, above_body=-2.0, next_to_body=1.5)  # the body line, then line 1
    assert ranker.choose(texts, labels, p2, p2)[0] == 1
    assert _ranker(1.0, above_body=-2.0).choose(texts, labels, p2, p2) is None  # 0.5 needed
    labels[1] = "body"  # two body lines: the ranker may take one
    assert _ranker(next_to_body=-3.0, above_body=-5.0).choose(texts, labels, p2, p2)[0] == 2


def _synthetic_pages(n: int, rng: np.random.Generator):
    """Pages whose headline sits right above the first body line, among menus and a byline."""
    for _ in range(n):
        top = int(rng.integers(2, 8))
        texts = [f"Menu item {k}" for k in range(top)] + ["Storm floods the valley", "By Ann Lee"]
        texts += ["The storm flooded the valley on Monday, officials said."] * 3
        head = top
        labels = ["boilerplate"] * top + ["boilerplate", "byline"] + ["body"] * 3
        title = list(rng.uniform(0.0, 0.4, top)) + [float(rng.uniform(0.3, 0.7)), 0.1]
        p2 = _scores(title, 3)
        yield texts, labels, p2, p2, head


def test_fit_ranker_learns_where_the_headline_is() -> None:
    rng = np.random.default_rng(0)
    ranker = fit_ranker(_synthetic_pages(60, rng))
    assert ranker is not None and ranker.weights.shape == (len(HEADLINE_FEATURES),)
    right = 0
    for texts, labels, p1, p2, head in _synthetic_pages(20, rng):
        pick = ranker.choose(texts, labels, p1, p2)
        right += pick is not None and pick[0] == head
    assert right == 20
    # the weights are float32 values, as a model file stores them
    assert np.array_equal(ranker.weights, ranker.weights.astype(np.float32))


def test_fit_ranker_without_marked_headlines_gives_none() -> None:
    pages = _synthetic_pages(5, np.random.default_rng(1))
    pages = [(texts, labels, p1, p2, 999) for texts, labels, p1, p2, _ in pages]
    assert fit_ranker(pages) is None


def test_a_stored_ranker_reads_back_the_same(tmp_path: Path) -> None:
    model = load_model()
    ranker = _ranker(next_to_body=2.5, p_title=1.25)
    mine = dataclasses.replace(model, headline={"text": ranker}, card=dict(model.card))
    save_model(mine, tmp_path / "m")
    back = read_model(tmp_path / "m")
    assert set(back.headline) == {"text"}
    assert np.array_equal(back.headline["text"].weights, ranker.weights)
    assert back.headline["text"].bias == ranker.bias and back.headline["text"].threshold == 0.5
    card = json.loads((tmp_path / "m" / "model.json").read_text())
    assert card["features"]["headline"] == list(HEADLINE_FEATURES)
    assert back.headline_ranker("text") is back.headline["text"]
    assert back.headline_ranker("html") is None  # the shipped model has HTML networks


def test_a_ranker_that_does_not_fit_its_features_is_refused(tmp_path: Path) -> None:
    model = load_model()
    bad = HeadlineRanker(np.zeros(3), 0.0, 0.5)
    save_model(dataclasses.replace(model, headline={"text": bad}, card=dict(model.card)), tmp_path)
    with pytest.raises(ModelError, match="headline ranker"):
        read_model(tmp_path)


def test_clean_takes_the_rankers_headline(monkeypatch) -> None:
    """The ranker's pick becomes the title (with its reason), a line the model called title
    takes its next-best label, a copy of the headline is boilerplate."""
    lines = ["Storm floods the valley", "Menu", "Council news", "The storm flooded it. " * 5]
    model = dataclasses.replace(load_model(), headline={"text": _ranker(next_to_body=3.0)})
    width = len(model.pass1_columns("text"))
    p2 = _scores([0.2, 0.1, 0.8], 1)  # the model's own title is "Council news"
    p2[2, T], p2[2, BODY], p2[2, BOILER] = 0.6, 0.3, 0.1

    def fixed_scores(page, _model):
        return np.zeros((len(page.lines), width), dtype=np.float32), p2, p2

    monkeypatch.setattr(clean_module, "classify", fixed_scores)
    article = clean_module.clean("\n".join(lines), kind="text", model=model)
    assert article.title == "Council news"  # next to the body: the ranker agrees here
    ranker = _ranker(two_above_body=3.0)
    model = dataclasses.replace(model, headline={"text": ranker})
    article = clean_module.clean("\n".join(lines), kind="text", model=model)
    assert article.title == "Menu"
    assert "headline ranker" in article.lines[1].reason
    assert article.lines[2].label == "body"  # the model's title line, next best


def test_a_copy_of_the_rankers_headline_is_boilerplate(monkeypatch) -> None:
    lines = ["Storm floods the valley", "Storm floods the valley", "The storm flooded it. " * 5]
    model = dataclasses.replace(load_model(), headline={"text": _ranker(next_to_body=3.0)})
    width = len(model.pass1_columns("text"))
    p2 = _scores([0.6, 0.3], 1)  # the model's title is the first copy

    def fixed_scores(page, _model):
        return np.zeros((len(page.lines), width), dtype=np.float32), p2, p2

    monkeypatch.setattr(clean_module, "classify", fixed_scores)
    article = clean_module.clean("\n".join(lines), kind="text", model=model)
    assert [ln.label for ln in article.lines] == ["boilerplate", "title", "body"]
    assert article.lines[0].reason.startswith("repeats the title")


# -- the compiled twin (cleaner._linestats.headline_*) gives the Python reference's values -----

headline_module = importlib.import_module("cleaner.headline")
needs_kernel = pytest.mark.skipif(
    headline_module._kernel is None,
    reason="cleaner._linestats is not built (no C compiler at install, or CLEANER_PURE_PYTHON=1)",
)
_TRICKY = list("abcdeABCDE  ßẞÜüǅﬁﬃİı_1²½٣ſKΣς.!?:|»-") + [
    "\u00a0",
    "\u2003",
    "\u3000",
    "\x85",
    "\x1c",
    "...",
    " - ",
    "\t",
]


def _random_pages(n: int, seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        lines = int(rng.integers(0, 45))
        texts = ["".join(rng.choice(_TRICKY, size=int(rng.integers(0, 90)))) for _ in range(lines)]
        labels = [str(x) for x in rng.choice(LABELS, size=lines)]
        # scores rounded to one decimal: many ties in the title column
        p1 = np.round(rng.random((lines, len(LABELS))), 1).astype(np.float32)
        p2 = np.round(rng.random((lines, len(LABELS))), 1).astype(np.float32)
        yield texts, labels, p1, p2


def _both_paths(pages, monkeypatch) -> tuple[list, list]:
    def run():
        out = []
        for texts, labels, p1, p2 in pages:
            cands = candidates(texts, labels)
            out.append((cands, candidate_features(texts, labels, p1, p2, cands)))
        return out

    compiled = run()
    monkeypatch.setattr(headline_module, "_kernel", None)
    return compiled, run()


@needs_kernel
def test_compiled_headline_features_match_python_on_odd_text(monkeypatch) -> None:
    pages = list(_random_pages(300, 7))
    compiled, python = _both_paths(pages, monkeypatch)
    for (cc, fc), (cp, fp) in zip(compiled, python, strict=True):
        assert cc == cp
        assert fc.dtype == fp.dtype and fc.tobytes() == fp.tobytes()


@needs_kernel
def test_compiled_headline_features_match_python_on_real_pages(monkeypatch) -> None:
    from cleaner.clean import classify, initial_labels
    from cleaner.lines import to_page

    model = load_model()
    pages = []
    for path in sorted((Path(__file__).resolve().parents[1] / "labelled").rglob("*.tsv")):
        rows = [ln.split("\t", 1) for ln in path.read_text(encoding="utf-8").splitlines()]
        text = "\n".join(r[1] for r in rows if len(r) == 2 and r[0] in LABELS)
        page = to_page(text, "text")
        if page.lines:
            _, p1, p2 = classify(page, model)
            texts = [ln.text for ln in page.lines]
            pages.append((texts, initial_labels(p2, texts), p1, p2))
    assert len(pages) >= 20
    compiled, python = _both_paths(pages, monkeypatch)
    for (cc, fc), (cp, fp) in zip(compiled, python, strict=True):
        assert cc == cp and fc.tobytes() == fp.tobytes()


@needs_kernel
def test_compiled_content_words_are_the_casefolded_words_python_finds() -> None:
    """The kernel casefolds ASCII words itself and any other word through str.casefold: the
    same set as the reference regex and casefold, on words with ß, ligatures, dotless i,
    long s, the Kelvin sign, final sigma."""
    rng = np.random.default_rng(11)
    for _ in range(3000):
        text = "".join(rng.choice(_TRICKY, size=int(rng.integers(0, 60))))
        assert headline_module._kernel.headline_content_words(text) == (
            headline_module._content_words(text)
        ), repr(text)


def test_a_title_hint_picks_the_candidate_it_names() -> None:
    """A scraper's stored page title ("Headline | Site") names the headline: the best-ranked
    candidate whose words are in it wins over the ranker's own pick, even below the threshold;
    a hint naming no candidate leaves the ranker to decide; the only body line is never taken."""
    texts = ["Menu", "Storm floods the valley", "Residents wade through water", "Roads shut."]
    labels = ["boilerplate", "boilerplate", "boilerplate", "body"]
    p2 = _scores([0.1, 0.2, 0.6], 1)
    ranker = _ranker(next_to_body=3.0)  # prefers line 2, right above the body
    assert ranker.choose(texts, labels, p2, p2)[0] == 2
    line, _, hinted = ranker.choose(texts, labels, p2, p2, "Storm floods the valley | Daily News")
    assert (line, hinted) == (1, True)
    assert ranker.choose(texts, labels, p2, p2, "Something else entirely")[::2] == (2, False)
    shy = _ranker(-1.0, next_to_body=-3.0)  # no candidate reaches the threshold
    assert shy.choose(texts, labels, p2, p2) is None
    assert shy.choose(texts, labels, p2, p2, "Storm floods the valley")[::2] == (1, True)
    body_only = ["Menu", "Storm floods the valley today"]
    body_labels = ["boilerplate", "body"]
    assert shy.choose(body_only, body_labels, p2[:2], p2[:2], body_only[1]) is None


@pytest.mark.parametrize(
    ("line", "hint", "matches"),
    [
        ("Storm floods the valley", "Storm floods the valley - Daily News", True),
        ("Storm Floods The Valley", "storm floods the valley", True),  # case does not matter
        ("Storm floods the valley again", "Storm floods the valley", True),  # 4 of 5 words
        ("Storm floods the valley once again", "Storm floods the valley", False),  # 4 of 6
        ("Daily News", "Storm floods the valley - Daily News", False),  # under 3 words
        ("Sport", "Sport", False),
        # a menu line inside a generic site title: too little of the title to be its headline
        (
            "Home | News | Sport | Weather",
            "County News - Home of local news, sport, weather and traffic for the county",
            False,
        ),
        ("Home | News | Sport | Weather", "Home | News | Sport | Weather | County News", True),
    ],
)
def test_matches_hint(line: str, hint: str, matches: bool) -> None:
    from cleaner.headline import _hint_words, matches_hint

    assert matches_hint(line, _hint_words(hint)) is matches
