"""Read inputs (.txt, .html/.htm, .jsonl, stdin, folders) into Records; decode bytes safely.

Every input document becomes exactly one `Record`, in a deterministic order: a file is one
record, a JSONL line is one record, stdin is one record (or one per line when it is JSONL).
Nothing here raises for bad content: an input that cannot be read becomes a Record whose `error`
names the file (and line) and says what went wrong, so a batch always finishes.

Decisions worth knowing:
- An empty (or whitespace-only) file is not an error here: it becomes a Record with text ""
  and the cleaner returns an empty article that says why.
- Size limits are checked before reading (`stat`), and stdin is read in chunks up to the limit,
  so an oversized input is never loaded into memory. For JSONL the limit applies per line (one
  line is one document), so a JSONL file may be as large as you like.
- Text is passed through `cleaner.text.normalise` (NFC, one kind of newline, no invisible or
  control characters, single spaces): the words never change. With `as_given` (`cleaner track
  --no-clean`, whose offsets refer to the text as the user gave it) the text is kept exactly as
  decoded: not normalised, no long line split.
- HTML is kept as decoded, as `clean()` is given it: the cleaner normalises the lines it
  renders. Normalising the markup here too made a page clean differently from a file or a
  JSONL record than from `clean()` (402 of the 2,002 corpus pages, by a line's score or
  label): whitespace inside a link counted in the line's link characters as decoded, which is
  how training read the pages, and not once normalised. It also cost the reading process about
  2.5 ms an HTML page, in the parent alone under `--parallel`.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .lines import looks_like_html, normalise_scrape


@dataclass(slots=True)
class Record:
    """One input document. Exactly one of `text` / `html` is set, or `error` says why neither is."""

    id: str
    text: str | None = None
    html: str | None = None
    meta: dict = field(default_factory=dict)  # other fields of a JSONL record, passed through
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # reading problems that lost nothing else


class InputError(ValueError):
    """Bytes that are not a text document (binary content, or bytes no encoding reads); the
    message says what they look like."""


DEFAULT_MAX_BYTES = 20_000_000
"""Largest document read (a file, stdin, or one JSONL line); larger ones become error records."""

DEFAULT_MAX_LINE_CHARS = 2_000_000
"""Longest single line of a text document passed on as one line. Longer lines are split at spaces
into lines of at most this many characters (no character is dropped): it bounds the memory of one
line. A 1 MB one-line scrape passes through unchanged; the cleaner then cuts any line over 10,000
characters at sentence ends into paragraph-sized lines and says so in the article's warnings
(`lines._split_long`)."""

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})  # one record, or an array of records
MANY_RECORD_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES
STDIN = "-"
STDIN_ID = "<stdin>"

# ---------------------------------------------------------------------------------------------
# Decoding bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# File signatures of formats people accidentally feed to a text tool.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP (or DOCX/XLSX/EPUB)"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "GZIP"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BZh", "BZIP2"),
    (b"\xfd7zXZ\x00", "XZ"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x28\xb5\x2f\xfd", "Zstandard"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office (OLE)"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)

# Control bytes other than tab, LF, VT, FF, CR and ESC: rare in text, common in binary.
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D, 0x1E}
_SNIFF_BYTES = 8192
_MAX_CONTROL_RATIO = 0.05  # random bytes have ~10 %; text has none

# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, <?xml ... ?>
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""")

# What browsers do (WHATWG Encoding): these labels mean windows-1252, and a page cannot declare
# UTF-16 in a <meta> it would have to be ASCII-compatible to contain.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}

# Single-byte Latin-script code pages that charset_normalizer often confuses for one another on
# short Western text (it calls French latin-1 "cp1257"). Among these we prefer cp1252, the web's
# default, unless it turns letters into symbols inside words where the detected one does not.
_LATIN_FAMILY = frozenset(
    {
        "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
        "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
        "mac_latin2", "mac_roman", "mac_iceland", "mac_turkish", "cp437", "cp850", "cp852",
        "cp858", "cp775", "cp860", "cp861", "cp863", "cp865", "hp_roman8",
    }
)  # fmt: skip
_NON_ASCII_IN_WORD = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f’‘](?=[^\W\d_])")


_CONTROL_BYTES_DELETE = bytes(sorted(_CONTROL_BYTES))


def binary_kind(data: bytes) -> str | None:
    """Why `data` is binary ("looks like PNG", "NUL bytes", ...), or None if it may be text.

    Call it only on bytes without a UTF-16/32 BOM: those legitimately contain NUL bytes."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f"looks like {name}"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return f"looks like {data[8:12].decode().strip()}"
    sample = data[:_SNIFF_BYTES]
    if not sample or _utf16_without_bom(sample):
        return None
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES_DELETE))
    if control / len(sample) > _MAX_CONTROL_RATIO:
        return "NUL bytes" if sample.count(0) * 4 >= control else "many control characters"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes sit in every other position (ASCII-range
    UTF-16 text), else None."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 8:
        return None
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def sniff_declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (`<meta charset>`, `http-equiv`, `<?xml`)."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _codec(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None if Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(label).name
        ascii_compatible = _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
    except (LookupError, UnicodeDecodeError):
        return None
    # a page whose <meta> could be read as ASCII is not in EBCDIC or UTF-7: a declaration of
    # one (cp037 on an ASCII page) would only garble it
    return codec if ascii_compatible else None


_ASCII_PROBE = b'<meta charset="x"> a+b-c=d'  # "+b-" is a shift in UTF-7


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode a document's bytes; returns (text, encoding name). Not normalised.

    Order: a BOM wins; then strict UTF-8 (most of the web, and fast; ASCII reads the same in
    every codec a page may declare, see _codec); then the declared charset (`declared`, e.g.
    from an HTTP header, else a `<meta charset>` in the first 4 KB) if the bytes decode with
    it; then UTF-8 with a few stray bytes replaced; then charset_normalizer's detection; last
    UTF-8 with replacement characters. Raises InputError for binary content, and when more than
    _MAX_REPLACED_SHARE of the characters would be replacements.

    A browser would follow the declaration before checking UTF-8. A saved scrape is often
    re-encoded to UTF-8 with its old `<meta charset="iso-8859-1">` left in (124 of the 2,002
    corpus pages), and read by its declaration every curly quote and accented letter turns
    into two or three wrong characters ("donâ€™t"); a page really in a single-byte code page
    is next to never well-formed UTF-8 once it has a non-ASCII byte."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    kind = binary_kind(data)
    if kind:
        raise InputError(f"binary content ({kind})")
    utf16 = _utf16_without_bom(data[:_SNIFF_BYTES])
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    try:  # well-formed UTF-8 outranks a declaration (see the docstring)
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for label in (declared, sniff_declared_charset(data)):
        codec = _codec(label)
        if codec:
            try:
                return data.decode(codec), codec
            except (UnicodeDecodeError, LookupError):
                pass  # a lying declaration: fall through to detection
    stray = _utf8_with_stray_bytes(data)
    if stray:
        return stray
    detected = _detect(data)
    if detected:
        return detected
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad > _MAX_REPLACED_SHARE * (len(text) - text.count(" ") - text.count("\n")):
        raise InputError(
            f"undecodable bytes ({bad:,} of {len(text):,} characters are not UTF-8, and no "
            "other encoding fits)"
        )
    return text, f"utf-8 (bytes not valid UTF-8, {REPLACED})"


_MAX_REPLACED_SHARE = 0.3
"""Past this share of characters replaced, what is left is not a document (random bytes or a
compressed file without a known signature) but a few letters among U+FFFD: an error record
says so instead of an "article" of replacement characters."""


REPLACED = "replaced with U+FFFD"
"""In the encoding name decode_bytes returns when it had to replace bytes (see
decoding_warning)."""


def _utf8_with_stray_bytes(data: bytes) -> tuple[str, str] | None:
    """A UTF-8 document with a few bytes of another encoding pasted in (a latin-1 "é" in a UTF-8
    page): UTF-8 with those bytes replaced, when it has at least as many well-formed non-ASCII
    characters as bad bytes (one dash and one stray "é" will do). Detection would read the
    whole document in a single-byte code page and turn every curly quote and dash into two or
    three wrong characters; a real single-byte document has next to no well-formed UTF-8
    sequences."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if bad <= 0 or non_ascii - bad < bad:
        return None
    return text, f"utf-8 ({bad:,} byte{'s' if bad > 1 else ''} not valid UTF-8, {REPLACED})"


def decoding_warning(name: str, encoding: str) -> str | None:
    """What a reader should know about how `name` was decoded: bytes replaced, or None."""
    if REPLACED not in encoding:
        return None
    return f"{name}: {encoding[encoding.index('(') + 1 : -1]}"


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = codecs.lookup(best.encoding).name.replace("-", "_")
    text = str(best)
    if encoding in _LATIN_FAMILY and encoding != "cp1252":
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            return text, encoding
        if _symbols_in_words(western) <= _symbols_in_words(text):
            return western, "cp1252"
    return text, encoding


def _symbols_in_words(text: str) -> int:
    """How many non-letters sit between two letters (a sign of the wrong code page: "Za¿ó³æ")."""
    return sum(1 for m in _NON_ASCII_IN_WORD.finditer(text, 0, 200_000) if not m[0].isalpha())


# ---------------------------------------------------------------------------------------------
# Turning decoded text into Records


def wrap_long_lines(text: str, max_line_chars: int) -> str:
    """Split lines longer than `max_line_chars` at spaces; every character is kept."""
    if max_line_chars <= 0 or len(text) <= max_line_chars:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > max_line_chars:
            cut = line.rfind(" ", 0, max_line_chars + 1)
            if cut <= 0:
                cut = max_line_chars
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return "\n".join(out)


_JSON_TYPES = {
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "an array",
    dict: "an object",
}
"""What a JSON value of each Python type was, in JSON's words."""


def content_type_error(text: object, html: object) -> str | None:
    """What is wrong with a record's `text` / `html` fields when one is set but not a string."""
    for key, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            return f"'{key}' is {_JSON_TYPES.get(type(value), type(value).__name__)}, not a string"
    return None


def _as_read(text: str, max_line_chars: int, as_given: bool, html: bool = False) -> str:
    """A document's text as a Record carries it: text normalised, with over-long lines split;
    HTML as decoded (see the module notes); with `as_given` exactly as decoded."""
    if as_given or html:
        return text
    return wrap_long_lines(normalise_scrape(text), max_line_chars)  # text.normalise, compiled


def record_from_dict(
    obj: dict,
    *,
    default_id: str,
    where: str,
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS,
    as_given: bool = False,
) -> Record:
    """A Record from a JSON object / dict with `id` and `text` or `html`; other keys go to meta.

    When both are present, non-empty `html` wins (it carries DOM hints) and `text` is dropped."""
    raw_id = obj.get("id")
    rec_id = (None if raw_id is None or raw_id == "" else _id_text(raw_id)) or default_id
    meta = {k: v for k, v in obj.items() if k not in ("id", "text", "html")}
    text, html = obj.get("text"), obj.get("html")
    problem = content_type_error(text, html)
    if problem:
        return Record(rec_id, meta=meta, error=f"{where}: {problem}")
    if isinstance(html, str) and (html.strip() or text is None):
        return Record(rec_id, html=_as_read(html, max_line_chars, as_given, html=True), meta=meta)
    if isinstance(text, str):
        return Record(rec_id, text=_as_read(text, max_line_chars, as_given), meta=meta)
    return Record(rec_id, meta=meta, error=f"{where}: has neither 'text' nor 'html'")


def _id_text(raw_id: object) -> str | None:
    """A record's id as a str: a string as it is (exactly: a JSON output escapes what it must,
    so the id reads back equal to the input's for a join), anything else as its JSON text
    (7 -> "7", true -> "true", {"n": 1} -> '{"n": 1}', not Python's "True"), or str() for what
    JSON cannot spell (a numpy integer from a DataFrame); None (the record gets its default
    id) for NaN or infinity."""
    if isinstance(raw_id, str):
        return raw_id
    try:
        return json.dumps(raw_id, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity (Python's json reads them): no JSON text
        return None
    except TypeError:
        return str(raw_id)


def record_from_text(
    rec_id: str,
    text: str,
    *,
    kind: str = "auto",
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS,
    as_given: bool = False,
) -> Record:
    """A Record from a decoded document; kind is "text", "html" or "auto" (sniffed)."""
    if kind == "html" or (kind == "auto" and looks_like_html(text)):
        return Record(rec_id, html=_as_read(text, max_line_chars, as_given, html=True))
    return Record(rec_id, text=_as_read(text, max_line_chars, as_given))


def _human(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.0f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} bytes"


def _too_big(what: str, size: int | None, max_bytes: int) -> str:
    if size is None:
        return f"{what} is over the {_human(max_bytes)} limit; raise --max-bytes"
    return f"{what} is {_human(size)}, over the {_human(max_bytes)} limit; raise --max-bytes"


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "auto"


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Each path as given, with folders replaced by what they hold: recursive, sorted, no hidden
    files or folders, symlinked folders followed (each real folder once, so a link loop ends;
    a link to a folder inside the tree is not: that folder is read under its own name).
    "-" (stdin) and missing paths pass through (they become records later), and so does what a
    folder holds but cannot be read from it: a dangling symlink, a folder that cannot be listed,
    a FIFO, socket or device (reading a FIFO nobody writes to would wait for ever). Those come as
    a `FolderProblem`, a str that says what is wrong, which iter_records turns into an error
    record: nothing in a folder is skipped without a word."""
    for given in paths:
        if given == STDIN:
            yield given
            continue
        root = Path(given)
        if not root.is_dir():
            yield given
            continue
        found = sorted(_walk(root), key=lambda p: Path(p).relative_to(root).parts)
        yield from found


class FolderProblem(str):
    """A path found in a folder that cannot be read as a document; `problem` says why."""

    problem: str

    def __new__(cls, path: str, problem: str) -> FolderProblem:
        made = super().__new__(cls, path)
        made.problem = problem
        return made

    def __reduce__(self) -> tuple:
        return (FolderProblem, (str(self), self.problem))


def _walk(root: Path) -> Iterator[str]:
    """The files below `root` (see expand_paths), in no particular order."""
    unlistable: list[OSError] = []
    top = os.path.realpath(root)
    seen = {top}
    for folder, dirs, files in os.walk(root, onerror=unlistable.append, followlinks=True):
        kept = []
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            real = os.path.realpath(path)
            if name.startswith(".") or real in seen:
                continue
            if os.path.islink(path) and (real + os.sep).startswith(top + os.sep):
                continue  # a folder of the tree itself: read under its own name (or hidden)
            seen.add(real)
            kept.append(name)
        dirs[:] = kept
        for name in files:
            if not name.startswith("."):
                yield _found_file(os.path.join(folder, name))
    for exc in unlistable:
        yield FolderProblem(str(exc.filename), f"cannot list the folder ({exc.strerror or exc})")


def _found_file(path: str) -> str:
    """`path`, or a FolderProblem when it is a FIFO, socket or device (a dangling symlink
    passes: reading it says it is missing)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path
    if stat.S_ISREG(mode):
        return path
    return FolderProblem(
        path, "not a regular file (a FIFO, socket or device); not read from a folder"
    )


def iter_records(
    paths: Iterable[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS,
    stdin: BinaryIO | None = None,
    as_given: bool = False,
) -> Iterator[Record]:
    """One Record per document in `paths` (files, folders, "-" for stdin), in order.

    Kinds: `.txt` text, `.html/.htm` HTML, `.jsonl/.ndjson` one record a line; other files are
    HTML when they start with `<` and contain HTML tags, else text. Stdin is JSONL when its
    first non-space character is `{`, else sniffed the same way. Never raises for bad input.
    `as_given`: keep each text exactly as decoded (see the module notes)."""
    lines = max_line_chars
    for name in expand_paths(paths):
        if name == STDIN:
            stream = stdin or sys.stdin.buffer
            yield from _stream_records(stream, max_bytes, lines, as_given=as_given)
            continue
        if isinstance(name, FolderProblem):  # its Record holds a plain str, as others do
            yield Record(str(name), error=f"{name}: {name.problem}")
            continue
        path = Path(name)
        kind = _kind_of(path)
        if is_pipe(path):  # <(zcat feed.jsonl), /dev/stdin: read as stdin is
            yield from _pipe_records(path, name, max_bytes, lines, as_given)
        elif kind == "jsonl" or (
            kind in ("auto", "json") and _starts_with_a_json_object(path, max_bytes)
        ):  # a .json file whose first line is a whole object is JSONL saved as .json
            yield from _jsonl_file_records(path, name, max_bytes, lines, as_given)
        elif kind == "json":
            yield from _json_file_records(path, name, max_bytes, lines, as_given)
        else:
            yield _file_record(path, name, kind, max_bytes, lines, as_given)


def is_pipe(path: Path) -> bool:
    """A FIFO or character device (what process substitution and /dev/stdin name)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def stream_records(
    stream: BinaryIO, name: str = STDIN_ID, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Record]:
    """The records of a stream read as stdin is (JSONL when it starts with `{`, else one
    document), named `name`: for a copy of stdin or of a pipe, read again."""
    return _stream_records(stream, max_bytes, DEFAULT_MAX_LINE_CHARS, name)


def _pipe_records(
    path: Path, name: str, max_bytes: int, max_line_chars: int, as_given: bool = False
) -> Iterator[Record]:
    return _opened(
        path, name, lambda h: _stream_records(h, max_bytes, max_line_chars, name, as_given)
    )


def _opened(
    path: Path, name: str, read: Callable[[io.BufferedReader], Iterator[Record]]
) -> Iterator[Record]:
    """The records `read` makes of the opened file, or one error record naming it when it
    cannot be opened."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Record(name, error=f"{name}: cannot read ({exc.strerror or exc})")
        return
    with handle:
        yield from read(handle)


def _starts_with_a_json_object(path: Path, max_bytes: int) -> bool:
    """Whether a file of no known kind is JSONL: its first line (UTF-8, or UTF-16/32 with a
    BOM) is a whole JSON object, or starts one and is longer than a record may be (the JSONL
    reader then says so). A pretty-printed JSON document, whose first line is "{", stays one
    text document."""
    try:
        with path.open("rb") as handle:
            first = _as_utf8(handle).readline(max_bytes + 1)
    except OSError:
        return False  # _file_record says why
    text = first.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    if len(first) > max_bytes:
        return text.startswith('{"')
    try:
        return isinstance(json.loads(text), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _file_record(
    path: Path, name: str, kind: str, max_bytes: int, max_line_chars: int, as_given: bool = False
) -> Record:
    data = _whole_file(path, name, max_bytes)
    if isinstance(data, Record):
        return data
    return _bytes_record(name, data, kind, max_line_chars, as_given)


def _whole_file(path: Path, name: str, max_bytes: int) -> bytes | Record:
    """A regular file's bytes, or the error Record naming it (not a regular file, over
    max_bytes by its size before reading or by what was read, not readable)."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return Record(name, error=f"{name}: not a regular file")
        if size > max_bytes:
            return Record(name, error=f"{name}: " + _too_big("file", size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        return Record(name, error=f"{name}: cannot read ({exc.strerror or exc})")
    if len(data) > max_bytes:
        return Record(name, error=f"{name}: " + _too_big("file", None, max_bytes))
    return data


def record_from_bytes(rec_id: str, data: bytes, *, kind: str = "auto") -> Record:
    """A Record from a document's bytes, decoded as files are (see decode_bytes); binary
    content becomes an error record."""
    return _bytes_record(rec_id, data, kind, DEFAULT_MAX_LINE_CHARS)


def _bytes_record(
    name: str, data: bytes, kind: str, max_line_chars: int, as_given: bool = False
) -> Record:
    try:
        text, encoding = decode_bytes(data)
    except InputError as exc:
        return Record(name, error=f"{name}: {exc}")
    record = record_from_text(
        name, text, kind=kind, max_line_chars=max_line_chars, as_given=as_given
    )
    warning = decoding_warning(name, encoding)
    if warning:
        record.warnings.append(warning)
    return record


def _jsonl_file_records(
    path: Path, name: str, max_bytes: int, max_line_chars: int, as_given: bool = False
) -> Iterator[Record]:
    def read(handle: io.BufferedReader) -> Iterator[Record]:
        return _jsonl_records(_as_utf8(handle), name, max_bytes, max_line_chars, as_given)

    return _opened(path, name, read)


def _json_file_records(
    path: Path, name: str, max_bytes: int, max_line_chars: int, as_given: bool = False
) -> Iterator[Record]:
    """A .json file: one JSON object (one record, named after the file when it has no id) or
    an array of them (one record each, `<file>[i]` without an id; an empty array has none).
    Read whole, so the file is held to max_bytes; a stream belongs in JSONL."""
    data = _whole_file(path, name, max_bytes)
    if isinstance(data, Record):
        yield data
        return
    bom = _unicode_bom(data[:4])
    if bom:
        data = data.decode(bom, errors="replace").encode("utf-8", "surrogatepass")
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    parsed = _json_value(data, name)
    if isinstance(parsed, Record):
        yield parsed
        return
    obj, warning = parsed
    if not isinstance(obj, list):
        expected = "a JSON object or an array of them"
        yield _object_record(obj, name, warning, max_line_chars, as_given, expected)
        return
    for i, item in enumerate(obj):
        yield _object_record(item, f"{name}[{i}]", warning, max_line_chars, as_given)


def _unicode_bom(head: bytes) -> str | None:
    """The codec of a UTF-16 or UTF-32 byte-order mark at the start of `head`, else None."""
    return next((name for bom, name in _BOMS if name != "utf-8-sig" and head.startswith(bom)), None)


def _as_utf8(stream: io.BufferedReader) -> BinaryIO | io.BufferedReader:
    """JSONL should be UTF-8, but Windows tools write UTF-16 (with a byte-order mark): such a
    stream is recoded to UTF-8 as it is read, so its lines split where the text's do."""
    codec = _unicode_bom(stream.peek(4)[:4])
    if codec is None:
        return stream
    return codecs.EncodedFile(stream, "utf-8", codec)  # type: ignore[return-value]


def _jsonl_records(
    stream: BinaryIO | io.BufferedReader,
    name: str,
    max_bytes: int,
    max_line_chars: int,
    as_given: bool = False,
) -> Iterator[Record]:
    """One Record per non-blank line; a bad line becomes an error Record naming file:line."""
    line_no = 0
    while True:
        try:
            line = stream.readline(max_bytes + 1)
        except OSError as exc:
            where = f"{name}:{line_no + 1}"
            yield Record(where, error=f"{where}: cannot read ({exc})")
            return
        if not line:
            return
        line_no += 1
        where = f"{name}:{line_no}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_rest_of_line(stream)
            yield Record(where, error=f"{where}: " + _too_big("line", size, max_bytes))
            continue
        if line_no == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        yield _jsonl_line_record(line, where, max_line_chars, as_given)


def _skip_rest_of_line(stream: BinaryIO | io.BufferedReader) -> int:
    skipped = 0
    while True:
        more = stream.readline(1 << 20)
        skipped += len(more)
        if not more or more.endswith(b"\n"):
            return skipped


def _jsonl_line_record(
    line: bytes, where: str, max_line_chars: int, as_given: bool = False
) -> Record:
    parsed = _json_value(line, where)
    if isinstance(parsed, Record):
        return parsed
    obj, warning = parsed
    return _object_record(obj, where, warning, max_line_chars, as_given)


def _object_record(
    obj: object,
    where: str,
    warning: str | None,
    max_line_chars: int,
    as_given: bool,
    expected: str = "a JSON object",
) -> Record:
    """The Record of one parsed JSON value (a JSONL line, a .json file or one of its array's
    items), named `where` when it has no id; an error Record when it is not an object."""
    if not isinstance(obj, dict):
        return Record(where, error=f"{where}: expected {expected}, got {type(obj).__name__}")
    record = record_from_dict(
        obj, default_id=where, where=where, max_line_chars=max_line_chars, as_given=as_given
    )
    if warning:
        record.warnings.append(warning)
    return record


def _json_value(data: bytes, where: str) -> tuple[object, str | None] | Record:
    """(the JSON value of UTF-8 `data`, a decoding warning or None), or an error Record."""
    warning = None
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        try:  # JSON should be UTF-8, but a legacy export is better read than refused
            decoded, encoding = decode_bytes(data)
        except InputError as exc:
            return Record(where, error=f"{where}: {exc}")
        warning = decoding_warning(where, encoding)
    try:
        return json.loads(decoded), warning
    except json.JSONDecodeError as exc:
        return Record(where, error=f"{where}: not valid JSON ({_json_problem(exc)})")
    except RecursionError:
        return Record(where, error=f"{where}: not valid JSON (nested too deeply)")


def _json_problem(exc: json.JSONDecodeError) -> str:
    """The decoder's message and column, with one "at" (some messages end in their own:
    "Invalid control character at")."""
    return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"


class _Prefixed(io.RawIOBase):
    """A raw stream that replays bytes already read (for sniffing) before the rest of `stream`."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        """What the stream has now, up to `size` (read1: a pipe's first record is cleaned as
        soon as it arrives, not when 64 KB have); a plain read where there is no read1."""
        read1 = getattr(self._stream, "read1", None)
        return read1(size) if read1 is not None else self._stream.read(size)


def _starts_jsonl(head: bytes) -> bool:
    """Whether a stream's first bytes start a JSON object (after a BOM and white space)."""
    codec = _unicode_bom(head)
    text = head.decode(codec, errors="ignore") if codec else head.decode("utf-8", "ignore")
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def _stream_records(
    stream: BinaryIO,
    max_bytes: int,
    max_line_chars: int,
    name: str = STDIN_ID,
    as_given: bool = False,
) -> Iterator[Record]:
    """Stdin (or a pipe) is JSONL (streamed line by line) when it starts with `{`, else one
    document that is read in chunks and refused once it passes `max_bytes`."""
    chunks: list[bytes] = []
    total = 0
    first = b""
    read_now = getattr(stream, "read1", stream.read)  # what has arrived, not a full 64 KB
    try:
        while len(first.strip(b" \t\r\n\x00")) < 4 and total <= max_bytes:
            chunk = read_now(65536)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            first = b"".join(chunks)
        if _starts_jsonl(first):
            reader = io.BufferedReader(_Prefixed(first, stream))
            yield from _jsonl_records(_as_utf8(reader), name, max_bytes, max_line_chars, as_given)
            return
        while total <= max_bytes:
            chunk = stream.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        yield Record(name, error=f"{name}: cannot read ({exc})")
        return
    if total > max_bytes:
        yield Record(name, error=f"{name}: " + _too_big("input", None, max_bytes))
        return
    yield _bytes_record(name, b"".join(chunks), "auto", max_line_chars, as_given)
