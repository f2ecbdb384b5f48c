"""`--no-clean` offsets refer to the text exactly as the user gave it, whichever way it came in:
a dict given to `cleaner.track`, a JSONL record, a text file or stdin, through the API or the
CLI. Before, text read from files was normalised (NFC, CRLF, odd and double spaces) while text
given in Python was not, so the same article got different offsets and hashes."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.cli import main
from cleaner.sources import iter_records

# Everything normalisation would change: CRLF, NBSP, double and trailing spaces, a decomposed
# "é" (NFD), a soft hyphen, a tab; and curly quotes, which it keeps.
WIRE = (
    "TOKYO (Reuters) - Japan's central bank kept interest rates at 0.5 percent on Tuesday,\r\n"
    "Governor Kazuo Ueda said, adding that inflation may slow to 2 percent next year.\r\n"
    "The decision was expected by most economists polled by Reuters.\r\n"
)
REWRITE = (
    "Japan\u2019s central\u00a0bank kept rates at 0.5 percent on Tuesday,  Governor Kazuo Ueda "
    "said,\r\nadding that \u201cinflation will slow to 3 percent\u201d next year.  \r\n"
    "The de\u00adcision was expected, said a Cafe\u0301 owner in Tokyo.\t Markets were calm.  "
)


def _check_offsets(report: dict, text: str, wire: str) -> None:
    """Every offset of the report indexes `text` (and `wire`) as given."""
    assert report["content_hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    spans = report["spans"]
    assert spans and spans[-1]["end"] <= len(text)
    assert " ".join(text[s["start"] : s["end"]] for s in spans).split() == text.split()
    assert report["discrepancies"]
    for d in report["discrepancies"]:  # a side with nothing (quote-added, ...) has no offsets
        if d["rewrite_start"] is not None:
            assert text[d["rewrite_start"] : d["rewrite_end"]] == d["rewrite_text"]
        if d["wire_start"] is not None:
            assert wire[d["wire_start"] : d["wire_end"]] == d["wire_text"]
    assert any(
        d["rewrite_start"] is not None and d["wire_start"] is not None
        for d in report["discrepancies"]
    )
    for s in report["wire_sentences"]:
        assert wire[s["start"] : s["end"]].strip() == wire[s["start"] : s["end"]] != ""


def _essence(report: dict) -> dict:
    """A report without its id (a file's record id is its path)."""
    return {k: v for k, v in report.items() if k != "id"}


def _cli(args: list[str], capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["track", *args, "--no-clean"]) == 0
    return {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    jsonl = tmp_path / "corpus.jsonl"
    rows = [{"id": "w", "text": WIRE, "role": "wire"}, {"id": "r", "text": REWRITE}]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    txt = tmp_path / "r.txt"
    txt.write_bytes(b"\xef\xbb\xbf" + REWRITE.encode("utf-8"))  # a BOM is not part of the text
    return {"jsonl": jsonl, "wire": wire, "txt": txt}


def test_api_and_cli_agree_on_the_text_as_given(
    files: dict[str, Path], capsys, monkeypatch
) -> None:
    records = [{"id": "w", "text": WIRE, "role": "wire"}, {"id": "r", "text": REWRITE}]
    given = {r["id"]: r for r in cleaner.track(records, no_clean=True)}
    _check_offsets(given["r"], REWRITE, WIRE)

    from_path = {r["id"]: r for r in cleaner.track([str(files["jsonl"])], no_clean=True)}
    from_cli = _cli([str(files["jsonl"])], capsys)
    from_txt = _cli([str(files["txt"]), "--wire", str(files["wire"])], capsys)
    stdin = io.TextIOWrapper(io.BytesIO(files["jsonl"].read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    from_stdin = _cli(["-"], capsys)
    for reports in (from_path, from_cli, from_stdin):
        assert reports == given
    assert _essence(from_txt[str(files["txt"])]) == _essence(given["r"])


def test_a_lone_surrogate_becomes_one_replacement_character(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    rows = [{"id": "w", "text": WIRE + "\ud800", "role": "wire"}, {"id": "r", "text": REWRITE}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    reports = _cli([str(corpus)], capsys)  # was exit 2 for the whole run (UnicodeEncodeError)
    assert (
        reports["w"]["content_hash"]
        == hashlib.sha256((WIRE + "\ufffd").encode("utf-8")).hexdigest()
    )
    _check_offsets(reports["r"], REWRITE, WIRE + "\ufffd")


def test_sources_as_given_keeps_the_decoded_text(files: dict[str, Path]) -> None:
    (rec,) = iter_records([str(files["txt"])], as_given=True, max_line_chars=10)
    assert rec.text == REWRITE  # not normalised, long lines not split, the BOM dropped
    (rec,) = iter_records([str(files["txt"])])
    assert rec.text != REWRITE and "\r" not in rec.text and "\u00a0" not in rec.text
    recs = list(iter_records([str(files["jsonl"])], as_given=True))
    assert [r.text for r in recs] == [WIRE, REWRITE]
