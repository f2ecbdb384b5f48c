"""Unicode and whitespace normalisation that never changes the words, plus word tokenising."""

from __future__ import annotations

import re
import unicodedata
from types import ModuleType

from .speedups import kernel

# Zero-width and formatting characters that scrapes carry but readers never see, and control
# characters other than tab and newline: dropped, in one pass. Not the zero-width (non-)joiners
# U+200C and U+200D: they are part of how Persian and Indic words and emoji sequences are
# spelt, so dropping them changes words.
_INVISIBLE_OR_CONTROL = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every kind of horizontal space (NBSP, thin, ideographic ...) becomes one plain space.
_ODD_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(r"  +")
# Other line separators (\r and \r\n are replaced first, with str.replace: faster than any regex).
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85\x0b\x0c]")
_LINE_SEPARATOR_CHARS = ("\u2028", "\u2029", "\x85", "\x0b", "\x0c")  # the same, for str finds
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_kernel: ModuleType | None | bool = False  # looked up on first use: importing it loads numpy


def normalise(text: str) -> str:
    """NFC, one kind of newline, no invisible or control characters, single spaces, no
    trailing space on a line. Letters, digits and punctuation are left as they are."""
    return normalise_lines(unify_line_breaks(text))


def unify_line_breaks(text: str) -> str:
    r"""normalise's first step: "\r\n" and "\r" become "\n"; so do the other line separators
    when the text has a "\r" or is not ASCII (an ASCII text's \x0b and \x0c are controls,
    dropped later). A few substring finds first: most texts have none, and the regex scan
    costs more than the rest of the step."""
    had_cr = "\r" in text
    if had_cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (had_cr or not text.isascii()) and any(c in text for c in _LINE_SEPARATOR_CHARS):
        text = _LINE_SEPARATORS.sub("\n", text)
    return text


def normalise_lines(text: str) -> str:
    """normalise() for text whose only line break is "\n" (rendered HTML, say)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_OR_CONTROL.sub("", text)
    text = _SPACES.sub(" ", _ODD_SPACE.sub(" ", text))
    return "\n".join([line.strip(" ") for line in text.split("\n")])


def words(text: str) -> list[str]:
    """Word tokens, lower-cased; the unit of the evaluation metric and of vocabulary features."""
    return _WORD.findall(text.lower())


def _surrogate_kernel() -> ModuleType | None:
    global _kernel
    if _kernel is False:
        _kernel = kernel("_linestats")
    return _kernel  # type: ignore[return-value]


def without_lone_surrogates(text: str) -> str:
    """A str can hold halves of UTF-16 pairs (from JSON "\\ud800" escapes, say) that no encoder
    accepts; each becomes U+FFFD, so one bad character does not cost a whole page or record.
    Cheap for the usual text: one ASCII test, else one encode attempt."""
    if text.isascii():
        return text
    compiled = _surrogate_kernel()
    if compiled is not None:  # one pass, no encoded copy (45 us on a 100 KB page)
        return _LONE_SURROGATE.sub("\ufffd", text) if compiled.has_surrogates(text) else text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text
