"""Keeps bench/check_numerics.py honest: its page records and its comparison run here on the
bundled seed scrapes and on hand-made records (no ../shared needed)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def numerics(bench_script):
    return bench_script("check_numerics")


def _record(numerics, key, text="t", scores=(0.5, 0.25)):
    rec = {"key": key, "text": text, "scores": list(scores)}
    rec["json"] = numerics._digest([round(s, 4) for s in scores])
    rec["labels"] = numerics._digest([f"{s:.3f}" for s in scores])
    return rec


def test_page_records_of_a_seed_repeat_exactly(numerics):
    key, content = next(numerics.iter_sources(["no-such-corpus"], ["dev"], None, None))
    assert key.startswith("seeds/") and key.endswith(" text")
    first = numerics.page_record(key, content)
    assert first == numerics.page_record(key, content)
    assert first["scores"] and all(0.0 <= s <= 1.0 for s in first["scores"])


def test_compare_counts_each_kind_of_difference(numerics):
    base = {k: _record(numerics, k) for k in ("a", "b", "c")}
    other = {
        "a": _record(numerics, "a"),  # the same
        "b": _record(numerics, "b", scores=(0.50006, 0.25)),  # moves the 4th decimal only
        "c": _record(numerics, "c", text="other", scores=(0.5, 0.2494)),  # text, and 3 dp
    }
    result = numerics.compare(base, other)
    assert result.pages == 3
    assert result.text == ["c"]
    assert result.json == 2
    assert result.labels == 1
    assert result.max_diff == pytest.approx(6e-4)


def test_compare_refuses_runs_over_other_pages(numerics):
    with pytest.raises(SystemExit):
        numerics.compare({"a": _record(numerics, "a")}, {"b": _record(numerics, "b")})


def test_report_says_what_differs_and_what_did_not_run(numerics):
    base = {"a": _record(numerics, "a")}
    other = {"a": _record(numerics, "a", text="other")}
    rows = [
        (numerics.CONFIGS[1], numerics.compare(base, other)),
        (numerics.CONFIGS[2], "not run: this CPU lacks avx"),
    ]
    text = numerics.report(numerics.parse_args([]), [], rows)
    assert f"| {numerics.CONFIGS[1].name} | 1 | 1 | 0 | 0 |" in text
    assert "not run: this CPU lacks avx" in text
    assert "text differs on a" in text


def test_a_configuration_runs_only_where_the_cpu_has_its_feature(numerics):
    needs_avx2 = next(c for c in numerics.CONFIGS if c.needs == "avx2")
    assert numerics.runnable(needs_avx2, {"avx", "avx2"})
    assert not numerics.runnable(needs_avx2, {"avx"})
    assert not numerics.runnable(needs_avx2, None)
    assert numerics.runnable(numerics.CONFIGS[0], None)
