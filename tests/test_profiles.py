"""Outlet-profile store: hand-computed statistics, dedupe, replacement, concurrency, bad input."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from cleaner.track.profiles import (
    DISCREPANCY_KINDS,
    UNKNOWN_OUTLET,
    Profiles,
    StoreError,
    format_table,
    profiles_json,
    validate_report,
)
from cleaner.track.stats import poisson_rate, ratio_wilson, wilson


def rewrite(
    rid: str,
    outlet: str | None,
    derivation: str | None,
    credits: bool | None,
    spans: list[tuple[int, int, str]],
    words: int,
    facts: int,
    carried: int,
    discrepancies: list[str],
    content_hash: str | None = None,
) -> dict:
    """A report shaped exactly as `cleaner track` writes one for a rewrite."""
    return {
        "id": rid,
        "outlet": outlet,
        "wire_ids": ["w1"] if derivation in ("wholly", "partially") else [],
        "role": "rewrite",
        "derivation": derivation,
        "derivation_score": 0.5,
        "credits_wire": credits,
        "spans": [
            {"start": a, "end": b, "kind": k, "wire_id": None, "wire_start": None, "wire_end": None}
            for a, b, k in spans
        ],
        "discrepancies": [
            {"kind": k, "rewrite_text": "x", "wire_text": "y", "detail": "z"} for k in discrepancies
        ],
        "scores": {"words": words, "wire_facts": facts, "wire_facts_carried": carried},
        "content_hash": content_hash or f"hash-{rid}",
    }


def wire(rid: str, outlet: str) -> dict:
    return {
        "id": rid,
        "outlet": outlet,
        "wire_ids": [],
        "role": "wire",
        "derivation": None,
        "derivation_score": 0.0,
        "credits_wire": None,
        "spans": [],
        "discrepancies": [],
        "scores": {"words": 400},
        "content_hash": f"hash-{rid}",
    }


def sample(suffix: str = "") -> list[dict]:
    """Tiny set whose profile is worked out by hand in `test_hand_computed_profile`."""
    return [
        wire("w1" + suffix, "Reuters"),
        wire("w2" + suffix, "a.example"),
        rewrite(
            "r1" + suffix,
            "a.example",
            "wholly",
            True,
            [(0, 60, "verbatim"), (60, 90, "rewrite"), (90, 100, "new")],
            words=200,
            facts=10,
            carried=8,
            discrepancies=["number-changed", "hedge-dropped", "claim-added"],
        ),
        rewrite(
            "r2" + suffix,
            "a.example",
            "partially",
            False,
            [(0, 20, "verbatim"), (20, 120, "rewrite"), (120, 200, "new")],
            words=300,
            facts=10,
            carried=6,
            discrepancies=["quote-altered"],
        ),
        rewrite("r3" + suffix, "a.example", "non", None, [(0, 50, "new")], 100, 0, 0, []),
        rewrite("r4" + suffix, "a.example", None, None, [], 80, 0, 0, []),
    ]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "profiles.sqlite"


# -- statistics -----------------------------------------------------------------------------


def test_hand_computed_profile(store: Path) -> None:
    with Profiles(store) as profiles:
        result = profiles.add(sample(), run_id="run-1")
        assert (result.added, result.skipped_duplicates, result.replaced) == (6, 0, ())
        outlets = profiles.profiles()
    assert [p.outlet for p in outlets] == ["Reuters", "a.example"]
    reuters, a = outlets

    assert (reuters.articles, reuters.wire_articles, reuters.rewrites) == (1, 1, 0)
    assert reuters.derivation["wholly"].value is None and reuters.derivation["wholly"].n == 0
    assert reuters.reliability.value is None

    assert (a.articles, a.wire_articles, a.rewrites, a.derived) == (5, 1, 4, 2)
    # Derivation mix over 4 rewrites; r4's null derivation counts as non.
    assert a.derivation["wholly"].count == 1 and a.derivation["wholly"].value == 0.25
    assert a.derivation["partially"].count == 1
    assert a.derivation["non"].count == 2 and a.derivation["non"].value == 0.5
    # Wilson 1/4 = [0.0456, 0.6994]; 2/4 = [0.1500, 0.8500] (textbook values).
    assert a.derivation["wholly"].low == pytest.approx(0.04559, abs=1e-4)
    assert a.derivation["wholly"].high == pytest.approx(0.69936, abs=1e-4)
    assert a.derivation["non"].low == pytest.approx(0.15004, abs=1e-4)
    assert a.derivation["non"].high == pytest.approx(0.84996, abs=1e-4)
    # Span characters of the two derived rewrites: 300 in all, 80 verbatim, 130 rewrite, 90 new.
    assert a.rewrite_chars == 300
    assert a.spans["verbatim"].value == pytest.approx(80 / 300)
    assert a.spans["rewrite"].value == pytest.approx(130 / 300)
    assert a.spans["new"].value == pytest.approx(90 / 300)
    assert a.spans["verbatim"].n == 2 and a.spans["verbatim"].count == 80
    # Facts: 14 of 20 carried; with clusters [8/10, 6/10] n_eff = 21 is capped at 20 facts,
    # so the interval is plain Wilson 14/20 = [0.4810, 0.8545].
    assert a.facts_carried.value == pytest.approx(0.7)
    assert a.facts_carried.n == 20 and a.facts_carried.count == 14
    assert a.facts_carried.low == pytest.approx(0.4810, abs=1e-4)
    assert a.facts_carried.high == pytest.approx(0.8545, abs=1e-4)
    # Discrepancies per 1,000 of the 500 derived words; r3/r4 words are not in the base.
    rates = a.discrepancies_per_1000_words
    for kind in ("number-changed", "hedge-dropped", "quote-altered", "claim-added"):
        assert rates[kind].value == pytest.approx(2.0) and rates[kind].n == 500
    assert rates["entity-changed"].value == 0.0 and rates["entity-changed"].count == 0
    assert rates["total"].value == pytest.approx(8.0) and rates["total"].count == 4
    # Garwood interval for 4 events is [1.0899, 10.2416] events; over 0.5 thousand words:
    assert rates["total"].low == pytest.approx(2.1797, abs=1e-3)
    assert rates["total"].high == pytest.approx(20.4832, abs=1e-3)
    # Credit: r1 credits, r2 does not.
    assert a.credit_rate.value == 0.5 and a.credit_rate.n == 2
    # Reliability: r1 repeated 8 facts intact and altered 2 (claim-added is not an alteration),
    # r2 6 intact and 1 altered: 14 of 17 intact.
    assert a.reliability.value == pytest.approx(14 / 17)
    assert a.reliability.n == 17 and a.reliability.count == 14


def test_intervals_contain_estimate_and_shrink_with_n(store: Path, tmp_path: Path) -> None:
    big_store = tmp_path / "big.sqlite"
    with Profiles(store) as small, Profiles(big_store) as big:
        small.add(sample())
        big.add([r for i in range(10) for r in sample(f"-{i}")])
        one, ten = small.profile("a.example"), big.profile("a.example")
    assert one is not None and ten is not None
    pairs = [
        (one.derivation["wholly"], ten.derivation["wholly"]),
        (one.spans["verbatim"], ten.spans["verbatim"]),
        (one.facts_carried, ten.facts_carried),
        (one.discrepancies_per_1000_words["total"], ten.discrepancies_per_1000_words["total"]),
        (one.credit_rate, ten.credit_rate),
        (one.reliability, ten.reliability),
    ]
    for small_stat, big_stat in pairs:
        assert small_stat.value == pytest.approx(big_stat.value)
        for stat in (small_stat, big_stat):
            assert stat.low <= stat.value <= stat.high
        assert big_stat.n == 10 * small_stat.n
        assert big_stat.high - big_stat.low < small_stat.high - small_stat.low


def test_wilson_and_poisson_reference_values() -> None:
    assert wilson(0, 0) is None
    share, low, high = wilson(0, 10)
    assert share == 0.0 and low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    assert poisson_rate(3, 0) is None
    rate, low, high = poisson_rate(0, 2000)
    assert rate == 0.0 and low == 0.0 and high == pytest.approx(3.6889 / 2, abs=1e-4)


def test_poisson_matches_scipy() -> None:
    chi2 = pytest.importorskip("scipy.stats").chi2
    for count in (1, 2, 7, 40, 333, 9_000, 20_000):
        _, low, high = poisson_rate(count, 1000)
        assert low == pytest.approx(chi2.ppf(0.025, 2 * count) / 2, rel=1e-6)
        assert high == pytest.approx(chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-6)


def test_ratio_wilson_clustering() -> None:
    # No spread between clusters: the interval is Wilson at the cap.
    share, low, high, n_eff = ratio_wilson([5, 5, 5], [10, 10, 10], cap=30)
    assert n_eff == 30 and (share, low, high) == wilson(15, 30)
    # Strong clustering (all-or-nothing articles) shrinks n_eff well below the 40 characters.
    share, low, high, n_eff = ratio_wilson([10, 0, 10, 0], [10, 10, 10, 10], cap=40)
    assert share == 0.5 and n_eff < 4
    assert high - low > wilson(20, 40)[2] - wilson(20, 40)[1]


# -- dedupe and replacement -----------------------------------------------------------------


def test_dedupe_across_calls_and_reopening(store: Path) -> None:
    with Profiles(store) as profiles:
        assert profiles.add(sample()[:3]).added == 3
        again = profiles.add(sample())
        assert (again.added, again.skipped_duplicates) == (3, 3)
        first = profiles_json(profiles.profiles())
    with Profiles(store) as profiles:
        third = profiles.add(sample())
        assert (third.added, third.skipped_duplicates, third.replaced) == (0, 6, ())
        assert len(profiles) == 6
        assert profiles_json(profiles.profiles()) == first


def test_error_reports_are_skipped_and_counted(store: Path) -> None:
    failed = {
        "id": "bad",
        "outlet": "a.example",
        "role": "rewrite",
        "error": "bad: tracking failed",
    }
    with Profiles(store) as profiles:
        result = profiles.add([*sample(), failed])
        assert (result.added, result.skipped_errors) == (6, 1)
        assert profiles.profile("a.example").articles == 5


def test_same_id_in_another_outlet_is_another_article(store: Path) -> None:
    reports = sample()
    other = dict(reports[2], outlet="b.example")
    with Profiles(store) as profiles:
        assert profiles.add([*reports, other]).added == 7
        assert profiles.profile("b.example").articles == 1
        assert profiles.profile("nowhere.example") is None


def test_changed_content_replaces_row(store: Path) -> None:
    with Profiles(store) as profiles:
        profiles.add(sample())
        changed = rewrite(
            "r1", "a.example", "non", None, [(0, 10, "new")], 50, 0, 0, [], content_hash="new"
        )
        result = profiles.add([changed])
        assert (result.added, result.skipped_duplicates) == (0, 0)
        assert result.replaced == (("a.example", "r1"),)
        a = profiles.profile("a.example")
        assert len(profiles) == 6
    assert a.derived == 1 and a.derivation["non"].count == 3
    assert a.facts_carried.count == 6 and a.facts_carried.n == 10


def test_null_outlet_is_filed_as_unknown(store: Path) -> None:
    with Profiles(store) as profiles:
        profiles.add([rewrite("x", None, "non", None, [], 10, 0, 0, [])])
        assert [p.outlet for p in profiles.profiles()] == [UNKNOWN_OUTLET]


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["scores"].pop("words"), "scores.words"),
        (lambda r: r.pop("content_hash"), "content_hash"),
        (lambda r: r.pop("derivation"), "derivation"),
        (lambda r: r.update(role="copy"), "role"),
        (lambda r: r["scores"].update(wire_facts_carried=11), "scores.wire_facts_carried"),
        (lambda r: r["spans"][0].update(end=-1), "spans[0]"),
        (lambda r: r["spans"][1].update(kind="quoted"), "spans[1].kind"),
        (lambda r: r["discrepancies"].append({"detail": "?"}), "discrepancies[1].kind"),
    ],
)
def test_malformed_report_rolls_back_whole_call(store: Path, mutate, field: str) -> None:
    reports = sample()
    mutate(reports[3])  # r2, after three good reports
    with Profiles(store) as profiles:
        profiles.add([wire("w0", "Reuters")])
        with pytest.raises(ValueError) as err:
            profiles.add(reports)
        assert "'r2'" in str(err.value) and repr(field) in str(err.value)
        assert len(profiles) == 1  # none of the good reports of that call was written


def test_report_without_id_is_named_by_position() -> None:
    with pytest.raises(ValueError, match=r"report #4: field 'id' is missing"):
        validate_report({"outlet": "a"}, index=4)
    with pytest.raises(ValueError, match="expected a JSON object"):
        validate_report(["not", "a", "dict"], index=0)  # type: ignore[arg-type]


def test_unknown_discrepancy_kind_is_kept_after_known_ones(store: Path) -> None:
    report = rewrite("r", "a", "wholly", True, [(0, 5, "verbatim")], 100, 1, 1, ["tone-changed"])
    with Profiles(store) as profiles:
        profiles.add([report])
        rates = profiles.profile("a").discrepancies_per_1000_words
    assert list(rates) == [*DISCREPANCY_KINDS, "tone-changed", "total"]
    assert rates["tone-changed"].value == pytest.approx(10.0)


def test_not_a_database_is_never_touched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    content = b"these are my notes, not a database\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        Profiles(path)
    assert str(path) in str(err.value) and "not a SQLite database" in str(err.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE mine (x)")
        conn.execute("INSERT INTO mine VALUES (1)")
    conn.close()
    with pytest.raises(StoreError, match="not a cleaner profile store"):
        Profiles(path)
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    conn.close()
    assert tables == ["mine"]


def test_store_from_newer_version_is_refused(store: Path) -> None:
    Profiles(store).close()
    conn = sqlite3.connect(store)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer cleaner"):
        Profiles(store)


def test_directory_and_missing_parent(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Profiles(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Profiles(tmp_path / "missing" / "store.sqlite")


def test_locked_store_gives_up_after_timeout(store: Path) -> None:
    Profiles(store).close()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute(
        "INSERT INTO runs (finished_at, added, skipped_duplicates, replaced) "
        "VALUES ('now', 0, 0, 0)"
    )
    try:
        with Profiles(store, timeout=0.2) as profiles:
            # Reading still works while another process writes (WAL) ...
            assert profiles.profiles() == []
            started = time.monotonic()
            with pytest.raises(StoreError) as err:
                profiles.add(sample())
            assert time.monotonic() - started < 5
            assert str(store) in str(err.value)
            assert "locked by another process" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Profiles(store, timeout=0.2) as profiles:  # ... and writing works once it is released.
        assert profiles.add(sample()).added == 6


# -- concurrency --------------------------------------------------------------------------------


def _concurrent_writer(path: str, worker: int, barrier) -> None:
    """Child process: open the (possibly not yet created) store and add in many small calls."""
    barrier.wait()
    for batch in range(10):
        reports = [
            rewrite(
                f"p{worker}-{batch}-{i}",
                f"outlet{i % 3}",
                "wholly",
                True,
                [(0, 10, "verbatim")],
                100,
                2,
                2,
                [],
            )
            for i in range(20)
        ]
        reports.append(wire("shared-wire", "Reuters"))  # both processes add this one
        with Profiles(path) as profiles:
            profiles.add(reports, run_id=f"worker-{worker}")
        time.sleep(0.05)  # leave room for the other writer, so the runs overlap even under load


def test_two_processes_add_at_once(store: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_concurrent_writer, args=(str(store), w, barrier)) for w in (0, 1)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0, 0]
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2 * 10 * 20 + 1
        order = [r[0] for r in conn.execute("SELECT run_id FROM runs ORDER BY seq")]
        assert len(order) == 20
        # The writes really overlapped: the 20 commits interleave rather than run 10 then 10
        # (the barrier starts both together and each pauses between its commits).
        assert sum(a != b for a, b in zip(order[:-1], order[1:], strict=True)) >= 2
    finally:
        conn.close()
    with Profiles(store) as profiles:
        assert sum(p.articles for p in profiles.profiles()) == 401


# -- rendering ----------------------------------------------------------------------------------


def test_json_is_sorted_and_deterministic(store: Path, tmp_path: Path) -> None:
    with Profiles(store) as profiles:
        profiles.add(sample())
        text = profiles_json(profiles.profiles())
    other = tmp_path / "other.sqlite"
    with Profiles(other) as profiles:
        profiles.add(list(reversed(sample())))  # insertion order must not matter
        assert profiles_json(profiles.profiles()) == text
    document = json.loads(text)
    assert json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text
    a = document["profiles"][1]
    assert a["outlet"] == "a.example"
    assert a["credit_rate"] == {
        "value": 0.5,
        "ci95": [0.094531, 0.905469],
        "n": 2,
        "unit": "derived rewrites",
        "count": 1,
    }


def test_table_layout(store: Path) -> None:
    with Profiles(store) as profiles:
        profiles.add(sample())
        table = format_table(profiles.profiles())
    lines = table.splitlines()
    header = lines[1].split()
    assert header[:5] == ["outlet", "articles", "wire", "rewrites", "derived"]
    assert header[-1] == "reliability"
    row = next(line for line in lines if line.startswith("a.example"))
    assert "25 [5-70]" in row  # wholly: 1 of 4
    assert "70 [48-85]" in row  # facts carried: 14 of 20
    assert "8.00 [2.18-20.48]" in row  # discrepancies per 1,000 words
    assert row.rstrip().endswith("82 [59-94]")  # reliability 14 of 17
    assert len({len(line) for line in lines[1:4]}) == 1  # header and both rows aligned
    kind_rows = [line for line in lines if line.startswith("a.example  ")]
    assert any("hedge-dropped" in line and "2.00 [0.05-11.14]" in line for line in kind_rows)
    assert format_table([]).splitlines()[-1] == "(none)"
