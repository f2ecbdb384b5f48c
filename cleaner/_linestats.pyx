# cython: language_level=3
"""Compiled twin of the per-line counting in features.own_features (see cleaner/speedups.py).

One pass over each line's characters and one over its words give every integer that the
pure-Python reference derives with regexes, set intersections and list comprehensions.
features.py turns these counts into columns with the same numpy operations as the reference,
so the floats are the same bits. Words are looked up in C hash tables keyed by their code
points, so a page's words never become Python strings.

The regexes are matched by hand: `Tables` refuses patterns other than the ones below, so an
edit in features.py cannot silently diverge from this file. Character classes are CPython's:
sre's `\\w` on str is Py_UNICODE_ISALNUM or "_", `\\d` is Py_UNICODE_ISDECIMAL, `\\s` is
Py_UNICODE_ISSPACE; str.isdigit/isalnum of one character are Py_UNICODE_ISDIGIT/ISALNUM."""

from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISDIGIT,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
    PyUnicode_Substring,
)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t


cdef extern from "Python.h":
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND

import re

import numpy as np

# --- what this module implements: features.py must use exactly these regexes ---------------

WORD_PATTERN = r"\w+(?:[-'’.]\w+)*"
BULLET_PATTERN = r"[|•»›·▶►]|\s/\s"
CUE_PATTERNS = {
    "legal": r"©|\([cC]\) ?\d{4}",
    "byline": r"^(?:[Bb]y|BY|Post(?:ed)? by|Written by|Words by|Author|Von|Por|Par)\b",
    "trailer": r"\((?:[Rr]eporting|[Ww]riting|[Ee]diting|[Aa]dditional reporting)|[Rr]eporting by"
    r"|[Ee]diting by|[Cc]ompiled by|[Cc]ontributed by",
    "date": r":\d\d|[/.\-]\d{1,2}[/.\-]\d{2,4}",
    "link": r"https?://|www\.|@\w+\.\w+|\.com\b",
    "dateline": r"^[A-Z][A-Z .,'-]{2,40}(?:\((?:Reuters|AP|AFP|Bloomberg|UPI|dpa|IANS|PTI)\)"
    r"|[:,] |\s[-–—]\s)",
}
CUE_FLAGS = re.M
DIGIT_BEFORE = frozenset({"date"})  # cues counted only where a digit precedes the match

# the alternatives of the byline and dateline regexes, spelt out (ASCII)
cdef const char *BYLINES[11]
BYLINES[:] = [b"By", b"by", b"BY", b"Posted by", b"Post by", b"Written by", b"Words by", b"Author",
              b"Von", b"Por", b"Par"]
cdef const char *AGENCIES[8]
AGENCIES[:] = [b"(Reuters)", b"(AP)", b"(AFP)", b"(Bloomberg)", b"(UPI)", b"(dpa)", b"(IANS)",
               b"(PTI)"]

# Rows of the integer table that line_stats returns, one value a line each.
STATS = (
    "chars", "words", "word_chars", "stop", "letters", "upper", "digits", "spaces", "caps",
    "commas", "sentences", "end_punct", "end_ellipsis", "end_alnum", "starts_quote", "bullets",
    "reader", "imperative_start", "title_inter", "title_union", "dup", "teaser_of_other",
    "has_teaser", "cut", "cut_near", "content", "fit_hits",
)

cdef enum:
    CHARS, WORDS, WORD_CHARS, STOP, LETTERS, UPPER, DIGITS, SPACES, CAPS
    COMMAS, SENTENCES, END_PUNCT, END_ELLIPSIS, END_ALNUM, STARTS_QUOTE, BULLETS
    READER, IMPERATIVE_START, TITLE_INTER, TITLE_UNION, DUP, TEASER_OF_OTHER, HAS_TEASER, CUT
    CUT_NEAR, CONTENT, FIT_HITS, NSTATS

# --- characters -------------------------------------------------------------------------------

cdef Py_UCS4 END = 0xFFFFFFFF  # "past the end": no class has it

cdef enum:  # character classes, from the table below for code points < 256
    C_UPPER = 1  # _char_classes: letters by code point range, not by Unicode category
    C_LETTER = 2
    C_DIGIT = 4  # ASCII digit
    C_SPACE = 8  # " " or tab
    C_WORD = 16  # sre \w
    C_ISSPACE = 32  # sre \s
    C_TRIGGER = 64  # a hand-written matcher or a counted punctuation mark may start here

cdef unsigned char LATIN1[256]


cdef unsigned char _latin1_class(Py_UCS4 ch):
    cdef unsigned char c = 0
    if (65 <= ch <= 90) or (192 <= ch <= 222 and ch != 215):
        c |= C_UPPER | C_LETTER
    if (97 <= ch <= 122) or (223 <= ch <= 255 and ch != 247):
        c |= C_LETTER
    if 48 <= ch <= 57:
        c |= C_DIGIT
    if ch == 32 or ch == 9:
        c |= C_SPACE
    if Py_UNICODE_ISALNUM(ch) or ch == 95:
        c |= C_WORD
    if Py_UNICODE_ISSPACE(ch):
        c |= C_ISSPACE
    if c & C_ISSPACE or not c & C_WORD or ch in u"hwrReEcC©»·":
        c |= C_TRIGGER
    return c


for _c in range(256):
    LATIN1[_c] = _latin1_class(_c)


cdef inline unsigned char char_class(Py_UCS4 ch) noexcept:
    if ch < 256:
        return LATIN1[ch]
    if ch == END:
        return 0
    cdef unsigned char c = 0
    if not (0x2000 <= ch <= 0x2BFF) and not (0x3000 <= ch <= 0x303F):
        c = C_LETTER
    if Py_UNICODE_ISALNUM(ch):
        c |= C_WORD
    if Py_UNICODE_ISSPACE(ch):
        c |= C_ISSPACE | C_TRIGGER
    elif ch == u"•" or ch == u"›" or ch == u"▶" or ch == u"►" or 0xD800 <= ch <= 0xDFFF:
        c |= C_TRIGGER
    return c


cdef inline bint is_word(Py_UCS4 ch) noexcept:
    return char_class(ch) & C_WORD


cdef inline bint is_decimal(Py_UCS4 ch) noexcept:
    return ch != END and Py_UNICODE_ISDECIMAL(ch)


cdef inline bint is_space(Py_UCS4 ch) noexcept:
    return char_class(ch) & C_ISSPACE


cdef inline bint is_date_sep(Py_UCS4 ch) noexcept:
    return ch == u"/" or ch == u"." or ch == u"-"


cdef inline bint is_bullet(Py_UCS4 ch) noexcept:
    return (ch == u"|" or ch == u"•" or ch == u"»" or ch == u"›" or ch == u"·" or ch == u"▶"
            or ch == u"►")


cdef inline bint is_dash(Py_UCS4 ch) noexcept:
    return ch == u"-" or ch == u"–" or ch == u"—"


cdef bint in_chars(Py_UCS4 ch, str chars):
    cdef Py_UCS4 c
    for c in chars:
        if c == ch:
            return True
    return False


# --- text access ------------------------------------------------------------------------------

cdef struct Text:
    int kind
    void *data
    Py_ssize_t n


cdef inline Text text_of(str s) noexcept:
    cdef Text t
    t.kind = PyUnicode_KIND(s)
    t.data = PyUnicode_DATA(s)
    t.n = PyUnicode_GET_LENGTH(s)
    return t


cdef inline Py_UCS4 char_at(Text t, Py_ssize_t i) noexcept:
    """The character at i, END outside the text."""
    if i < 0 or i >= t.n:
        return END
    return PyUnicode_READ(t.kind, t.data, i)


cdef inline Py_ssize_t ascii_at(Text t, Py_ssize_t i, const char *lit) noexcept:
    """The end of the ASCII string `lit` if t holds it at i, else -1."""
    cdef Py_ssize_t k = 0
    while lit[k]:
        if char_at(t, i + k) != <Py_UCS4>lit[k]:
            return -1
        k += 1
    return i + k


cdef inline bint same_span(Text a, Py_ssize_t i, Text b, Py_ssize_t j, Py_ssize_t n) noexcept:
    cdef Py_ssize_t k
    for k in range(n):
        if PyUnicode_READ(a.kind, a.data, i + k) != PyUnicode_READ(b.kind, b.data, j + k):
            return False
    return True


# Python's str hash is randomised per process (PYTHONHASHSEED) so that crafted input cannot
# make every word collide; the word tables here take their seed from it for the same reason.
# Only lookup speed depends on it: counts, and so features, do not.
cdef uint64_t HASH_SEED = hash("cleaner._linestats") & 0xFFFFFFFFFFFFFFFF


cdef enum:
    FNV_PRIME = 0x100000001b3


cdef inline uint64_t hash_finish(uint64_t h) noexcept:
    """A murmur finaliser, so that the low bits (the table slot) depend on all the others."""
    h ^= h >> 33
    h *= 0xff51afd7ed558ccdULL
    h ^= h >> 33
    return h


cdef inline uint64_t span_hash(Text t, Py_ssize_t s, Py_ssize_t e) noexcept:
    """The hash of t[s:e]: FNV-1a over the code points from a seeded basis, finished."""
    cdef uint64_t h = 0xcbf29ce484222325ULL ^ HASH_SEED
    cdef Py_ssize_t k
    for k in range(s, e):
        h = (h ^ <uint64_t>PyUnicode_READ(t.kind, t.data, k)) * FNV_PRIME
    return hash_finish(h)


ctypedef fused ucs_t:  # the three kinds of str storage
    uint8_t
    uint16_t
    uint32_t


cdef inline Py_ssize_t word_end(ucs_t *data, Py_ssize_t n, Py_ssize_t p, uint64_t *h) noexcept:
    """The end of the WORD_PATTERN match at p (a word character) in data[:n], which findall
    would return: \\w+ and then, while a separator is followed by a word character, the
    separator and the \\w+ after it. *h is set to the hash of the match (as span_hash)."""
    cdef uint64_t x = 0xcbf29ce484222325ULL ^ HASH_SEED
    cdef Py_UCS4 ch
    while True:
        while p < n and is_word(data[p]):
            x = (x ^ <uint64_t>data[p]) * FNV_PRIME
            p += 1
        if p + 1 >= n or not is_word(data[p + 1]):
            break
        ch = data[p]
        if not (ch == u"-" or ch == u"'" or ch == u"’" or ch == u"."):
            break
        x = (x ^ <uint64_t>ch) * FNV_PRIME
        p += 1
    h[0] = hash_finish(x)
    return p


cdef list _tokens(ucs_t *data, str text):
    cdef Py_ssize_t p = 0, s, n = len(text)
    cdef uint64_t h
    out = []
    while p < n:
        if not is_word(data[p]):
            p += 1
            continue
        s = p
        p = word_end(data, n, p, &h)
        out.append(PyUnicode_Substring(text, s, p))
    return out


def tokens(str text):
    """WORD_PATTERN.findall(text) by the kernel's tokeniser, for the tests."""
    cdef Text t = text_of(text)
    if t.kind == PyUnicode_1BYTE_KIND:
        return _tokens(<uint8_t *>t.data, text)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _tokens(<uint16_t *>t.data, text)
    return _tokens(<uint32_t *>t.data, text)


# --- hand-written matchers: each returns the end of its match at i, or -1 --------------------


cdef inline Py_ssize_t match_legal(Text t, Py_ssize_t i, Py_UCS4 ch) noexcept:
    """©|\\([cC]\\) ?\\d{4}"""
    cdef Py_ssize_t q, k
    if ch == u"©":
        return i + 1
    if ch != u"(":
        return -1
    ch = char_at(t, i + 1)
    if not (ch == u"c" or ch == u"C") or char_at(t, i + 2) != u")":
        return -1
    q = i + 3
    if char_at(t, q) == u" ":  # " ?" is greedy; without the space a digit would be there
        q += 1
    for k in range(4):
        if not is_decimal(char_at(t, q + k)):
            return -1
    return q + 4


cdef inline Py_ssize_t match_date(Text t, Py_ssize_t i, Py_UCS4 ch) noexcept:
    """:\\d\\d|[/.\\-]\\d{1,2}[/.\\-]\\d{2,4}"""
    cdef Py_ssize_t r = 0, r2 = 0, q
    if ch == u":":
        if is_decimal(char_at(t, i + 1)) and is_decimal(char_at(t, i + 2)):
            return i + 3
        return -1
    while r < 3 and is_decimal(char_at(t, i + 1 + r)):
        r += 1
    # \d{1,2} then a separator: with more than two digits a digit is where the separator must be
    if r == 0 or r > 2 or not is_date_sep(char_at(t, i + 1 + r)):
        return -1
    q = i + 2 + r
    while r2 < 4 and is_decimal(char_at(t, q + r2)):
        r2 += 1
    return q + r2 if r2 >= 2 else -1


cdef inline Py_ssize_t match_link(Text t, Py_ssize_t i, Py_UCS4 ch) noexcept:
    """https?://|www\\.|@\\w+\\.\\w+|\\.com\\b"""
    cdef Py_ssize_t q
    if ch == u"h":
        if char_at(t, i + 1) != u"t" or char_at(t, i + 2) != u"t" or char_at(t, i + 3) != u"p":
            return -1
        q = i + 4
        if char_at(t, q) == u"s":
            q += 1
        if char_at(t, q) == u":" and char_at(t, q + 1) == u"/" and char_at(t, q + 2) == u"/":
            return q + 3
        return -1
    if ch == u"w":
        if char_at(t, i + 1) == u"w" and char_at(t, i + 2) == u"w" and char_at(t, i + 3) == u".":
            return i + 4
        return -1
    if ch == u"@":
        q = i + 1
        while is_word(char_at(t, q)):
            q += 1
        if q == i + 1 or char_at(t, q) != u"." or not is_word(char_at(t, q + 1)):
            return -1
        q += 1
        while is_word(char_at(t, q)):
            q += 1
        return q
    # "."
    if (char_at(t, i + 1) == u"c" and char_at(t, i + 2) == u"o" and char_at(t, i + 3) == u"m"
            and not is_word(char_at(t, i + 4))):
        return i + 4
    return -1


cdef Py_UCS4 page_char(list texts, Py_ssize_t line, Py_ssize_t i):
    """Character i of "\\n".join(texts[line:]) (END past the end): the dateline regex runs over
    the joined page, and its final \\s may be the newline or reach into the next line."""
    cdef Py_ssize_t n = len(texts), m
    cdef str t
    while line < n:
        t = texts[line]
        m = len(t)
        if i < m:
            return t[i]
        if i == m:
            return u"\n" if line + 1 < n else END
        i -= m + 1
        line += 1
    return END


# --- tables -----------------------------------------------------------------------------------

cdef enum:  # word flags
    F_STOP = 1
    F_READER = 2
    F_IMPERATIVE = 4
    F_MULTI = 8  # keys a multi-word cue phrase
    F_CONTENT = 16
    F_TITLE = 32


cdef struct Known:  # a word of the vocabulary tables
    uint64_t hash
    Py_ssize_t n, off  # its code points are chars[off:off + n]
    int flags
    int single  # cue column of the word alone, or -1
    int phrase0, nphrases  # the phrases it keys: phrases[phrase0:phrase0 + nphrases]


cdef struct Phrase:  # a multi-word cue: its words are known[parts[part0:part0 + nparts]]
    int at  # where the keying word sits in it
    int col
    int part0, nparts


cdef class Tables:
    """The vocabulary of features.py in C hash tables, and a check that its regexes are the
    ones this module implements. Built once at import; read-only afterwards."""

    cdef readonly int ncues
    cdef int long_line_words
    cdef Py_ssize_t teaser_group_max
    cdef int col_legal, col_byline, col_trailer, col_date, col_link, col_dateline
    cdef str end_punct, open_quotes
    cdef Known *known
    cdef int nknown
    cdef int *slots  # open addressing: index into known + 1, 0 empty
    cdef uint64_t mask
    cdef Py_UCS4 *chars
    cdef Phrase *phrases
    cdef int *parts

    def __init__(self, *, word_rx, bullet_rx, cue_rx, digit_before, cue_names, stop, single,
                 multi, reader, imperative, end_punct, open_quotes, long_line_words,
                 teaser_group_max):
        if self.known:
            raise TypeError("Tables are read-only once built")
        mine = {"word": re.compile(WORD_PATTERN), "bullet": re.compile(BULLET_PATTERN)}
        mine.update({name: re.compile(rx, CUE_FLAGS) for name, rx in CUE_PATTERNS.items()})
        theirs = {"word": word_rx, "bullet": bullet_rx, **cue_rx}
        if {k: (rx.pattern, rx.flags) for k, rx in theirs.items()} != {
            k: (rx.pattern, rx.flags) for k, rx in mine.items()
        } or frozenset(digit_before) != DIGIT_BEFORE:
            raise ValueError("cleaner._linestats implements other regexes than features.py uses:"
                             " update _linestats.pyx (or set CLEANER_PURE_PYTHON=1)")
        names = tuple(cue_names)
        self.ncues = len(names)
        self.col_legal = names.index("legal")
        self.col_byline = names.index("byline")
        self.col_trailer = names.index("trailer")
        self.col_date = names.index("date")
        self.col_link = names.index("link")
        self.col_dateline = names.index("dateline")
        self.long_line_words = long_line_words
        self.teaser_group_max = teaser_group_max
        self.end_punct = "".join(sorted(end_punct))
        self.open_quotes = "".join(open_quotes)
        self._vocabulary(stop, single, multi, reader, imperative)

    cdef int _vocabulary(self, stop, dict single, dict multi, reader, imperative) except -1:
        words = set(stop) | set(reader) | set(imperative) | set(single) | set(multi)
        for entries in multi.values():
            for parts, _, _ in entries:
                words.update(parts)
        words = sorted(words)
        index = {w: k for k, w in enumerate(words)}
        cdef Py_ssize_t size = 64, nchars = sum(len(w) for w in words), off = 0
        cdef int k, nphrases = sum(len(v) for v in multi.values()), p = 0, q = 0, m
        cdef int nparts = sum(len(parts) for v in multi.values() for parts, _, _ in v)
        cdef Known *kn
        cdef Text t
        cdef uint64_t slot
        while size < 4 * len(words):
            size *= 2
        self.nknown = len(words)
        self.mask = size - 1
        self.known = <Known *>PyMem_Calloc(len(words) + 1, sizeof(Known))
        self.slots = <int *>PyMem_Calloc(size, sizeof(int))
        self.chars = <Py_UCS4 *>PyMem_Malloc((nchars + 1) * sizeof(Py_UCS4))
        self.phrases = <Phrase *>PyMem_Malloc((nphrases + 1) * sizeof(Phrase))
        self.parts = <int *>PyMem_Malloc((nparts + 1) * sizeof(int))
        if not (self.known and self.slots and self.chars and self.phrases and self.parts):
            raise MemoryError()
        for k, w in enumerate(words):
            kn = &self.known[k]
            t = text_of(w)
            kn.hash = span_hash(t, 0, t.n)
            kn.n = t.n
            kn.off = off
            for m in range(t.n):
                self.chars[off + m] = PyUnicode_READ(t.kind, t.data, m)
            off += t.n
            kn.flags = ((F_STOP if w in stop else 0) | (F_READER if w in reader else 0)
                        | (F_IMPERATIVE if w in imperative else 0) | (F_MULTI if w in multi else 0))
            kn.single = single.get(w, -1)
            if not -1 <= kn.single < self.ncues:
                raise ValueError(f"cue column of {w!r} out of range")
            kn.phrase0 = p
            for parts, at, col in multi.get(w, ()):
                if not (0 <= col < self.ncues and 0 <= at < len(parts) and parts[at] == w):
                    raise ValueError(f"bad phrase entry {parts!r} for {w!r}")
                self.phrases[p].at = at
                self.phrases[p].col = col
                self.phrases[p].part0 = q
                self.phrases[p].nparts = len(parts)
                for part in parts:
                    self.parts[q] = index[part]
                    q += 1
                p += 1
            kn.nphrases = p - kn.phrase0
            slot = kn.hash & self.mask
            while self.slots[slot]:
                slot = (slot + 1) & self.mask
            self.slots[slot] = k + 1
        return 0

    cdef int find(self, Text t, Py_ssize_t s, Py_ssize_t n, uint64_t h) noexcept:
        """Index of the known word t[s:s + n] (hash h), or -1."""
        cdef uint64_t slot = h & self.mask
        cdef int e
        cdef Known *kn
        cdef Py_ssize_t k
        while True:
            e = self.slots[slot]
            if not e:
                return -1
            kn = &self.known[e - 1]
            if kn.hash == h and kn.n == n:
                for k in range(n):
                    if PyUnicode_READ(t.kind, t.data, s + k) != self.chars[kn.off + k]:
                        break
                else:
                    return e - 1
            slot = (slot + 1) & self.mask

    def __dealloc__(self):
        PyMem_Free(self.known)
        PyMem_Free(self.slots)
        PyMem_Free(self.chars)
        PyMem_Free(self.phrases)
        PyMem_Free(self.parts)


# --- the kernel -------------------------------------------------------------------------------

cdef struct Word:  # a distinct word of the page, in its first occurrence t[start:start + n]
    uint64_t hash
    int kind
    void *data
    Py_ssize_t start, n
    int known  # index in Tables.known, or -1
    int flags
    int single  # cue column of the word alone, or -1
    Py_ssize_t seen  # the last line that had it (-2 - line in the topic pass)
    int in_long  # the number of long lines that have it


cdef struct Vocab:  # the words of a page, and the page as word indices
    Word *words
    int nwords, capacity
    int *slots  # open addressing: index into words + 1, 0 empty; at most half full
    uint64_t mask
    int *tok  # the words of line i are tok[line_tok[i]:line_tok[i + 1]]
    Py_ssize_t *line_tok


cdef int vocab_init(Vocab *v, Py_ssize_t ntok, Py_ssize_t nlines) except -1:
    """Room for ntok words in the text and a first guess at the distinct ones (it grows).
    vocab_free frees what was allocated, even when this fails."""
    v.nwords = 0
    v.capacity = 1024
    v.mask = 2 * v.capacity - 1
    v.words = <Word *>PyMem_Malloc(v.capacity * sizeof(Word))
    v.slots = <int *>PyMem_Calloc(v.mask + 1, sizeof(int))
    v.tok = <int *>PyMem_Malloc((ntok + 1) * sizeof(int))
    v.line_tok = <Py_ssize_t *>PyMem_Malloc((nlines + 1) * sizeof(Py_ssize_t))
    if not (v.words and v.slots and v.tok and v.line_tok):
        raise MemoryError()
    return 0


cdef void vocab_free(Vocab *v) noexcept:
    PyMem_Free(v.words)
    PyMem_Free(v.slots)
    PyMem_Free(v.tok)
    PyMem_Free(v.line_tok)


cdef int vocab_grow(Vocab *v) except -1:
    """Twice the room for distinct words, and a hash table to match."""
    cdef Word *words = <Word *>PyMem_Realloc(v.words, 2 * v.capacity * sizeof(Word))
    if not words:
        raise MemoryError()
    v.words = words
    v.capacity *= 2
    cdef uint64_t mask = 2 * v.capacity - 1, slot
    cdef int k
    cdef int *slots = <int *>PyMem_Calloc(mask + 1, sizeof(int))
    if not slots:
        raise MemoryError()
    PyMem_Free(v.slots)
    v.slots = slots
    v.mask = mask
    for k in range(v.nwords):
        slot = v.words[k].hash & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = k + 1
    return 0


cdef int vocab_find(Vocab *v, Text t, Py_ssize_t s, Py_ssize_t n, uint64_t h,
                    bint add, Tables tb) except -2:
    """Index of the page word t[s:s + n] (hash h); a new one is added when `add`, else -1."""
    cdef uint64_t slot
    cdef int e, k
    cdef Word *w
    cdef Text other
    cdef bint digits
    if add and v.nwords == v.capacity:
        vocab_grow(v)
    slot = h & v.mask
    while True:
        e = v.slots[slot]
        if not e:
            break
        w = &v.words[e - 1]
        if w.hash == h and w.n == n:
            other.kind, other.data, other.n = w.kind, w.data, w.start + w.n
            if same_span(t, s, other, w.start, n):
                return e - 1
        slot = (slot + 1) & v.mask
    if not add:
        return -1
    k = v.nwords
    v.nwords += 1
    v.slots[slot] = k + 1
    w = &v.words[k]
    w.hash, w.kind, w.data, w.start, w.n = h, t.kind, t.data, s, n
    w.known = tb.find(t, s, n, h)
    w.flags = tb.known[w.known].flags if w.known >= 0 else 0
    w.single = tb.known[w.known].single if w.known >= 0 else -1
    w.seen = -1
    w.in_long = 0
    # content: longer than two, not a stopword, not str.isdigit()
    if n > 2 and not w.flags & F_STOP:
        digits = True
        for e in range(n):
            if not Py_UNICODE_ISDIGIT(PyUnicode_READ(t.kind, t.data, s + e)):
                digits = False
                break
        if not digits:
            w.flags |= F_CONTENT
    return k


cdef Py_ssize_t line_words(ucs_t *data, Text t, Vocab *v, Py_ssize_t ntok, Tables tb,
                           long long *word_chars) except -1:
    """Appends the words of one lower-cased line (its characters are `data`) to v.tok as
    indices of the page's distinct words; returns the new number of words."""
    cdef Py_ssize_t p = 0, s
    cdef uint64_t h
    while p < t.n:
        if not is_word(data[p]):
            p += 1
            continue
        s = p
        p = word_end(data, t.n, p, &h)
        word_chars[0] += p - s
        v.tok[ntok] = vocab_find(v, t, s, p - s, h, True, tb)
        ntok += 1
    return ntok


cdef int tokenise(list lower, Vocab *v, long long[:, ::1] S, Tables tb) except -1:
    """The words of each (lower-cased) line as indices of the page's distinct words."""
    cdef Py_ssize_t i, ntok = 0
    cdef long long word_chars
    cdef Text t
    for i in range(len(lower)):
        t = text_of(<str>lower[i])
        v.line_tok[i] = ntok
        word_chars = 0
        if t.kind == PyUnicode_1BYTE_KIND:
            ntok = line_words(<uint8_t *>t.data, t, v, ntok, tb, &word_chars)
        elif t.kind == PyUnicode_2BYTE_KIND:
            ntok = line_words(<uint16_t *>t.data, t, v, ntok, tb, &word_chars)
        else:
            ntok = line_words(<uint32_t *>t.data, t, v, ntok, tb, &word_chars)
        S[WORD_CHARS, i] = word_chars
    v.line_tok[len(lower)] = ntok
    return 0


cdef bint phrase_at(Vocab *v, Py_ssize_t base, Py_ssize_t k, Py_ssize_t nw, Phrase *ph,
                    Tables tb) noexcept:
    """Whether the phrase keyed by the word at k of the line (from tok[base]) is there."""
    cdef Py_ssize_t lo = k - ph.at, m
    if lo < 0 or lo + ph.nparts > nw:
        return False
    for m in range(ph.nparts):
        if v.words[v.tok[base + lo + m]].known != tb.parts[ph.part0 + m]:
            return False
    return True


cdef int word_counts(Vocab *v, Py_ssize_t n, long long[:, ::1] S, float[:, ::1] C,
                     Py_ssize_t ntitle, Tables tb) except -1:
    """Counts over each line's words: stopwords, reader words, cue words (distinct) and
    phrases, overlap with the title, content words and how many the long lines share."""
    cdef Py_ssize_t i, k, base, nw, distinct, inter, nlong = 0
    cdef long long stop, reader, content
    cdef int f, ph
    cdef Word *w
    cdef Known *kn
    cdef unsigned char *is_long = <unsigned char *>PyMem_Malloc(n + 1)
    if not is_long:
        raise MemoryError()
    for i in range(n):
        base = v.line_tok[i]
        nw = v.line_tok[i + 1] - base
        S[WORDS, i] = nw
        is_long[i] = nw >= tb.long_line_words
        nlong += is_long[i]
        if nw:
            S[IMPERATIVE_START, i] = (v.words[v.tok[base]].flags & F_IMPERATIVE) != 0
        distinct = inter = stop = reader = content = 0
        for k in range(nw):
            w = &v.words[v.tok[base + k]]
            f = w.flags
            stop += (f & F_STOP) != 0
            reader += (f & F_READER) != 0
            content += (f & F_CONTENT) != 0
            if w.seen != i:  # its first time in this line
                w.seen = i
                distinct += 1
                inter += (f & F_TITLE) != 0
                if w.single >= 0:
                    C[i, w.single] += 1.0
            if f & F_MULTI:
                kn = &tb.known[w.known]
                for ph in range(kn.phrase0, kn.phrase0 + kn.nphrases):
                    if phrase_at(v, base, k, nw, &tb.phrases[ph], tb):
                        C[i, tb.phrases[ph].col] += 1.0
        S[STOP, i] = stop
        S[READER, i] = reader
        S[CONTENT, i] = content
        if ntitle and 0 < nw <= 3 * ntitle:
            S[TITLE_INTER, i] = inter
            S[TITLE_UNION, i] = distinct + ntitle - inter

    # _topic_fit: a content word counts when some *other* long line has it (leave-one-out)
    if nlong < 2:
        for i in range(n):
            is_long[i] = True
    for i in range(n):
        if is_long[i]:
            for k in range(v.line_tok[i], v.line_tok[i + 1]):
                w = &v.words[v.tok[k]]
                if w.flags & F_CONTENT and w.seen != -2 - i:
                    w.seen = -2 - i
                    w.in_long += 1
    for i in range(n):
        for k in range(v.line_tok[i], v.line_tok[i + 1]):
            w = &v.words[v.tok[k]]
            if w.flags & F_CONTENT:
                S[FIT_HITS, i] += w.in_long > 1 if is_long[i] else w.in_long >= 1
    PyMem_Free(is_long)
    return 0


cdef inline Py_ssize_t match_trailer(Text t, Py_ssize_t i, Py_UCS4 ch) noexcept:
    """\\((?:[Rr]eporting|[Ww]riting|[Ee]diting|[Aa]dditional reporting)|[Rr]eporting by
    |[Ee]diting by|[Cc]ompiled by|[Cc]ontributed by (no two alternatives can match at i)"""
    cdef Py_UCS4 nx = char_at(t, i + 1)
    cdef Py_ssize_t e
    if ch == u"(":
        if nx == u"R" or nx == u"r":
            return ascii_at(t, i + 2, b"eporting")
        if nx == u"W" or nx == u"w":
            return ascii_at(t, i + 2, b"riting")
        if nx == u"E" or nx == u"e":
            return ascii_at(t, i + 2, b"diting")
        if nx == u"A" or nx == u"a":
            return ascii_at(t, i + 2, b"dditional reporting")
        return -1
    if ch == u"R" or ch == u"r":
        return ascii_at(t, i + 1, b"eporting by") if nx == u"e" else -1
    if ch == u"E" or ch == u"e":
        return ascii_at(t, i + 1, b"diting by") if nx == u"d" else -1
    if (ch == u"C" or ch == u"c") and nx == u"o":
        e = ascii_at(t, i + 1, b"ompiled by")
        return e if e >= 0 else ascii_at(t, i + 1, b"ontributed by")
    return -1


cdef bint text_counts(ucs_t *data, Text t, Py_ssize_t i, long long[:, ::1] S,
                      float[:, ::1] C, Tables tb) noexcept:
    """Character classes, punctuation and regex cues of one line (its original text, whose
    characters are `data`). True when the line holds a newline or a lone surrogate (see
    line_stats)."""
    cdef Py_ssize_t p, e
    cdef Py_ssize_t nxt_legal = 0, nxt_trailer = 0, nxt_date = 0, nxt_link = 0, nxt_bullet = 0
    cdef long long letters = 0, upper = 0, digits = 0, spaces = 0, caps = 0, commas = 0
    cdef long long sentences = 0, legal = 0, trailer = 0, date = 0, link = 0, bullets = 0
    cdef Py_UCS4 ch
    cdef unsigned char cls, prev = 0
    cdef bint odd = False
    for p in range(t.n):
        ch = data[p]
        cls = char_class(ch)
        letters += (cls & C_LETTER) != 0
        upper += cls & C_UPPER
        digits += (cls & C_DIGIT) != 0
        spaces += (cls & C_SPACE) != 0
        # a capital starting a word: letters and ASCII digits make up words here
        if cls & C_UPPER and not prev & (C_LETTER | C_DIGIT):
            caps += 1
        prev = cls
        if not cls & C_TRIGGER:
            continue
        if ch == u",":
            commas += 1
        elif ch == u"\n" or 0xD800 <= ch <= 0xDFFF:
            odd = True
        elif (ch == u"." or ch == u"?" or ch == u"!") and char_at(t, p + 1) == u" ":
            sentences += 1
        if p >= nxt_legal and (ch == u"©" or ch == u"("):
            e = match_legal(t, p, ch)
            if e >= 0:
                legal += 1
                nxt_legal = e
        if p >= nxt_trailer:
            e = match_trailer(t, p, ch)
            if e >= 0:
                trailer += 1
                nxt_trailer = e
        if p >= nxt_date and (ch == u":" or is_date_sep(ch)):
            e = match_date(t, p, ch)
            if e >= 0:
                if p > 0 and Py_UNICODE_ISDIGIT(PyUnicode_READ(t.kind, t.data, p - 1)):
                    date += 1
                nxt_date = e  # a match without a digit before it is skipped, not retried
        if p >= nxt_link and (ch == u"h" or ch == u"w" or ch == u"@" or ch == u"."):
            e = match_link(t, p, ch)
            if e >= 0:
                link += 1
                nxt_link = e
        if p >= nxt_bullet:
            if is_bullet(ch):
                bullets += 1
                nxt_bullet = p + 1
            elif cls & C_ISSPACE and char_at(t, p + 1) == u"/" and is_space(char_at(t, p + 2)):
                bullets += 1
                nxt_bullet = p + 3
    S[LETTERS, i] = letters
    S[UPPER, i] = upper
    S[DIGITS, i] = digits
    S[SPACES, i] = spaces
    S[CAPS, i] = caps
    S[COMMAS, i] = commas
    S[SENTENCES, i] = sentences
    S[BULLETS, i] = bullets
    C[i, tb.col_legal] += legal
    C[i, tb.col_trailer] += trailer
    C[i, tb.col_date] += date
    C[i, tb.col_link] += link
    return odd


cdef bint byline_at_start(Text t) noexcept:
    """^(?:[Bb]y|BY|Post(?:ed)? by|...)\\b: one of the openers, then no word character."""
    cdef Py_ssize_t e
    for lit in BYLINES:
        e = ascii_at(t, 0, lit)
        if e >= 0 and not is_word(char_at(t, e)):
            return True
    return False


cdef bint dateline_at_start(Text t, list texts, Py_ssize_t line) except -1:
    """^[A-Z][A-Z .,'-]{2,40}(?:\\((?:Reuters|AP|...)\\)|[:,] |\\s[-–—]\\s) at the line start
    (only whether it matches: a line start holds at most one match)."""
    cdef Py_ssize_t run = 0, k, q
    cdef Py_UCS4 ch
    if not (t.n and u"A" <= PyUnicode_READ(t.kind, t.data, 0) <= u"Z"):
        return False
    while run < 40:
        ch = char_at(t, 1 + run)
        if not ((u"A" <= ch <= u"Z") or ch == u" " or ch == u"." or ch == u"," or ch == u"'"
                or ch == u"-"):
            break
        run += 1
    for k in range(2, run + 1):
        q = 1 + k
        ch = char_at(t, q)
        if ch == u"(":
            for lit in AGENCIES:
                if ascii_at(t, q, lit) >= 0:
                    return True
        elif (ch == u":" or ch == u",") and char_at(t, q + 1) == u" ":
            return True
        if q + 2 < t.n:
            if is_space(ch) and is_dash(char_at(t, q + 1)) and is_space(char_at(t, q + 2)):
                return True
        elif (is_space(page_char(texts, line, q)) and is_dash(page_char(texts, line, q + 1))
                and is_space(page_char(texts, line, q + 2))):
            return True
    return False


cdef class PageWords:
    """A page's lines split into words by line_stats (lower-cased, as indices of the page's
    distinct words), kept so that the word model (page_scores) neither lower-cases, splits nor
    looks up each token again: a distinct word is looked up once a page."""

    cdef list texts  # the lines line_stats was given, and their lower-cased copies, which the
    cdef list lower  # words point into (so they stay alive as long as this does)
    cdef Vocab v

    def __dealloc__(self):
        vocab_free(&self.v)


def line_stats(list texts, Tables tb, title_words, bint keep_words=False):
    """Per-line integer counts of a page: `texts` are its lines, `title_words` the set of words
    of its title (empty for none).

    Returns (stats, cues): stats an int64 array with a row for each name in STATS, cues the
    float32 (lines x cue families) counts that features._cue_counts computes; with
    `keep_words`, (stats, cues, words): words the page's PageWords, for page_scores. Returns
    None for the pages left to the reference, which fails on them with its own error: those
    with a line that is empty, not a plain str, or holds a newline or a lone surrogate."""
    cdef Py_ssize_t n = len(texts), i, cap = 0
    cdef list lower = []
    for text in texts:
        if type(text) is not str or not text:
            return None
        # Line by line, lower() gives the lines of the lower-cased page (the Final_Sigma context
        # stops at a newline) and takes its fast path on ASCII lines.
        low = text.lower()
        lower.append(low)
        cap += (PyUnicode_GET_LENGTH(low) + 1) // 2  # a word and a gap: 2 characters
    stats = np.zeros((NSTATS, n), dtype=np.int64)
    cues = np.zeros((n, tb.ncues), dtype=np.float32)
    cdef long long[:, ::1] S = stats
    cdef float[:, ::1] C = cues
    cdef Text t
    cdef int k
    cdef Py_UCS4 ch
    cdef bint odd
    # the original texts: characters, ends, regex cues
    for i in range(n):
        t = text_of(<str>texts[i])
        S[CHARS, i] = t.n
        if t.kind == PyUnicode_1BYTE_KIND:
            odd = text_counts(<uint8_t *>t.data, t, i, S, C, tb)
        elif t.kind == PyUnicode_2BYTE_KIND:
            odd = text_counts(<uint16_t *>t.data, t, i, S, C, tb)
        else:
            odd = text_counts(<uint32_t *>t.data, t, i, S, C, tb)
        if odd:
            return None
        ch = PyUnicode_READ(t.kind, t.data, t.n - 1)
        S[END_PUNCT, i] = in_chars(ch, tb.end_punct)
        S[END_ALNUM, i] = Py_UNICODE_ISALNUM(ch)
        S[END_ELLIPSIS, i] = ch == u"…" or (
            ch == u"." and char_at(t, t.n - 2) == u"." and char_at(t, t.n - 3) == u"."
        )
        S[STARTS_QUOTE, i] = in_chars(PyUnicode_READ(t.kind, t.data, 0), tb.open_quotes)
        if byline_at_start(t):
            C[i, tb.col_byline] += 1.0
        if dateline_at_start(t, texts, i):
            C[i, tb.col_dateline] += 1.0

    # the words of the lower-cased lines (the PageWords frees them when it goes)
    cdef PageWords words = PageWords.__new__(PageWords)
    words.texts, words.lower = texts, lower
    vocab_init(&words.v, cap, n)
    tokenise(lower, &words.v, S, tb)
    for word in title_words:
        t = text_of(word)
        k = vocab_find(&words.v, t, 0, t.n, span_hash(t, 0, t.n), False, tb)
        if k >= 0:
            words.v.words[k].flags |= F_TITLE
    word_counts(&words.v, n, S, C, len(title_words), tb)

    page_counts(texts, lower, S, tb)
    if keep_words:
        return stats, cues, words
    return stats, cues


cdef int page_counts(list texts, list lower, long long[:, ::1] S, Tables tb) except -1:
    """Counts that compare lines with each other: duplicates, teasers, same-length cuts."""
    cdef Py_ssize_t n = len(texts), i, j, m, longest = 0
    cdef str t, short
    cdef dict dup = {}
    for t in lower:
        dup[t] = dup.get(t, 0) + 1
    for i in range(n):
        S[DUP, i] = <Py_ssize_t>dup[lower[i]] - 1

    # _teasers: lines that share their first 30 characters, one a cut-down copy of the other
    cdef dict by_head = {}
    cdef list idx
    for i in range(n):
        t = texts[i]
        if len(t) >= 30:
            head = t[:30].lower()
            idx = by_head.get(head)
            if idx is None:
                by_head[head] = [i]
            else:
                idx.append(i)
    for idx in by_head.values():
        if not 2 <= len(idx) <= tb.teaser_group_max:  # a bigger group is a template
            continue
        for i in idx:
            short = (<str>texts[i]).rstrip(".… ").rstrip().lower()
            for j in idx:
                t = texts[j]
                if j != i and len(t) > len(short) and (<str>lower[j]).startswith(short):
                    S[TEASER_OF_OTHER, i] = 1
                    S[HAS_TEASER, j] = 1

    # _same_cut: long lines without final punctuation, counted by length (+-1)
    for i in range(n):
        t = texts[i]
        m = len(t)
        if m >= 40 and not in_chars(t[m - 1], tb.end_punct):
            S[CUT, i] = 1
            longest = max(longest, m)
    if not longest:
        return 0
    cdef long long *lengths = <long long *>PyMem_Calloc(longest + 2, sizeof(long long))
    if not lengths:
        raise MemoryError()
    for i in range(n):
        if S[CUT, i]:
            lengths[len(<str>texts[i])] += 1
    for i in range(n):
        if S[CUT, i]:
            m = len(<str>texts[i])
            S[CUT_NEAR, i] = lengths[m - 1] + lengths[m] + lengths[m + 1] - 1
    PyMem_Free(lengths)
    return 0


# --- the word model's terms (cleaner/lexical.py) --------------------------------------------

cdef Py_ssize_t CIURA_GAPS[8]
CIURA_GAPS[:] = [1, 4, 10, 23, 57, 132, 301, 701]


cdef inline void sort_terms(long long *a, Py_ssize_t n) noexcept:
    """Ascending. Insertion sort for a line's few terms; a Shell sort (Ciura's gaps, then each
    2.25 times the last) for a long line's hundreds, where qsort's comparison calls cost more.
    The last pass (gap 1) is a plain insertion sort, so the order is right whatever the gaps."""
    cdef Py_ssize_t i, j, gap, g, ngaps = 1
    cdef Py_ssize_t gaps[48]
    cdef long long x
    gaps[0] = 1
    if n > 64:
        gap = CIURA_GAPS[1]
        while gap < n and ngaps < 48:
            gaps[ngaps] = gap
            ngaps += 1
            gap = CIURA_GAPS[ngaps] if ngaps < 8 else <Py_ssize_t>(gaps[ngaps - 1] * 2.25)
    for g in range(ngaps - 1, -1, -1):
        gap = gaps[g]
        for i in range(gap, n):
            x = a[i]
            j = i
            while j >= gap and a[j - gap] > x:
                a[j] = a[j - gap]
                j -= gap
            a[j] = x


cdef struct WordSlot:  # 16 bytes, so the table stays in cache; one miss a lookup
    uint32_t check  # the hash's high half (the low bits chose the slot)
    int id  # word id + 1; 0 = empty
    uint32_t off, n  # where the word's characters lie in TermIndex.chars


cdef struct PairSlot:
    long long key
    int row  # row among the pairs + 1; 0 = empty


cdef class TermIndex:
    """The word model's vocabulary (lexical.Vocabulary) in C tables: words in a hash table
    keyed like the page words above (so a token never becomes a Python string), first and last
    words as arrays over word ids, word pairs (first_id * V + second_id) in a hash table."""

    cdef Py_UCS4 *chars
    cdef WordSlot *slots  # open addressing, at most half full
    cdef uint64_t mask
    cdef int *first_pos  # per word id: its row among the first words, or -1
    cdef int *last_pos
    cdef PairSlot *pair_slots
    cdef uint64_t pair_mask
    cdef readonly long long nwords, nfirst, nlast, npairs

    def __init__(self, words, first, last, pairs):
        if self.slots:
            raise TypeError("a TermIndex is read-only once built")
        words = list(words)
        cdef Py_ssize_t nchars = sum(len(w) for w in words), off = 0, m
        cdef uint64_t slot, h, size = 64
        cdef long long k, v
        cdef Text t
        self.nwords, self.nfirst = len(words), len(first)
        self.nlast, self.npairs = len(last), len(pairs)
        if nchars >= 0xFFFFFFFF:
            raise ValueError("vocabulary too large")
        while size < 2 * (self.nwords + 1):
            size *= 2
        self.mask = size - 1
        self.chars = <Py_UCS4 *>PyMem_Malloc((nchars + 1) * sizeof(Py_UCS4))
        self.slots = <WordSlot *>PyMem_Calloc(size, sizeof(WordSlot))
        self.first_pos = <int *>PyMem_Malloc((self.nwords + 1) * sizeof(int))
        self.last_pos = <int *>PyMem_Malloc((self.nwords + 1) * sizeof(int))
        if not (self.chars and self.slots and self.first_pos and self.last_pos):
            raise MemoryError()
        for k, w in enumerate(words):
            t = text_of(<str>w)
            h = span_hash(t, 0, t.n)
            for m in range(t.n):
                self.chars[off + m] = PyUnicode_READ(t.kind, t.data, m)
            slot = h & self.mask
            while self.slots[slot].id:
                slot = (slot + 1) & self.mask
            self.slots[slot].check = <uint32_t>(h >> 32)
            self.slots[slot].off = <uint32_t>off
            self.slots[slot].n = <uint32_t>t.n
            self.slots[slot].id = k + 1
            off += t.n
            self.first_pos[k] = -1
            self.last_pos[k] = -1
        for k, v in enumerate(first):
            if not 0 <= v < self.nwords:
                raise ValueError("a first-word key is not a word id")
            self.first_pos[v] = k
        for k, v in enumerate(last):
            if not 0 <= v < self.nwords:
                raise ValueError("a last-word key is not a word id")
            self.last_pos[v] = k
        size = 64
        while size < 2 * (self.npairs + 1):
            size *= 2
        self.pair_mask = size - 1
        self.pair_slots = <PairSlot *>PyMem_Calloc(size, sizeof(PairSlot))
        if not self.pair_slots:
            raise MemoryError()
        for k, v in enumerate(pairs):
            slot = hash_finish(<uint64_t>v) & self.pair_mask
            while self.pair_slots[slot].row:
                slot = (slot + 1) & self.pair_mask
            self.pair_slots[slot].key = v
            self.pair_slots[slot].row = k + 1

    cdef inline long long word(self, ucs_t *data, Py_ssize_t s, Py_ssize_t n, uint64_t h) noexcept:
        """Id of the word data[s:s + n] (hash h), or -1."""
        cdef uint64_t slot = h & self.mask
        cdef uint32_t check = <uint32_t>(h >> 32)
        cdef WordSlot *e
        cdef Py_ssize_t k
        while True:
            e = &self.slots[slot]
            if not e.id:
                return -1
            if e.check == check and e.n == n:
                for k in range(n):
                    if <Py_UCS4>data[s + k] != self.chars[e.off + k]:
                        break
                else:
                    return e.id - 1
            slot = (slot + 1) & self.mask

    cdef inline long long pair(self, long long key) noexcept:
        cdef uint64_t slot = hash_finish(<uint64_t>key) & self.pair_mask
        while True:
            if not self.pair_slots[slot].row:
                return -1
            if self.pair_slots[slot].key == key:
                return self.pair_slots[slot].row - 1
            slot = (slot + 1) & self.pair_mask

    def __dealloc__(self):
        PyMem_Free(self.chars)
        PyMem_Free(self.slots)
        PyMem_Free(self.first_pos)
        PyMem_Free(self.last_pos)
        PyMem_Free(self.pair_slots)


cdef Py_ssize_t _line_terms(ucs_t *data, Py_ssize_t n, TermIndex ix, long long *ids,
                            long long *out) noexcept:
    """The distinct terms of one lower-cased line, sorted, written to out; returns how many.
    ids is scratch room for the line's tokens."""
    cdef Py_ssize_t p = 0, s, ntok = 0
    cdef uint64_t h
    while p < n:
        if not is_word(data[p]):
            p += 1
            continue
        s = p
        p = word_end(data, n, p, &h)
        ids[ntok] = ix.word(data, s, p - s, h)
        ntok += 1
    return ids_terms(ids, ntok, ix, out)


cdef Py_ssize_t ids_terms(const long long *ids, Py_ssize_t ntok, TermIndex ix,
                          long long *out) noexcept:
    """The distinct terms of a line whose tokens have the word ids `ids` (-1: not a word of
    the vocabulary), sorted, written to out; returns how many. The kinds of term have ranges
    in order (words, first words, last words, pairs) and a line has one first and one last
    word, so the words and the pairs are sorted apart: two short sorts, not one long one."""
    cdef Py_ssize_t nt = 0, k, at
    cdef long long a, b, q
    cdef long long base_last = ix.nwords + ix.nfirst, base_pair = base_last + ix.nlast
    for k in range(ntok):
        if ids[k] >= 0:
            out[nt] = ids[k]
            nt += 1
    nt = sort_unique(out, nt)
    if ntok:
        if ids[0] >= 0 and ix.first_pos[ids[0]] >= 0:
            out[nt] = ix.nwords + ix.first_pos[ids[0]]
            nt += 1
        if ids[ntok - 1] >= 0 and ix.last_pos[ids[ntok - 1]] >= 0:
            out[nt] = base_last + ix.last_pos[ids[ntok - 1]]
            nt += 1
    at = nt
    for k in range(ntok - 1):
        a, b = ids[k], ids[k + 1]
        if a >= 0 and b >= 0:
            q = ix.pair(a * ix.nwords + b)
            if q >= 0:
                out[nt] = base_pair + q
                nt += 1
    return at + sort_unique(out + at, nt - at)


cdef inline Py_ssize_t sort_unique(long long *a, Py_ssize_t n) noexcept:
    """Sorts a[:n] and drops repeats; returns how many are left."""
    cdef Py_ssize_t k, j = 0
    sort_terms(a, n)
    for k in range(n):
        if k == 0 or a[k] != a[j - 1]:
            a[j] = a[k]
            j += 1
    return j


cdef inline void terms_sum(const long long *terms, Py_ssize_t got, const float *weights,
                           const float *bias, Py_ssize_t ncls, float *out) noexcept:
    """out = bias plus the weight rows of `terms`, added one by one in their order, in
    float32 (each label its own sum, so the same bits whichever label goes first)."""
    cdef Py_ssize_t k, c
    cdef const float *row
    for c in range(ncls):
        out[c] = bias[c]
    for k in range(got):
        row = weights + terms[k] * ncls
        for c in range(ncls):
            out[c] = out[c] + row[c]


cdef inline Py_ssize_t text_terms(Text t, TermIndex ix, long long *ids, long long *out) noexcept:
    """_line_terms over a string's characters, whatever their width."""
    if t.kind == PyUnicode_1BYTE_KIND:
        return _line_terms(<uint8_t *>t.data, t.n, ix, ids, out)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _line_terms(<uint16_t *>t.data, t.n, ix, ids, out)
    return _line_terms(<uint32_t *>t.data, t.n, ix, ids, out)


def line_terms(list texts, TermIndex ix):
    """(line, term): every distinct term of every lower-cased line, sorted by line then term.
    Same as lexical.Vocabulary.line_terms computes with numpy."""
    cdef Py_ssize_t i, n = len(texts), total = 0, got, longest = 0, bound = 0, m
    lower = [(<str>text).lower() for text in texts]
    for i in range(n):
        m = (PyUnicode_GET_LENGTH(<str>lower[i]) + 1) // 2  # tokens are 1+ characters apart
        longest = max(longest, m)
        bound += 2 * m + 2  # words, first, last, pairs
    terms = np.empty(bound + 1, dtype=np.int64)
    lines = np.empty(bound + 1, dtype=np.int64)
    scratch = np.empty(longest + 1, dtype=np.int64)
    cdef long long[::1] out = terms
    cdef long long[::1] line_of = lines
    cdef long long[::1] ids = scratch
    for i in range(n):
        got = text_terms(text_of(<str>lower[i]), ix, &ids[0], &out[total])
        for m in range(total, total + got):
            line_of[m] = i
        total += got
    return lines[:total], terms[:total]


cdef int check_weights(TermIndex ix, const float[:, ::1] weights,
                       const float[::1] bias) except -1:
    cdef Py_ssize_t rows = ix.nwords + ix.nfirst + ix.nlast + ix.npairs
    if weights.shape[0] != rows or bias.shape[0] != weights.shape[1]:
        raise ValueError("weights do not fit the term index")
    return 0


def line_scores(list texts, TermIndex ix, const float[:, ::1] weights, const float[::1] bias):
    """The bias plus the weight rows of each lower-cased line's distinct terms, added one by
    one in term order in float32: what lexical.LexicalScorer.sums computes with numpy
    (np.add.at over the rows of line_terms), to the bit."""
    cdef Py_ssize_t i, n = len(texts), got, longest = 0, ncls = weights.shape[1]
    check_weights(ix, weights, bias)
    lower = [(<str>text).lower() for text in texts]
    for i in range(n):
        longest = max(longest, (PyUnicode_GET_LENGTH(<str>lower[i]) + 1) // 2)
    scores = np.empty((n, ncls), dtype=np.float32)
    scratch = np.empty(3 * longest + 3, dtype=np.int64)
    cdef float[:, ::1] z = scores
    cdef long long[::1] buf = scratch
    cdef long long *ids = &buf[0]
    cdef long long *terms = &buf[longest + 1]
    for i in range(n):
        got = text_terms(text_of(<str>lower[i]), ix, ids, terms)
        terms_sum(terms, got, &weights[0, 0], &bias[0], ncls, &z[i, 0])
    return scores


cdef inline long long word_id(TermIndex ix, Word *w) noexcept:
    """The vocabulary id of a page word (-1: not in it)."""
    if w.kind == PyUnicode_1BYTE_KIND:
        return ix.word(<uint8_t *>w.data, w.start, w.n, w.hash)
    if w.kind == PyUnicode_2BYTE_KIND:
        return ix.word(<uint16_t *>w.data, w.start, w.n, w.hash)
    return ix.word(<uint32_t *>w.data, w.start, w.n, w.hash)


def page_scores(PageWords words, list texts, TermIndex ix, const float[:, ::1] weights,
                const float[::1] bias):
    """line_scores(texts, ...) from the words line_stats split the same lines into (the same
    tokens, so the same terms and the same bits), each distinct word looked up once. None
    when `texts` are not the very lines line_stats was given."""
    cdef Vocab *v = &words.v
    cdef Py_ssize_t i, k, n = len(texts), base, ntok, longest = 0, got, ncls = weights.shape[1]
    check_weights(ix, weights, bias)
    if n != len(words.texts):
        return None
    for i in range(n):
        if texts[i] is not words.texts[i]:
            return None
        longest = max(longest, v.line_tok[i + 1] - v.line_tok[i])
    scores = np.empty((n, ncls), dtype=np.float32)
    scratch = np.empty(v.nwords + 3 * longest + 3, dtype=np.int64)
    cdef float[:, ::1] z = scores
    cdef long long[::1] buf = scratch
    cdef long long *known = &buf[0]  # each distinct word's vocabulary id
    cdef long long *ids = &buf[v.nwords]
    cdef long long *terms = &buf[v.nwords + longest + 1]
    for k in range(v.nwords):
        known[k] = word_id(ix, &v.words[k])
    for i in range(n):
        base = v.line_tok[i]
        ntok = v.line_tok[i + 1] - base
        for k in range(ntok):
            ids[k] = known[v.tok[base + k]]
        got = ids_terms(ids, ntok, ix, terms)
        terms_sum(terms, got, &weights[0, 0], &bias[0], ncls, &z[i, 0])
    return scores


# --- headline.py's line-by-line columns -----------------------------------------------------

HEADLINE_CONTENT_WORD = r"[^\W\d_]{4,}"
HEADLINE_SEPARATORS = (":", "|", " - ", "»")


cdef inline bint is_content_char(Py_UCS4 ch) noexcept:
    """sre's [^\\W\\d_]: a word character that is neither a decimal digit nor "_" (in ASCII:
    a letter)."""
    if ch < 128:
        return (65 <= ch <= 90) or (97 <= ch <= 122)
    return Py_UNICODE_ISALNUM(ch) and not Py_UNICODE_ISDECIMAL(ch)


cdef inline bint space_char(Py_UCS4 ch) noexcept:
    """str.isspace of one character (in ASCII: space, \\t to \\r, \\x1c to \\x1f)."""
    if ch < 128:
        return ch == 32 or (9 <= ch <= 13) or (28 <= ch <= 31)
    return Py_UNICODE_ISSPACE(ch)


cdef inline bint digit_char(Py_UCS4 ch) noexcept:
    """str.isdigit of one character (in ASCII: 0 to 9)."""
    if ch < 128:
        return 48 <= ch <= 57
    return Py_UNICODE_ISDIGIT(ch)


cdef inline bint upper_char(Py_UCS4 ch) noexcept:
    """str.isupper of one character (in ASCII: A to Z)."""
    if ch < 128:
        return 65 <= ch <= 90
    return Py_UNICODE_ISUPPER(ch)


cdef struct Folded:  # a content word, casefolded: arena[off:off + n], its hash h
    uint64_t h
    Py_ssize_t off, n


cdef class _FoldedWords:
    """Casefolded content words in one growing array of code points, with an optional open
    addressing table for membership. ASCII words are lower-cased here; any other word goes
    through str.casefold once, so equal words are equal code points."""

    cdef Py_UCS4 *arena
    cdef Py_ssize_t used, cap
    cdef Folded *words
    cdef Py_ssize_t nwords, wcap
    cdef Py_ssize_t *slots
    cdef uint64_t mask

    def __dealloc__(self):
        PyMem_Free(self.arena)
        PyMem_Free(self.words)
        PyMem_Free(self.slots)

    cdef int _room(self, Py_ssize_t chars) except -1:
        cdef Py_ssize_t cap
        if self.used + chars > self.cap:
            cap = max(2 * self.cap, self.used + chars, 256)
            self.arena = <Py_UCS4 *>PyMem_Realloc(self.arena, cap * sizeof(Py_UCS4))
            if not self.arena:
                raise MemoryError()
            self.cap = cap
        if self.nwords + 1 > self.wcap:
            cap = max(2 * self.wcap, 32)
            self.words = <Folded *>PyMem_Realloc(self.words, cap * sizeof(Folded))
            if not self.words:
                raise MemoryError()
            self.wcap = cap
        return 0

    cdef Py_ssize_t add(self, str text, Text t, Py_ssize_t s, Py_ssize_t e) except -1:
        """Append the casefolded text[s:e] as the next word; its index."""
        cdef Py_ssize_t j, n = e - s
        cdef uint32_t ch
        cdef bint ascii = True
        cdef uint64_t h = 0xcbf29ce484222325ULL ^ HASH_SEED
        for j in range(s, e):
            if char_at(t, j) >= 128:
                ascii = False
                break
        if ascii:
            self._room(n)
            for j in range(n):
                ch = <uint32_t>char_at(t, s + j)
                if 65 <= ch <= 90:  # ASCII: casefold is lower()
                    ch = ch + 32
                self.arena[self.used + j] = <Py_UCS4>ch
        else:
            folded = PyUnicode_Substring(text, s, e).casefold()
            f = text_of(folded)
            n = f.n
            self._room(n)
            for j in range(n):
                self.arena[self.used + j] = char_at(f, j)
        for j in range(n):
            h = (h ^ <uint64_t>self.arena[self.used + j]) * FNV_PRIME
        self.words[self.nwords].h = hash_finish(h)
        self.words[self.nwords].off = self.used
        self.words[self.nwords].n = n
        self.used += n
        self.nwords += 1
        return self.nwords - 1

    cdef bint same(self, Py_ssize_t a, _FoldedWords other, Py_ssize_t b) noexcept:
        cdef Folded *x = &self.words[a]
        cdef Folded *y = &other.words[b]
        cdef Py_ssize_t j
        if x.h != y.h or x.n != y.n:
            return False
        for j in range(x.n):
            if self.arena[x.off + j] != other.arena[y.off + j]:
                return False
        return True

    cdef int index(self) except -1:
        """Build the membership table over the words so far."""
        cdef Py_ssize_t size = 16, k
        cdef uint64_t slot
        while size < 2 * self.nwords:
            size *= 2
        PyMem_Free(self.slots)
        self.slots = <Py_ssize_t *>PyMem_Calloc(size, sizeof(Py_ssize_t))
        if not self.slots:
            raise MemoryError()
        self.mask = size - 1
        for k in range(self.nwords):
            slot = self.words[k].h & self.mask
            while self.slots[slot]:
                slot = (slot + 1) & self.mask
            self.slots[slot] = k + 1
        return 0

    cdef bint holds(self, _FoldedWords other, Py_ssize_t b) noexcept:
        """Whether other's word b is among these words (after index())."""
        cdef uint64_t slot = other.words[b].h & self.mask
        while self.slots[slot]:
            if self.same(self.slots[slot] - 1, other, b):
                return True
            slot = (slot + 1) & self.mask
        return False


cdef int fold_content_words(str text, _FoldedWords into) except -1:
    """Add text's runs of 4+ content characters (sre's [^\\W\\d_]{4,}), casefolded."""
    cdef Text t = text_of(text)
    cdef Py_ssize_t j, start = 0, run = 0
    for j in range(t.n + 1):
        if j < t.n and is_content_char(char_at(t, j)):
            if run == 0:
                start = j
            run += 1
        else:
            if run >= 4:
                into.add(text, t, start, start + run)
            run = 0
    return 0


def headline_content_words(str text):
    """headline._content_words: the casefolded runs of 4+ content characters, as a set."""
    cdef _FoldedWords words = _FoldedWords()
    cdef Py_ssize_t k
    fold_content_words(text, words)
    return {
        PyUnicode_FromKindAndData(4, &words.arena[words.words[k].off], words.words[k].n)
        for k in range(words.nwords)
    }


def headline_candidates(list texts, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t max_words,
                        Py_ssize_t sentence_words):
    """headline.candidates' filter over texts[lo:hi]: at most max_words words (str.split's), and
    not a sentence (sentence_words or more words, ending in '.', '!' or '?' after trailing
    spaces, not in '...')."""
    cdef Py_ssize_t i, j, words, end
    cdef Py_UCS4 ch
    cdef bint in_word
    found = []
    for i in range(lo, hi):
        t = text_of(<str>texts[i])
        words = 0
        in_word = False
        for j in range(t.n):
            if space_char(char_at(t, j)):
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
                if words > max_words:
                    break
        if words > max_words:
            continue
        if words >= sentence_words:
            end = t.n
            while end > 0 and space_char(char_at(t, end - 1)):
                end -= 1
            ch = char_at(t, end - 1) if end > 0 else 0
            if (ch == 46 or ch == 33 or ch == 63) and not (
                ch == 46 and end >= 3 and char_at(t, end - 2) == 46 and char_at(t, end - 3) == 46
            ):
                continue
        found.append(i)
    return found


def headline_features(
    list texts, list cands, const float[:, ::1] p1, const float[:, ::1] p2, Py_ssize_t first_body,
    str lede, Py_ssize_t title_col, Py_ssize_t width,
):
    """headline.candidate_features' rows, to the bit: the score columns as numpy computes them
    (the title gap in float32, the rank of a stable sort by falling title score), then the
    line-by-line columns (headline_shapes)."""
    cdef Py_ssize_t m = len(cands), r, q, c, k = p2.shape[1], at, dist, rank
    cdef float top = 0, ti
    out = np.empty((m, width), dtype=np.float64)
    cdef double[:, ::1] o = out
    lines = np.asarray(cands, dtype=np.intp)
    cdef Py_ssize_t[::1] ix = lines
    titles = np.empty(m, dtype=np.float32)
    cdef float[::1] tt = titles
    for r in range(m):
        tt[r] = p2[ix[r], title_col]
        if r == 0 or tt[r] > top:
            top = tt[r]
    for r in range(m):
        at = ix[r]
        ti = tt[r]
        rank = 0
        for q in range(m):
            if tt[q] > ti or (tt[q] == ti and q < r):
                rank += 1
        for c in range(k):
            o[r, c] = p2[at, c]
        dist = first_body - at
        o[r, k] = p1[at, title_col]
        o[r, k + 1] = top
        o[r, k + 2] = min(rank, 5)
        o[r, k + 3] = <float>(top - ti)
        o[r, k + 4] = (dist > 0) - (dist < 0)
        o[r, k + 5] = <double>min(dist if dist >= 0 else -dist, 20) / 20.0
        o[r, k + 6] = dist == 1
        o[r, k + 7] = dist == 2
    if m:
        out[:, k + 8 :] = headline_shapes(texts, cands, lede)
    return out


def headline_shapes(list texts, list cands, str lede):
    """headline._shape of each candidate line (`lede`: the text whose content words count), as
    one float64 array (rows: candidates): the same counts from one pass over each line's
    characters, the same divisions in Python floats."""
    cdef Py_ssize_t r, n, j, words, caps, shared, k, q, distinct
    cdef _FoldedWords lede_words = _FoldedWords(), line_words
    cdef bint seen
    fold_content_words(lede, lede_words)
    lede_words.index()
    line_words = _FoldedWords()
    cdef Py_UCS4 ch, prev
    cdef bint digit, sep, in_word
    out = np.empty((len(cands), 8), dtype=np.float64)
    cdef double[:, ::1] o = out
    for r in range(len(cands)):
        text = <str>texts[cands[r]]
        t = text_of(text)
        n = t.n
        words = caps = 0
        digit = sep = in_word = False
        prev = 0
        for j in range(n + 1):
            ch = char_at(t, j) if j < n else 0x20
            if j < n:
                if digit_char(ch):
                    digit = True
                if ch == 58 or ch == 124 or ch == 0xBB:  # ":", "|", "»"
                    sep = True
                elif ch == 45 and prev == 32 and j + 1 < n and char_at(t, j + 1) == 32:
                    sep = True  # " - "
            if space_char(ch):
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
                if upper_char(ch):
                    caps += 1
            prev = ch
        line_words.used = line_words.nwords = 0  # reused: its arrays stay allocated
        fold_content_words(text, line_words)
        distinct = shared = 0
        for k in range(line_words.nwords):
            seen = False
            for q in range(k):
                if line_words.same(q, line_words, k):
                    seen = True
                    break
            if not seen:
                distinct += 1
                shared += lede_words.holds(line_words, k)
        # int / int in Python is the correctly rounded quotient, as a double division of the
        # two (exactly representable) counts is
        o[r, 0] = <double>min(words, 30) / 30.0
        o[r, 1] = n > 0 and char_at(t, n - 1) == 46
        o[r, 2] = n > 0 and (char_at(t, n - 1) == 63 or char_at(t, n - 1) == 33)
        o[r, 3] = <double>caps / <double>max(1, words)
        o[r, 4] = digit
        o[r, 5] = sep
        o[r, 6] = <double>shared / <double>max(1, distinct)
        o[r, 7] = <double>min(distinct, 15) / 15.0
    return out


# --- text.without_lone_surrogates' test ----------------------------------------------------------


cdef enum:
    SURROGATE_BLOCK = 512  # code units tested together: a loop the compiler vectorises
    SURROGATE_HIGH_BITS = 0xD800 >> 11  # U+D800..U+DFFF are the code points whose bits 11+ are 0x1B


cdef bint _surrogate_in(const ucs_t *u, Py_ssize_t n) noexcept:
    """Whether u[:n] holds a surrogate code unit (for 2- and 4-byte strings). A shift and a
    small constant keep the test in C: a mask like 0xFFFFF800 is past a C long's guaranteed
    range, so Cython made each code unit a Python int (1.9 ms on an 80 KB page, not 5 us)."""
    cdef Py_ssize_t j = 0, k
    cdef unsigned int hit
    while j < n:
        hit = 0
        for k in range(j, min(j + SURROGATE_BLOCK, n)):
            hit |= (u[k] >> 11) == SURROGATE_HIGH_BITS
        if hit:
            return True
        j += SURROGATE_BLOCK
    return False


def has_surrogates(str text):
    """Whether text holds a code point U+D800..U+DFFF (what str.encode("utf-8") refuses): one
    pass over a wide string's code units, a block of them at a time without a branch each (a
    100 KB HTML page is a few microseconds); a 1-byte string cannot hold one."""
    cdef Text t = text_of(text)
    if t.kind == PyUnicode_1BYTE_KIND:
        return False
    if t.kind == PyUnicode_2BYTE_KIND:
        return _surrogate_in(<const uint16_t *>t.data, t.n)
    return _surrogate_in(<const uint32_t *>t.data, t.n)
