"""Below a comment section's header, nothing is article text.

Reader comments are long, on-topic prose, so the line model keeps many of them as body, most
of all where the scraper dropped the names, dates and "Reply" buttons between them. Blogs
often say plainly where the comments start: "14 comments to <title>", "2 thoughts on ...",
"Leave a Reply", "Comments (3)". Once such a header comes after the article (at least
MIN_WORDS_ABOVE of its body words above, or half of them), every line from it on is
boilerplate. A bare "Comments" or "10 Comments" is also a link in a share or tool bar, so it
needs half of the article's words above it (a tool bar under a long standfirst has 100).

Chosen on the dev sites of Dragnet, on top of the line model (see bench/RESULTS.md); L3S's
news pages have no such header below their articles, and are unchanged."""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

COMMENT_HEADER = re.compile(
    r"\d+\s+(?:comments?|responses?|replies|thoughts?)(?:\s+(?:to|on|for|about|so far)\b.*)?"
    r"|(?:no|one)\s+(?:comments?|responses?|replies|thoughts?)"
    r"(?:\s+(?:yet|so far)|\s+(?:to|on)\s+[\"“‘'«].*)?"
    r"|(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment"
    r"|comments?(?: \(\d+\))?|reader comments|join the discussion"
    r"|comments are (?:now )?closed(?: for this (?:story|article|post|entry))?)\W*",
    re.IGNORECASE,
)
"""A whole line: "14 comments to <title>", "2 thoughts on <title>", "No comments yet",
"One response to “<title>”", "Leave a Reply", "Comments (3)", "Comments are now closed for
this story" (the thread it closed follows: canada.com, L3S 79bc594a, F1 0.31 -> 0.98 out of
fold in session 20, no other fit page changed). Not a line that starts "One response to the
crisis ...", and never a line ending with a full stop."""
MIN_WORDS_ABOVE = 100
_BARE = re.compile(r"(?:\d+\s+)?comments?(?: \(\d+\))?\W*", re.IGNORECASE)
"""A header that is only a word and a count: "Comments", "10 Comments", "Comments (3)"."""
_MAX_HEADER_CHARS = 200  # "14 comments to <a headline>" and no longer


def comment_section_start(texts: list[str], labels: list[str]) -> int | None:
    """Index of the first comment-section header with the article above it, else None. Runs
    on every page, so it counts only the body lines' words and looks only at short lines below
    the first point where enough of the article is above."""
    if len(labels) != len(texts):
        raise ValueError("texts and labels differ in length")
    body = [i for i, lab in enumerate(labels) if lab == "body"]
    # words of the body lines (lines are whitespace-normalised: spaces + 1 is their words),
    # running totals: through[j] = words of body[0..j]
    through = list(accumulate(texts[i].count(" ") + 1 for i in body))
    if not through:
        return None
    total = through[-1]
    # the first line with enough body words above it: the one after the body line that
    # reaches min(MIN_WORDS_ABOVE, total / 2)
    first = body[bisect_left(through, min(MIN_WORDS_ABOVE, total / 2))] + 1
    for i in range(first, len(texts)):
        text = texts[i]
        if len(text) > _MAX_HEADER_CHARS or text.endswith("."):
            continue
        stripped = text.strip()
        if not COMMENT_HEADER.fullmatch(stripped):
            continue
        # a bare "Comments" (or "10 Comments") is also a link in a tool bar under a
        # standfirst: it needs most of the article above it; a header that says more
        # ("14 comments to <title>", "Leave a Reply") needs some of it
        k = bisect_left(body, i)  # body lines above line i
        above = through[k - 1] if k else 0
        bare = _BARE.fullmatch(stripped) is not None
        if above >= total / 2 or (not bare and above >= MIN_WORDS_ABOVE):
            return i
    return None


def cut_comment_section(texts: list[str], labels: list[str], notes: dict[int, str]) -> None:
    """Label every kept line from the comment section's header on boilerplate, saying why."""
    start = comment_section_start(texts, labels)
    if start is None:
        return
    header = texts[start] if len(texts[start]) <= 60 else texts[start][:57] + "..."
    for i in range(start, len(texts)):
        if labels[i] != "boilerplate":
            labels[i] = "boilerplate"
            notes[i] = f"below the comment section's header (line {start + 1}: {header!r})"
