"""Title accuracy in `cleaner evaluate` and the model card: whether the article's title is the
headline the corpus's line labels mark (L3S); pages without a gold headline are not judged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.corpora import CorpusPage, gold_headline
from cleaner.evaluate import evaluate_pages, title_accuracy, title_matches

LEDE = (
    "The city council voted on Tuesday to approve a new budget that raises spending on schools "
    "by ten percent, officials said."
)
SECOND = (
    "The vote was seven to two, with both dissenting members arguing that the increase would "
    "require higher property taxes next year."
)
PAGE = "\n".join(["Home | News | Sport", "Council approves new budget", LEDE, SECOND])


def test_a_title_matches_its_headline_give_or_take_punctuation() -> None:
    assert title_matches("Council approves new budget", "Council approves new budget.")
    assert title_matches("Council Approves New Budget", "council approves new budget")
    assert not title_matches("Council approves budget after long debate", "New budget")
    assert not title_matches("Tue, 15 Jan 2008 14:50 GMT", "Council approves new budget")
    assert not title_matches(None, "Council approves new budget")
    assert not title_matches("", "")


def test_pages_with_a_gold_headline_are_judged_the_others_not() -> None:
    items = [
        ("right", PAGE, "text", f"{LEDE}\n{SECOND}", "Council approves new budget"),
        ("wrong", PAGE, "text", f"{LEDE}\n{SECOND}", "Mayor resigns over budget row"),
        ("unmarked", PAGE, "text", f"{LEDE}\n{SECOND}", None),
        ("four-tuple", PAGE, "text", f"{LEDE}\n{SECOND}"),
    ]
    scores = {s.id: s for s in evaluate_pages(items)}
    assert scores["right"].title_ok is True
    assert scores["wrong"].title_ok is False
    assert scores["unmarked"].title_ok is None and scores["four-tuple"].title_ok is None
    assert title_accuracy(list(scores.values())) == (1, 2)


def test_the_l3s_headline_is_its_first_headline_line(tmp_path: Path) -> None:
    rows = ["0\tHome", "1\tCouncil approves new budget", "1\tA deck under it", f"2\t{LEDE}"]
    (tmp_path / "p1.lines.tsv").write_text("label\ttext\n" + "\n".join(rows) + "\n", "utf-8")
    page = CorpusPage("l3s-gn1", "p1", "example.com", "dev", tmp_path)
    assert gold_headline(page) == "Council approves new budget"
    assert gold_headline(CorpusPage("dragnet", "p1", "example.com", "dev", tmp_path)) is None


def test_cli_reports_title_accuracy_only_when_pages_have_gold_headlines(
    tmp_path: Path, capsys
) -> None:
    (tmp_path / "p.txt").write_text(PAGE + "\n", encoding="utf-8")
    (tmp_path / "p.gold.txt").write_text(f"{LEDE}\n{SECOND}\n", encoding="utf-8")
    assert main(["evaluate", str(tmp_path)]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["f1"] == 1.0 and "title_pages" not in summary


def test_cli_title_accuracy_on_the_l3s_dev_pages(capsys) -> None:
    from cleaner.cli_model import _shared

    if _shared(None) is None:
        pytest.skip("../shared/corpora is not beside the project")
    assert main(["evaluate", "--corpus", "l3s-gn1", "--split", "dev", "--input", "text"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["title_pages"] > 100  # nearly every L3S page marks its headline
    assert 0 < summary["title_correct"] <= summary["title_pages"]


def test_errors_listing_names_a_wrong_title_even_on_a_page_without_line_errors(
    monkeypatch, capsys
) -> None:
    import cleaner.cli_model as cli_model

    items = [
        ("right", PAGE, "text", f"{LEDE}\n{SECOND}", "Council approves new budget"),
        ("wrong", PAGE, "text", f"{LEDE}\n{SECOND}", "Mayor resigns over budget row"),
    ]
    monkeypatch.setattr(cli_model, "_shared", lambda _arg: Path("."))
    monkeypatch.setattr(
        "cleaner.evaluate.iter_corpus_split", lambda corpus, split, kind, shared: iter(items)
    )
    argv = ["evaluate", "--corpus", "l3s-gn1", "--split", "dev", "--input", "text", "--errors"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    headers = [line.split("\t")[0] for line in out if line.startswith("# ") and "\tF1 " in line]
    assert headers == ["# wrong"]  # both pages' lines are right; only one title is wrong
    assert (
        "# title: 'Council approves new budget', the headline is 'Mayor resigns over budget row'"
        in out
    )
    summary = json.loads(out[-1])
    assert (summary["title_correct"], summary["title_pages"]) == (1, 2)
