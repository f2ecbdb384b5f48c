"""Lines that recur across many pages of one site in a batch: strong evidence of boilerplate.

A site's menus, footers, newsletter prompts and "most read" headers repeat on every page it
serves, while its article lines do not. When a batch holds several pages from one site, the
first pass counts each distinct line per site; the cleaner then labels a line boilerplate when it
appears on at least `min_pages` pages and at least `min_share` of that site's pages — unless the
classifier called it a title or byline (an author's name legitimately repeats)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MIN_PAGES = 3
MIN_SHARE = 0.5


def line_key(text: str) -> str:
    return " ".join(text.casefold().split())


def site_of_meta(meta: dict) -> str | None:
    """The site a record belongs to: its `site` field, else the host of its `url`."""
    site = meta.get("site")
    if isinstance(site, str) and site.strip():
        return site.strip().lower()
    url = meta.get("url")
    if isinstance(url, str) and url:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        return host or None
    return None


@dataclass(slots=True)
class SiteLines:
    """What one site's pages share: page count and, per recurring line, on how many pages."""

    site: str
    pages: int
    counts: dict[str, int]

    def pages_with(self, text: str) -> int:
        return self.counts.get(line_key(text), 0)


@dataclass(slots=True)
class RecurringLines:
    """Accumulates distinct lines per site over a batch (first pass)."""

    min_pages: int = MIN_PAGES
    min_share: float = MIN_SHARE
    _pages: Counter = field(default_factory=Counter)
    _lines: dict = field(default_factory=lambda: defaultdict(Counter))

    def observe(self, site: str | None, texts: Iterable[str]) -> None:
        if not site:
            return
        self._pages[site] += 1
        self._lines[site].update({line_key(t) for t in texts})

    def for_site(self, site: str | None) -> SiteLines | None:
        if not site or self._pages[site] < self.min_pages:
            return None
        pages = self._pages[site]
        floor = max(self.min_pages, self.min_share * pages)
        counts = {k: n for k, n in self._lines[site].items() if n >= floor}
        return SiteLines(site, pages, counts) if counts else None
