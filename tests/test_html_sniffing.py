"""A page is read as HTML or as text the same way whether it reaches the cleaner through
`clean()`, `clean_many` or the CLI's readers: one test (`lines.looks_like_html`) decides."""

from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.batch import clean_many
from cleaner.lines import looks_like_html
from cleaner.sources import record_from_text

PARAGRAPH = "The minister said the deal was signed on Tuesday after months of talks. " * 4
PAGE = f"<html><body><h1>Deal signed</h1><p>{PARAGRAPH}</p></body></html>"

HTML_STARTS = {
    "an XML prolog": '<?xml version="1.0" encoding="utf-8"?>\n' + PAGE,
    "a byte-order mark (what open() keeps of a UTF-8-BOM file)": "\ufeff" + PAGE,
    "a comment": "<!-- saved from url=(0042)https://example.com/ -->\n" + PAGE,
    "a bare headline": f"<h1>Deal signed</h1><p>{PARAGRAPH}</p>",
    "a title element": f"<title>Deal signed</title><p>{PARAGRAPH}</p>",
    "leading white space": "\n\n   " + PAGE,
}


@pytest.mark.parametrize("name", sorted(HTML_STARTS))
def test_markup_is_html_however_it_starts(name: str) -> None:
    page = HTML_STARTS[name]
    assert looks_like_html(page)
    article = clean(page)
    assert "<" not in article.body, article.body[:80]  # the markup was parsed, not kept as text
    assert article.body.startswith("The minister said")
    # the same decision through the batch API and the CLI's record reader
    (batched,) = clean_many([page])
    assert (batched.title, batched.body) == (article.title, article.body)
    assert record_from_text("x", page).html is not None


@pytest.mark.parametrize(
    "text",
    [
        "Deal signed\n" + PARAGRAPH,
        "<< Back to news\n" + PARAGRAPH,  # starts with "<" but holds no tag
        "Deal signed\nIn HTML a paragraph is written <p>like this</p>.\n" + PARAGRAPH,
    ],
)
def test_text_that_mentions_markup_is_text(text: str) -> None:
    assert not looks_like_html(text)
    assert record_from_text("x", text).text is not None
