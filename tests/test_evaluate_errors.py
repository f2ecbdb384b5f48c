"""`cleaner evaluate --errors`: every line judged otherwise than the gold, with the cleaner's label,
score and reason, worst page first; the counts agree with the scores."""

from __future__ import annotations

from pathlib import Path

from cleaner import clean
from cleaner.cli import main
from cleaner.evaluate import (
    error_summary,
    evaluate_pages,
    iter_gold_folder,
    line_errors,
    reason_kind,
)
from cleaner.text import words

LEDE = (
    "The city council voted on Tuesday to approve a new budget that raises spending on schools "
    "by ten percent, officials said."
)
SECOND = (
    "The vote was seven to two, with both dissenting members arguing that the increase would "
    "require higher property taxes next year."
)
PROMPT = "Sign up for our newsletter"


def _page(folder: Path, name: str, lines: list[str], gold: list[str]) -> None:
    (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / f"{name}.gold.txt").write_text("\n".join(gold) + "\n", encoding="utf-8")


def test_line_errors_name_missed_and_extra_lines_with_their_reasons() -> None:
    page = "\n".join(["Home | News | Sport", "Council approves new budget", LEDE, SECOND, PROMPT])
    article = clean(page)
    assert article.body == f"{LEDE}\n{SECOND}"  # the shipped model removes the prompt
    # a gold that keeps the prompt and lacks the second paragraph: one miss, one extra
    errors = line_errors(article, f"{LEDE}\n{PROMPT}", "body")
    assert [(e.kind, e.text) for e in errors] == [("extra", SECOND), ("missed", PROMPT)]
    missed = errors[1]
    assert missed.label == "boilerplate" and missed.index == 4
    assert missed.reason == article.lines[4].reason and "newsletter" in missed.reason
    assert errors[0].label == "body" and errors[0].score == article.lines[3].score
    # the same lines against a gold that agrees: nothing to report
    assert line_errors(article, f"{LEDE}\n{SECOND}", "body") == []


def test_the_article_convention_counts_headline_as_kept() -> None:
    article = clean("\n".join(["Council approves new budget", LEDE, SECOND]))
    assert article.title == "Council approves new budget"
    gold_body_only = f"{LEDE}\n{SECOND}"
    assert line_errors(article, gold_body_only, "body") == []
    extra = line_errors(article, gold_body_only, "article")
    assert [(e.kind, e.label) for e in extra] == [("extra", "title")]


def test_cli_lists_errors_worst_page_first(tmp_path: Path, capsys) -> None:
    _page(tmp_path, "b_good", ["Council approves new budget", LEDE, SECOND], [LEDE, SECOND])
    _page(tmp_path, "a_bad", ["Council approves new budget", LEDE, SECOND, PROMPT], [LEDE, PROMPT])
    assert main(["evaluate", str(tmp_path), "--errors"]) == 0
    out = capsys.readouterr().out.splitlines()
    headers = [line for line in out if line.startswith("# ") and "\tF1 " in line]
    assert [h.split("\t")[0] for h in headers] == ["# a_bad"]  # the perfect page is not listed
    listing = out[
        : out.index("# words misjudged, by reason (all pages; the first clause of each reason)")
    ]
    rows = [line.split("\t") for line in listing if line.startswith(("missed", "extra"))]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("extra", "3", "body"),
        ("missed", "4", "boilerplate"),
    ]
    assert rows[1][5] == PROMPT and "newsletter" in rows[1][4]
    # the errors agree with the page's score: one of two kept lines is wrong, one gold line lost
    scores = {s.id: s for s in evaluate_pages(iter_gold_folder(tmp_path, "text"))}
    assert scores["b_good"].score.f1 == 1.0 and scores["a_bad"].score.f1 < 0.8
    assert out[-1].startswith('{"pages": 2')


def test_cli_names_a_page_that_failed(tmp_path: Path, capsys) -> None:
    """An empty page scores 0 and has no lines to list: its header says why instead."""
    _page(tmp_path, "empty", [], ["Some gold text that the page does not have."])
    assert main(["evaluate", str(tmp_path), "--errors"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "# empty\tP 0.000\tR 0.000\tF1 0.000",
        "# error: empty: the input has no text",
    ]


def test_reason_kind_keeps_the_cue_not_its_particulars() -> None:
    assert reason_kind(
        "article text (36 words); p=0.55; context pass changed boilerplate (0.6)"
    ) == ("article text")
    assert reason_kind("below the comment section's header (line 52: '11 comments'); p=0.2") == (
        "below the comment section's header"
    )
    assert reason_kind("has a newsletter/subscription prompt; p=1.00") == (
        "has a newsletter/subscription prompt"
    )


def test_summary_counts_the_words_each_cue_cost(tmp_path: Path, capsys) -> None:
    """Two pages whose gold keeps the newsletter prompt: both prompts are missed words of the
    same cue, summed; the extra paragraph counts under "article text"."""
    _page(
        tmp_path,
        "p1",
        ["Council approves new budget", LEDE, SECOND, PROMPT],
        [LEDE, SECOND, PROMPT],
    )
    _page(tmp_path, "p2", ["Council approves new budget", LEDE, SECOND, PROMPT], [LEDE, PROMPT])
    scores = evaluate_pages(iter_gold_folder(tmp_path, "text"), with_line_errors=True)
    summary = error_summary(scores)
    prompt_words = len(words(PROMPT))
    assert ("missed", "has a newsletter/subscription prompt", 2 * prompt_words) in summary
    assert ("extra", "article text", len(words(SECOND))) in summary
    assert [n for _, _, n in summary] == sorted((n for _, _, n in summary), reverse=True)
    assert main(["evaluate", str(tmp_path), "--errors"]) == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index("# words misjudged, by reason (all pages; the first clause of each reason)")
    assert out[at + 1 : at + 1 + len(summary)] == [f"{k}\t{n}\t{r}" for k, r, n in summary]
