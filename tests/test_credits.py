"""A reporting credit under an agency story is a byline, not body (cleaner/credits.py)."""

from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.credits import is_credit_line, mark_credit_lines

STORY = [
    "Ferry strike ends after pay deal",
    "Ferry crews returned to work on Tuesday after unions accepted a two-year pay offer, ending "
    "a strike that had stranded thousands of island residents for a week.",
    "The operator said the first sailings would leave at dawn and that timetables would be back "
    "to normal by the weekend.",
]


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Greg Stutchbury in Melbourne; Editing by John O'Brien)",
        "(Additional reporting by Hugh Bronstein in Bogota; Writing by Frank Jack Daniel)",
        "Associated Press writer Ibrahim Barzak contributed to this report from Gaza City.",
        "Walter Gibbs contributed reporting.",
        "Some information for this report was provided by AFP and AP.",
        "Edited by Sam Jones",
        "(With inputs from PTI)",
        "The Associated Press",
        "(AP)",
        "Reuters",
        "(The Agence France-Presse.)",
    ],
)
def test_credits_are_recognised(line: str) -> None:
    assert is_credit_line(line)
    labels, notes = ["body", "body"], {}  # also past the page-wide search for credit words
    mark_credit_lines(["The council met on Monday.", line], labels, notes)
    assert labels == ["body", "byline"]


@pytest.mark.parametrize(
    "line",
    [
        "He contributed to this success more than anyone, the coach said.",
        "Reuters reported on Monday that the talks had stalled.",
        "The report was edited by the ministry before it was published, critics said.",
        "Reporting by the local paper " + "went on for weeks and " * 12 + "ended in court.",
    ],
)
def test_story_sentences_are_not_credits(line: str) -> None:
    assert not is_credit_line(line)


def test_only_body_lines_are_relabelled_with_a_reason() -> None:
    texts = ["Headline", "Body text.", "(Editing by Jo Lee)", "Reuters"]
    labels, notes = ["title", "body", "body", "boilerplate"], {}
    mark_credit_lines(texts, labels, notes)
    assert labels == ["title", "body", "byline", "boilerplate"]
    assert notes == {2: "a reporting credit (byline)"}


def body_everywhere():
    """The shipped model with its text networks biased to call every line body, so that what
    becomes a byline below is the rule's doing, not the model's."""
    import copy

    from cleaner.article import LABELS
    from cleaner.model import Ensemble, load_model

    model = copy.deepcopy(load_model())
    for name in ("text/pass1", "text/pass2"):
        members = model.networks[name].members
        for net in members:
            net.biases[-1] = net.biases[-1].copy()
            net.biases[-1][LABELS.index("body")] += 30.0
        model.networks[name] = Ensemble(members)
    return model


def test_clean_files_the_credit_under_a_story_as_a_byline() -> None:
    credit = "(Reporting by Greg Stutchbury in Melbourne; Editing by John O'Brien)"
    model = body_everywhere()
    article = clean("\n".join([*STORY, credit]), kind="text", model=model)
    assert "Stutchbury" not in article.body
    assert article.body.startswith("Ferry crews returned to work")
    assert article.byline is not None and credit in article.byline
    line = next(ln for ln in article.lines if ln.text == credit)
    assert line.label == "byline" and line.reason.startswith("a reporting credit")
