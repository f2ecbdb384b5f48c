"""Best guess of the outlet from the page's own credits and footer (else None)."""

from __future__ import annotations

import re

from .article import Line

_PATTERNS = (
    re.compile(r"^\s*[A-Z][A-Z .'-]{1,40}\((Reuters|AP|AFP|Bloomberg|UPI)\)"),
    re.compile(r"\bDownload (?:the )?((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4}) App\b"),
    re.compile(
        r"\b(?:daily dose of|news release to|newsletter from|subscribe to) "
        r"((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4})"
    ),
    re.compile(
        r"^\s*(?:©|\([cC]\)|Copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
        r"((?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,5})"
    ),
    re.compile(
        r"\d{4}\s?((?:The )?[A-Z][a-z]+(?: [A-Z][a-z]+){0,3})\s*$"
    ),  # "October 28, 2025Clash Report"
)
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
    for rx in _PATTERNS:
        for ln in ordered:
            m = rx.search(ln.text)
            if m:
                name = _TRAILING.sub("", m.group(1)).strip(" .,")
                if 2 <= len(name) <= 60:
                    return name
    return None
