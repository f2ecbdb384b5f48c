"""The best-candidate fallback (clean._best_candidate_block): when no line is confidently body,
the block of likely lines that weighs most is kept, not the one likeliest line."""

from __future__ import annotations

import numpy as np

from cleaner.clean import (
    CONFIDENT_BODY,
    ISLAND_BODY,
    _best_candidate_block,
    drop_unsure_islands,
    keep_likeliest_block,
)
from cleaner.features import LABELS

BODY, BOILERPLATE, CAPTION = (LABELS.index(x) for x in ("body", "boilerplate", "caption"))


def scores(rows: list[tuple[float, float]]) -> np.ndarray:
    """p2 rows from (body, caption) pairs; the rest of each row is boilerplate."""
    p2 = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    for i, (body, caption) in enumerate(rows):
        p2[i, BODY], p2[i, CAPTION] = body, caption
        p2[i, BOILERPLATE] = 1.0 - body - caption
    return p2


SIDEBAR_BIO = "We are two sisters who love to travel and try new things and share it all " * 2
POST = [
    "Our interview with the travel film people is up",
    "We upload our travel videos to their site and they have been great to us",
    "Check out their page for really cool travel videos from all over",
    "Visit them at their site and say hello from us",
]


def page() -> tuple[np.ndarray, list[str]]:
    """A short post whose lines are each less likely body than a sidebar's long bio line."""
    texts = [SIDEBAR_BIO, "Archive", "2012 (15)", "Subscribe", "Tags", *POST, "Tweet", "Like"]
    rows = [(0.45, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]
    rows += [(0.2, 0.2), (0.3, 0.05), (0.25, 0.1), (0.2, 0.1), (0.0, 0.01), (0.0, 0.0)]
    return scores(rows), texts


def test_the_post_outweighs_the_likeliest_single_line() -> None:
    p2, texts = page()
    labels = ["boilerplate"] * len(texts)
    notes: dict[int, str] = {}
    _best_candidate_block(p2, texts, labels, notes)
    kept = [i for i, lab in enumerate(labels) if lab == "body"]
    assert kept == [5, 6, 7, 8]  # the post, not the bio (the likeliest line alone)
    assert all("no line was confidently body" in notes[i] for i in kept)


def test_one_line_between_stays_out_of_the_kept_block() -> None:
    p2, texts = page()
    p2[7] = scores([(0.0, 0.02)])[0]  # a share line inside the post
    labels = ["boilerplate"] * len(texts)
    _best_candidate_block(p2, texts, labels, {})
    assert [i for i, lab in enumerate(labels) if lab == "body"] == [5, 6, 8]


def test_lines_a_rule_removed_are_not_candidates() -> None:
    p2, texts = page()
    labels = ["boilerplate"] * len(texts)
    notes = {i: "recurs on 5 of 5 pages from example.com" for i in (5, 6, 7, 8)}
    _best_candidate_block(p2, texts, labels, notes)
    assert [i for i, lab in enumerate(labels) if lab == "body"] == [0]


def test_a_page_with_nothing_like_article_text_keeps_nothing() -> None:
    p2 = scores([(0.01, 0.3), (0.0, 0.0), (0.015, 0.0)])
    labels = ["boilerplate"] * 3
    _best_candidate_block(p2, ["Menu", "Home", "Log in"], labels, {})
    assert labels == ["boilerplate"] * 3


def test_an_unsure_body_line_competes_with_the_other_candidates() -> None:
    """The bio line was labelled body, but at 0.45 nobody is sure of it: the post, heavier
    together, is kept instead, and the bio is removed saying why."""
    p2, texts = page()
    labels = ["body"] + ["boilerplate"] * (len(texts) - 1)
    notes: dict[int, str] = {}
    keep_likeliest_block(p2, texts, labels, notes)
    assert [i for i, lab in enumerate(labels) if lab == "body"] == [5, 6, 7, 8]
    assert labels[0] == "boilerplate" and "outside the likeliest block" in notes[0]


def test_a_confident_body_line_is_left_as_it_is() -> None:
    p2, texts = page()
    p2[0] = scores([(CONFIDENT_BODY, 0.0)])[0]
    labels = ["body"] + ["boilerplate"] * (len(texts) - 1)
    notes: dict[int, str] = {}
    keep_likeliest_block(p2, texts, labels, notes)
    assert labels == ["body"] + ["boilerplate"] * (len(texts) - 1) and notes == {}


def test_body_a_rule_set_is_left_as_it_is() -> None:
    p2, texts = page()
    labels = ["body"] + ["boilerplate"] * (len(texts) - 1)
    notes = {0: "the page is nothing but a few paragraphs: an article already extracted"}
    keep_likeliest_block(p2, texts, labels, notes)
    assert labels[0] == "body" and [i for i, lab in enumerate(labels) if lab == "body"] == [0]


def test_a_page_without_body_gets_the_likeliest_block() -> None:
    p2, texts = page()
    labels = ["boilerplate"] * len(texts)
    keep_likeliest_block(p2, texts, labels, {})
    assert [i for i, lab in enumerate(labels) if lab == "body"] == [5, 6, 7, 8]


def island_page() -> tuple[np.ndarray, list[str], list[str]]:
    """An article of three paragraphs, then far below a bio paragraph the networks half believe."""
    texts = [*POST[:3], "Share", "Tweet", "Related stories", "More", SIDEBAR_BIO]
    p2 = scores([(0.9, 0.0), (0.8, 0.0), (0.7, 0.0), *[(0.0, 0.0)] * 4, (0.5, 0.0)])
    labels = ["body"] * 3 + ["boilerplate"] * 4 + ["body"]
    return p2, texts, labels


def test_an_unsure_island_away_from_the_article_is_removed() -> None:
    p2, texts, labels = island_page()
    notes: dict[int, str] = {}
    drop_unsure_islands(p2, texts, labels, notes)
    assert labels == ["body"] * 3 + ["boilerplate"] * 5
    assert notes == {7: "removed: unsure article text away from the page's main body block"}


def test_a_sure_island_stays() -> None:
    p2, texts, labels = island_page()
    p2[7] = scores([(ISLAND_BODY, 0.0)])[0]
    drop_unsure_islands(p2, texts, labels, {})
    assert labels[7] == "body"


def test_lines_near_the_article_are_part_of_it() -> None:
    """Two lines between body lines still make one run: nothing is an island."""
    p2, texts, labels = island_page()
    del texts[3:5], labels[3:5]
    p2 = np.delete(p2, [3, 4], axis=0)
    drop_unsure_islands(p2, texts, labels, {})
    assert labels[-1] == "body"
