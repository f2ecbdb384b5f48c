"""The project's labelled documents parse, follow the conventions, and the seeds match ../shared.

These files are training data and held-out test cases; a broken row or a drifted seed would
silently change what the model learns, so every document is checked here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cleaner.article import LABELS
from cleaner.labelled import (
    LabelledDoc,
    LabelledFormatError,
    format_labelled,
    iter_labelled_dir,
    parse_labelled,
    read_labelled,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LABELLED = REPO / "labelled"
CASES = REPO / "tests" / "cases"
CASE_KINDS = {"must-go", "must-stay", "mixed", "known-failure"}

TRAIN_DOCS = list(iter_labelled_dir(LABELLED))
CASE_DOCS = list(iter_labelled_dir(CASES))
SEED_DOCS = [d for d in TRAIN_DOCS if Path(d.name).parent.name == "seeds"]


def _id(doc: LabelledDoc) -> str:
    return Path(doc.name).name


def test_collections_have_the_expected_size() -> None:
    assert len(SEED_DOCS) == 5
    assert 30 <= len(TRAIN_DOCS) - len(SEED_DOCS) <= 40
    assert 10 <= len(CASE_DOCS) <= 12


@pytest.mark.parametrize("doc", TRAIN_DOCS + CASE_DOCS, ids=_id)
def test_document_is_well_formed(doc: LabelledDoc) -> None:
    labels = Counter(line.label for line in doc.lines)
    assert set(labels) <= set(LABELS)
    assert labels["body"] >= 1, "every page needs at least one body line"
    assert labels["title"] <= 1, "the headline is labelled title once; repeats are boilerplate"
    for key in ("site", "outlet", "licence", "split"):
        assert doc.meta.get(key), f"header key {key!r} missing"
    for line in doc.lines:
        assert line.text == line.text.strip() and line.text, f"row {line.index}: stray whitespace"
        assert "\t" not in line.text


@pytest.mark.parametrize("doc", TRAIN_DOCS, ids=_id)
def test_training_document_header(doc: LabelledDoc) -> None:
    assert doc.meta["split"] == "train"
    if Path(doc.name).parent.name == "seeds":
        assert doc.meta["licence"] == "user-provided example, may be copied"
        assert doc.meta["source"] == f"shared/seeds/{Path(doc.name).stem}.txt"
    else:
        assert doc.meta["licence"] == "written by the cleaner team, CC0"
        assert 20 <= len(doc.lines) <= 80


@pytest.mark.parametrize("doc", CASE_DOCS, ids=_id)
def test_case_header(doc: LabelledDoc) -> None:
    assert doc.meta["split"] == "test"
    assert doc.meta.get("kind") in CASE_KINDS
    assert doc.meta.get("why")
    focus = [int(i) for i in doc.meta.get("focus", "").split(",") if i.strip()]
    assert all(0 <= i < len(doc.lines) for i in focus)


def test_cases_are_held_out_from_training() -> None:
    """A held-out case must not share its article or its site with any training document."""
    train_text = {ln.text for d in TRAIN_DOCS for ln in d.lines if ln.label in ("title", "body")}
    train_sites = {d.site for d in TRAIN_DOCS}
    for doc in CASE_DOCS:
        assert doc.site not in train_sites, _id(doc)
        kept = [ln.text for ln in doc.lines if ln.label in ("title", "body")]
        leaked = [text for text in kept if text in train_text]
        assert not leaked, f"{_id(doc)} repeats training lines: {leaked[:2]}"


def test_seed_round_trips_through_format_and_parse() -> None:
    path = LABELLED / "seeds" / "001_ecfab71ee9376318.tsv"
    doc = read_labelled(path)
    text = format_labelled(doc.lines, doc.meta)
    assert text == path.read_text(encoding="utf-8")
    again = parse_labelled(text, name="roundtrip")
    assert again.meta == doc.meta
    assert [(ln.text, ln.label, ln.blank_before) for ln in again.lines] == [
        (ln.text, ln.label, ln.blank_before) for ln in doc.lines
    ]
    assert any(ln.blank_before for ln in doc.lines), "seed 001 has paragraph breaks to keep"


def test_parse_rejects_a_bad_row_and_names_it() -> None:
    with pytest.raises(LabelledFormatError, match=r"bad\.tsv:3"):
        parse_labelled("# site: x\nbody\tok\nheadline\tnot a label\n", name="bad.tsv")


@pytest.mark.parametrize("doc", SEED_DOCS, ids=_id)
def test_seed_reproduces_the_shared_scrape(doc: LabelledDoc) -> None:
    raw_path = SHARED / "seeds" / f"{Path(doc.name).stem}.txt"
    if not raw_path.exists():
        pytest.skip(f"{raw_path} not present (../shared is not part of a fresh clone)")
    expected: list[tuple[str, bool]] = []
    blank = False
    for raw in raw_path.read_text(encoding="utf-8").split("\n"):
        text = raw.rstrip()
        if not text:
            blank = bool(expected)
            continue
        expected.append((text, blank))
        blank = False
    assert [(ln.text, ln.blank_before) for ln in doc.lines] == expected


def test_gold_text_stored_as_mis_encoded_utf16_is_recovered(tmp_path) -> None:
    # Five Dragnet gold files are UTF-16 whose bytes were re-encoded as if they were Latin-1.
    from cleaner.corpora import read_gold

    gold = "The ferry line will reopen on Monday.\nOfficials said so."
    broken = ("\ufeff" + gold).encode("utf-16-le").decode("latin-1").encode("utf-8")
    path = tmp_path / "1.gold.txt"
    path.write_bytes(broken)
    assert read_gold(path) == gold
    plain = tmp_path / "2.gold.txt"
    plain.write_text(gold, encoding="utf-8")
    assert read_gold(plain) == gold


# --- format errors name the file and row (a silently dropped or mangled document changes what
# the model learns) -----------------------------------------------------------------------------

GOOD_HEADER = "# site: x.test\n# outlet: X\n# licence: CC0\n# split: train\n"


def test_a_bom_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    """Notepad saves UTF-8 with a BOM and CRLF line ends: the same document, not a bad row."""
    path = tmp_path / "z.tsv"
    path.write_bytes(("\ufeff" + GOOD_HEADER + "title\tHello\r\nbody\tText.\r\n").encode())
    doc = read_labelled(path)
    assert doc.meta["site"] == "x.test"
    assert [(ln.label, ln.text) for ln in doc.lines] == [("title", "Hello"), ("body", "Text.")]
    again = parse_labelled("\ufeff# site: x.test\r\nbody\tText.\r\n", name="s.tsv")
    assert again.meta == {"site": "x.test"} and again.lines[0].text == "Text."


def test_a_file_not_in_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.tsv"
    path.write_bytes((GOOD_HEADER + "title\tCaf\xe9 opens\n").encode("latin-1"))
    with pytest.raises(LabelledFormatError, match=r"latin\.tsv:5: not UTF-8"):
        read_labelled(path)


@pytest.mark.parametrize("row", ["body\t", "caption\t   "])
def test_a_row_without_text_is_an_error(row: str) -> None:
    with pytest.raises(LabelledFormatError, match=r"z\.tsv:6: a \w+ row with no text"):
        parse_labelled(GOOD_HEADER + "title\tHello\n" + row + "\n", name="z.tsv")


@pytest.mark.parametrize("value", ["Train", "trian", ""])
def test_a_split_other_than_train_or_test_is_an_error(value: str) -> None:
    """A misspelt split used to drop the document from training without a word."""
    text = f"# site: x.test\n# split: {value}\nbody\tText.\n"
    with pytest.raises(LabelledFormatError, match=r"z\.tsv:2: split .* not one of train, test"):
        parse_labelled(text, name="z.tsv")


@pytest.mark.parametrize("row", ["# site x.test", "#", "# : value"])
def test_a_header_line_that_does_not_parse_is_an_error(row: str) -> None:
    with pytest.raises(LabelledFormatError, match=r"z\.tsv:2: expected a header line"):
        parse_labelled(f"# outlet: X\n{row}\nbody\tText.\n", name="z.tsv")


def test_a_header_line_among_the_rows_says_where_headers_go() -> None:
    with pytest.raises(LabelledFormatError, match=r"z\.tsv:2: header lines .* go before the rows"):
        parse_labelled("title\tHello\n# site: x.test\nbody\tText.\n", name="z.tsv")


@pytest.mark.parametrize("text", ["", "\n\n", GOOD_HEADER, GOOD_HEADER + "\n"])
def test_a_document_without_rows_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabelledFormatError, match=r"empty\.tsv: no labelled rows"):
        read_labelled(path)
