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


def parse_labelled(text: str, name: str = "<string>") -> LabelledDoc:
    meta: dict[str, str] = {}
    lines: list[Line] = []
    in_header = True
    blank = False
    for row_no, row in enumerate(text.split("\n"), start=1):
        if in_header and row.startswith("#"):
            key, sep, value = row[1:].partition(":")
            if sep:
                meta[key.strip()] = value.strip()
            continue
        in_header = False
        if not row.strip():
            blank = bool(lines)
            continue
        label, tab, line_text = row.partition("\t")
        if not tab or label not in LABELS:
            raise LabelledFormatError(
                f"{name}:{row_no}: expected '<label>\\t<text>',"
                f" the label one of {', '.join(LABELS)}"
            )
        lines.append(Line(text=line_text, index=len(lines), blank_before=blank, label=label))
        blank = False
    return LabelledDoc(name=name, lines=lines, meta=meta)


def read_labelled(path: str | Path) -> LabelledDoc:
    path = Path(path)
    return parse_labelled(path.read_text(encoding="utf-8"), name=str(path))


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
