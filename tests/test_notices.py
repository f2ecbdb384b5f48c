"""A copyright notice under an article is boilerplate (cleaner/notices.py), with its reason."""

from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.notices import cut_copyright_notices, is_copyright_notice

STORY = [
    "Storm floods the valley",
    "Heavy rain flooded the valley on Monday, cutting off three villages and closing the main "
    "road, officials said.",
    "Rescue teams reached the last stranded families by boat late in the evening, the regional "
    "fire service said in a statement.",
    "Forecasters expect more rain on Wednesday and warned residents to stay away from the river.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright 2008 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
        "© 2012 CBS Interactive Inc.. All Rights Reserved.",
        "Copyright (c) 2008 Press Association Ltd.",
        "ALL RIGHTS RESERVED",
    ],
)
def test_notices_are_recognised(line: str) -> None:
    assert is_copyright_notice(line)


@pytest.mark.parametrize(
    "line",
    [
        "The studio said it owns the copyright in 2008 recordings of the band.",
        "Copyright law was changed in 1998, the court said.",
        "A long paragraph about a lawsuit says all rights reserved " + "and more words " * 30,
    ],
)
def test_article_sentences_about_copyright_are_not_notices(line: str) -> None:
    assert not is_copyright_notice(line)


def test_a_kept_notice_becomes_boilerplate_with_its_reason() -> None:
    texts = ["Headline", "Body text.", "Copyright 2008 The Associated Press. All rights reserved."]
    labels, notes = ["title", "body", "body"], {}
    cut_copyright_notices(texts, labels, notes)
    assert labels == ["title", "body", "boilerplate"] and notes == {2: "a copyright notice"}


def test_clean_removes_the_agency_notice_under_a_story() -> None:
    notice = (
        "Copyright 2008 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed."
    )
    article = clean("\n".join([*STORY, notice]), kind="text")
    assert "Associated Press" not in article.body
    assert article.body.startswith("Heavy rain flooded the valley")
    last = article.lines[-1]
    assert last.label == "boilerplate" and last.reason.startswith("a copyright notice")
