"""Read and write labelled documents: a `# key: value` header, then `label<TAB>line` rows.

The format is plain text so people can diff and hand-edit it. A blank row stands for a blank line
in the original scrape (it carries no label and sets `blank_before` on the next line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .article import LABELS, Line


@dataclass(slots=True)
class LabelledDoc:
    """A page whose lines carry gold labels."""

    name: str
    lines: list[Line]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def site(self) -> str:
        return self.meta.get("site", self.name)


class LabelledFormatError(ValueError):
    """A labelled document that does not follow the format; the message names file and row."""


SPLITS = ("train", "test")
"""The values `# split:` may take: training reads `train` documents (the default when the key is
absent) and leaves `test` ones out, so a misspelt value must not silently drop a document."""


def parse_labelled(text: str, name: str = "<string>") -> LabelledDoc:
    """Parse one document; anything off the format raises LabelledFormatError naming the row.
    A leading BOM and CRLF line ends (Notepad) are accepted."""
    meta: dict[str, str] = {}
    lines: list[Line] = []
    in_header = True
    blank = False
    for row_no, row in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        row = row.removesuffix("\r")
        where = f"{name}:{row_no}"
        if in_header and row.startswith("#"):
            key, value = _header_entry(row, where)
            meta[key] = value
            continue
        in_header = False
        if not row.strip():
            blank = bool(lines)
            continue
        lines.append(_row_line(row, where, len(lines), blank))
        blank = False
    if not lines:
        raise LabelledFormatError(
            f"{name}: no labelled rows (a document needs at least one '<label>\\t<text>' row)"
        )
    return LabelledDoc(name=name, lines=lines, meta=meta)


def _header_entry(row: str, where: str) -> tuple[str, str]:
    """`# key: value` -> (key, value); a row that is not one is an error, not a comment, since
    a header silently lost (`# site x`, `# split: Train`) changes what training reads."""
    key, sep, value = row[1:].partition(":")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise LabelledFormatError(f"{where}: expected a header line '# key: value'")
    if key == "split" and value not in SPLITS:
        raise LabelledFormatError(f"{where}: split {value!r} is not one of {', '.join(SPLITS)}")
    return key, value


def _row_line(row: str, where: str, index: int, blank: bool) -> Line:
    """One `label<TAB>text` row as a Line; the text may not be empty (a blank line of the page
    is an empty row, without a label)."""
    label, tab, line_text = row.partition("\t")
    if row.startswith("#"):
        raise LabelledFormatError(f"{where}: header lines ('# key: value') go before the rows")
    if not tab or label not in LABELS:
        raise LabelledFormatError(
            f"{where}: expected '<label>\\t<text>', the label one of {', '.join(LABELS)}"
        )
    if not line_text.strip():
        raise LabelledFormatError(
            f"{where}: a {label} row with no text (a blank line is an empty row, with no label)"
        )
    return Line(text=line_text, index=index, blank_before=blank, label=label)


def read_labelled(path: str | Path) -> LabelledDoc:
    """Read a UTF-8 document (a BOM is fine); other encodings are an error naming file and line,
    since guessing would change the text the model learns from."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LabelledFormatError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    # line ends as Path.read_text gives them (universal newlines: CRLF or CR is a line end)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_labelled(text, name=str(path))


def iter_labelled_dir(folder: str | Path) -> Iterator[LabelledDoc]:
    """Every `*.tsv` labelled document below `folder`, in sorted order (deterministic)."""
    for path in sorted(Path(folder).rglob("*.tsv")):
        yield read_labelled(path)


def format_labelled(lines: Iterable[Line], meta: dict[str, str] | None = None) -> str:
    out = [f"# {k}: {v}" for k, v in (meta or {}).items()]
    for line in lines:
        if line.blank_before and line.index > 0:
            out.append("")
        out.append(f"{line.label}\t{line.text}")
    return "\n".join(out) + "\n"


def write_labelled(
    path: str | Path, lines: Iterable[Line], meta: dict[str, str] | None = None
) -> None:
    Path(path).write_text(format_labelled(lines, meta), encoding="utf-8")
