"""Datelines, wire bylines and copyright notices get the taxonomy's labels (model 0.6.0's
training-label rules, cleaner/label_rules.py): before, a dateline under the headline came out
as a caption, and so did a wire copyright notice."""

from __future__ import annotations

import pytest

from cleaner import clean

_BODY = [
    "Israel closed all crossings into the Gaza Strip on Friday after a surge in rocket attacks "
    "from the territory, halting deliveries of fuel and humanitarian aid, officials said.",
    "The closure came a day after Palestinian militants fired dozens of rockets and mortar "
    "shells into southern Israel, wounding several people, according to the Israeli army.",
    "Aid agencies warned that the closure would worsen conditions for Gaza's 1.5 million "
    "residents, who already face shortages of food, medicine and fuel.",
]
_PAGES = {
    "dateline above the author": [
        "World",
        "Israel closes vital Gaza crossings",
        "Friday 18 January 2008",
        "By Sarah Jones",
        *_BODY,
        "Copyright 2008 The Associated Press. All rights reserved.",
        "Related stories",
    ],
    "wire byline with a time": [
        "Middle East",
        "Israel closes vital Gaza crossings",
        "By AMY TEIBEL, Associated Press Writer",
        "Fri Jan 18, 2008 4:53pm EST",
        *_BODY,
        "© 2008 The Associated Press",
        "Most Popular",
    ],
}


@pytest.mark.parametrize("name", sorted(_PAGES))
def test_datelines_and_authors_are_bylines_and_notices_boilerplate(name: str) -> None:
    lines = _PAGES[name]
    article = clean("\n".join(lines), kind="text")
    labels = {ln.text: ln.label for ln in article.lines}
    assert article.title == "Israel closes vital Gaza crossings"
    assert [labels[t] for t in lines[2:4]] == ["byline", "byline"]
    assert article.body == "\n".join(_BODY)
    assert labels[lines[-2]] == "boilerplate", "a copyright notice is not a caption"
    assert article.captions == []
