"""`cleaner track` on the raw seed scrapes (cleaned by the line model), as a user would run it:
the wire named with --wire may also sit in the corpus folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cleaner.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"
WIRE = SEEDS / "001_ecfab71ee9376318.txt"


def test_track_seeds_with_the_wire_inside_the_corpus(tmp_path: Path, capsys) -> None:
    out, store = tmp_path / "report.jsonl", tmp_path / "profiles.sqlite"
    code = main(["track", str(SEEDS), "--wire", str(WIRE), "-o", str(out), "--store", str(store)])
    assert code == 0
    reports = {Path(r["id"]).name[:3]: r for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(reports) == ["000", "001", "002", "003", "004"]
    assert reports["001"]["role"] == "wire"
    for rid in ("000", "002", "003"):
        assert reports[rid]["wire_ids"][0] == str(WIRE)  # the wire explaining most words
        assert reports[rid]["derivation"] == "partially"
    assert reports["000"]["wire_ids"] == reports["002"]["wire_ids"] == [str(WIRE)]
    # 004 is Bloomberg's copy of the story (its byline); 003 quotes the deal's text as it does
    assert reports["004"]["role"] == "wire" and reports["004"]["agency"] == "Bloomberg"
    assert set(reports["003"]["wire_ids"]) <= {str(WIRE), str(SEEDS / "004_f9d14def616508e2.txt")}
    kinds = {rid: {d["kind"] for d in r["discrepancies"]} for rid, r in reports.items()}
    assert "hedge-dropped" in kinds["003"]
    assert "number-changed" in kinds["002"]
    assert "quote-altered" in kinds["000"]
    capsys.readouterr()
    assert main(["profiles", "--store", str(store), "--format", "json"]) == 0
    profiles = json.loads(capsys.readouterr().out)["profiles"]
    assert {p["outlet"] for p in profiles} >= {"Africa Leader", "Clash Report", "Reuters"}


def test_python_api_track_and_profiles_whatever_was_imported_first(tmp_path: Path) -> None:
    import cleaner
    from cleaner.track.profiles import Profiles as Direct  # binds cleaner.track to the package

    reports = cleaner.track([str(SEEDS)], wires=[str(WIRE)], store=str(tmp_path / "p.sqlite"))
    assert len(reports) == 5
    assert cleaner.Profiles is Direct
    with cleaner.Profiles(tmp_path / "p.sqlite") as store:
        assert {p.outlet for p in store.profiles()} >= {"Africa Leader", "Reuters"}


# -- a file named twice is read once ---------------------------------------------------------------

WIRE_TEXT = (
    "TOKYO (Reuters) - Japan's central bank kept interest rates at 0.5 percent on "
    "Tuesday, Governor Kazuo Ueda said, adding that inflation may slow to 2 percent "
    "next year."
)
REWRITE_TEXT = (
    "Japan's central bank kept rates at 0.5 percent on Tuesday, Governor Kazuo Ueda "
    "said, adding that inflation will slow to 3 percent next year. Markets were calm."
)


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "wire.txt").write_text(WIRE_TEXT, encoding="utf-8")
    (folder / "rewrite.txt").write_text(REWRITE_TEXT, encoding="utf-8")
    return folder


def _run(tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / "report.jsonl"
    assert main(["track", *args, "--no-clean", "-o", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _roles(reports: list[dict]) -> dict[str, str]:
    return {Path(r["id"]).name: r["role"] for r in reports}


def test_wire_named_by_another_path_than_the_corpus_is_read_once(tmp_path: Path, monkeypatch):
    """`--wire ./corpus/wire.txt` next to `corpus/`: the wire was tracked twice, the corpus copy
    as a wholly derived rewrite of itself."""
    folder = _corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    reports = _run(tmp_path, "corpus", "--wire", "./corpus/../corpus/wire.txt")
    assert _roles(reports) == {"rewrite.txt": "rewrite", "wire.txt": "wire"}
    assert [r["id"] for r in reports] == ["corpus/rewrite.txt", "corpus/wire.txt"]  # corpus order
    assert reports[0]["wire_ids"] == ["corpus/wire.txt"]
    assert (folder / "wire.txt").is_file()


def test_wire_through_a_symlink_or_hard_link_is_read_once(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    link, hard = tmp_path / "link.txt", tmp_path / "hard.txt"
    link.symlink_to(folder / "wire.txt")
    hard.hardlink_to(folder / "wire.txt")
    for wire in (link, hard):
        reports = _run(tmp_path, str(folder), "--wire", str(wire))
        assert _roles(reports) == {"rewrite.txt": "rewrite", "wire.txt": "wire"}, wire


def test_the_same_file_twice_in_the_corpus_is_read_once(tmp_path: Path) -> None:
    """Was 'duplicate record id', exit 2."""
    folder = _corpus(tmp_path)
    reports = _run(tmp_path, str(folder), str(folder / "wire.txt"), str(folder) + "/")
    assert _roles(reports) == {"rewrite.txt": "rewrite", "wire.txt": "wire"}
    assert len(reports) == 2


def test_a_wire_folder_inside_the_corpus_keeps_every_file_a_wire(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    wires = folder / "wires"
    wires.mkdir()
    (wires / "w2.txt").write_text(
        "Plain text without any agency mark at all, said the mayor.", encoding="utf-8"
    )
    reports = _run(tmp_path, str(folder), "--wire", str(wires))
    assert _roles(reports)["w2.txt"] == "wire"
    assert len(reports) == 3


def test_with_body_the_report_carries_the_text_every_offset_refers_to(tmp_path: Path) -> None:
    """`--with-body`: the cleaned body is in each report, and every span, wire sentence and
    discrepancy offset slices it (the wire's in the wire's report) to the text quoted."""
    out = tmp_path / "report.jsonl"
    code = main(["track", str(SEEDS), "--wire", str(WIRE), "-o", str(out), "--with-body"])
    assert code == 0
    reports = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    body = {rid: r["body"] for rid, r in reports.items()}
    checked = 0
    for rid, r in reports.items():
        assert hashlib.sha256(body[rid].encode()).hexdigest() == r["content_hash"]
        for span in r["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(body[rid])
            if span["wire_id"] is not None:
                assert span["wire_end"] <= len(body[span["wire_id"]])
        for d in r["discrepancies"]:
            if d["rewrite_text"]:
                assert body[rid][d["rewrite_start"] : d["rewrite_end"]] == d["rewrite_text"]
                checked += 1
            if d["wire_text"]:
                wire_body = body[d["wire_id"]]
                assert wire_body[d["wire_start"] : d["wire_end"]] == d["wire_text"]
                checked += 1
    assert checked >= 10  # the seeds' rewrites carry a dozen discrepancies or more
    plain = tmp_path / "plain.jsonl"
    assert main(["track", str(SEEDS), "--wire", str(WIRE), "-o", str(plain)]) == 0
    without = {r["id"]: r for r in map(json.loads, plain.read_text().splitlines())}
    assert all("body" not in r for r in without.values())
    assert {k: {f: v for f, v in r.items() if f != "body"} for k, r in reports.items()} == without


def test_the_store_line_says_what_was_stored_in_words(tmp_path: Path, capsys) -> None:
    store = tmp_path / "p.sqlite"
    args = ["track", str(SEEDS), "-o", str(tmp_path / "r.jsonl"), "--store", str(store)]
    assert main(args) == 0
    assert capsys.readouterr().err.strip().endswith(f"store {store}: 5 reports added")
    assert main(args) == 0
    assert capsys.readouterr().err.strip().endswith("0 reports added, 5 already stored")


def test_a_named_pipe_given_twice_is_read_once(tmp_path: Path) -> None:
    """A FIFO opened a second time waits for a writer that never comes: the run hung."""
    import os
    import threading

    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    records = [{"id": "w", "text": WIRE_TEXT}, {"id": "r", "text": REWRITE_TEXT}]

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in records))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    done: list[list[dict]] = []
    runner = threading.Thread(
        target=lambda: done.append(_run(tmp_path, str(fifo), str(fifo))), daemon=True
    )
    runner.start()
    runner.join(timeout=60)
    if runner.is_alive():  # unblock the second open so the thread can end, then fail
        with open(fifo, "w", encoding="utf-8"):
            pass
        pytest.fail("the run waited on the pipe's second opening")
    assert sorted(r["id"] for r in done[0]) == ["r", "w"]
