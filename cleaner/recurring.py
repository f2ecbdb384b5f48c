"""Lines that recur across many pages of one site in a batch: strong evidence of boilerplate.

A site's menus, footers, newsletter prompts and "most read" headers repeat on every page it
serves, while its article lines do not. When a batch holds several pages from one site, the
first pass counts each distinct line per site (by an 8-byte hash, see line_hash); the cleaner
then labels a line boilerplate when it appears on at least `min_pages` pages and at least
`min_share` of that site's pages — unless the classifier called it a title or byline (an
author's name legitimately repeats), or the recurring lines are most of the page's article
(copies of one story; see clean._apply_site_lines)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MIN_PAGES = 3
MIN_SHARE = 0.5


def line_key(text: str) -> str:
    return " ".join(text.casefold().split())


def line_hash(key: str) -> int:
    """A line key (line_key) as the first 8 bytes of its BLAKE2b hash, an int: what a site's
    counts hold instead of the line's text, so a batch's first pass keeps a few dozen bytes a
    distinct line, however long the line. Two distinct lines of a site share a hash with a
    probability of about n * n / 2**65 for n distinct lines (a million lines: 3e-8); a shared
    hash would only count the two as one line."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def line_keys(texts: Iterable[str]) -> frozenset[int]:
    """The distinct hashed keys of a page's lines, as RecurringLines counts them."""
    return frozenset(line_hash(line_key(text)) for text in texts)


def site_of_meta(meta: dict) -> str | None:
    """The site a record belongs to: its `site` field, else the host of its `url`."""
    site = meta.get("site")
    if isinstance(site, str) and site.strip():
        return site.strip().lower()
    return host_of(meta.get("url"))


def site_of_page(url: str | None, site_name: str | None) -> str | None:
    """The site an HTML page names itself, for records without a `site` or `url`: the host of
    its og:url (the same key a record's `url` gives), else its og:site_name."""
    host = host_of(url)
    if host:
        return host
    if site_name and site_name.strip():
        return site_name.strip().lower()
    return None


def host_of(url: object) -> str | None:
    """The lower-case host of a URL without "www.", also for "example.com/a" with no scheme;
    None for anything else, including a malformed URL (a bad field costs its record the site,
    never the batch)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:  # e.g. "http://[::1"
        return None
    if not host or any(c.isspace() for c in host):  # "not a url" has no host
        return None
    return host.lower().removeprefix("www.") or None


UNKNOWN_SITE_NOTE = (
    "site boilerplate: the site of this record is unknown (no usable 'site' or 'url' field, no "
    "og:url or og:site_name in the page), so its lines were not compared with other pages"
)


@dataclass(frozen=True, slots=True)
class UnknownSite:
    """Stands for a record's site lines in a site-boilerplate batch when its site cannot be
    told: the record is cleaned on its own and its Article says so in `warnings`."""

    note: str = UNKNOWN_SITE_NOTE


@dataclass(slots=True)
class SiteLines:
    """What one site's pages share: page count and, per recurring line (its line_hash), on how
    many pages."""

    site: str
    pages: int
    counts: dict[int, int]

    def pages_with(self, text: str) -> int:
        return self.counts.get(line_hash(line_key(text)), 0)


@dataclass(slots=True)
class RecurringLines:
    """Accumulates distinct lines per site over a batch (first pass), as hashed keys (line_keys):
    its memory grows with the distinct lines of each site, not with their text. A page whose
    lines are exactly those of a page already seen for the site (the same story scraped twice)
    counts once: copies are not evidence that their lines are the site's furniture."""

    min_pages: int = MIN_PAGES
    min_share: float = MIN_SHARE
    _pages: Counter = field(default_factory=Counter)
    _lines: dict = field(default_factory=lambda: defaultdict(Counter))
    _seen: dict = field(default_factory=lambda: defaultdict(set))

    def observe(self, site: str | None, texts: Iterable[str]) -> None:
        self.observe_keys(site, line_keys(texts))

    def observe_keys(self, site: str | None, keys: Set[int]) -> None:
        """observe() of a page whose lines' keys (line_keys) are already made."""
        if not site:
            return
        packed = b"".join(key.to_bytes(8, "little") for key in sorted(keys))
        fingerprint = hashlib.blake2b(packed, digest_size=16).digest()
        if fingerprint in self._seen[site]:
            return
        self._seen[site].add(fingerprint)
        self._pages[site] += 1
        self._lines[site].update(keys)

    def for_site(self, site: str | None) -> SiteLines | None:
        if not site or self._pages[site] < self.min_pages:
            return None
        pages = self._pages[site]
        floor = max(self.min_pages, self.min_share * pages)
        counts = {k: n for k, n in self._lines[site].items() if n >= floor}
        return SiteLines(site, pages, counts) if counts else None
