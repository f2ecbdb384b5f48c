"""Data-driven cases (ftfy-style): held-out pages in tests/cases that no training run reads.

Each case names the lines it is about (`# focus:`); those must get exactly their gold label, and
the page as a whole must keep/remove at least 90% of its lines correctly. `known-failure` cases
are expected to fail (strict xfail): when one starts passing, the suite says so and the case is
promoted instead of the failure being hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.labelled import LabelledDoc, iter_labelled_dir

CASES = list(iter_labelled_dir(Path(__file__).resolve().parent / "cases"))
KEPT = {"title", "byline", "body", "caption"}


def _page_text(doc: LabelledDoc) -> str:
    out = []
    for ln in doc.lines:
        if ln.blank_before:
            out.append("")
        out.append(ln.text)
    return "\n".join(out)


def _param(doc: LabelledDoc):
    marks = []
    if doc.meta.get("kind") == "known-failure":
        marks.append(pytest.mark.xfail(strict=True, reason=doc.meta.get("why", "")))
    return pytest.param(doc, id=Path(doc.name).stem, marks=marks)


@pytest.mark.parametrize("doc", [_param(d) for d in CASES])
def test_case(doc: LabelledDoc) -> None:
    article = clean(_page_text(doc))
    got = [ln.label for ln in article.lines]
    assert len(got) == len(doc.lines)
    focus = [int(x) for x in doc.meta.get("focus", "").replace(" ", "").split(",") if x]
    if doc.meta.get("kind") == "known-failure" and not focus:
        focus = list(range(len(doc.lines)))
    wrong = [
        (i, doc.lines[i].label, got[i], doc.lines[i].text[:60], article.lines[i].reason)
        for i in focus
        if got[i] != doc.lines[i].label
    ]
    assert not wrong, f"focus lines mislabelled: {wrong}"
    agree = sum((g in KEPT) == (d.label in KEPT) for g, d in zip(got, doc.lines, strict=True))
    assert agree / len(got) >= 0.9, f"keep/remove agreement {agree}/{len(got)}"


def test_already_clean_text_comes_through() -> None:
    """The body of each held-out case, given alone (text a user already cleaned), loses at most
    one line in twenty overall; none of it may be reported as an error."""
    kept = total = 0
    for doc in CASES:
        body = [ln.text for ln in doc.lines if ln.label == "body"]
        article = clean("\n".join(body))
        assert article.error is None, (doc.name, article.error)
        kept += sum(ln.label != "boilerplate" for ln in article.lines)
        total += len(body)
    assert kept / total >= 0.95, f"{kept} of {total} lines kept"
