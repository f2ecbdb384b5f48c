"""Page → lines. Text is split on newlines; HTML is rendered to blocks the way a browser copy
would lay them out (one block a line, table cells joined by tabs), each line keeping DOM hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .article import DomHints, Line
from .text import normalise


@dataclass(slots=True)
class Page:
    """A page split into lines, with what the page says about itself outside its lines."""

    lines: list[Line]
    is_html: bool = False
    html_title: str | None = None  # <title> or og:title
    site_name: str | None = None  # og:site_name / application-name
    notes: list[str] = field(default_factory=list)  # problems met while reading (e.g. "no <body>")


_MAX_LINE_CHARS = 100_000
"""Longer lines are cut at a sentence boundary into pieces, so no single line is pathological."""


def _split_long(text: str) -> list[str]:
    if len(text) <= _MAX_LINE_CHARS:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + _MAX_LINE_CHARS)
        if end < len(text):
            cut = text.rfind(". ", start + _MAX_LINE_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        pieces.append(text[start:end].strip())
        start = end
    return [p for p in pieces if p]


def text_to_page(text: str) -> Page:
    """Lines of a plain-text scrape; blank lines are not lines but mark a paragraph break."""
    lines: list[Line] = []
    blank = False
    for raw in normalise(text).split("\n"):
        if not raw:
            blank = bool(lines)
            continue
        for piece in _split_long(raw):
            lines.append(Line(text=piece, index=len(lines), blank_before=blank))
            blank = False
    return Page(lines=lines)


# --- HTML -------------------------------------------------------------------------------------

_SKIP = frozenset(
    "script style noscript template svg math iframe object embed canvas select option "
    "button input textarea head map audio video source".split()
)
_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table tbody thead tfoot section article "
    "header footer nav aside main blockquote pre figure figcaption form fieldset legend "
    "address hr center caption details summary body html".split()
)
_CELL = frozenset(("td", "th"))
_ATTR_SPLIT = re.compile(r"[^a-z]+")
_PATH_DEPTH = 6
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]")


class _Renderer:
    """Accumulates inline text into lines; block boundaries flush the current line."""

    __slots__ = ("raw", "hints", "parts", "link_chars", "owner")

    def __init__(self) -> None:
        self.raw: list[str] = []
        self.hints: list[DomHints] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.owner: DomHints | None = None

    def add(self, text: str, in_link: bool, blocks: list) -> None:
        if not self.parts:
            if text.isspace():
                return
            self.owner = _hints_for(blocks)
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text)

    def flush(self) -> None:
        if not self.parts:
            return
        joined = _BREAKS.sub(" ", "".join(self.parts))
        self.parts = []
        if joined.isspace():
            self.link_chars = 0
            return
        hints = self.owner
        hints.link_chars = self.link_chars
        self.link_chars = 0
        self.raw.append(joined)
        self.hints.append(hints)

    def lines(self) -> list[Line]:
        """Normalise all lines in one call (much cheaper than once a line)."""
        if not self.raw:
            return []
        texts = normalise("\n".join(self.raw)).split("\n")
        out: list[Line] = []
        for text, hints in zip(texts, self.hints, strict=True):
            if not text:
                continue
            for piece in _split_long(text):
                hints.link_chars = min(hints.link_chars, len(piece))
                out.append(Line(text=piece, index=len(out), dom=hints))
        return out


def _block_entry(el) -> tuple[str, str]:
    """(tag, class/id words) of a block element, computed once when it opens."""
    value = f"{el.get('class') or ''} {el.get('id') or ''}"
    if value == " ":
        return el.tag, ""
    return el.tag, " ".join(w for w in _ATTR_SPLIT.split(value.lower()) if w)


def _hints_for(blocks: list[tuple[str, str]]) -> DomHints:
    """DOM hints of a line from the stack of open block elements (innermost last)."""
    recent = blocks[-_PATH_DEPTH:]
    return DomHints(
        tag=recent[-1][0] if recent else "",
        path=">".join(tag for tag, _ in recent),
        attrs=" ".join(words for _, words in recent if words),
    )


def _meta_content(root, *names: str) -> str | None:
    for name in names:
        for key in ("property", "name"):
            found = root.xpath(f"//meta[@{key}=$n]/@content", n=name)
            if found and found[0].strip():
                return normalise(found[0]).strip() or None
    return None


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
_HIDDEN_XPATH = etree.XPath(
    "//*[@hidden or @aria-hidden='true' or contains(translate(@style, 'DISPLYNOE ', 'displynoe'),"
    " 'display:none') or contains(translate(@style, 'VISBLTYHDN ', 'visbltyhdn'),"
    " 'visibility:hidden')]"
)


def parse_html(markup: str | bytes):
    """lxml's forgiving HTML parser; returns the root element or None for markup with no tree."""
    if isinstance(markup, str):
        # lxml refuses str with an encoding declaration; strip it rather than re-encode.
        markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup, count=1)
    if not markup.strip():
        return None
    try:
        root = etree.fromstring(markup, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _remove_keep_tail(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def html_to_page(markup: str | bytes) -> Page:
    """Render HTML to lines with DOM hints, skipping scripts, styles, forms and hidden blocks."""
    root = parse_html(markup)
    if root is None:
        return Page(lines=[], is_html=True, notes=["the HTML has no parsable content"])
    html_title = _meta_content(root, "og:title", "twitter:title")
    if html_title is None:
        found = root.xpath("//title//text()")
        html_title = normalise(" ".join(found)).strip() or None if found else None
    site_name = _meta_content(root, "og:site_name", "application-name")
    etree.strip_elements(root, *_SKIP, with_tail=False)
    for el in _HIDDEN_XPATH(root):
        _remove_keep_tail(el)
    body = root.find("body")
    notes = [] if body is not None else ["the HTML has no <body>"]
    start = body if body is not None else root

    out = _Renderer()
    blocks: list[tuple[str, str]] = []
    link_depth = 0
    for event, el in etree.iterwalk(start, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            if event == "end" and el.tail:
                out.add(el.tail, link_depth > 0, blocks)
            continue
        if event == "start":
            if tag in _BLOCK:
                out.flush()
                blocks.append(_block_entry(el))
            elif tag == "br":
                out.flush()
            elif tag in _CELL:
                if out.parts:
                    out.parts.append("\t")
            elif tag == "a":
                link_depth += 1
            if el.text:
                out.add(el.text, link_depth > 0, blocks)
        else:
            if tag in _BLOCK:
                out.flush()
                blocks.pop()
            elif tag == "a":
                link_depth -= 1
            if el is start:
                break
            if el.tail:
                out.add(el.tail, link_depth > 0, blocks)
    out.flush()
    lines = out.lines()
    if not lines and body is not None:
        notes.append("the HTML body has no visible text")
    return Page(lines=lines, is_html=True, html_title=html_title, site_name=site_name, notes=notes)


_HTML_SNIFF = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I | re.S
)


def looks_like_html(text: str) -> bool:
    """True for markup; a text scrape that merely mentions a tag further down is still text."""
    return bool(_HTML_SNIFF.match(text[:4096]))


def to_page(text_or_html: str, kind: str = "auto") -> Page:
    if kind == "html" or (kind == "auto" and looks_like_html(text_or_html)):
        return html_to_page(text_or_html)
    return text_to_page(text_or_html)
