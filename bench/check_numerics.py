"""Does the cleaner give the same output under another CPU's arithmetic?

    python bench/check_numerics.py [--corpus dragnet l3s-gn1] [--split dev test] [--limit N]
                                   [--out FILE.md]

Cleaning is deterministic on one machine. On another, numpy and OpenBLAS pick other kernels
(AVX2 instead of AVX-512, another matrix-multiply kernel), which add the same floats in another
order: the networks' float32 probabilities may differ in their last bits. This script cleans the
same pages in child processes under the numeric configurations this CPU can run (set by
`OPENBLAS_CORETYPE` and `NPY_DISABLE_CPU_FEATURES`, as on an older CPU), and with the
pure-Python path, and compares each with the default run, page by page:

- *text*: title, byline, body, outlet, error, and every line's label and reason (what the
  `text` and `jsonl` formats print, and the labels and reasons of the others);
- *json scores*: every line's score at the 4 decimals `--format json` prints;
- *labels scores*: at the 3 decimals `--format labels` prints;
- the largest difference between two scores of one line.

Pages: both kinds (text scrape and HTML) of the corpus pages in `../shared/corpora` of the
splits asked for, else the five seed scrapes in `examples/seeds`. About 10 seconds a
configuration for the dev and test splits of both corpora, on one core. Exit code 0 when every
page's text is the same in every configuration, 1 otherwise or when no configuration ran beside
the default. The numeric variables of the shell are not passed to the default run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_AVX2_NUMPY = "X86_V4 AVX512_ICL AVX512_SPR"  # numpy's AVX2 loops on an AVX-512 CPU
_NUMERIC_VARIABLES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "CLEANER_PURE_PYTHON")


@dataclass(frozen=True)
class Config:
    name: str
    env: dict[str, str]
    needs: str | None  # a /proc/cpuinfo flag the configuration needs, None for any CPU


CONFIGS = (
    Config("default", {}, None),
    Config(
        "AVX2 (Haswell BLAS kernel, numpy without AVX-512)",
        {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": _AVX2_NUMPY},
        "avx2",
    ),
    Config(
        "AVX (Sandybridge BLAS kernel, numpy without AVX2)",
        {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": _AVX2_NUMPY + " X86_V3"},
        "avx",
    ),
    Config("pure Python (CLEANER_PURE_PYTHON=1)", {"CLEANER_PURE_PYTHON": "1"}, None),
)


def cpu_flags() -> set[str] | None:
    """The CPU's feature flags, or None where /proc/cpuinfo is missing (not Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def runnable(config: Config, flags: set[str] | None) -> bool:
    return config.needs is None or (flags is not None and config.needs in flags)


# --- child: clean every page, write one JSON line a page ------------------------------------


def iter_sources(
    corpora: Sequence[str], splits: Sequence[str], limit: int | None, shared: Path | None
) -> Iterator[tuple[str, str | bytes]]:
    """(key, content) for each page and kind, in a fixed order."""
    from cleaner.corpora import default_shared_dir, iter_pages

    folder = (shared or default_shared_dir()) / "corpora"
    if not any((folder / c / "manifest.tsv").is_file() for c in corpora):
        for path in sorted((ROOT / "examples" / "seeds").glob("*.txt")):
            yield f"seeds/{path.stem} text", path.read_text(encoding="utf-8")
        return
    for corpus in corpora:
        if not (folder / corpus / "manifest.tsv").is_file():
            continue
        for split in splits:
            pages = sorted(iter_pages(corpus, split, shared), key=lambda p: p.id)
            for page in pages[:limit]:
                text = page.text_path.read_text(encoding="utf-8", errors="replace")
                yield f"{corpus}/{split}/{page.id} text", text
                yield f"{corpus}/{split}/{page.id} html", page.html_path.read_bytes()


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def page_record(key: str, content: str | bytes) -> dict:
    from cleaner import clean

    a = clean(content)
    scores = [float(ln.score) for ln in a.lines]
    labels = [(ln.label, ln.reason) for ln in a.lines]
    return {
        "key": key,
        "text": _digest((a.title, a.byline, a.body, a.outlet, a.error, labels)),
        "json": _digest([round(s, 4) for s in scores]),
        "labels": _digest([f"{s:.3f}" for s in scores]),
        "scores": scores,
    }


def run_child(args: argparse.Namespace) -> int:
    with open(args.child, "w", encoding="utf-8") as out:
        for key, content in iter_sources(args.corpus, args.split, args.limit, args.shared):
            out.write(json.dumps(page_record(key, content)) + "\n")
    return 0


# --- parent: run the configurations, compare ------------------------------------------------


def child_command(args: argparse.Namespace, out: Path) -> list[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(out)]
    cmd += ["--corpus", *args.corpus, "--split", *args.split]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if args.shared is not None:
        cmd += ["--shared", str(args.shared)]
    return cmd


def read_records(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {rec["key"]: rec for rec in map(json.loads, f)}


@dataclass
class Comparison:
    pages: int
    text: list[str]  # keys of pages whose text, labels or reasons differ
    json: int
    labels: int
    max_diff: float


def compare(base: dict[str, dict], other: dict[str, dict]) -> Comparison:
    if base.keys() != other.keys():
        raise SystemExit("the runs cleaned different pages; cannot compare")
    text, json_n, labels_n, max_diff = [], 0, 0, 0.0
    for key, a in base.items():
        b = other[key]
        if a["text"] != b["text"]:
            text.append(key)
        json_n += a["json"] != b["json"]
        labels_n += a["labels"] != b["labels"]
        if len(a["scores"]) == len(b["scores"]):
            diffs = (abs(x - y) for x, y in zip(a["scores"], b["scores"], strict=True))
            max_diff = max(max_diff, *diffs, 0.0)
    return Comparison(len(base), text, json_n, labels_n, max_diff)


def report(args: argparse.Namespace, argv: Sequence[str], rows: list[tuple[Config, object]]) -> str:
    import numpy as np

    lines = [
        "## Output under other CPUs' arithmetic",
        "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Command: `python bench/check_numerics.py {' '.join(argv)}`".replace("  ", " "),
        f"- Python {sys.version.split()[0]}, numpy {np.__version__}",
        "- Each configuration's output compared with the default run's, page by page (a page is"
        " one text scrape or one HTML file).",
        "",
        "| configuration | pages | text, labels or reasons differ | json scores (4 dp) differ |"
        " labels scores (3 dp) differ | largest score difference |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for config, result in rows:
        if isinstance(result, Comparison):
            lines.append(
                f"| {config.name} | {result.pages} | {len(result.text)} | {result.json} |"
                f" {result.labels} | {result.max_diff:.1e} |"
            )
        else:
            lines.append(f"| {config.name} | | {result} | | | |")
    for config, result in rows:
        if isinstance(result, Comparison) and result.text:
            lines.append(f"- {config.name}: text differs on {', '.join(result.text[:20])}")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["dragnet", "l3s-gn1"])
    ap.add_argument("--split", nargs="+", choices=("train", "dev", "test"), default=["dev", "test"])
    ap.add_argument("--limit", type=int, help="first N pages of each corpus and split")
    ap.add_argument("--shared", type=Path, help="where the corpora are (default ../shared)")
    ap.add_argument("--out", type=Path, help="also write the Markdown here")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # internal: clean, write records here
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    flags = cpu_flags()
    rows: list[tuple[Config, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[str, dict[str, dict]] = {}
        for i, config in enumerate(CONFIGS):
            if not runnable(config, flags):
                rows.append((config, f"not run: this CPU lacks {config.needs}"))
                continue
            out = Path(tmp) / f"{i}.jsonl"
            env = {k: v for k, v in os.environ.items() if k not in _NUMERIC_VARIABLES}
            env.update(config.env)  # the default run is the default, whatever the shell set
            print(f"running: {config.name}", file=sys.stderr)
            done = subprocess.run(child_command(args, out), env=env, check=False)
            if done.returncode != 0:
                rows.append((config, f"failed (exit code {done.returncode})"))
                continue
            runs[config.name] = read_records(out)
        base = runs.get(CONFIGS[0].name)
        if base is None:
            raise SystemExit("the default configuration failed")
        for config in CONFIGS[1:]:
            if config.name in runs:
                rows.append((config, compare(base, runs[config.name])))
    rows.sort(key=lambda row: CONFIGS.index(row[0]))
    text = report(args, argv, rows)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    compared = [r for _, r in rows if isinstance(r, Comparison)]
    if not compared:
        print("check_numerics: no configuration ran beside the default", file=sys.stderr)
        return 1
    return 1 if any(r.text for r in compared) else 0


if __name__ == "__main__":
    raise SystemExit(main())
