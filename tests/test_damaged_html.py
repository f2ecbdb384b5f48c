"""Damaged pages read as a browser reads them. libxml2 (2.14, in lxml 6) silently loses text a
browser shows: everything after </html>, what follows </body>, a page whose <html> tag closes
itself, and a page whose <head> holds a tag that cannot be there. Each case runs through both
renderers (the compiled kernel and pure Python) and as str and bytes."""

from __future__ import annotations

import pytest

from cleaner import lines
from cleaner.lines import html_to_page

RENDERERS = [pytest.param(None, id="python"), pytest.param("kernel", id="compiled")]


def _texts(markup: str | bytes, renderer: str | None) -> list[str]:
    if renderer == "kernel" and lines._KERNEL is None:
        pytest.skip("the _render kernel is not built (or CLEANER_PURE_PYTHON is set)")
    kernel = lines._KERNEL if renderer == "kernel" else None
    return [ln.text for ln in lines._html_to_page(markup, kernel).lines]


CASES = {
    "text after </html>": (
        "<html><body><p>First paragraph.</p></body></html>\n<p>Written after the end.</p>",
        ["First paragraph.", "Written after the end."],
    ),
    "plain text after </html>": (
        "<html><body><p>First paragraph.</p></body></html>\nLoose words at the end",
        ["First paragraph.", "Loose words at the end"],
    ),
    "text after </body>, before </html>": (
        "<html><body><p>First paragraph.</p></body><div>A footer after the body</div>"
        " and loose text</html>",
        ["First paragraph.", "A footer after the body", "and loose text"],
    ),
    "loose text after an empty body": (
        "<html><body></body>Only loose text</html>",
        ["Only loose text"],
    ),
    "</html> more than 4 KB above the end": (
        "<html><body><p>First paragraph.</p></body></html>"
        + "<p>A long tail of text written after the document ended.</p>" * 100,
        ["First paragraph."] + ["A long tail of text written after the document ended."] * 100,
    ),
    "an end tag that only looks like </title>": (
        '<html><head><title>Oil prices</titlevalue="true" --></head>'
        "<body><p>Prices rose on Monday.</p></body></html>",
        ["Prices rose on Monday."],
    ),
    "<html .../> closing itself": (
        '<!DOCTYPE html><html xlogo.jpg" alt="Logo" />'
        "<table><tr><td>A cell</td></tr></table><p>The story.</p></html>",
        ["A cell", "The story."],
    ),
    "an unknown tag in <head>": (
        "<html><head><title>Books</title><meta name=robots content=all>"
        "<mbox><table><tr><td>Best-sellers of the year</td></tr></table></mbox>"
        "<p>The list is out.</p></head></html>",
        ["Best-sellers of the year", "The list is out."],
    ),
    "a <title> after a stray tag in <head>": (
        "<html><head><mbox></mbox><title>Site title</title></head><body><p>Story</p></body></html>",
        ["Story"],  # moved into the body with the stray tag, and hidden as a browser hides it
    ),
    "a title end tag with a vertical tab": (  # not HTML white space: the title never closes
        "<html><head><title>T</title\x0b>x</head><body><p>Story</p></body></html>",
        ["x", "Story"],
    ),
    "two whole documents in one file": (  # the first all scripts, as a server's header page
        "<html><head><title>Header</title>"
        + "<script>var ad = load();</script>" * 40
        + "</head><body><p>Site header.</p></body></html>\n"
        "<!DOCTYPE html><html><head><title>Story</title></head>"
        "<body><p>The story itself.</p></body></html>\n",
        ["Site header.", "The story itself."],
    ),
    "two documents, the second holding its text past 4 KB of scripts": (
        "<html><body><p>Site header.</p></body></html><html><body><p>The story.</p>"
        + "<script>var x = 1;</script>" * 300
        + "</body></HTML>",
        ["Site header.", "The story."],
    ),
    "a tail of unclosed '<' after </html>": (
        "<html><body><p>First paragraph.</p></body></html>" + "<" * 4000,
        ["First paragraph.", "<" * 4000],
    ),
    "a tail of unclosed comments after </html>": (
        "<html><body><p>First paragraph.</p></body></html>" + "<!--x" * 2000,
        ["First paragraph."],
    ),
    "loose text in <head>": (
        "<html><head><title>Books</title>Loose words<p>A paragraph.</p></head></html>",
        ["Loose words", "A paragraph."],
    ),
}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_damaged_pages_keep_the_text_a_browser_shows(name, as_bytes, renderer) -> None:
    markup, expected = CASES[name]
    given = markup.encode("utf-8") if as_bytes else markup
    assert _texts(given, renderer) == expected


@pytest.mark.parametrize("renderer", RENDERERS)
def test_only_scripts_and_tags_after_html_leave_the_page_as_it_was(renderer) -> None:
    """The usual tail (analytics scripts, comments, a tracking image) is not text: the page is
    parsed as given, without the end-tag repair."""
    markup = (
        "<html><body><p>First paragraph.</p></body></html>\n<!-- served in 12 ms -->\n"
        "<script>track('</p>visit');</script><img src=pixel.gif><style>p{}</style>\n"
    )
    assert lines._without_document_end_tags(markup) is markup
    assert _texts(markup, renderer) == ["First paragraph."]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_an_earlier_end_with_only_tags_after_it_leaves_the_page_as_it_was(renderer) -> None:
    """An empty second document has no text between the two ends: nothing to repair."""
    markup = (
        "<html><body><p>First paragraph.</p></body></html>\n"
        "<html><head><script>var x;</script></head><body></body></html>"
    )
    assert _texts(markup, renderer) == ["First paragraph."]
    assert lines._without_document_end_tags(markup) is markup


@pytest.mark.parametrize(
    "markup",
    [
        "<html><head><title>Books of 2007</title><mbox><p>The list is out.</p></mbox></head>",
        "<html><head><mbox><p>The list is out.</p></mbox><title>Books of 2007</title></head>",
    ],
    ids=["title-first", "title-after-the-stray-tag"],
)
def test_the_title_is_read_and_never_shown_wherever_the_repair_puts_it(markup: str) -> None:
    page = html_to_page(markup)
    assert page.html_title == "Books of 2007"
    assert [ln.text for ln in page.lines] == ["The list is out."]
    assert page.notes == []


def test_a_page_with_only_a_head_still_says_it_has_no_body() -> None:
    page = html_to_page("<html><head><title>x</title><meta charset=utf-8></head></html>")
    assert page.lines == []
    assert page.notes == ["the HTML has no <body>"]
