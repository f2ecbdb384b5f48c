"""Best guess of the outlet from the page's own credits and footer (else None)."""

from __future__ import annotations

import re

from .article import Line

# Run with re.M over the candidate lines joined by "\n", so `[^\S\n]` (not `\s`) keeps every
# match within one line.
_PATTERNS = (
    re.compile(r"^[^\S\n]*[A-Z][A-Z .'-]{1,40}\((Reuters|AP|AFP|Bloomberg|UPI)\)", re.M),
    re.compile(
        r"\bDownload (?:the )?((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4}) App\b", re.M
    ),
    re.compile(
        r"\b(?:daily dose of|news release to|newsletter from|subscribe to) "
        r"((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4})",
        re.M,
    ),
    re.compile(
        r"^[^\S\n]*(?:©|\([cC]\)|Copyright)[^\S\n]*(?:©[^\S\n]*)?"
        r"(?:\d{4}(?:[^\S\n]*[-–][^\S\n]*\d{4})?[^\S\n]*,?[^\S\n]*)?"
        r"((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,5})",
        re.M,
    ),
    re.compile(  # \d\d{3}, not \d{4}: a pattern that starts with a plain class is scanned for
        # with a fast first-character test (34 -> 22 us on a Dragnet text page)
        r"\d\d{3}[^\S\n]?((?:The )?[A-Z][a-z]+(?: [A-Z][a-z]+){0,3})[^\S\n]*$",
        re.M,
    ),  # "October 28, 2025Clash Report"
)
# Literal text every match of a pattern contains (None: no cheap test). A pattern is only run
# when one occurs, and from the start of the line holding the first one: no match can begin
# earlier, and scanning a whole page's boilerplate for a rare credit is the slow part. The wire
# credits are found by one regular expression (a scan for "(") instead of five str.find scans:
# the same first position in an eighth of the time.
_NEEDLES: tuple[tuple[str, ...] | re.Pattern[str] | None, ...] = (
    re.compile(r"\((?:Reuters|AP|AFP|Bloomberg|UPI)\)"),
    ("Download",),
    ("daily dose of", "news release to", "newsletter from", "subscribe to"),
    ("©", "(c)", "(C)", "Copyright"),
    None,  # the date-and-outlet pattern: run on the lines that end in a lower-case letter
)
_LOWER_END = frozenset("abcdefghijklmnopqrstuvwxyz")
_TRAILING = re.compile(
    r"\s*(?:,?\s*(?:Inc|Ltd|LLC|Pte|PLC|plc|Limited|Corp|Corporation|Group|Media|Publishing|All"
    r"|Rights|Reserved)\.?)+\s*$"
)


def guess_outlet(lines: list[Line], site_name: str | None = None) -> str | None:
    """The page's own claim of who published it: og:site_name, a wire dateline, an app or
    newsletter prompt naming the site, a copyright line, or a date-and-outlet byline."""
    if site_name:
        return site_name
    ordered = [ln for ln in lines if ln.label in ("byline", "body")][:3] + [
        ln for ln in lines if ln.label == "boilerplate"
    ]
    texts = [ln.text for ln in ordered]
    joined = "\n".join(texts)
    for rx, needles in zip(_PATTERNS, _NEEDLES, strict=True):
        text, start = joined, 0
        if needles:
            first = _first_needle(joined, needles)
            if first == -1:
                continue
            start = joined.rfind("\n", 0, first) + 1
        else:  # every match of this pattern ends its line with a lower-case name
            text = "\n".join(t for t in texts if t.rstrip()[-1:] in _LOWER_END)
        m = rx.search(text, start)
        while m:
            name = _TRAILING.sub("", m.group(1)).strip(" .,")
            if 2 <= len(name) <= 60:
                return name
            # as line by line: a line's first match decides for that line; go on to the next
            next_line = text.find("\n", m.start())
            m = rx.search(text, next_line + 1) if next_line != -1 else None
    return None


def _first_needle(text: str, needles: tuple[str, ...] | re.Pattern[str]) -> int:
    """Where the first of the needles occurs in text, -1 when none does."""
    if isinstance(needles, re.Pattern):
        m = needles.search(text)
        return m.start() if m else -1
    found = [at for at in map(text.find, needles) if at != -1]
    return min(found) if found else -1
