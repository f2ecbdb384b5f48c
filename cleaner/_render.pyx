# cython: language_level=3
"""Compiled twin of the HTML rendering in lines.py (see cleaner/speedups.py).

lines.py strips skipped elements from the parsed tree, removes hidden ones (moving their tails),
then walks the tree with etree.iterwalk, a Python step per element. This module reads the same
libxml2 tree through lxml's public C API and never changes it: skipped and hidden elements are
stepped over as those removals would leave the text around them, and .text/.tail are collected
as lxml does (runs of text/CDATA nodes). Its output is lines.py's, byte for byte
(tests/test_speedups_render.py). Anything the walk is not sure to reproduce (comments, PIs,
entity references, namespaced elements, odd attribute values) makes it return None, and
lines.py runs the Python code on the untouched tree instead.

render(root, normalise=True) also does text.normalise_lines on the joined lines when that
is sure to give the same text (see _normalise): lines.py then skips it.

Struct fields are read through the libxml2 headers lxml ships, so the build must match the
lxml/libxml2 running it: the import fails (and lines.py stays pure Python) when they differ."""

from cpython.dict cimport PyDict_GetItem
from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_AsUTF8AndSize, PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.string cimport memcpy, strcmp, strlen, strstr

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlAttr, xmlNode

import re
import unicodedata

import lxml
from lxml import etree


cdef extern from "lxml-version.h":
    const char* LXML_VERSION_STRING

cdef extern from "libxml/xmlversion.h":
    const char* LIBXML_DOTTED_VERSION


BUILT_AGAINST = {
    "lxml": (<bytes>LXML_VERSION_STRING).decode(),
    "libxml2": (<bytes>LIBXML_DOTTED_VERSION).decode(),
}
"""The lxml and libxml2 whose headers this module was compiled with."""

_running = {"lxml": lxml.__version__, "libxml2": ".".join(map(str, etree.LIBXML_VERSION))}
if _running != BUILT_AGAINST:
    # lxml wheels link libxml2 statically: another lxml may bring another node layout.
    raise ImportError(f"cleaner._render was built for {BUILT_AGAINST}, running {_running}")
cetree.import_lxml__etree()


class _Unsupported(Exception):
    """Something in the tree that only the Python code is sure to render right."""


# --- what each tag does, looked up by name in a small open-addressing table -----------------

cdef enum:
    INLINE = 0  # not in the table
    BLOCK = 1
    BREAK = 2
    CELL = 3
    LINK = 4
    SKIP = 5
    SLOTS = 512  # power of two, a few times the number of names

cdef const char* _slot_name[SLOTS]
cdef unsigned char _slot_kind[SLOTS]
cdef list _slot_tag = [None] * SLOTS  # the tag as str, for DomHints
cdef list _names_kept = []  # owns the bytes _slot_name points into

cdef object _DomHints = None
cdef dict _words_cache = {}
cdef object _attr_words = None
cdef object _unsafe_sub = None
cdef Py_ssize_t _path_depth = 6
cdef bint _configured = False


cdef inline unsigned int _slot(const unsigned char* name) noexcept:
    """The table slot of a tag name: its entry, or the empty slot where it would go."""
    cdef unsigned int h = 2166136261u  # FNV-1a
    cdef size_t i = 0
    while name[i]:
        h = (h ^ name[i]) * 16777619u
        i += 1
    h &= SLOTS - 1
    while _slot_name[h] != NULL and strcmp(_slot_name[h], <const char*>name) != 0:
        h = (h + 1) & (SLOTS - 1)
    return h


def configure(*, skip, block, breaks, cells, links, hints, words_cache, attr_words,
              path_depth, unsafe_sub, normalise_lines, invisible, odd_space, spaces):
    """Take lines.py's tag sets and helpers, so both paths read one definition. Later groups
    win as in lines._KIND (block, then br, cells, links); skipped tags win over all, since
    strip_elements runs before the walk. text.py's normalise_lines and its regexes are
    checked first against what render(normalise=True) does: ValueError when they differ."""
    global _DomHints, _words_cache, _attr_words, _unsafe_sub, _path_depth, _configured
    cdef unsigned int h
    cdef int i
    _check_normalise(normalise_lines, invisible, odd_space, spaces)
    _configured = False
    for i in range(SLOTS):
        _slot_name[i] = NULL
        _slot_kind[i] = INLINE
        _slot_tag[i] = None
    _names_kept.clear()
    for kind, names in ((BLOCK, block), (BREAK, breaks), (CELL, cells), (LINK, links),
                        (SKIP, skip)):
        for name in names:
            encoded = name.encode("ascii")
            if not encoded or b"\0" in encoded or len(_names_kept) >= SLOTS // 2:
                raise ValueError(f"cannot table tag {name!r}")
            h = _slot(encoded)
            if _slot_name[h] == NULL:
                _names_kept.append(encoded)
                _slot_name[h] = encoded
            _slot_kind[h] = kind
            _slot_tag[h] = name
    _DomHints = hints
    _words_cache = words_cache
    _attr_words = attr_words
    _path_depth = path_depth
    _unsafe_sub = unsafe_sub
    _configured = True


# --- buffers and stacks ----------------------------------------------------------------------

cdef struct Buf:
    char* data
    Py_ssize_t len
    Py_ssize_t cap


cdef int _reserve(Buf* b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap
    cdef char* data
    if b.len + extra <= b.cap:
        return 0
    cap = max(2 * b.cap, b.len + extra, 1024)
    data = <char*>PyMem_Realloc(b.data, cap)
    if data == NULL:
        raise MemoryError()
    b.data = data
    b.cap = cap
    return 0


cdef inline int _append(Buf* b, const char* s, Py_ssize_t n) except -1:
    _reserve(b, n)
    memcpy(b.data + b.len, s, n)
    b.len += n
    return 0


cdef struct Open:
    xmlNode* node
    unsigned int slot


cdef struct Stack:
    Open* items
    Py_ssize_t len
    Py_ssize_t cap


cdef int _push(Stack* s, xmlNode* node, unsigned int slot) except -1:
    cdef Py_ssize_t cap
    cdef Open* items
    if s.len == s.cap:
        cap = max(2 * s.cap, 64)
        items = <Open*>PyMem_Realloc(s.items, cap * sizeof(Open))
        if items == NULL:
            raise MemoryError()
        s.items = items
        s.cap = cap
    s.items[s.len].node = node
    s.items[s.len].slot = slot
    s.len += 1
    return 0


# --- text -------------------------------------------------------------------------------------

cdef unsigned char _BREAK_LEAD[256]  # first bytes of what lines._BREAKS replaces
for _byte in (0x0A, 0x0B, 0x0C, 0x0D, 0xC2, 0xE2):
    _BREAK_LEAD[_byte] = 1
del _byte


cdef int _append_line_text(Buf* b, const unsigned char* s, Py_ssize_t n) except -1:
    """Append text with its line breaks made spaces, as lines._BREAKS does to each raw line
    ([\\r\\n\\u2028\\u2029\\x85\\x0b\\x0c], in UTF-8). Never longer than the text."""
    cdef Py_ssize_t i = 0, run
    cdef unsigned char ch
    _reserve(b, n)
    while i < n:
        run = i
        while run < n and not _BREAK_LEAD[s[run]]:
            run += 1
        if run > i:
            memcpy(b.data + b.len, s + i, run - i)
            b.len += run - i
            i = run
            if i == n:
                break
        ch = s[i]
        if ch == 0xC2 and i + 1 < n and s[i + 1] == 0x85:
            i += 2
        elif (ch == 0xE2 and i + 2 < n and s[i + 1] == 0x80
              and (s[i + 2] == 0xA8 or s[i + 2] == 0xA9)):
            i += 3
        elif ch < 0x80:
            i += 1
        else:  # a lead byte of something else
            b.data[b.len] = <char>ch
            b.len += 1
            i += 1
            continue
        b.data[b.len] = b" "
        b.len += 1
    return 0


# --- text.normalise_lines --------------------------------------------------------------------

# The character sets of text.py this module implements: configure() refuses others.
INVISIBLE_OR_CONTROL_PATTERN = (
    "[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
ODD_SPACE_PATTERN = r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
SPACES_PATTERN = r"  +"

cdef enum:
    KEEP_CHAR = 0  # copied
    SPACE_CHAR = 1  # " " or an odd space: runs of them become one " ", none at a line's ends
    DROP_CHAR = 2  # invisible or control
    NEWLINE_CHAR = 3
    MULTIBYTE = 4  # _BYTE_CLASS only: a byte >= 0x80, classed once its character is decoded


cdef inline int _char_class(Py_UCS4 cp) noexcept:
    """What normalise_lines does to one character: _ODD_SPACE, _INVISIBLE_OR_CONTROL (above)."""
    if cp < 0x7F:
        if cp == 0x20 or cp == 0x09:
            return SPACE_CHAR
        if cp == 0x0A:
            return NEWLINE_CHAR
        if cp <= 0x08 or cp == 0x0B or cp == 0x0C or 0x0E <= cp <= 0x1F:
            return DROP_CHAR
        return KEEP_CHAR
    if cp <= 0x9F or cp == 0xAD:
        return DROP_CHAR
    if cp == 0xA0 or cp == 0x1680 or 0x2000 <= cp <= 0x200A or cp == 0x202F or cp == 0x205F:
        return SPACE_CHAR
    if cp == 0x200B or cp == 0x2060 or cp == 0xFEFF:
        return DROP_CHAR
    if cp == 0x3000:
        return SPACE_CHAR
    return KEEP_CHAR


cdef inline bint _nfc_inert(Py_UCS4 cp) noexcept:
    """True for some assigned characters with Canonical_Combining_Class 0 and NFC_Quick_Check
    Yes: a text of such characters only is NFC (UAX #15's quick check, which
    unicodedata.is_normalized runs first), so nobody needs to ask. Those below U+0300 (the
    first combining mark) and the general punctuation (curly quotes, dashes) but U+2000 and
    U+2001 (singleton decompositions) and unassigned U+2065. configure() checks what it can
    cheaply against unicodedata, tests/test_speedups_render.py all of it; Unicode's
    normalization stability keeps such a text NFC in later versions."""
    return cp < 0x300 or (0x2002 <= cp <= 0x206F and cp != 0x2065)


cdef unsigned char _BYTE_CLASS[256]
for _byte in range(256):
    _BYTE_CLASS[_byte] = _char_class(_byte) if _byte < 0x80 else MULTIBYTE
del _byte


cdef inline Py_ssize_t _utf8_char(const unsigned char* s, Py_ssize_t i, Py_ssize_t n,
                                  Py_UCS4* cp) noexcept:
    """Length of the UTF-8 sequence at s[i] (a byte >= 0x80) and its code point, or 0 for bytes
    that are not UTF-8 (the well-formed sequences of Unicode's table 3-7, which are what
    CPython's decoder accepts)."""
    cdef unsigned char b = s[i], lo = 0x80, hi = 0xBF
    if b < 0xC2 or b > 0xF4:
        return 0
    if b < 0xE0:
        if i + 1 >= n or not 0x80 <= s[i + 1] <= 0xBF:
            return 0
        cp[0] = ((b & 0x1F) << 6) | (s[i + 1] & 0x3F)
        return 2
    if b < 0xF0:
        if b == 0xE0:
            lo = 0xA0
        elif b == 0xED:
            hi = 0x9F
        if i + 2 >= n or not lo <= s[i + 1] <= hi or not 0x80 <= s[i + 2] <= 0xBF:
            return 0
        cp[0] = ((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F)
        return 3
    if b == 0xF0:
        lo = 0x90
    elif b == 0xF4:
        hi = 0x8F
    if (i + 3 >= n or not lo <= s[i + 1] <= hi or not 0x80 <= s[i + 2] <= 0xBF
            or not 0x80 <= s[i + 3] <= 0xBF):
        return 0
    cp[0] = (((b & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6)
             | (s[i + 3] & 0x3F))
    return 4


cdef int _normalise(const unsigned char* s, Py_ssize_t n, Buf* out) except -2:
    """text.normalise_lines after its NFC step, on UTF-8, into out: drop the invisible and
    control characters, make odd spaces " ", collapse runs of " ", strip " " at both ends of
    each line; in one pass, as one space is written only between two kept characters of a
    line, and only when the text between them had a space. Returns 0 when the text is surely
    NFC (only _nfc_inert characters), so that out is normalise_lines' result; 1 when it is
    only if unicodedata.is_normalized finds the text NFC; -1 for bytes that are not UTF-8
    (out is then unfinished)."""
    cdef Py_ssize_t i = 0, j, k = 0, size
    cdef unsigned char kind
    cdef bint space = False, line_start = True
    cdef int unsure = 0
    cdef Py_UCS4 cp = 0
    cdef char* d
    out.len = 0
    _reserve(out, n)  # never longer: a space written replaces at least one byte read
    d = out.data
    while i < n:
        kind = _BYTE_CLASS[s[i]]
        if kind == KEEP_CHAR:  # a run of ASCII, single " " between kept bytes included
            j = i + 1
            while j < n:
                if _BYTE_CLASS[s[j]] != KEEP_CHAR:
                    if s[j] != b" " or j + 1 == n or _BYTE_CLASS[s[j + 1]] != KEEP_CHAR:
                        break
                    j += 1
                j += 1
            size = j - i
        elif kind == MULTIBYTE:
            size = _utf8_char(s, i, n, &cp)
            if size == 0:
                return -1
            if not _nfc_inert(cp):
                unsure = 1
            kind = _char_class(cp)
        else:
            size = 1
        if kind == KEEP_CHAR:
            if space and not line_start:
                d[k] = b" "
                k += 1
            space = line_start = False
            memcpy(d + k, s + i, size)
            k += size
        elif kind == SPACE_CHAR:
            space = True
        elif kind == NEWLINE_CHAR:
            d[k] = b"\n"
            k += 1
            space = False
            line_start = True
        i += size
    out.len = k
    return unsure


def normalise_lines(str text not None):
    """text.normalise_lines(text), or None when text is not NFC (or has lone surrogates): the
    caller then runs the Python function, which normalises first."""
    cdef const char* data
    cdef Py_ssize_t size
    cdef Buf out
    cdef int status
    try:
        data = PyUnicode_AsUTF8AndSize(text, &size)
    except UnicodeEncodeError:
        return None
    out.data = NULL
    out.len = out.cap = 0
    try:
        status = _normalise(<const unsigned char*>data, size, &out)
        if status == -1 or (status == 1 and not unicodedata.is_normalized("NFC", text)):
            return None
        return PyUnicode_DecodeUTF8(out.data, out.len, NULL)
    finally:
        PyMem_Free(out.data)


def normalise_utf8(bytes data not None):
    """For tests: (status, text) from _normalise on any bytes; text is b"" for status -1."""
    cdef Buf out
    cdef int status
    out.data = NULL
    out.len = out.cap = 0
    try:
        status = _normalise(<const unsigned char*>data, len(data), &out)
        return status, (out.data[:out.len] if status != -1 and out.len else b"")
    finally:
        PyMem_Free(out.data)


def char_table():
    """For tests: one byte a code point, its _char_class plus 4 when _nfc_inert."""
    cdef bytearray table = bytearray(0x110000)
    cdef unsigned char* cells = table
    cdef Py_UCS4 cp
    for cp in range(0x110000):
        cells[cp] = _char_class(cp) | (4 if _nfc_inert(cp) else 0)
    return bytes(table)


_PROBE = (
    "  a\u00a0\u00a0b\t\tc \u200b d\u00ade\u2060\ufeff f\x01\x7f\x85\x9f g\u3000\u1680h\u2002"
    "\u200a\u202f\u205f i \n\u00a0\n\t\u200b\t\n\r\u2028x\u00a0\n\ufb01 \u00c5 \u2019\u2014 "
    "\ue000 \U0001f600\u00a0\ne\u00ad\u0301 \u1100 \u1161 \u0915\u093c\n\u200b \u00a0"
)
"""Text that is NFC only by unicodedata.is_normalized's full check, where every step of
normalise_lines shows."""


cdef int _check_normalise(reference, invisible, odd_space, spaces) except -1:
    """Refuse to stand in for a text.normalise_lines this module does not implement."""
    mine = [re.compile(p) for p in (INVISIBLE_OR_CONTROL_PATTERN, ODD_SPACE_PATTERN,
                                    SPACES_PATTERN)]
    if [(rx.pattern, rx.flags) for rx in (invisible, odd_space, spaces)] != [
            (rx.pattern, rx.flags) for rx in mine]:
        raise ValueError("cleaner._render implements other character sets than text.py uses:"
                         " update _render.pyx (or set CLEANER_PURE_PYTHON=1)")
    for cp in (*range(0x300), *range(0x2002, 0x2070)):
        if _nfc_inert(cp) and (unicodedata.combining(chr(cp))
                               or unicodedata.normalize("NFC", chr(cp)) != chr(cp)
                               or unicodedata.category(chr(cp)) == "Cn"):
            raise ValueError(f"cleaner._render takes U+{cp:04X} for NFC-inert, unicodedata"
                             f" {unicodedata.unidata_version} does not")
    if normalise_lines(_PROBE) != reference(_PROBE):
        raise ValueError("cleaner._render normalises text otherwise than text.normalise_lines:"
                         " update _render.pyx (or set CLEANER_PURE_PYTHON=1)")
    return 0


cdef inline Py_ssize_t _count_chars(const unsigned char* s, Py_ssize_t n) noexcept:
    """Code points in valid UTF-8: the bytes that are not continuation bytes."""
    cdef Py_ssize_t i, count = 0
    for i in range(n):
        if (s[i] & 0xC0) != 0x80:
            count += 1
    return count


cdef int _is_space(const unsigned char* s, Py_ssize_t n) except -1:
    """str.isspace() of the decoded text; decodes only when a non-ASCII byte matters."""
    cdef Py_ssize_t i
    cdef unsigned char ch
    cdef bint ascii = True
    for i in range(n):
        ch = s[i]
        if ch >= 0x80:
            ascii = False
        elif not (ch == 0x20 or 0x09 <= ch <= 0x0D or 0x1C <= ch <= 0x1F):
            return 0
    if ascii:
        return 1
    return PyUnicode_DecodeUTF8(<const char*>s, n, NULL).isspace()


# --- attributes -------------------------------------------------------------------------------

cdef const char* _attr_text(xmlAttr* a) except NULL:
    """What el.get() returns for this attribute (xmlGetNsProp): "" without children, else
    the content of its single text child; anything else is left to Python."""
    cdef xmlNode* c = a.children
    if c == NULL:
        return b""
    if (c.next == NULL and c.content != NULL
            and (c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE)):
        return <const char*>c.content
    raise _Unsupported()


cdef const char* _get(xmlNode* el, const char* name) except? NULL:
    """el.get(name) for a name without namespace, NULL when absent."""
    cdef xmlAttr* a = el.properties
    while a != NULL:
        if a.ns == NULL and strcmp(<const char*>a.name, name) == 0:
            return _attr_text(a)
        a = a.next
    return NULL


def _style_hides_text(style):
    """lines._is_hidden's style test, for the rare style that is not ASCII (str.lower() maps
    a few non-ASCII letters to ASCII ones)."""
    style = style.lower().replace(" ", "")
    return "display:none" in style or "visibility:hidden" in style


cdef int _style_hides(const char* style) except -1:
    cdef Py_ssize_t n = strlen(style), i, j = 0
    cdef unsigned char ch
    cdef Buf folded
    cdef int found
    for i in range(n):
        if <unsigned char>style[i] >= 0x80:
            return _style_hides_text(PyUnicode_DecodeUTF8(style, n, NULL))
    folded.data = NULL
    folded.len = folded.cap = 0
    try:
        _reserve(&folded, n + 1)
        for i in range(n):
            ch = style[i]
            if ch == b" ":
                continue
            if b"A" <= ch <= b"Z":
                ch += 32
            folded.data[j] = <char>ch
            j += 1
        folded.data[j] = 0
        found = (strstr(folded.data, b"display:none") != NULL
                 or strstr(folded.data, b"visibility:hidden") != NULL)
    finally:
        PyMem_Free(folded.data)
    return found


cdef int _is_hidden(xmlNode* el) except -1:
    """lines._is_hidden: a hidden attribute, aria-hidden="true", or a style that hides."""
    cdef xmlAttr* a = el.properties
    cdef xmlAttr* aria = NULL
    cdef xmlAttr* style = NULL
    cdef const char* name
    while a != NULL:
        if a.ns == NULL:
            name = <const char*>a.name
            if name[0] == b"h" and strcmp(name, b"hidden") == 0:
                _attr_text(a)  # el.get() would read it
                return 1
            if aria == NULL and name[0] == b"a" and strcmp(name, b"aria-hidden") == 0:
                aria = a
            elif style == NULL and name[0] == b"s" and strcmp(name, b"style") == 0:
                style = a
        a = a.next
    if aria != NULL and strcmp(_attr_text(aria), b"true") == 0:
        return 1
    return style != NULL and _style_hides(_attr_text(style))


cdef inline bint _is_text(xmlNode* c) noexcept:
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE


cdef bint _is_document_root(xmlNode* c) noexcept:
    """An element whose parent is its document: what parse_html returns."""
    return (c.type == tree.XML_ELEMENT_NODE and c.parent != NULL and c.doc != NULL
            and c.parent == <xmlNode*>c.doc)


# --- the walk ---------------------------------------------------------------------------------

cdef class _Walk:
    """One page's rendering: lines._render's state, with the text of all lines in one UTF-8
    buffer (lines joined by "\\n") instead of a list of str, and the open blocks in C."""

    cdef Buf out  # the lines so far
    cdef Buf run  # the text of a run of several text nodes
    cdef Buf scratch  # hint strings being put together
    cdef Buf value  # the "class id" string of a block
    cdef Buf norm  # the lines normalised, by render(normalise=True)
    cdef Stack open  # every open element, innermost last
    cdef Stack blocks  # the open blocks (lines._render's tags) ...
    cdef list words  # ... and their class/id words, computed when a line first needs them
    cdef list hints
    cdef Py_ssize_t link_chars, link_depth
    cdef bint line_open  # lines._render's `parts` is not empty
    cdef bint any_line
    # the text run found by _run(), and the element (with its table slot) that ended it
    cdef const char* chunk
    cdef Py_ssize_t chunk_len
    cdef xmlNode* stop
    cdef unsigned int stop_slot
    # DomHints strings of the open blocks, rebuilt after a block opens or closes
    cdef bint blocks_changed
    cdef object hint_tag, hint_path, hint_attrs

    def __cinit__(self):
        self.words = []
        self.hints = []
        self.blocks_changed = True

    def __dealloc__(self):
        PyMem_Free(self.out.data)
        PyMem_Free(self.run.data)
        PyMem_Free(self.scratch.data)
        PyMem_Free(self.value.data)
        PyMem_Free(self.norm.data)
        PyMem_Free(self.open.items)
        PyMem_Free(self.blocks.items)

    cdef int _run(self, xmlNode* c) except -1:
        """The text lxml's .text/.tail would give from node c on, once lines.py has stripped the
        _SKIP elements (their tails stay, so the run goes on) and removed the hidden ones with
        _remove_keep_tail (they go with their tails, which it adds to the text before them, and
        from then on that text has no _XML_UNSAFE characters). Stops at an element that stays."""
        cdef const char* first = NULL
        cdef Py_ssize_t first_len = 0, n
        cdef int pieces = 0
        cdef unsigned int slot
        cdef bint after_hidden = False, sanitize = False
        while c != NULL:
            if _is_text(c):
                if c.content == NULL:
                    raise _Unsupported()
                n = strlen(<const char*>c.content)
                if n:
                    # text after a hidden element is its tail: the whole run gets sanitized
                    sanitize = sanitize or after_hidden
                    if pieces == 0:
                        first = <const char*>c.content
                        first_len = n
                    else:
                        if pieces == 1:
                            self.run.len = 0
                            _append(&self.run, first, first_len)
                        _append(&self.run, <const char*>c.content, n)
                    pieces += 1
            elif c.type == tree.XML_ELEMENT_NODE:
                if c.ns != NULL:
                    raise _Unsupported()
                slot = _slot(c.name)
                if _slot_kind[slot] == SKIP:
                    pass
                elif _is_hidden(c):
                    after_hidden = True
                else:
                    self.stop_slot = slot
                    break
            else:  # comments, PIs, entity references, XInclude markers
                raise _Unsupported()
            c = c.next
        self.stop = c
        if pieces == 0:
            self.chunk_len = 0
        elif pieces == 1:
            self.chunk = first
            self.chunk_len = first_len
        else:
            self.chunk = self.run.data
            self.chunk_len = self.run.len
        if sanitize:
            self._sanitize()
        return 0

    cdef int _sanitize(self) except -1:
        cdef bytes clean = _unsafe_sub(
            "", PyUnicode_DecodeUTF8(self.chunk, self.chunk_len, NULL)
        ).encode("utf-8")
        self.run.len = 0
        _append(&self.run, clean, len(clean))
        self.chunk = self.run.data
        self.chunk_len = self.run.len
        return 0

    cdef int _emit(self) except -1:
        """lines._render's handling of a chunk (el.text or el.tail): a line starts at text that
        is not all white space; link_chars counts the characters inside <a>."""
        cdef const unsigned char* s = <const unsigned char*>self.chunk
        cdef Py_ssize_t n = self.chunk_len
        if n == 0:
            return 0
        if not self.line_open:
            if _is_space(s, n):
                return 0
            if self.any_line:
                _append(&self.out, b"\n", 1)
            self.line_open = self.any_line = True
        _append_line_text(&self.out, s, n)
        if self.link_depth > 0:
            self.link_chars += _count_chars(s, n)
        return 0

    cdef int _flush(self) except -1:
        """End the current line, if any, with lines._hints of the open blocks."""
        if not self.line_open:
            return 0
        if self.blocks_changed:
            self._hint_strings()
        self.hints.append(_DomHints(self.hint_tag, self.hint_path, self.link_chars,
                                    self.hint_attrs))
        self.line_open = False
        self.link_chars = 0
        return 0

    cdef int _hint_strings(self) except -1:
        """tags[-1], ">".join(tags[-depth:]) and " ".join(filter(None, words[-depth:]))."""
        cdef Py_ssize_t n = self.blocks.len, lo = max(0, self.blocks.len - _path_depth), i
        cdef Py_ssize_t size
        cdef const char* data
        cdef const char* name
        self.hint_tag = _slot_tag[self.blocks.items[n - 1].slot] if n else ""
        self.scratch.len = 0
        for i in range(lo, n):
            if i > lo:
                _append(&self.scratch, b">", 1)
            name = _slot_name[self.blocks.items[i].slot]
            _append(&self.scratch, name, strlen(name))
        self.hint_path = PyUnicode_DecodeASCII(self.scratch.data, self.scratch.len, NULL)
        self.scratch.len = 0
        for i in range(lo, n):
            found = self.words[i]
            if found is None:
                found = self.words[i] = self._block_words(self.blocks.items[i].node)
            data = PyUnicode_AsUTF8AndSize(found, &size)
            if size:
                if self.scratch.len:
                    _append(&self.scratch, b" ", 1)
                _append(&self.scratch, data, size)
        self.hint_attrs = PyUnicode_DecodeUTF8(self.scratch.data, self.scratch.len, NULL)
        self.blocks_changed = False
        return 0

    cdef object _block_words(self, xmlNode* el):
        """_attr_words(f"{class or ''} {id or ''}"), through its memo _WORDS."""
        cdef const char* cls = _get(el, b"class")
        cdef const char* ident = _get(el, b"id")
        cdef PyObject* found
        self.value.len = 0
        if cls != NULL:
            _append(&self.value, cls, strlen(cls))
        _append(&self.value, b" ", 1)
        if ident != NULL:
            _append(&self.value, ident, strlen(ident))
        value = PyUnicode_DecodeUTF8(self.value.data, self.value.len, NULL)
        found = PyDict_GetItem(_words_cache, value)
        if found != NULL:
            return <object>found
        return _attr_words(value)

    cdef int _open(self, xmlNode* el, unsigned int slot) except -1:
        """lines._render at a "start" event, before the element's text."""
        cdef unsigned char kind = _slot_kind[slot]
        _push(&self.open, el, slot)
        if kind == BLOCK or kind == BREAK:
            self._flush()
            if kind == BLOCK:
                _push(&self.blocks, el, slot)
                self.words.append(None)
                self.blocks_changed = True
        elif kind == LINK:
            self.link_depth += 1
        elif kind == CELL and self.line_open:
            _append(&self.out, b"\t", 1)
        return 0

    cdef int _close(self) except -1:
        """lines._render at an "end" event, before the element's tail."""
        self.open.len -= 1
        cdef unsigned char kind = _slot_kind[self.open.items[self.open.len].slot]
        if kind == BLOCK:
            self._flush()
            self.blocks.len -= 1
            self.words.pop()
            self.blocks_changed = True
        elif kind == LINK:
            self.link_depth -= 1
        return 0

    cdef int walk(self, xmlNode* start) except -1:
        """Depth first through the elements that stay, without recursion, start's own tail
        excluded (lines._render sets it to None)."""
        cdef xmlNode* cur = start
        cdef xmlNode* nxt
        self._open(start, _slot(start.name))
        self._run(start.children)
        self._emit()
        nxt = self.stop
        while True:
            if nxt != NULL:  # into the next element: its start and text
                cur = nxt
                self._open(cur, self.stop_slot)
                self._run(cur.children)
                self._emit()
                nxt = self.stop
            else:  # cur has no more children: its end and tail
                self._close()
                if cur == start:
                    break
                self._run(cur.next)
                self._emit()
                nxt = self.stop
                cur = cur.parent
        self._flush()
        return 0


def render(cetree._Element root not None, *, bint normalise=False):
    """(text, hints, has_body) as lines.py's reference gives after stripping and walking the
    tree: the raw lines joined by "\\n" with their breaks made spaces, their DomHints, and
    whether a <body> was found. None when the Python code must do it. Leaves the tree as is.

    With normalise=True, (text, hints, has_body, normalised): when normalised is True, text is
    text.normalise_lines() of the raw text (which is NFC, so that function's NFC step keeps it
    as it is and the rest is _normalise); else it is the raw text, which is not NFC."""
    cdef xmlNode* c_root = root._c_node
    cdef xmlNode* start = NULL
    cdef xmlNode* c
    cdef _Walk walk
    cdef int status
    if not _configured:
        raise RuntimeError("cleaner._render.configure() was not called")
    try:
        if not _is_document_root(c_root) or c_root.ns != NULL:
            return None
        c = c_root.children  # root.find("body") once lines.py removed what it removes
        while c != NULL:
            if c.type == tree.XML_ELEMENT_NODE:
                if c.ns != NULL:
                    return None
                if (strcmp(<const char*>c.name, b"body") == 0
                        and _slot_kind[_slot(c.name)] != SKIP and not _is_hidden(c)):
                    start = c
                    break
            c = c.next
        if start == NULL:
            start = c_root
            if _slot_kind[_slot(start.name)] == SKIP:  # strip_elements keeps the root itself
                return None
        walk = _Walk()
        walk.walk(start)
        if not normalise:
            text = PyUnicode_DecodeUTF8(walk.out.data, walk.out.len, NULL)
            return text, walk.hints, start != c_root
        status = _normalise(<const unsigned char*>walk.out.data, walk.out.len, &walk.norm)
        if status == 0:
            text = PyUnicode_DecodeUTF8(walk.norm.data, walk.norm.len, NULL)
            return text, walk.hints, start != c_root, True
        text = PyUnicode_DecodeUTF8(walk.out.data, walk.out.len, NULL)  # fails if status -1
        if status == 1 and unicodedata.is_normalized("NFC", text):
            text = PyUnicode_DecodeUTF8(walk.norm.data, walk.norm.len, NULL)
            return text, walk.hints, start != c_root, True
        return text, walk.hints, start != c_root, False
    except (_Unsupported, UnicodeDecodeError):
        return None


def head_info(cetree._Element root not None):
    """(metas, title_texts): what lines._meta_tags(root) and _TITLE_TEXT(root) give, in one
    walk (metas under root; text nodes under any <title> of the document, which may hold more
    top-level elements than root, in document order), or None when Python must do it."""
    cdef xmlNode* c_root = root._c_node
    cdef xmlNode* top
    cdef dict metas = {}
    cdef list titles = []
    if not _is_document_root(c_root):
        return None
    try:
        top = c_root.doc.children
        while top != NULL:
            if top.type == tree.XML_ELEMENT_NODE:
                _scan_head(top, metas if top == c_root else None, titles)
            top = top.next
    except (_Unsupported, UnicodeDecodeError):
        return None
    return metas, titles


cdef int _scan_head(xmlNode* top, dict metas, list titles) except -1:
    """Depth first through top's subtree without recursion: <meta> into metas (unless None),
    text under <title> into titles."""
    cdef xmlNode* node = top
    cdef xmlNode* title = NULL  # the outermost <title> being walked
    cdef const char* name
    while True:
        if node.type == tree.XML_ELEMENT_NODE:
            if node.ns != NULL:
                raise _Unsupported()
            name = <const char*>node.name
            if metas is not None and name[0] == b"m" and strcmp(name, b"meta") == 0:
                _add_meta(node, metas)
            elif title == NULL and name[0] == b"t" and strcmp(name, b"title") == 0:
                title = node
            if node.children != NULL:
                node = node.children
                continue
        elif _is_text(node):
            if title != NULL:
                if node.content == NULL:
                    raise _Unsupported()
                titles.append(PyUnicode_DecodeUTF8(
                    <const char*>node.content, strlen(<const char*>node.content), NULL))
        elif node.type == tree.XML_ENTITY_REF_NODE or node.type > tree.XML_DTD_NODE:
            raise _Unsupported()  # entity references, XInclude markers: not in parsed HTML
        while True:  # leave node: to its next sibling, else up
            if node == title:
                title = NULL
            if node == top:
                return 0
            if node.next != NULL:
                node = node.next
                break
            node = node.parent


cdef int _add_meta(xmlNode* meta, dict metas) except -1:
    """lines._meta_tags for one <meta>: content under (property, value) and (name, value)."""
    cdef const char* content = _get(meta, b"content")
    cdef const char* value
    if content == NULL:
        return 0
    text = PyUnicode_DecodeUTF8(content, strlen(content), NULL)
    value = _get(meta, b"property")
    if value != NULL:
        metas.setdefault(("property", PyUnicode_DecodeUTF8(value, strlen(value), NULL)), text)
    value = _get(meta, b"name")
    if value != NULL:
        metas.setdefault(("name", PyUnicode_DecodeUTF8(value, strlen(value), NULL)), text)
    return 0
