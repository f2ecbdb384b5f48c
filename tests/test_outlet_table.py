"""bench/outlet_table.py, the outlet table of bench/RESULTS.md §2: run on real tracking reports
of a tiny synthetic corpus (no ../shared needed)."""

from __future__ import annotations

import json

import pytest

from cleaner.track.pipeline import track

WIRE = (
    "TOKYO (Reuters) - The company said on Tuesday it would cut up to 500 jobs at its plant "
    "in Osaka by 2026. Shares rose 3% after the announcement, the Nikkei reported. "
    "(Reporting by A. Writer; Editing by B. Editor)"
)


@pytest.fixture(scope="module")
def outlet_table(bench_script):
    return bench_script("outlet_table")


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    records = [{"id": "w", "text": WIRE, "outlet": "reuters.com"}]
    records += [
        {"id": f"copy{k}", "text": WIRE, "url": f"https://www.copier.com/{k}"} for k in range(4)
    ]
    records += [
        {"id": f"edit{k}", "text": WIRE.replace("500", "600"), "url": f"https://editor.org/{k}"}
        for k in range(2)
    ]
    records.append({"id": "broken", "text": ""})  # an error report: left out, as the store does
    return list(track(records, no_clean=True))


def test_rows_are_outlets_with_enough_derived_copy(outlet_table, reports) -> None:
    lines = outlet_table.table(outlet_table.profiles_from_reports(reports), min_derived=2)
    assert lines[:2] == [outlet_table.HEADER, outlet_table.RULE]
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in lines[2:]}
    assert list(rows) == ["copier.com", "editor.org"]  # most derived first; reuters has none
    copier, editor = rows["copier.com"], rows["editor.org"]
    assert copier[1:3] == ["4", "4"]  # articles, derived
    assert copier[3].startswith("100 [")  # all wholly derived
    assert copier[7] == "0.0"  # verbatim copies alter no wire fact
    assert float(editor[7]) > 0  # "500" became "600"
    assert editor[9].split()[0] != "100"  # reliability below 100 %
    only_big = outlet_table.table(outlet_table.profiles_from_reports(reports), min_derived=3)
    assert len(only_big) == 3


def test_command_line_reads_jsonl_and_reports_bad_input(outlet_table, reports, tmp_path, capsys):
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    assert outlet_table.main([str(path), "--min-derived", "2"]) == 0
    assert "| copier.com | 4 | 4 |" in capsys.readouterr().out
    path.write_text("{not json\n", encoding="utf-8")
    assert outlet_table.main([str(path)]) == 2
    assert str(path) in capsys.readouterr().err
