"""Which news agency a text is a copy of, and whether a rewrite credits the agency it copies.

Detection looks only at marks an agency leaves on its own copy: the dateline ("TOKYO (Reuters) -",
"HELSINKI (AP) —"), an agency byline ("By Reuters", "By The Associated Press", a line that is just
"Bloomberg") and the Reuters trailer "(Reporting by ...; Editing by ...)". A passing mention
("according to Reuters") or a photo credit ("Brendan Smialowski / AFP / Getty") is *credit*, not
proof that the text is the agency's copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleaner.recurring import host_of

# How each agency appears in a dateline parenthesis or a byline.
_AGENCY_ALIASES: dict[str, str] = {
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "ap": "AP",
    "the associated press": "AP",
    "associated press": "AP",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
}
# Each agency's own sites: a host that is one of these, or a subdomain of one ("uk.reuters.com").
AGENCY_DOMAINS: dict[str, tuple[str, ...]] = {
    "Reuters": ("reuters.com",),
    "AP": ("apnews.com", "ap.org"),
    "AFP": ("afp.com",),
    "Bloomberg": ("bloomberg.com",),
}
_ALIAS_RE = "|".join(sorted((re.escape(a) for a in _AGENCY_ALIASES), key=len, reverse=True))

# "TOKYO (Reuters) -", "WASHINGTON, July 16 (Reuters) -", "(AP) —", "(Bloomberg) --".
_DATELINE = re.compile(
    r"(?:^|\n|\s)(?:[A-Z][A-Za-z.'/ -]{1,40}(?:,\s*[A-Z][A-Za-z0-9 .,]{1,30})?\s*)?"
    r"\((" + _ALIAS_RE + r")\)\s*(?:-{1,2}|—|–|:)",
    re.IGNORECASE,
)
# A line that is only the agency, or the agency as byline: "By Reuters", "Bloomberg • 2 min read".
_BYLINE = re.compile(
    r"^\s*(?:by\s+)?(" + _ALIAS_RE + r")\s*(?:[•|·-]\s*\d+\s*min(?:ute)?s?\s+read)?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_REUTERS_TRAILER = re.compile(
    r"\((?:additional\s+)?reporting by [^)]{3,300}?(?:;|,)\s*(?:writing|editing) by [^)]{3,300}\)",
    re.IGNORECASE,
)
_AP_TRAILER = re.compile(r"\bAssociated Press (?:writers?|reporters?)\b", re.IGNORECASE)
_CREDIT = re.compile(
    r"\((Reuters|AP|AFP|Bloomberg)\)|\b(Reuters|Associated Press|Agence France-Presse|AFP|"
    r"Bloomberg News|Bloomberg)\b"
)
# Lines that hold photo credits: an agency named there is the photographer's, not the story's.
_PHOTO_LINE = re.compile(
    r"photo|getty|image|picture|pictured|credit|video|/\s*(?:AP|AFP|Reuters|Bloomberg)\b|"
    r"\b(?:AP|AFP|Reuters|Bloomberg)\s*/|\|\s*Bloomberg",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WireMark:
    """An agency's mark found in a text: which agency, what kind of mark, where."""

    agency: str
    kind: str  # "dateline" | "byline" | "trailer"
    start: int
    end: int


def _canonical(alias: str) -> str:
    return _AGENCY_ALIASES[re.sub(r"\s+", " ", alias.strip().lower())]


def wire_marks(text: str, *, head_chars: int = 1500) -> list[WireMark]:
    """Every agency mark in `text`. Datelines and bylines count only near the top (`head_chars`):
    a dateline deep inside a page is usually a teaser for another story."""
    marks: list[WireMark] = []
    for m in _DATELINE.finditer(text[:head_chars]):
        marks.append(WireMark(_canonical(m.group(1)), "dateline", m.start(1) - 1, m.end()))
    for m in _BYLINE.finditer(text[:head_chars]):
        marks.append(WireMark(_canonical(m.group(1)), "byline", m.start(), m.end()))
    for m in _REUTERS_TRAILER.finditer(text):
        marks.append(WireMark("Reuters", "trailer", m.start(), m.end()))
    for m in _AP_TRAILER.finditer(text[-1500:]):
        off = max(0, len(text) - 1500)
        marks.append(WireMark("AP", "trailer", m.start() + off, m.end() + off))
    return sorted(marks, key=lambda k: (k.start, k.agency))


def detect_agency(text: str) -> str | None:
    """The agency whose copy `text` is, or None. A dateline outranks a byline, which outranks a
    trailer; ties go to the earliest mark."""
    marks = wire_marks(text)
    if not marks:
        return None
    rank = {"dateline": 0, "byline": 1, "trailer": 2}
    return min(marks, key=lambda k: (rank[k.kind], k.start)).agency


def credited_agencies(text: str) -> set[str]:
    """Agencies the text names as a source (datelines, "Reuters reported", "according to AP"),
    ignoring photo-credit lines."""
    found: set[str] = set()
    for line in text.split("\n"):
        if not line.strip() or (_PHOTO_LINE.search(line) and len(line) < 200):
            continue
        for m in _CREDIT.finditer(line):
            name = m.group(1) or m.group(2)
            found.add(_canonical(name))
    return found


def credits(text: str, agency: str | None) -> bool:
    """Does `text` credit `agency`? False when the agency is unknown."""
    return agency is not None and agency in credited_agencies(text)


def is_agency_outlet(outlet: str | None, agency: str | None) -> bool:
    """Is `outlet` the agency itself: one of its sites (a host, or a URL on it) or its name
    ("Reuters", "The Associated Press")? Hosts match whole labels from the right, so
    japantimes.co.jp is not AP's site, nor notreuters.com Reuters'."""
    if not outlet or not agency:
        return False
    if _AGENCY_ALIASES.get(re.sub(r"\s+", " ", outlet.strip().lower())) == agency:
        return True
    host = (host_of(outlet) or "").rstrip(".")
    return any(host == d or host.endswith("." + d) for d in AGENCY_DOMAINS.get(agency, ()))
