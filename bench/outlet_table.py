"""The outlet table of bench/RESULTS.md §2, from a tracking run's reports (JSONL).

    python bench/bench_track.py helsinki --clean --reports bench/out/helsinki.jsonl
    python bench/outlet_table.py bench/out/helsinki.jsonl [--min-derived 4]

One row per outlet with at least `--min-derived` articles derived from a wire, most derived
first. Every number is the store's own statistic (`cleaner.track.profiles.compute_profile`), so
the table says what `cleaner profiles` would; 95 % intervals in brackets. "altered-fact
discrepancies" are the kinds that change a wire fact on the way (number-changed/-dropped,
hedge-dropped, quote-altered, attribution-dropped/-changed, entity-changed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaner.track.profiles import (  # noqa: E402
    ALTERATION_KINDS,
    OutletProfile,
    Stat,
    compute_profile,
    format_stat,
    validate_report,
)

HEADER = (
    "| outlet | articles | derived | wholly % | verbatim % | wire facts carried % | credit % "
    "| altered-fact discrepancies /1k words | quote-added /1k words | reliability % |"
)
RULE = "|---|---:|---:|---|---|---|---|---|---|---|"


def profiles_from_reports(reports: Iterable[dict]) -> list[OutletProfile]:
    """Profiles of every outlet in the reports; reports with an `error` are left out, as the
    store leaves them out."""
    rows = defaultdict(list)
    for n, report in enumerate(reports):
        if report.get("error"):
            continue
        row = validate_report(report, n)
        rows[row.outlet].append(row)
    return [compute_profile(outlet, outlet_rows) for outlet, outlet_rows in rows.items()]


def _pct(stat: Stat) -> str:
    return format_stat(stat, 100, 0, dash="–")


def _rate(stat: Stat) -> str:
    return format_stat(stat, 1, 1, dash="–")


def _altered_per_1000(profile: OutletProfile) -> str:
    rates = profile.discrepancies_per_1000_words
    words = rates["total"].n
    if not words:
        return "-"
    count = sum(stat.count or 0 for kind, stat in rates.items() if kind in ALTERATION_KINDS)
    return f"{1000 * count / words:.1f}"


def table(profiles: Sequence[OutletProfile], min_derived: int = 4) -> list[str]:
    chosen = sorted(
        (p for p in profiles if p.derived >= min_derived), key=lambda p: (-p.derived, p.outlet)
    )
    out = [HEADER, RULE]
    for p in chosen:
        cells = [
            p.outlet,
            str(p.articles),
            str(p.derived),
            _pct(p.derivation["wholly"]),
            _pct(p.spans["verbatim"]),
            _pct(p.facts_carried),
            _pct(p.credit_rate),
            _altered_per_1000(p),
            _rate(p.discrepancies_per_1000_words["quote-added"]),
            _pct(p.reliability),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", type=Path, help="JSONL written by bench_track.py --reports")
    ap.add_argument("--min-derived", type=int, default=4)
    args = ap.parse_args(argv)
    try:
        lines = args.reports.read_text(encoding="utf-8").splitlines()
        reports = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        print(f"outlet_table: {args.reports}: {exc}", file=sys.stderr)
        return 2
    print("\n".join(table(profiles_from_reports(reports), args.min_derived)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
