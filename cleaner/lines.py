"""Page → lines. Text is split on newlines; HTML is rendered to blocks the way a browser copy
would lay them out (one block a line, table cells joined by tabs), each line keeping DOM hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import ModuleType

from lxml import etree

from . import speedups
from . import text as _text
from .article import DomHints, Line
from .text import normalise, normalise_lines, unify_line_breaks

DomKey = tuple[str, str, str]  # a line's DomHints tag, path and attrs


@dataclass(slots=True)
class Page:
    """A page split into lines, with what the page says about itself outside its lines."""

    lines: list[Line]
    is_html: bool = False
    html_title: str | None = None  # <title> or og:title
    site_name: str | None = None  # og:site_name / application-name
    url: str | None = None  # og:url: where the page says it lives
    notes: list[str] = field(default_factory=list)  # problems met while reading (e.g. "no <body>")
    _dom_index: tuple[list[DomKey | None], list[int]] | None = field(
        default=None, repr=False, compare=False
    )

    def dom_index(self) -> tuple[list[DomKey | None], list[int]]:
        """The distinct (tag, path, class/id words) of the page's lines (None for a line
        without DOM hints) and the index of each line's among them. A page's lines share a
        few dozen; the features and the markup model both work a distinct one at a time."""
        if self._dom_index is None:
            keys: dict[DomKey | None, int] = {}
            ids = [
                keys.setdefault(None if d is None else (d.tag, d.path, d.attrs), len(keys))
                for d in (ln.dom for ln in self.lines)
            ]
            self._dom_index = (list(keys), ids)
        return self._dom_index


_MAX_LINE_CHARS = 10_000
"""A line longer than this is not one paragraph (the corpora's 4,000 pages have none): it is a
whole page or article scraped onto one line. It is cut at sentence ends into lines of at most
_PIECE_CHARS, so the classifier sees paragraph-sized lines (it judged a 100,000-character
piece of prose boilerplate by its shape), and the page's notes say so."""
_PIECE_CHARS = 2_000
_SENTENCE_ENDS = (". ", "? ", "! ", '." ', ".” ")


def _split_long(text: str) -> list[str]:
    """`text` in pieces of at most _PIECE_CHARS, each cut after the last sentence end in the
    second half of its span, else at its last space, else at the limit; only the spaces at the
    cuts are dropped."""
    if len(text) <= _MAX_LINE_CHARS:
        return [text]
    pieces, start = [], 0
    while len(text) - start > _PIECE_CHARS:
        limit, half = start + _PIECE_CHARS, start + _PIECE_CHARS // 2
        cut = max(text.rfind(end, half, limit) + len(end) - 1 for end in _SENTENCE_ENDS)
        if cut < half:  # no sentence end (rfind gave -1): a space, else the limit
            space = text.rfind(" ", half, limit)
            cut = space if space != -1 else limit
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def cut_lines_note(cut: int, pieces: int) -> list[str]:
    """The page note for `cut` over-long lines made into `pieces` lines (none when cut is 0)."""
    if not cut:
        return []
    lines = "line" if cut == 1 else f"{cut:,} lines"
    return [
        f"{lines} longer than {_MAX_LINE_CHARS:,} characters cut at sentence ends into "
        f"{pieces:,} lines"
    ]


def normalise_scrape(text: str) -> str:
    """text.normalise, its second step through the compiled kernel when there is one: the same
    output (configure() checks the kernel against text.normalise_lines) in a sixth of the time,
    about 0.15 ms of a text page's 1.8 ms."""
    text = unify_line_breaks(text)
    if _KERNEL is not None:
        done = _KERNEL.normalise_lines(text)
        if done is not None:  # None: not NFC, so the Python function normalises first
            return done
    return normalise_lines(text)


def text_to_page(text: str) -> Page:
    """Lines of a plain-text scrape; blank lines are not lines but mark a paragraph break."""
    lines: list[Line] = []
    blank = False
    cut = pieces = 0
    for raw in normalise_scrape(text).split("\n"):
        if not raw:
            blank = bool(lines)
            continue
        if len(raw) <= _MAX_LINE_CHARS:  # the usual case, without a call to _split_long
            lines.append(Line(raw, len(lines), blank))
        else:
            split = _split_long(raw)
            cut, pieces = cut + 1, pieces + len(split)
            for piece in split:
                lines.append(Line(piece, len(lines), blank))
                blank = False
        blank = False
    return Page(lines=lines, notes=cut_lines_note(cut, pieces))


# --- HTML -------------------------------------------------------------------------------------

_SKIP = frozenset(
    "script style noscript template svg math iframe object embed canvas select option "
    "button input textarea head title map audio video source".split()
)  # <title> outside <head> too: a browser never shows it (its text is Page.html_title)
_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table tbody thead tfoot section article "
    "header footer nav aside main blockquote pre figure figcaption form fieldset legend "
    "address hr center caption details summary body html".split()
)
_ATTR_WORD = re.compile(r"[a-z]+")
_PATH_DEPTH = 6
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]")

_BREAK_TAGS, _CELL_TAGS, _LINK_TAGS = ("br",), ("td", "th"), ("a",)

# What the walk does at a node, looked up once per event (cheaper than a chain of set tests).
# Inline tags are absent (None); kinds are truthy, and the two that end the line so far come
# first. Comments, PIs and entities have a factory function as tag: only their tail is text.
_BLOCK_START, _BREAK, _CELL, _LINK, _NOT_ELEMENT = range(1, 6)
_KIND: dict[object, int] = {
    **dict.fromkeys(_BLOCK, _BLOCK_START),
    **dict.fromkeys(_BREAK_TAGS, _BREAK),
    **dict.fromkeys(_CELL_TAGS, _CELL),
    **dict.fromkeys(_LINK_TAGS, _LINK),
    etree.Comment: _NOT_ELEMENT,
    etree.PI: _NOT_ELEMENT,
    etree.Entity: _NOT_ELEMENT,
}

_WORDS: dict[str, str] = {}
_WORDS_MAX = 8192


def _attr_words(value: str) -> str:
    """Lower-case words of "class id"; memoised in _WORDS because class strings repeat a lot."""
    words = " ".join(_ATTR_WORD.findall(value.lower()))
    if len(_WORDS) >= _WORDS_MAX:
        _WORDS.clear()
    _WORDS[value] = words
    return words


def _render(start) -> tuple[list[str], list[DomHints]]:
    """Walk the tree once, as a browser copy would: block starts/ends and <br> end a line,
    table cells are joined by tabs. A line starts at its first text that is not all white
    space; its link_chars count the raw characters of its text inside <a>. This loop is the
    hot spot of HTML cleaning, hence the inlined steps and local names."""
    raw: list[str] = []
    hints: list[DomHints] = []
    tags: list[str] = []  # the open blocks, innermost last ...
    words: list[str] = []  # ... and their class/id words
    parts: list[str] = []  # text of the current line so far
    link_chars = link_depth = 0
    kind_of = _KIND.get
    words_of = _WORDS.get
    start.tail = None  # text after </body> is not part of the page
    for event, el in etree.iterwalk(start, events=("start", "end")):
        tag = el.tag
        kind = kind_of(tag)
        if event == "start":
            if kind:
                if kind <= _BREAK:  # a block or <br>: the line so far is complete
                    if parts:
                        raw.append("".join(parts))
                        hints.append(_hints(tags, words, link_chars))
                        parts = []
                        link_chars = 0
                    if kind == _BLOCK_START:
                        tags.append(tag)
                        value = f"{el.get('class') or ''} {el.get('id') or ''}"
                        found = words_of(value)
                        words.append(found if found is not None else _attr_words(value))
                elif kind == _LINK:
                    link_depth += 1
                elif kind == _CELL:
                    if parts:
                        parts.append("\t")
                else:
                    continue
            chunk = el.text
        else:
            if kind == _BLOCK_START:
                if parts:
                    raw.append("".join(parts))
                    hints.append(_hints(tags, words, link_chars))
                    parts = []
                    link_chars = 0
                tags.pop()
                words.pop()
            elif kind == _LINK:
                link_depth -= 1
            chunk = el.tail
        if chunk:
            if parts:
                parts.append(chunk)
            elif chunk.isspace():
                continue
            else:
                parts = [chunk]
            if link_depth > 0:
                link_chars += len(chunk)
    if parts:
        raw.append("".join(parts))
        hints.append(_hints(tags, words, link_chars))
    return raw, hints


def _hints(tags: list[str], words: list[str], link_chars: int) -> DomHints:
    """DOM hints of a line from the open blocks (innermost last)."""
    return DomHints(
        tags[-1] if tags else "",
        ">".join(tags[-_PATH_DEPTH:]),
        link_chars,
        " ".join(filter(None, words[-_PATH_DEPTH:])),
    )


def _join_lines(raw: list[str]) -> str:
    """The raw lines as one text, one a line: line breaks inside a line become spaces (NUL
    cannot occur in parsed text, so it marks the ends meanwhile)."""
    return _BREAKS.sub(" ", "\0".join(raw)).replace("\0", "\n")


def _to_lines(
    joined: str, hints: list[DomHints], normalised: bool = False, notes: list[str] | None = None
) -> list[Line]:
    """Normalise all lines in one call (much cheaper than once a line), unless the kernel
    already did (normalised). Over-long lines are cut (_split_long), noted in `notes`."""
    if not hints:
        return []
    if not normalised:
        joined = normalise_lines(joined)
    texts = joined.split("\n")  # the only breaks left are the "\n" between lines
    out: list[Line] = []
    cut = pieces = 0
    for text, dom in zip(texts, hints, strict=True):
        if not text:
            continue
        if len(text) <= _MAX_LINE_CHARS:
            if dom.link_chars > len(text):
                dom.link_chars = len(text)
            out.append(Line(text, len(out), False, dom))
            continue
        split = _split_long(text)
        cut, pieces = cut + 1, pieces + len(split)
        for piece in split:
            dom.link_chars = min(dom.link_chars, len(piece))
            out.append(Line(text=piece, index=len(out), dom=dom))
    if notes is not None:
        notes.extend(cut_lines_note(cut, pieces))
    return out


_META_KEYS = ("property", "name")


def _meta_tags(root) -> dict[tuple[str, str], str]:
    """content of the first <meta> for each (property|name, value), in one pass over the metas
    (one XPath query per name and key cost more than the rest of the page's metadata)."""
    found: dict[tuple[str, str], str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for key in _META_KEYS:
            value = meta.get(key)
            if value is not None:
                found.setdefault((key, value), content)
    return found


def _meta_content(metas: dict[tuple[str, str], str], *names: str) -> str | None:
    for name in names:
        for key in _META_KEYS:
            content = metas.get((key, name))
            if content and content.strip():
                return normalise(content).strip() or None
    return None


_PARSER_OPTIONS = dict(
    remove_comments=True, remove_pis=True, no_network=True, recover=True, collect_ids=False
)
_PARSERS = (
    etree.HTMLParser(**_PARSER_OPTIONS),
    etree.HTMLParser(**_PARSER_OPTIONS, encoding="utf-8"),
)
_HUGE_PARSERS = (  # for the rare page that nests deeper than libxml2's default limit of 256
    etree.HTMLParser(**_PARSER_OPTIONS, huge_tree=True),
    etree.HTMLParser(**_PARSER_OPTIONS, huge_tree=True, encoding="utf-8"),
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_TEXT = etree.XPath("//title//text()", smart_strings=False)
# Hidden elements: XPath only collects the few elements with a hidden, aria-hidden or style
# attribute (translate() on every element made this the slowest step) and _is_hidden decides.
_MAYBE_HIDDEN = etree.XPath("(//@hidden|//@aria-hidden|//@style)/..")


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").lower().replace(" ", "")
    return "display:none" in style or "visibility:hidden" in style


def parse_html(markup: str | bytes):
    """lxml's forgiving HTML parser; returns the root element or None for markup with no tree.
    A page whose <title> is never closed is repaired first (see _close_runaway_title)."""
    return _parse_html_noting(markup)[0]


def _parse_html_noting(markup: str | bytes) -> tuple[etree._Element | None, list[str]]:
    """parse_html, and notes on what the parse could not keep. Damaged pages are read the way a
    browser reads them where libxml2 would lose their text: see _without_document_end_tags,
    _close_runaway_title, _open_self_closed_html, _move_content_out_of_head and
    _move_content_into_body."""
    markup = _without_document_end_tags(markup)
    root, notes = _parse_all_levels(markup)
    if root is None:
        return root, notes
    body = root.find("body")
    if body is None:
        for repair in (_close_runaway_title, _open_self_closed_html):
            repaired = repair(markup)
            if repaired is not None:
                again, again_notes = _parse_all_levels(repaired)
                if again is not None and again.find("body") is not None:
                    root, notes, body = again, again_notes, again.find("body")
                    break
    if body is not None:
        _move_content_into_body(root, body)
    _move_content_out_of_head(root, body)
    return root, notes


_DOCUMENT_END = {  # (the document's end tags, "</html", markup that is not text)
    str: (
        re.compile(r"</(?:body|html)\s*>", re.I),
        "</html",
        re.compile(r"<(script|style)\b(?:.*?</\1\s*>|.*)|<!--(?:.*?-->|.*)|<[^<>]*>", re.I | re.S),
    ),
    bytes: (
        re.compile(rb"</(?:body|html)\s*>", re.I),
        b"</html",
        re.compile(rb"<(script|style)\b(?:.*?</\1\s*>|.*)|<!--(?:.*?-->|.*)|<[^<>]*>", re.I | re.S),
    ),
}


def _without_document_end_tags(markup: str | bytes) -> str | bytes:
    """libxml2 drops everything after </html>, where a browser renders it into the body (a footer
    or the start of another document written after the page). When the page goes on after
    its last </html>, the document's end tags are removed before parsing: a browser gives them
    no other effect. Looking only at the end keeps this cheap; an earlier </html> in the middle
    of a page that ends in one (two whole documents in one file) costs a scan of the whole
    page, so it is looked for only when the page renders to almost no text (see
    _with_later_documents)."""
    end_tags, closing, non_text = _DOCUMENT_END[type(markup)]
    last = _last_document_end(markup)
    if last == -1 or not _holds_text(markup[last:], non_text):
        return markup
    return end_tags.sub(type(markup)(), markup)


def _last_document_end(markup: str | bytes) -> int:
    """Where the page's last "</html" (or "</HTML"; not "</Html") starts, -1 for none; the end
    of the page is looked at first."""
    closing = _DOCUMENT_END[type(markup)][1]
    end = markup[-_END_WINDOW:].lower()
    last = end.rfind(closing)
    if last != -1:
        return last + len(markup) - len(end)
    return max(markup.rfind(closing), markup.rfind(closing.upper()))


def _with_later_documents(markup: str | bytes) -> str | bytes | None:
    """The markup without its end tags when text lies between an earlier </html> and the last
    (two whole documents in one file: some servers sent a header page, then the story, and a
    browser shows both; L3S 954487ce); None when there is none."""
    end_tags, closing, non_text = _DOCUMENT_END[type(markup)]
    last = _last_document_end(markup)
    if last == -1:
        return None
    earlier = [i for c in (closing, closing.upper()) if (i := markup.find(c, 0, last)) != -1]
    if not earlier or not _holds_text(markup[min(earlier) : last], non_text):
        return None
    return end_tags.sub(type(markup)(), markup)


def _holds_text(markup: str | bytes, non_text: re.Pattern) -> bool:
    """Whether markup holds text outside tags, scripts, styles and comments (one longer than
    _TAIL_READ is taken to, without reading it)."""
    return len(markup) > _TAIL_READ or bool(non_text.sub(type(markup)(), markup).strip())


_END_WINDOW = 4096  # characters at the end of a page looked at first for its </html>
_TAIL_READ = 65536  # a longer tail after </html> is taken to hold text without reading it


def _move_content_into_body(root, body) -> None:
    """What follows </body> is parsed as the body's siblings, which are not rendered; a
    browser puts it at the end of the body."""
    loose = body.tail is not None and not body.tail.isspace()
    if not loose and body.getnext() is None:
        return
    if loose:
        last = body[-1] if len(body) else None
        if last is not None:
            last.tail = _XML_UNSAFE.sub("", (last.tail or "") + body.tail)
        else:
            body.text = _XML_UNSAFE.sub("", (body.text or "") + body.tail)
    body.tail = None
    for el in list(body.itersiblings()):
        body.append(el)


def _parse_all_levels(markup: str | bytes) -> tuple[etree._Element | None, list[str]]:
    """libxml2 stops at 256 levels of nesting and drops the rest of the page, and a few hundred
    unclosed <font> or <div> tags reach that: such a page is parsed again with the limit raised
    to 2048 levels; past that, a note says the rest was lost."""
    root, too_deep = _parse_once(markup)
    if too_deep:
        root, too_deep = _parse_once(markup, huge=True)
    return root, [_TOO_DEEP_NOTE] if too_deep else []


_TOO_DEEP_NOTE = "the HTML nests more than 2048 elements deep; the text after that point is lost"


def _parse_once(markup: str | bytes, huge: bool = False) -> tuple[etree._Element | None, bool]:
    """One parse, with the XML declaration stripped (lxml refuses it on a str); also whether
    libxml2 stopped at its nesting limit."""
    if isinstance(markup, str):
        # lxml refuses str with an encoding declaration; strip it rather than re-encode.
        markup = _XML_DECLARATION.sub("", markup, count=1)
    if not markup or markup.isspace():  # not markup.strip(), which copies the whole page
        return None, False
    parser, utf8_parser = _HUGE_PARSERS if huge else _PARSERS
    try:
        return etree.fromstring(markup, parser=parser), _hit_depth_limit(parser)
    except ValueError:
        if not isinstance(markup, str):
            return None, False
    except (etree.ParserError, etree.XMLSyntaxError):
        return None, False
    # A str whose encoding declaration the regex did not catch (a damaged one, say): parse its
    # UTF-8 bytes with the encoding fixed, so the declaration is ignored.
    try:
        root = etree.fromstring(markup.encode("utf-8", "surrogatepass"), parser=utf8_parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, False
    return root, _hit_depth_limit(utf8_parser)


def _hit_depth_limit(parser: etree.HTMLParser) -> bool:
    """The parse ended at libxml2's nesting limit (a fatal error: always the last one logged)."""
    error = parser.error_log.last_error
    return error is not None and error.type_name == "ERR_RESOURCE_LIMIT"


_RUNAWAY_TITLE = {  # an end tag: "</title", then HTML white space, "/" or ">" (not "</titlev")
    str: (
        re.compile(r"<title\b[^>]*>", re.I),
        re.compile(r"</title[\t\n\f\r />]", re.I),
        "<",
        "</title>",
    ),
    bytes: (
        re.compile(rb"<title\b[^>]*>", re.I),
        re.compile(rb"</title[\t\n\f\r />]", re.I),
        b"<",
        b"</title>",
    ),
}


def _close_runaway_title(markup: str | bytes) -> str | bytes | None:
    """A <title> that is never closed makes libxml2 read the rest of the page as title text,
    leaving no body (damaged pages do this). Close it before the next tag; None when the page
    has no such title."""
    opening, closing, lt, end = _RUNAWAY_TITLE[type(markup)]
    m = opening.search(markup)
    if m is None or closing.search(markup, m.end()):
        return None
    cut = markup.find(lt, m.end())
    cut = len(markup) if cut == -1 else cut
    return markup[:cut] + end + markup[cut:]


_SELF_CLOSED_HTML = {
    str: re.compile(r"(<html\b[^>]*)/\s*>", re.I),  # greedy: one backtrack to the "/"
    bytes: re.compile(rb"(<html\b[^>]*)/\s*>", re.I),
}


def _open_self_closed_html(markup: str | bytes) -> str | bytes | None:
    """`<html .../>` ends the document for libxml2, which then has nothing in it; a browser
    ignores the slash. Drop it; None when the page has no such tag."""
    pattern = _SELF_CLOSED_HTML[type(markup)]
    repaired, count = pattern.subn(r"\1>" if isinstance(markup, str) else rb"\1>", markup, 1)
    return repaired if count else None


_HEAD_TAGS = frozenset("title meta link base script style noscript template".split())


def _move_content_out_of_head(root, body) -> None:
    """A tag that cannot be in <head> (an unknown <mbox>, a <table>) makes libxml2 keep it, and
    often the whole page after it, inside <head>, where nothing is rendered. A browser starts
    the body at that tag: move it and everything after it to the start of the body (a new
    one when there is none)."""
    head = root.find("head")
    if head is None:
        return
    children = list(head)
    start = next(
        (
            i
            for i, el in enumerate(children)
            if isinstance(el.tag, str) and el.tag not in _HEAD_TAGS
        ),
        None,
    )
    if start is None:
        return
    if body is None:
        body = etree.SubElement(root, "body")
    before = children[start - 1] if start else None
    loose = before.tail if before is not None else head.text
    moved = children[start:]
    if loose and not loose.isspace():  # text just before that tag is the body's first text
        if before is not None:
            before.tail = None
        else:
            head.text = None
        moved[-1].tail = _XML_UNSAFE.sub("", (moved[-1].tail or "") + (body.text or ""))
        body.text = _XML_UNSAFE.sub("", loose)
    elif body.text and not body.text.isspace():
        moved[-1].tail = _XML_UNSAFE.sub("", (moved[-1].tail or "") + body.text)
        body.text = None
    for offset, el in enumerate(moved):
        body.insert(offset, el)


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _remove_keep_tail(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        # The parser keeps control characters that lxml refuses when text is set back; they
        # are dropped by normalise() anyway.
        if prev is not None:
            prev.tail = _XML_UNSAFE.sub("", (prev.tail or "") + el.tail)
        else:
            parent.text = _XML_UNSAFE.sub("", (parent.text or "") + el.tail)
    parent.remove(el)


def _strip_and_render(root) -> tuple[str, list[DomHints], bool]:
    """The reference rendering (the compiled kernel must match it): strip skipped and hidden
    elements from the tree, walk <body> (or the root when there is none). Returns the joined
    raw lines, their hints, and whether there was a <body>. Changes the tree."""
    etree.strip_elements(root, *_SKIP, with_tail=False)
    for el in [el for el in _MAYBE_HIDDEN(root) if _is_hidden(el)]:
        _remove_keep_tail(el)
    body = root.find("body")
    raw, hints = _render(body if body is not None else root)
    return _join_lines(raw), hints, body is not None


def html_to_page(markup: str | bytes) -> Page:
    """Render HTML to lines with DOM hints, skipping scripts, styles, forms and hidden blocks."""
    return _html_to_page(markup, _KERNEL)


_SPARSE_TEXT = 0.02
"""A page whose lines hold less than this share of its markup's characters is checked for a
second document libxml2 dropped (_with_later_documents). 15 of the 2,002 corpus pages render
that sparsely; the check's scan of the whole page (about 80 us on a Dragnet page, 3 % of its
time) is spent on them only."""


def _html_to_page(markup: str | bytes, kernel: ModuleType | None) -> Page:
    """html_to_page through the compiled kernel, or the pure-Python code when kernel is None
    (tests run both); a page that renders to almost no text is rendered again with any later
    document it holds (see _SPARSE_TEXT)."""
    page = _render_page(markup, kernel)
    if sum(len(ln.text) for ln in page.lines) < _SPARSE_TEXT * len(markup):
        whole = _with_later_documents(markup)
        if whole is not None:
            return _render_page(whole, kernel)
    return page


def _render_page(markup: str | bytes, kernel: ModuleType | None) -> Page:
    """One parse and rendering of the markup. The kernel returns None for trees it leaves to
    Python."""
    root, parse_notes = _parse_html_noting(markup)
    if root is None:
        return Page(lines=[], is_html=True, notes=["the HTML has no parsable content"])
    head = kernel.head_info(root) if kernel is not None else None
    metas = head[0] if head is not None else _meta_tags(root)
    html_title = _meta_content(metas, "og:title", "twitter:title")
    if html_title is None:
        found = head[1] if head is not None else _TITLE_TEXT(root)
        html_title = normalise(" ".join(found)).strip() or None if found else None
    site_name = _meta_content(metas, "og:site_name", "application-name")
    url = _meta_content(metas, "og:url")
    # The kernel also normalises the lines when it can do so exactly (the raw text is NFC).
    rendered = kernel.render(root, normalise=True) if kernel is not None else None
    if rendered is not None:
        text, hints, has_body, normalised = rendered
    else:
        (text, hints, has_body), normalised = _strip_and_render(root), False
    notes = parse_notes + ([] if has_body else ["the HTML has no <body>"])
    lines = _to_lines(text, hints, normalised, notes)
    if not lines and has_body:
        notes.append("the HTML body has no visible text")
    return Page(
        lines=lines,
        is_html=True,
        html_title=html_title,
        site_name=site_name,
        url=url,
        notes=notes,
    )


# The compiled twin of html_to_page's tree steps (cleaner/_render.pyx), handed the definitions
# above so that both paths read the same tag sets and helpers; it checks that text.py
# normalises lines as it does (a ValueError here means _render.pyx needs the same change).
_KERNEL = speedups.kernel("_render")
_KERNEL_SETUP = dict(
    skip=_SKIP,
    block=_BLOCK,
    breaks=_BREAK_TAGS,
    cells=_CELL_TAGS,
    links=_LINK_TAGS,
    hints=DomHints,
    words_cache=_WORDS,
    attr_words=_attr_words,
    path_depth=_PATH_DEPTH,
    unsafe_sub=_XML_UNSAFE.sub,
    normalise_lines=normalise_lines,
    invisible=_text._INVISIBLE_OR_CONTROL,
    odd_space=_text._ODD_SPACE,
    spaces=_text._SPACES,
)
if _KERNEL is not None:
    _KERNEL.configure(**_KERNEL_SETUP)


_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|span|a|table|br|h[1-6])"
    r"[\s/>]",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True when `text` starts with `<` (after a BOM and white space: an `<?xml ...?>` line or a
    comment may come first) and has HTML tags in its first 4 KB; a text scrape that merely
    mentions a tag further down is still text. The one test for `clean()`, `clean_many` and the
    CLI, so a page is read the same way whichever way it comes in."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_TAG.search(head) is not None


def to_page(text_or_html: str, kind: str = "auto") -> Page:
    if kind == "html" or (kind == "auto" and looks_like_html(text_or_html)):
        return html_to_page(text_or_html)
    return text_to_page(text_or_html)
