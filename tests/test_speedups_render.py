"""The compiled HTML rendering (cleaner/_render.pyx) gives exactly the pure-Python Page.

Both paths run in this process: lines._html_to_page(markup, kernel) with the compiled kernel and
with None (the reference). Every field of the Page is compared: each line's text, index,
blank_before and DomHints, the title, the site name and the notes. The kernel may hand a tree
back to Python (it returns None); the tests below also check that it did the work itself
wherever it should, so a parity pass cannot come from a silent fallback."""

from __future__ import annotations

import ast
import random
import re
import subprocess
import sys
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from cleaner import lines, text
from cleaner.corpora import CORPORA, iter_pages

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KERNEL = lines._KERNEL

needs_kernel = pytest.mark.skipif(
    KERNEL is None,
    reason="cleaner._render is not in use (not built, built for another lxml, or "
    "CLEANER_PURE_PYTHON is set): nothing to compare with the Python rendering",
)
pytestmark = needs_kernel


def snapshot(page: lines.Page) -> dict:
    """Everything a Page carries, in a form whose differences pytest prints readably."""
    return {
        "lines": [
            (ln.text, ln.index, ln.blank_before)
            + ((ln.dom.tag, ln.dom.path, ln.dom.link_chars, ln.dom.attrs) if ln.dom else (None,))
            for ln in page.lines
        ],
        "is_html": page.is_html,
        "html_title": page.html_title,
        "site_name": page.site_name,
        "url": page.url,
        "notes": page.notes,
    }


def assert_parity(markup: str | bytes, *, kernel_renders: bool = True) -> lines.Page:
    """Both paths give the same Page; unless told otherwise, the kernel did the work itself."""
    compiled = lines._html_to_page(markup, KERNEL)
    python = lines._html_to_page(markup, None)
    assert snapshot(compiled) == snapshot(python)
    assert compiled == python
    root = lines.parse_html(markup)
    if kernel_renders and root is not None:
        assert KERNEL.head_info(root) is not None
        assert KERNEL.render(root) is not None
    if root is not None and (raw := KERNEL.render(root)) is not None:
        assert_normalised_rendering(root, raw)
    return compiled


def assert_normalised_rendering(root, raw: tuple) -> None:
    """render(normalise=True) is render() with text.normalise_lines done, exactly when the raw
    text is NFC (else the raw text, for Python to normalise)."""
    both = KERNEL.render(root, normalise=True)
    nfc = unicodedata.is_normalized("NFC", raw[0])
    assert both == (text.normalise_lines(raw[0]) if nfc else raw[0], *raw[1:], nfc)


# --- hand-written pages -------------------------------------------------------------------------

ADVERSARIAL = {
    "entities": "<html><body><p>Fish &amp; chips&nbsp;&nbsp;for&#160;&#x1F600; &lt;b&gt; &copy;"
    " &#0; &#x85; &#128; &bogus; &amp</p></body></html>",
    "nbsp-only-chunks": "<body><p>&nbsp;<a href=x>&nbsp;</a><b> </b>&nbsp;text</p>"
    "<p><a>\xa0\u2003</a>x</p></body>",
    "cdata": "<body><p>a<![CDATA[inside]]>b</p><svg><title>s</title><![CDATA[x<y]]></svg>"
    "<math><mi><![CDATA[m]]></mi></math></body>",
    "nested-links": '<body><p>see <a href="1">one <a href="2">two</a> three</a> four</p>'
    "<a href=x><div>block in link</div> tail <br> after</a></body>",
    "link-across-lines": "<body><p><a href=x>start<br>end</a> more</p>"
    "<p><a>  </a> <a> x</a></p><p><a>\x1c\x1f</a>y</p><p><a>\x85\u2028</a>z</p></body>",
    "tables": "<body><table><tr><th>H1</th><th>H2</th></tr><tr><td>a</td><td> </td><td>"
    "<p>para</p>c</td><td>d<br>e</td></tr><tr><td></td><td>only</td></tr></table>"
    "<td>stray cell</td>text<td>x</td></body>",
    "br-runs": "<body><p>a<br><br><br>b<br/>c<br></br>d</p><br><br>tail<br></body>",
    "hidden-with-tails": "<body><div>a\x0bb<span hidden>x</span>t\x0cu<i hidden>y</i>"
    '\x01v</div><p><b aria-hidden="true">gone</b>kept\x0b</p>'
    "<p>w\x0b<span hidden></span><span hidden></span>z</p>"
    "<p>q\x0c<span hidden></span><script>s</script>r</p>"
    '<p><span style="display:none">no</span>\x0b</p>'
    "<p>m\x0b<script hidden>s</script>n<style>x</style>\x0c</p></body>",
    "hidden-variants": '<body><p hidden="false">h1</p><p aria-hidden="TRUE">shown</p>'
    '<p aria-hidden="true" hidden>h2</p><p style="DISPLAY : NONE">h3</p>'
    '<p style="display:\tnone">shown tab</p><p style="visibility: Hidden ;">h4</p>'
    '<p style="color:red; display:nonex">h5</p><p style="dİsplay:none">shown dotted</p>'
    '<p style="font-family:\'Ünï\'; display:none">h6</p><p style="">shown empty</p>'
    '<p aria-hidden="false" style="visibility:hidden">h7</p><div hidden><p>in</p>t</div>'
    "after</body>",
    "nested-hidden": "<body><div hidden><p hidden>x</p>y<span hidden>z</span>w</div>v"
    '<div style="display:none"><div aria-hidden="true">a</div>b</div>c</body>',
    "hidden-body": "<html><head><title>T</title></head><body hidden><p>gone</p></body></html>",
    "hidden-root": "<html hidden><body><p>stays</p></body></html>",
    "unclosed": "<body><p>one<p>two<div>three<span>four<li>five<td>six<b>seven",
    "control-characters": "<body><p>a\x00b\x01c\x08d\x0be\x0cf\x0eg\x1fh\x7fi\x85j\x9fk</p>"
    '<p class="x\x0by">\u2028l\u2029m\rn\r\no</p>\ufeff<p>\u200bzw\u00adsp</p></body>',
    "deep-divs": "<body>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "</body>",
    "deep-inline": "<body><p>" + "<span>x" * 3_000 + "</span>" * 3_000 + "</p></body>",
    "empty-body": "<html><body></body></html>",
    "blank-body": "<html><body> \n\t&nbsp; </body></html>",
    "text-after-body": "<html><body><p>in</p></body>after body</html>after html",
    "title-only": "<title>Only a title</title>",
    "titles": "<html><head><title>First</title><title>Second</title></head><body>"
    "<svg><title>svg title</title></svg><p>x</p></body></html>",
    "meta-titles": '<html><head><meta property="og:title" content=" "><meta name="twitter:title"'
    ' content="Tw &amp; it"><meta property="og:site_name" content="Site\u00a0Name">'
    '<meta property="og:site_name" content="Second"><meta name="application-name">'
    '<meta content="no key"></head><body><meta property="og:title" content="late">'
    "<p>x</p></body></html>",
    "meta-duplicates": '<head><meta name="twitter:title" content="First tw"><meta '
    'name="twitter:title" content="Second tw"><meta name="application-name" content="First app">'
    '<meta name="application-name" content="Second app"></head><body><p>x</p></body>',
    "meta-name-and-property": '<head><meta name="og:title" property="og:site_name" content="Both">'
    "</head><body><p>x</p></body>",
    "uppercase": '<HTML><HEAD><TITLE>Up</TITLE></HEAD><BODY CLASS="Main"><DIV ID="Top-Box">'
    "<P>Para</P><TABLE><TR><TD>a</TD><TD>b</TD></TR></TABLE><BR>x<A HREF=#>l</A></DIV>"
    "</BODY></HTML>",
    "namespaced-unknown": '<body><svg:rect>s</svg:rect><o:p>office</o:p><foo:bar xmlns:foo="urn:x">'
    "fb</foo:bar><custom-element class=ce>custom</custom-element><dív>accent</dív>"
    "<x y=1>unknown</x></body>",
    "script-style": "<html><head><style>p{}</style><script>var a='<p>x</p>';</script></head>"
    "<body><p>a<script>s()</script>b<noscript>ns</noscript>c<template><p>t</p></template>d"
    "<select><option>o</option></select>e<button>b</button>f<textarea>ta</textarea>g</p>"
    "<iframe>if</iframe><object>ob</object><canvas>cv</canvas></body></html>",
    "comments-pis": "<body><!-- c --><p>a<!-- c -->b<?php echo 1; ?>c</p><!--x-->d</body>",
    "class-words": '<body><div class="Größe ñ a1-b2" id="X_y"><div class=""><div id="">'
    '<section class="a" class="b"><p class="   ">t</p></section></div></div></div></body>',
    "paths": "<body>"
    + "".join(f'<div class="c{i}">' for i in range(9))
    + "<p>deep</p>"
    + "</div>" * 9
    + "</body>",
    "frameset": "<html><head><title>F</title></head><frameset><frame src=a></frameset></html>",
    "text-in-html": "<html>before<head><title>t</title></head>between<body>b</body></html>",
    "two-bodies": '<body class="a"><p>x</p></body><body class="b"><p>y</p></body>',
    "runaway-title": "<html><head><title>Never closed\n<script>x</script></head>"
    "<body><p>Body text here.</p></body></html>",
    "long-line": "<body><p>" + "Sentence number one is here. " * 5_000 + "</p></body>",
    "whitespace-lines": "<body><p>  lead</p><p>trail  </p><p>\n\n</p><div>  <span> </span>"
    "  x  </div></body>",
    "astral-and-combining": "<body><p><a>\U0001f600\U0001f601 e\u0301 \u1100\u1161</a></p>"
    "<p>\u2000\u2001\u3000wide</p></body>",
    "xml-declaration": '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
    "no-markup": "just text, no tags at all",
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_pages(name: str) -> None:
    markup = ADVERSARIAL[name]
    assert_parity(markup)
    assert_parity(markup.encode("utf-8", "surrogatepass"))


BYTES_PAGES = {
    "windows-1252": '<html><head><meta charset="windows-1252"></head><body><p>\x93quoted\x94'
    " \x80 caf\xe9 \x85</p></body></html>".encode("latin-1"),
    "latin-1-http-equiv": b'<html><head><meta http-equiv="Content-Type" content="text/html; '
    b'charset=iso-8859-1"><title>T\xeatu</title></head><body><p>na\xefve \xa0x</p></body></html>',
    "shift-jis": '<html><head><meta charset="shift_jis"></head><body><p>日本語のテキスト</p>'
    "</body></html>".encode("shift_jis"),
    "utf-16-bom": "\ufeff<html><body><p>sixteen \u00e9</p></body></html>".encode("utf-16"),
    "invalid-utf-8": b'<html><head><meta charset="utf-8"></head><body><p class="\xff">bad \xff\xfe'
    b" bytes \xc3</p><p>ok \xc3\xa9</p></body></html>",
    "no-charset-high-bytes": b"<html><body><p>\xe9t\xe9 \x9d</p></body></html>",
}


@pytest.mark.parametrize("name", sorted(BYTES_PAGES))
def test_pages_given_as_bytes(name: str) -> None:
    assert_parity(BYTES_PAGES[name])


def test_deep_nesting_is_walked_without_recursion() -> None:
    """10,000 nested elements built directly (the parser may cap the depth it makes)."""
    root = etree.fromstring("<html><body></body></html>", lines._PARSERS[0])
    el = root.find("body")
    for i in range(10_000):
        el = etree.SubElement(el, "div" if i % 2 else "span")
        el.text = "t" if i % 100 == 0 else None
    el.text = "bottom"
    compiled = KERNEL.render(root)
    assert compiled is not None
    assert compiled == lines._strip_and_render(root)
    assert compiled[0].endswith("bottom")


# --- the kernel never changes the tree, and hands unusual trees back -----------------------------


def test_kernel_leaves_the_tree_as_it_is() -> None:
    root = lines.parse_html(ADVERSARIAL["hidden-with-tails"] + ADVERSARIAL["script-style"])
    before = etree.tostring(root)
    assert KERNEL.head_info(root) is not None and KERNEL.render(root) is not None
    assert etree.tostring(root) == before


def _tree_with(build) -> etree._Element:
    root = lines.parse_html("<html><head><title>t</title></head><body><p>a</p>b</body></html>")
    build(root.find("body"))
    return root


@pytest.mark.parametrize(
    "build",
    [
        lambda body: body.find("p").append(etree.Comment("c")),
        lambda body: body.insert(0, etree.PI("pi", "x")),
        lambda body: body.append(etree.Entity("amp")),
        lambda body: etree.SubElement(body, "{urn:x}y").append(etree.Element("p")),
    ],
    ids=["comment", "pi", "entity", "namespace"],
)
def test_unusual_trees_go_to_python(build) -> None:
    root = _tree_with(build)
    assert KERNEL.render(root) is None
    assert KERNEL.render(root[1]) is None  # not the document's root: never the kernel's


def test_namespaced_element_in_the_head_goes_to_python() -> None:
    root = _tree_with(lambda body: body.getparent().find("head").append(etree.Element("{u}m")))
    assert KERNEL.head_info(root) is None


def test_runtime_lxml_is_the_one_built_against() -> None:
    import lxml

    assert KERNEL.BUILT_AGAINST == {
        "lxml": lxml.__version__,
        "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
    }


def test_no_memory_is_kept_between_renders() -> None:
    markup = "".join(ADVERSARIAL[k] for k in ("tables", "hidden-with-tails", "class-words"))
    for _ in range(50):  # warm the memo of class words and lxml's caches
        lines._html_to_page(markup, KERNEL)
    tracemalloc.start()
    try:
        lines._html_to_page(markup, KERNEL)
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(500):
            lines._html_to_page(markup, KERNEL)
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start < 20_000


# --- random pages -------------------------------------------------------------------------------

_TAGS = (
    "div p span a b i td th tr table tbody li ul ol br h1 h2 section article em font pre "
    "blockquote figure figcaption form label small header nav script style noscript svg title "
    "meta select option button template iframe o:p custom-tag"
).split()
_TEXTS = (
    "word|Two words| |  |\n|\t|\xa0|&nbsp;|&amp;|&#x1F600;|&lt;|\x0b|\x0c|\r\n|\r|\x85|\u2028|"
    "\u2029|\u200b|\x01|\x1c|\x7f|\x9f|é|e\u0301|Ünï|日本|\U0001f600|a.b|\u3000|" + "x" * 40
).split("|")
_ATTRS = (
    ' class="story body"| id="Main-1"| class="Größe" id="ñ9"| hidden| aria-hidden="true"'
    '| aria-hidden="false"| style="display: none"| style="DISPLAY:NONE"'
    '| style="visibility : hidden"| style="color:red"| style="dİsplay:none"| class="x\x0by"'
    '| property="og:title" content="OG"| name="application-name" content="App"| class=""'
).split("|")


def _random_markup(rng: random.Random, depth: int = 0, texts: list[str] = _TEXTS) -> str:
    parts = []
    for _ in range(rng.randint(0, 5)):
        if rng.random() < 0.45 or depth > 7:
            parts.append(rng.choice(texts))
            continue
        tag = rng.choice(_TAGS)
        attrs = "".join(rng.sample(_ATTRS, rng.randint(1, 2))) if rng.random() < 0.4 else ""
        close = f"</{tag}>" if rng.random() < 0.85 else ""
        parts.append(f"<{tag}{attrs}>{_random_markup(rng, depth + 1, texts)}{close}")
    return "".join(parts)


def _random_page(rng: random.Random, texts: list[str] = _TEXTS) -> str:
    body = _random_markup(rng, texts=texts)
    shape = rng.random()
    if shape < 0.6:
        return f"<html><head><title>{rng.choice(texts)}</title></head><body>{body}</body></html>"
    if shape < 0.8:
        return f"<body>{body}</body>{rng.choice(texts)}"
    return body


def test_random_pages() -> None:
    rng = random.Random(20240601)
    for _ in range(400):
        markup = _random_page(rng)
        assert_parity(markup, kernel_renders=False)
        assert_parity(markup.encode("utf-8"), kernel_renders=False)


# --- normalisation: render(normalise=True) does text.normalise_lines when the text is NFC ---------

ODD_SPACES = "\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
INVISIBLES = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
CONTROLS = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
# U+2000 and U+2001 are not NFC (it makes them U+2002, U+2003): pages with them go to Python.
NFC_ODD_SPACES = ODD_SPACES.replace("\u2000", "").replace("\u2001", "")
_LONG = ("Sentence\u00a0\u00a0number\u2003one.\u200b " * 5_000) + "end"

NORMALISING = {
    "odd-spaces-each": "<body>"
    + "".join(
        f"<p>a{c}b</p><p>{c}lead</p><p>trail{c}</p><p>x{c}{c}{c}y</p>" for c in NFC_ODD_SPACES
    )
    + "</body>",
    "odd-space-runs": "<body><p>a \u00a0\t\u2003 \u3000b\u202f\u205f\u1680 c</p>"
    "<p>\u2002\u00a0 \u200b \u00ad\u2009d \u2060 e\u00a0\u200d\u00a0f</p>"
    "<p>&nbsp; &#8195;&#x3000;g&#160;&#9;h</p></body>",
    "nbsp-line-ends": "<body><p>&nbsp;x&nbsp;</p><p>y&nbsp;&nbsp;<br>&nbsp;\u3000z</p>"
    "<div>w\u00a0<p>\u00a0v</p>\u2003</div><a href=l>\u00a0link\u00a0</a></body>",
    "invisible-between": "<body><p>so\u00adft hy\u00adphen zero\u200bwidth join\u200dner"
    "</p><p>e\u00ad\u0301 a\u200b\u0308 o\u2060\u0302 \ufeffbom \u00ad\u0301x</p>"
    "<p><a href=x>\u00ad\u00ad</a>soft</p><p>\u0915\u093c \u1100 \u1161 \uac00 \u11a8</p>"
    "</body>",
    "non-nfc": "<body><p>e\u0301te\u0301 \u212b \u2000x \u00a0\ufb01\u00a0</p>"
    "<p>A\u030a\u200b \u1100\u1161 \u2001y\u2001</p></body>",
    "controls": "<body><p>a" + CONTROLS + "b</p><p>c \x01 d\x1f \x7f\x9fe</p>"
    "<p>\x01\x02</p><p>&#1;&#x85;&#127;&#150;f</p><p>\x0b\x0c\r\x85\u2028\u2029g</p></body>",
    "empty-after-normalisation": "<body><p>\u200b</p><p>x</p><p>\u00ad\u2060</p>"
    "<p>\u3000\u200b\u00a0</p><p>y</p><div>\ufeff<br>z<br>\x01\x7f</div>"
    '<p><a href="1">\u200b\u200b</a></p><p><a href="2">\u200b\u200b</a>w</p>'
    "<table><tr><td>\u200b</td><td>\u00ad</td></tr></table><p>last</p><p>\u2060</p></body>",
    "table-tabs": "<body><table><tr><td>a</td><td>\t</td><td> b </td><td>\u00a0</td><td>c</td>"
    "</tr><tr><td>\u200b</td><td>d</td><td>\u3000</td></tr><tr><td></td><td>\t\te\t</td>"
    "</tr></table><p>t\tab\t\t\u00a0s</p></body>",
    "long-lines": "<body><p>" + _LONG + "</p><p>" + ("ab" + "\u00a0" * 3) * 30_000 + "</p>"
    "<p><a href=x>" + ("cd\u200b\u00a0" * 40_000) + "</a></p><p><a href=y>" + _LONG + "</a>"
    "</p><p>" + "x" * 100_000 + "\u00a0\u00a0</p></body>",
}


@pytest.mark.parametrize("name", sorted(NORMALISING))
def test_pages_the_kernel_normalises(name: str) -> None:
    """Parity, and the kernel normalised the text itself unless it was not NFC. As bytes
    without a charset, libxml2 reads the UTF-8 as Latin-1: C1 controls and NBSPs galore."""
    markup = NORMALISING[name]
    declared = '<meta charset="utf-8">' + markup
    for given in (markup, declared.encode("utf-8"), markup.encode("utf-8")):
        assert_parity(given)
    for given in (markup, declared.encode("utf-8")):
        normalised = KERNEL.render(lines.parse_html(given), normalise=True)[3]
        assert normalised is (name != "non-nfc")


_NORMALISING_TEXTS = [
    *_TEXTS,
    *ODD_SPACES,
    *INVISIBLES,
    *CONTROLS[::3],
    *"\u0301\u0308\u093c\u1161\u11a8\uac00\u212b\ufb01\u2065\U0001d15e",
    "e\u0301",
    "e\u00ad\u0301",
    "\u00a0\u00a0",
    "&nbsp;&#8195;",
    "x\u200b",
]


def test_random_pages_with_odd_characters() -> None:
    rng = random.Random(20240602)
    for _ in range(400):
        markup = _random_page(rng, _NORMALISING_TEXTS)
        assert_parity(markup, kernel_renders=False)
        assert_parity(markup.encode("utf-8"), kernel_renders=False)


_ALPHABET = [
    *"ab .\n\r\u2028\u0085e",
    *ODD_SPACES,
    *INVISIBLES,
    *CONTROLS[::4],
    *"\u0301\u0308\u0300\u00e9\u212b\u1100\u1161\uac00\u11a8\u2065\u2000\u2001\u2019",
    *"\U0001f600\U0001d15e\U0001d165\ud800\u093c\u0915\ufb01\u0344",
]


def test_kernel_normalise_lines_is_text_py() -> None:
    """On str: text.normalise_lines' result when the text is NFC, else None."""
    rng = random.Random(5)
    for _ in range(30_000):
        given = "".join(rng.choices(_ALPHABET, k=rng.randint(0, 14)))
        got = KERNEL.normalise_lines(given)
        if "\ud800" in given:  # no UTF-8: the caller normalises
            assert got is None
        elif unicodedata.is_normalized("NFC", given):
            assert got == text.normalise_lines(given), ascii(given)
        else:
            assert got is None, ascii(given)


def test_text_scrapes_are_normalised_by_the_kernel_as_by_python(monkeypatch) -> None:
    """text_to_page runs text.normalise's second step through the kernel: the same lines."""
    rng = random.Random(7)
    breaks = ["\r", "\r\n", "\n", "\n\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
    alphabet = [*_ALPHABET, *breaks, "word", "Mot"]
    cases = ["".join(rng.choices(alphabet, k=rng.randint(0, 24))) for _ in range(20_000)]
    for given in cases:
        assert lines.normalise_scrape(given) == text.normalise(given), ascii(given)

    def page_lines(given: str) -> list[tuple[str, int, bool]]:
        return [(ln.text, ln.index, ln.blank_before) for ln in lines.text_to_page(given).lines]

    compiled = [page_lines(given) for given in cases[:3000]]
    monkeypatch.setattr(lines, "_KERNEL", None)
    assert [page_lines(given) for given in cases[:3000]] == compiled


_BYTES = [
    *(bytes([b]) for b in b"a \n\t\x01\x7f\x80\x8f\x90\x9f\xa0\xad\xbf\xc0\xc1\xc2\xdf"),
    *(bytes([b]) for b in b"\xe0\xe1\xe2\xec\xed\xee\xef\xf0\xf1\xf3\xf4\xf5\xf8\xfe\xff"),
    *(c.encode("utf-8") for c in "\u00a0\u00ad\u0085\u200b\u2003\u3000\ufeff\u0301\U0001f600"),
    "\ud800".encode("utf-8", "surrogatepass"),
    b"\xf4\x90\x80\x80",
    b"\xe0\x9f\xbf",
    b"\xf0\x8f\xbf\xbf",
]


def test_utf8_is_read_as_python_reads_it() -> None:
    """On bytes: -1 exactly for what bytes.decode refuses; otherwise the normalised text, and
    status 0 (no need to ask unicodedata) only for NFC text."""
    rng = random.Random(6)
    for _ in range(30_000):
        given = b"".join(rng.choices(_BYTES, k=rng.randint(0, 8)))
        status, got = KERNEL.normalise_utf8(given)
        try:
            decoded = given.decode("utf-8")
        except UnicodeDecodeError:
            assert status == -1, given
            continue
        nfc = unicodedata.is_normalized("NFC", decoded)
        assert status in ((0, 1) if nfc else (1,)), given
        if nfc:
            assert got.decode("utf-8") == text.normalise_lines(decoded), given


def test_character_classes_are_text_py() -> None:
    """Every code point: the kernel drops, spaces or keeps it as text.py's regexes do."""
    table = KERNEL.char_table()
    assert len(table) == 0x110000
    everything = "".join(map(chr, range(0x110000)))
    expected = bytearray(0x110000)  # 0: kept
    for rx, kind in ((text._ODD_SPACE, 1), (text._INVISIBLE_OR_CONTROL, 2)):
        for m in rx.finditer(everything):
            assert not expected[m.start()]
            expected[m.start()] = kind
    expected[ord(" ")] = 1
    expected[ord("\n")] = 3
    assert table.translate(bytes(b & 3 for b in range(256))) == bytes(expected)


def test_nfc_inert_characters_are() -> None:
    """The characters the kernel takes for NFC without asking unicodedata: combining class 0,
    NFC_Quick_Check Yes (not No: NFC keeps them; not Maybe: no canonical decomposition or
    Hangul composition has them second), assigned."""
    table = KERNEL.char_table()
    maybe = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T jamo
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            maybe.update(int(part, 16) for part in decomposition.split()[1:])
    inert = [cp for cp in range(0x110000) if table[cp] & 4]
    assert len(inert) > 0x300
    for cp in inert:
        char = chr(cp)
        assert unicodedata.combining(char) == 0, hex(cp)
        assert unicodedata.normalize("NFC", char) == char, hex(cp)
        assert cp not in maybe, hex(cp)
        assert cp < 0x300 or unicodedata.category(char) != "Cn", hex(cp)
    assert unicodedata.is_normalized("NFC", "".join(map(chr, inert)))


@pytest.mark.parametrize(
    "change",
    [
        {"odd_space": re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")},
        {"invisible": re.compile("[\u200b\u200c\u200d\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]")},
        {"spaces": re.compile(" +")},
        {"normalise_lines": lambda t: text.normalise_lines(unicodedata.normalize("NFKC", t))},
        {"normalise_lines": lambda t: unicodedata.normalize("NFC", text.normalise_lines(t))},
        {"normalise_lines": lambda t: re.sub(r"\s+$", "", text.normalise_lines(t), flags=re.M)},
    ],
    ids=["odd-space", "invisible", "spaces", "nfkc", "nfc-last", "strip"],
)
def test_another_normalisation_in_text_py_is_refused(change: dict) -> None:
    """configure() refuses a text.py it does not implement, and then keeps its setup."""
    with pytest.raises(ValueError, match="cleaner._render"):
        KERNEL.configure(**{**lines._KERNEL_SETUP, **change})
    assert_parity(NORMALISING["invisible-between"])


# --- pages from the repository and ../shared ----------------------------------------------------


def _html_in_tests() -> list[str]:
    """String constants in the test modules that look like HTML (the inline fixtures)."""
    found = set()
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if "<" in text and ">" in text and (lines.looks_like_html(text) or "</" in text):
                    found.add(text)
    return sorted(found)


def test_html_fixtures_of_the_test_suite() -> None:
    fixtures = _html_in_tests()
    assert len(fixtures) >= 20
    for markup in fixtures:
        assert_parity(markup, kernel_renders=False)


def test_seed_html() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} not present (../shared is not part of a fresh clone)")
    pages = [
        p
        for p in sorted(seeds.iterdir())
        if p.suffix.lower() in (".html", ".htm")
        or (p.is_file() and lines.looks_like_html(p.read_text("utf-8", "replace")))
    ]
    if not pages:
        pytest.skip(f"no HTML among the seeds in {seeds} (they are text scrapes)")
    for path in pages:
        assert_parity(path.read_text(encoding="utf-8", errors="replace"))
        assert_parity(path.read_bytes())


def test_corpus_sample() -> None:
    """60 corpus pages (train and dev splits only), read as the benchmark reads them and as
    bytes; every one rendered by the kernel itself."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"{SHARED / 'corpora'} not present (../shared is not part of a fresh clone)")
    for corpus in CORPORA:
        pages = list(iter_pages(corpus, "fit"))
        for page in pages[:: max(1, len(pages) // 30)][:30]:
            assert_parity(page.html_path.read_text(encoding="utf-8", errors="replace"))
            assert_parity(page.html_path.read_bytes())


def test_another_lxml_at_run_time_turns_the_kernel_off() -> None:
    """The kernel reads lxml's and libxml2's structs as compiled: with any other version
    running, its import fails and lines.py renders in Python."""
    check = (
        "import lxml; lxml.__version__ = '0.0.0'\n"
        "from cleaner import lines, speedups\n"
        "assert speedups.kernel('_render') is None and lines._KERNEL is None\n"
        "assert lines.html_to_page('<p>still rendered</p>').lines[0].text == 'still rendered'\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=REPO)
