"""Plain HTML: a page of bare <h1>/<p> blocks with no class or id, the shape of an article
another tool already extracted or of a text scrape wrapped in <p>s.

The corpora's HTML pages are whole pages with their markup; before the HTML networks were
also trained on the labelled documents rendered as plain HTML, such a page could come out
with its article removed (a one-paragraph page came out empty)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean

REPO = Path(__file__).resolve().parents[1]
PARAGRAPHS = [
    "The city council voted on Tuesday to approve a new budget that raises spending on schools "
    "by ten percent, officials said.",
    "The vote was seven to two, with both dissenting members arguing that the increase would "
    "require higher property taxes next year.",
    "Mayor Jane Smith said the budget reflects the priorities residents expressed during a "
    "series of public hearings held over the summer.",
]


def _page(blocks: str, title: str = "") -> str:
    head = f"<head><title>{title}</title></head>" if title else ""
    return f"<html>{head}<body>{blocks}</body></html>"


@pytest.mark.parametrize("n", [1, 2, 3])
def test_bare_paragraphs_are_the_article(n: int) -> None:
    article = clean(_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS[:n])))
    assert article.error is None
    assert article.body == "\n".join(PARAGRAPHS[:n])


def test_a_headline_and_paragraphs_give_title_and_body() -> None:
    headline = "Council approves school budget"
    blocks = f"<h1>{headline}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article = clean(_page(blocks, title=f"{headline} | City News"))
    assert article.title == headline
    assert article.body == "\n".join(PARAGRAPHS)


def test_plain_html_training_pages_keep_one_line_a_labelled_row() -> None:
    pytest.importorskip("sklearn")
    from cleaner.labelled import iter_labelled_dir
    from cleaner.train import Examples, _plain_html_page, labelled_examples

    doc = next(
        d
        for d in iter_labelled_dir(REPO / "labelled" / "seeds")
        if {"title", "body", "boilerplate"} <= {ln.label for ln in d.lines}
    )
    rows = [(ln.label, ln.text, ln.blank_before) for ln in doc.lines]
    page, labels = _plain_html_page(rows)
    assert labels == [r[0] for r in rows]
    assert [ln.text for ln in page.lines] == [" ".join(r[1].split()) for r in rows]
    tags: dict[str, set[str]] = {}
    for ln, label in zip(page.lines, labels, strict=True):
        tags.setdefault(label, set()).add(ln.dom.tag)
    assert tags["title"] == {"h1"} and tags["body"] == {"p"}
    # every labelled page, and its kept lines alone, as plain HTML pages
    text, html = Examples([], [], [], []), Examples([], [], [], [])
    assert labelled_examples([REPO / "labelled"], text) == labelled_examples(
        [REPO / "labelled"], html, "html"
    )
    assert len(html.y) == len(text.y)
    assert all(any(m) for m in html.markups) and not any(any(m) for m in text.markups)


def test_a_page_of_a_few_paragraphs_is_all_article_text_in_either_input() -> None:
    from cleaner.clean import _only_paragraphs

    assert _only_paragraphs(PARAGRAPHS[:2]) and _only_paragraphs(PARAGRAPHS)
    assert not _only_paragraphs(PARAGRAPHS + PARAGRAPHS[:1])  # four lines: the model decides
    assert not _only_paragraphs(["Council approves school budget", *PARAGRAPHS[:2]])
    assert not _only_paragraphs([])
    for n in (1, 2, 3):
        article = clean("\n".join(PARAGRAPHS[:n]), kind="text")
        assert article.body == "\n".join(PARAGRAPHS[:n])
