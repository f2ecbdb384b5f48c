"""The data that flows through cleaner: a page's lines and the article made from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LABELS: tuple[str, ...] = ("title", "byline", "body", "caption", "boilerplate")
"""Every line gets exactly one of these; the index is the model's class index."""


@dataclass(slots=True)
class DomHints:
    """What the HTML said about a line; absent for text-only input."""

    tag: str = ""  # the block element the line came from: p, h1, li, td, div, figcaption ...
    path: str = ""  # ancestor tags, outermost first, joined by ">" (at most the last 6)
    link_chars: int = 0  # characters inside <a> within this line
    attrs: str = ""  # class and id words of the element and its ancestors, lower case


@dataclass(slots=True)
class Line:
    """One line of a page, as the classifier sees it."""

    text: str
    index: int
    blank_before: bool = False  # a blank line preceded it in the scrape (paragraph break)
    dom: DomHints | None = None
    label: str = ""  # set by the classifier (or by a labelled document)
    score: float = 0.0  # the classifier's probability for `label`
    # why the line got its label: a str, or (reasons of the page, position) until first read
    _reason: str | tuple[Sequence[str], int] = field(default="", repr=False)

    @property
    def reason(self) -> str:
        """Why the line got its label, in words. The cleaner words a page's reasons when one is
        first read (see reasons.PageReasons): most uses never read them."""
        held = self._reason
        if isinstance(held, str):
            return held
        reasons, at = held
        return reasons[at]

    @reason.setter
    def reason(self, value: str) -> None:
        self._reason = value

    def __eq__(self, other: object) -> bool:  # reasons compared as words, however held
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _fields_of(self) == _fields_of(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the generated dataclass


def _fields_of(line: Line) -> tuple:
    return (line.text, line.index, line.blank_before, line.dom, line.label, line.score, line.reason)


_OWN_FIELDS = frozenset(
    ("id", "title", "byline", "body", "outlet", "captions", "error", "warnings", "lines")
)
INPUT_FIELD = "input"
"""Holds the input record's fields named like ours, when it has any (see `Article.to_dict`)."""


def _passed_through(meta: dict) -> dict:
    """The input record's own fields for the output. Fields named like ours never shadow them
    (an input field named "error" must not make a cleaned record look failed), nor are they lost:
    they go, in input order, under "input" (as does an input field named "input" then)."""
    if _OWN_FIELDS.isdisjoint(meta):
        return dict(meta)
    moved = {k: v for k, v in meta.items() if k in _OWN_FIELDS or k == INPUT_FIELD}
    out = {k: v for k, v in meta.items() if k not in moved}
    out[INPUT_FIELD] = moved
    return out


@dataclass(slots=True)
class Article:
    """A cleaned page: what was kept, and every line with the reason for its label."""

    id: str = ""
    title: str | None = None
    byline: str | None = None
    body: str = ""
    captions: list[str] = field(default_factory=list)
    outlet: str | None = None
    lines: list[Line] = field(default_factory=list)
    error: str | None = None  # set when the input could not be cleaned; body is then ""
    warnings: list[str] = field(default_factory=list)  # problems that did not stop cleaning
    meta: dict = field(default_factory=dict)  # fields of the input record, passed through

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self, with_lines: bool = False) -> dict:
        """The JSON shape of the CLI's json/jsonl output (a stable contract)."""
        out = _passed_through(self.meta)
        out.update(
            {
                "id": self.id,
                "title": self.title,
                "byline": self.byline,
                "body": self.body,
                "outlet": self.outlet,
            }
        )
        if self.captions:
            out["captions"] = self.captions
        if self.error is not None:
            out["error"] = self.error
        if self.warnings:
            out["warnings"] = self.warnings
        if with_lines:
            out["lines"] = [
                {
                    "text": ln.text,
                    "label": ln.label,
                    "score": round(ln.score, 4),
                    "reason": ln.reason,
                }
                for ln in self.lines
            ]
        return out
