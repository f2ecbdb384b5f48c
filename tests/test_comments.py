"""Below a comment section's header nothing is article text (cleaner/comments.py)."""

from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.comments import COMMENT_HEADER, comment_section_start, cut_comment_section

ARTICLE = [
    "City votes to rebuild the old river bridge",
    "By Dana Reyes",
    "The city council voted on Tuesday to rebuild the old river bridge, which has been closed "
    "to trucks since an inspection found cracks in two of its piers last spring.",
    "The new bridge will cost about 40 million dollars, officials said, and the state will pay "
    "for most of it under a program that funds repairs to ageing crossings.",
    "Work is expected to start next summer and to take two years; during that time drivers "
    "will be sent over the highway bridge north of town, which adds about ten minutes.",
    "Residents who spoke at the meeting welcomed the decision but asked the council to keep "
    "the footpath open for as long as possible while the old bridge is taken down.",
]
COMMENTS = [
    "I cross that bridge every day on my bike and I am glad they are finally doing something "
    "about it, although two years of detours will be painful for everyone in the valley.",
    "The council has known about those cracks for years and only acted when the trucks were "
    "banned, which says a lot about how they set their priorities for this town.",
]


@pytest.mark.parametrize(
    "line",
    [
        "14 comments to City votes to rebuild the old river bridge",
        "2 thoughts on “City votes to rebuild the old river bridge”",
        "One response to “City votes to rebuild”",
        "No comments yet",
        "Leave a Reply",
        "Comments (3)",
        "Reader comments",
        "Comments are now closed for this story",
    ],
)
def test_comment_headers(line: str) -> None:
    assert COMMENT_HEADER.fullmatch(line)


@pytest.mark.parametrize(
    "line",
    [
        "One response to the flooding was a new levy",
        "Three thoughts on why the plan failed",
        "Discussion",
        "Comments are closed because the editors said so",
        "The comments section is below.",
    ],
)
def test_not_comment_headers(line: str) -> None:
    texts = [*ARTICLE, line, *COMMENTS]
    assert comment_section_start(texts, ["body"] * len(texts)) is None


def test_comments_below_their_header_are_removed_and_say_why() -> None:
    header = "2 comments to City votes to rebuild the old river bridge"
    article = clean("\n".join([*ARTICLE, header, *COMMENTS]), kind="text")
    for paragraph in ARTICLE[2:]:
        assert paragraph in article.body
    note = f"below the comment section's header (line {len(ARTICLE) + 1}: '{header}')"
    for comment in COMMENTS:
        assert comment not in article.body
        line = next(ln for ln in article.lines if ln.text == comment)
        assert line.label == "boilerplate" and line.reason.startswith(note)


def test_the_cut_needs_the_article_above_it() -> None:
    """A "10 Comments" count in a share bar above the article starts nothing."""
    texts = [ARTICLE[0], "10 Comments", *ARTICLE[1:]]
    labels = ["title", "boilerplate", "byline", *["body"] * 4]
    notes: dict[int, str] = {}
    cut_comment_section(texts, labels, notes)
    assert labels == ["title", "boilerplate", "byline", *["body"] * 4] and not notes
    # a bare count under a long standfirst (a tool bar), with most of the article below it
    for bar in ("Comments", "10 Comments", "Comments (3)"):
        standfirst = " ".join(ARTICLE[2:])  # 120 words: more than MIN_WORDS_ABOVE
        texts = [standfirst, bar, *ARTICLE[2:] * 2]
        assert comment_section_start(texts, ["body"] * len(texts)) is None
    # half of the body words above the header is enough on a short page
    short = [ARTICLE[2], ARTICLE[3], "Leave a Reply", COMMENTS[0]]
    labels = ["body", "body", "boilerplate", "body"]
    assert comment_section_start(short, labels) == 2
    cut_comment_section(short, labels, notes)
    assert labels == ["body", "body", "boilerplate", "boilerplate"]
    assert notes == {3: "below the comment section's header (line 3: 'Leave a Reply')"}
    # less than half and fewer than 100 words above: not yet the article's end
    assert comment_section_start(short[1:], ["body", "boilerplate", "body"]) is None
