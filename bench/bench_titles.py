"""Titles: on how many held-out L3S pages each tool's title is the headline L3S's line labels
mark, from the HTML and from the text scrape.

    python bench/bench_titles.py [--input html text] [--limit N] [--out FILE.md]

A title matches when it shares at least 80 % of the headline's distinct words
(`cleaner.evaluate.title_matches`). The tools: the cleaner (`Article.title`), trafilatura's
metadata title, readability-lxml's `short_title()` (the <title> with the site's name cut off),
boilerpy3's document title, and, as the baseline every scraper has, the page's <title> as it
stands. jusText returns no title. A last row gives the cleaner the page's <title> as its title
hint (`clean(..., title_hint=...)`), as a scraper that stored the title beside the text could.
On text input the other tools get the scrape wrapped as minimal HTML, as in bench_clean.py, so
they have no <title> to read. Not timed: the speed of the cleaner is in bench_clean.py, and the
others' titles come from extra calls.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_clean import text_as_html  # noqa: E402

from cleaner.evaluate import title_matches  # noqa: E402

TitleFinder = Callable[[str], "str | None"]
"""Page content (HTML, or a text scrape wrapped as HTML for the other tools) -> a title."""
TOOLS = ("cleaner", "trafilatura", "readability", "boilerpy3", "<title> tag")
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def title_tag(content: str) -> str | None:
    """The page's <title> text, whitespace collapsed (what a scraper stores by default)."""
    import html

    m = _TITLE_TAG.search(content)
    return " ".join(html.unescape(m.group(1)).split()) or None if m else None


def make_finders(kind: str) -> dict[str, TitleFinder]:
    """A title finder per tool that is installed; the cleaner reads the input as `kind`."""
    from cleaner import clean

    finders: dict[str, TitleFinder] = {"cleaner": lambda c: clean(c, kind=kind).title}
    try:
        from trafilatura.metadata import extract_metadata

        finders["trafilatura"] = lambda c: extract_metadata(c).title
    except ImportError:
        pass
    try:
        from readability import Document

        finders["readability"] = lambda c: Document(c).short_title()
    except ImportError:
        pass
    try:
        from boilerpy3 import extractors

        # its parser logs a traceback for every page it cannot read; the table counts them
        logging.getLogger("boilerpy3").setLevel(logging.CRITICAL)
        extractor = extractors.ArticleExtractor()
        finders["boilerpy3"] = lambda c: extractor.get_doc(c).title
    except ImportError:
        pass
    finders["<title> tag"] = title_tag
    return finders


def count_matches(
    finder: TitleFinder, pages: Sequence[tuple[str, str, str]]
) -> tuple[int, int, int]:
    """(titles that are the headline, pages with no title, pages where the tool raised) over
    (id, content, gold headline) pages; a page that raises counts as wrong."""
    right = none = errors = 0
    for _, content, headline in pages:
        try:
            found = finder(content)
        except Exception:  # noqa: BLE001 - third-party code; count it and go on
            errors += 1
            continue
        if not (found or "").strip():
            none += 1
        elif title_matches(found, headline):
            right += 1
    return right, none, errors


def load_pages(kind: str, limit: int | None) -> list[tuple[str, str, str]]:
    """(id, content, gold headline) for the held-out L3S pages that mark a headline."""
    from cleaner.corpora import gold_headline, iter_pages

    out = []
    for page in sorted(iter_pages("l3s-gn1", "test"), key=lambda p: p.id)[:limit]:
        headline = gold_headline(page)
        if headline is None:
            continue
        path = page.html_path if kind == "html" else page.text_path
        out.append((page.id, path.read_text(encoding="utf-8", errors="replace"), headline))
    return out


def report(kinds: Sequence[str], limit: int | None) -> list[str]:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Titles: held-out L3S pages",
        "",
        f"- Date: {when}",
        "- Command: `python bench/bench_titles.py`",
        "- Gold: the first line L3S's own line labels mark as headline; a title matches when it"
        " shares at least 80 % of the headline's distinct words.",
        "",
    ]
    for kind in kinds:
        pages = load_pages(kind, limit)
        lines += [
            f"### l3s-gn1 · {kind} input ({len(pages)} held-out pages with a marked headline)",
            "",
            "| tool | headline found | no title | errors |",
            "|---|---:|---:|---:|",
        ]
        for tool, finder in make_finders(kind).items():
            given = (
                pages
                if tool == "cleaner"
                else [
                    (pid, content if kind == "html" else text_as_html(content), headline)
                    for pid, content, headline in pages
                ]
            )
            right, none, errors = count_matches(finder, given)
            lines.append(
                f"| {tool} | {right} ({right / max(len(pages), 1):.0%}) | {none} | {errors} |"
            )
        right, none, errors = count_matches(*with_title_hints(kind, pages, limit))
        lines.append(
            f"| cleaner + `<title>` as title hint | {right} ({right / max(len(pages), 1):.0%})"
            f" | {none} | {errors} |"
        )
        lines.append("")
    return lines


def with_title_hints(
    kind: str, pages: Sequence[tuple[str, str, str]], limit: int | None
) -> tuple[TitleFinder, list]:
    """The cleaner given each page's <title> (what a scraper stores beside the text) as its
    title hint: a finder over (content, hint) pairs, and the pages as such pairs."""
    from cleaner import clean

    html = {
        pid: content for pid, content, _ in (pages if kind == "html" else load_pages("html", limit))
    }
    given = [(pid, (content, title_tag(html[pid])), headline) for pid, content, headline in pages]
    return (lambda pair: clean(pair[0], kind=kind, title_hint=pair[1]).title), given


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", nargs="+", choices=("html", "text"), default=["html", "text"])
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    args = ap.parse_args(argv)
    from cleaner.cli_model import _shared

    if _shared(None) is None:
        print("bench_titles: ../shared/corpora not found", file=sys.stderr)
        return 2
    text = "\n".join(report(args.input, args.limit))
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
