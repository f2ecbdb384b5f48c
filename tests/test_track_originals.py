"""Which of several copies of one wire story stands for the original (README: the agency's own
site, else the earliest `published`, else the longest); the others are tracked as its rewrites."""

from __future__ import annotations

import pytest

from cleaner.track.pipeline import track

WIRE = (
    "TOKYO (Reuters) - The company said on Tuesday it would cut up to 500 jobs at its plant "
    "in Osaka by 2026. Shares rose 3% after the announcement, the Nikkei reported. "
    "(Reporting by A. Writer; Editing by B. Editor)"
)
LONGER = WIRE + " The plant opened in 1987 and makes parts for carmakers across Asia."


def _original(*copies: tuple[str, str | None, str, str]) -> str:
    """The id of the copy kept as the wire among (id, published, outlet, text) copies."""
    recs = [
        {"id": i, "text": text, "outlet": outlet} | ({"published": p} if p else {})
        for i, p, outlet, text in copies
    ]
    reports = track(recs, no_clean=True)
    wires = [r["id"] for r in reports if r["role"] == "wire"]
    assert len(wires) == 1, reports
    assert all(r["wire_ids"] == wires for r in reports if r["role"] == "rewrite")
    return wires[0]


# -- earliest: times of day count ------------------------------------------------------------------


@pytest.mark.parametrize(
    "early, late",
    [
        ("2018-07-15T06:00:00Z", "2018-07-15T09:00:00Z"),
        ("2018-07-15T06:00:00-04:00", "2018-07-15T09:00:00-04:00"),
        ("2018-07-15 06:00", "2018-07-15 09:00"),  # no zone: both read as UTC
        ("2018-07-15T10:00:00+02:00", "2018-07-15T09:00:00+00:00"),  # 08:00 UTC before 09:00
        ("2018-07-15T09:00:00+01:00", "2018-07-15T08:30:00"),  # 08:00 UTC, 08:30 as UTC
    ],
)
def test_the_earliest_copy_of_the_day_is_the_original(early: str, late: str) -> None:
    """Copies from the same day tied, and the longer (here the later) one won."""
    got = _original(("late", late, "example.com", LONGER), ("early", early, "example.org", WIRE))
    assert got == "early"


def test_zones_are_compared_as_instants() -> None:
    # 23:30 on the 14th in New York is 03:30 UTC on the 15th: after 03:00 UTC (05:00 in Berlin)
    got = _original(
        ("ny", "2018-07-14T23:30:00-04:00", "example.com", WIRE),
        ("berlin", "2018-07-15T05:00:00+02:00", "example.org", LONGER),
    )
    assert got == "berlin"


def test_a_date_alone_compares_by_day() -> None:
    """A copy dated only by day cannot be placed within the day: the day decides, then length."""
    got = _original(
        ("timed", "2018-07-15T01:00:00Z", "example.com", WIRE),
        ("day", "2018-07-15", "example.org", LONGER),
    )
    assert got == "day"  # same day: the longer one
    got = _original(
        ("timed", "2018-07-14T23:00:00Z", "example.com", WIRE),
        ("day", "2018-07-15", "example.org", LONGER),
    )
    assert got == "timed"  # an earlier day


def test_a_copy_without_a_date_comes_after_dated_ones() -> None:
    got = _original(
        ("undated", None, "example.com", LONGER),
        ("dated", "2018-07-15T09:00:00Z", "example.org", WIRE),
    )
    assert got == "dated"


# -- the agency's own site: whole host labels ---------------------------------------------------

AP_WIRE = (
    "TOKYO (AP) — The company said on Tuesday it would cut up to 500 jobs at its plant in "
    "Osaka by 2026. Shares rose 3% after the announcement, the Nikkei reported."
)


def test_a_site_whose_name_contains_the_agency_is_not_its_site() -> None:
    """japantimes.co.jp counted as AP's own site ("ap" in "japantimes") and won over the
    earlier copy."""
    got = _original(
        ("jt", "2018-07-15T09:00:00Z", "japantimes.co.jp", AP_WIRE),
        ("other", "2018-07-15T06:00:00Z", "example.org", AP_WIRE),
    )
    assert got == "other"


@pytest.mark.parametrize("outlet", ["apnews.com", "https://www.apnews.com/article/x", "AP"])
def test_the_agency_site_wins_over_an_earlier_copy(outlet: str) -> None:
    got = _original(
        ("own", "2018-07-15T09:00:00Z", outlet, AP_WIRE),
        ("other", "2018-07-15T06:00:00Z", "japantimes.co.jp", AP_WIRE),
    )
    assert got == "own"
