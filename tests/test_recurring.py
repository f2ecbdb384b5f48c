"""Site recurrence: lines on most pages of one site in a batch are boilerplate (optional)."""

from __future__ import annotations

from cleaner import clean_many
from cleaner.recurring import RecurringLines, site_of_meta

STORIES = [
    (
        "Council approves new budget for city parks",
        "The city council approved a new budget for parks on Monday after a long debate. "
        "Members voted seven to two in favour of the plan, which adds funds for playgrounds.",
    ),
    (
        "Local bakery wins regional bread award",
        "A family bakery on Main Street won the regional bread award this week. The owners said "
        "the sourdough recipe came from a grandmother who opened the shop in 1962.",
    ),
    (
        "School district hires new superintendent",
        "The school district named a new superintendent on Tuesday. She previously led a district "
        "in the north of the state and will start her job at the beginning of August.",
    ),
    (
        "Bridge repairs to close river road for a month",
        "Repairs to the old river bridge will close the road for a month from next week, officials "
        "said. Drivers are asked to use the highway detour that adds about ten minutes.",
    ),
]
PLEDGE = (
    "The Valley Courier has reported on this community since 1901 and depends on the "
    "support of readers like you to keep local journalism going."
)


def _records() -> list[dict]:
    out = []
    for i, (title, body) in enumerate(STORIES):
        more = (
            "Residents can read the full report at the city hall library, officials said, and "
            "a public meeting on the details is planned for later this month."
        )
        text = "\n".join([title, "By Dana Reyes", body, more, PLEDGE])
        out.append({"id": f"p{i}", "text": text, "url": f"https://www.valleycourier.com/story/{i}"})
    return out


def test_site_of_meta() -> None:
    assert site_of_meta({"url": "https://www.valleycourier.com/a"}) == "valleycourier.com"
    assert site_of_meta({"site": "Example.org"}) == "example.org"
    assert site_of_meta({}) is None


def test_recurring_threshold_needs_enough_pages() -> None:
    rec = RecurringLines(min_pages=3, min_share=0.5)
    rec.observe("a.com", ["menu", "story one"])
    rec.observe("a.com", ["menu", "story two"])
    assert rec.for_site("a.com") is None  # two pages are not enough evidence
    rec.observe("a.com", ["Menu ", "story three"])
    site = rec.for_site("a.com")
    assert site is not None and site.pages_with("menu") == 3 and site.pages_with("story one") == 0


def test_recurring_line_removed_only_with_the_option() -> None:
    with_option = list(clean_many(_records(), site_boilerplate=True))
    without = list(clean_many(_records()))
    assert len(with_option) == len(without) == len(STORIES)
    for art, plain, (_, body) in zip(with_option, without, STORIES, strict=True):
        assert art.error is None
        pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
        assert pledge.label == "boilerplate"
        assert "recurs on 4 of 4 pages from valleycourier.com" in pledge.reason
        assert body in art.body  # article text untouched
        assert PLEDGE not in art.body
        plain_pledge = next(ln for ln in plain.lines if ln.text == PLEDGE)
        assert "recurs" not in plain_pledge.reason
        # the byline repeats on every page too, but bylines are exempt
        byline = next(ln for ln in art.lines if ln.text == "By Dana Reyes")
        assert byline.label != "boilerplate" or "recurs" not in byline.reason
