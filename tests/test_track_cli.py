"""`cleaner track` on the raw seed scrapes (cleaned by the line model), as a user would run it:
the wire named with --wire may also sit in the corpus folder."""

from __future__ import annotations

import json
from pathlib import Path

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
