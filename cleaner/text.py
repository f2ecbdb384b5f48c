"""Unicode and whitespace normalisation that never changes the words, plus word tokenising."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters that scrapes carry but readers never see.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every kind of horizontal space (NBSP, thin, ideographic ...) becomes one plain space.
_ODD_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(r"  +")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)


def normalise(text: str) -> str:
    """NFC, one kind of newline, no invisible or control characters, single spaces, no
    trailing space on a line. Letters, digits and punctuation are left as they are."""
    if "\r" in text or not text.isascii():
        text = _NEWLINES.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", _ODD_SPACE.sub(" ", text))
    return "\n".join([line.strip(" ") for line in text.split("\n")])


def words(text: str) -> list[str]:
    """Word tokens, lower-cased; the unit of the evaluation metric and of vocabulary features."""
    return _WORD.findall(text.lower())
