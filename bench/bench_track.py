"""Wire-tracking benchmarks: (a) Helsinki 2018 outlet profiles, (b) scale at 10k/30k/100k.

    python bench/bench_track.py helsinki [--clean] [--out notes.md]
    python bench/bench_track.py scale --sizes 10000 30000 100000 --wires 10000 --parallel 2

Data is read from ../shared at run time and generated into a temp dir; nothing is committed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import track_data as td  # noqa: E402

from cleaner.track.pipeline import track  # noqa: E402
from cleaner.track.profiles import Profiles, format_table  # noqa: E402


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, kids_kb) / 1024


def helsinki(args: argparse.Namespace) -> int:
    if not td.HELSINKI.exists():
        print(f"needs {td.HELSINKI}", file=sys.stderr)
        return 2
    rows = td.read_helsinki()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "helsinki.sqlite"
        reports = track(rows, no_clean=not args.clean, store=store, parallel=args.parallel)
        with Profiles(store) as prof:
            profiles = prof.profiles()
        table = format_table(profiles)
    secs = time.perf_counter() - t0
    wires = [r for r in reports if r.get("role") == "wire"]
    rew = [r for r in reports if r.get("role") == "rewrite" and "error" not in r]
    derived = [r for r in rew if r["derivation"] in ("wholly", "partially")]
    agencies = Counter(r.get("agency") for r in wires)
    der = Counter(r["derivation"] for r in rew)
    by_outlet = Counter(r["outlet"] for r in derived)
    kinds = Counter(d["kind"] for r in derived for d in r["discrepancies"])
    credit = Counter(r["credits_wire"] for r in derived)
    copies = sum(1 for r in derived if r["scores"]["verbatim_share"] >= 0.8)
    lines = [
        "## Wire tracking on Helsinki 2018 (612 articles, ~75 outlets)",
        "",
        f"Command: `python bench/bench_track.py helsinki{' --clean' if args.clean else ''}` "
        f"({secs:.1f} s, peak RSS {_peak_mb():.0f} MB).",
        "",
        f"- Wire originals detected from agency marks: {len(wires)} ({dict(agencies)}); "
        "copies of one story collapse to one original.",
        f"- Rewrites: {len(rew)}; derivation {dict(der)}; derived from a wire: {len(derived)} "
        f"({copies} of them ≥ 80 % verbatim: republished wire copy).",
        f"- Outlets carrying derived copy: {len(by_outlet)}; most: "
        + ", ".join(f"{o} {n}" for o, n in by_outlet.most_common(8))
        + ".",
        f"- Credit of the agency in derived articles: {dict(credit)}.",
        "- Discrepancies in derived articles by kind: "
        + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        + ".",
        "",
        "Profiles (store recomputed after the run):",
        "",
        "```",
        table.rstrip(),
        "```",
    ]
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    if args.reports:
        with open(args.reports, "w", encoding="utf-8") as fh:
            for r in reports:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(text)
    return 0


def scale(args: argparse.Namespace) -> int:
    results = []
    biggest = max(args.sizes)
    t_gen = time.perf_counter()
    allrecs = list(td.scale_corpus(args.wires, biggest, seed=7))
    wires = allrecs[: args.wires]
    rewrites = allrecs[args.wires :]
    print(
        f"generated {len(wires)} wires + {len(rewrites)} rewrites in "
        f"{time.perf_counter() - t_gen:.1f} s",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.sizes):
            path = Path(tmp) / f"corpus_{n}.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for r in wires + rewrites[:n]:
                    fh.write(
                        json.dumps({k: v for k, v in r.items() if k not in ("truth", "recipe")})
                        + "\n"
                    )
            truth = {r["id"]: r for r in rewrites[:n]}
            t0 = time.perf_counter()
            reports = track([str(path)], no_clean=True, parallel=args.parallel)
            secs = time.perf_counter() - t0
            hit = tot = fp = neg = 0
            for r in reports:
                t = truth.get(r["id"])
                if t is None or "error" in r:
                    continue
                if t["truth"]:
                    tot += 1
                    hit += t["truth"][0] in r["wire_ids"]
                else:
                    neg += 1
                    fp += bool(r["wire_ids"])
            row = {
                "articles": n,
                "wires": args.wires,
                "seconds": round(secs, 1),
                "ms_per_article": round(1000 * secs / n, 2),
                "peak_rss_mb": round(_peak_mb()),
                "wire_recall": round(hit / tot, 4) if tot else None,
                "unrelated_matched": round(fp / neg, 4) if neg else None,
            }
            results.append(row)
            print(json.dumps(row), file=sys.stderr)
            path.unlink()
    lines = [
        "| articles | wires | wall s | ms/article | peak RSS MB | true wire found | "
        "unrelated matched |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['articles']:,} | {r['wires']:,} | {r['seconds']} | "
            f"{r['ms_per_article']} | {r['peak_rss_mb']} | {r['wire_recall']} | "
            f"{r['unrelated_matched']} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("helsinki")
    h.add_argument("--clean", action="store_true", help="run the line cleaner first")
    h.add_argument("--parallel", type=int, default=1)
    h.add_argument("--out", help="write the markdown write-up here")
    h.add_argument("--reports", help="write the JSONL reports here")
    s = sub.add_parser("scale")
    s.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    s.add_argument("--wires", type=int, default=10_000)
    s.add_argument("--parallel", type=int, default=2)
    s.add_argument("--out")
    args = ap.parse_args(argv)
    return helsinki(args) if args.cmd == "helsinki" else scale(args)


if __name__ == "__main__":
    sys.exit(main())
