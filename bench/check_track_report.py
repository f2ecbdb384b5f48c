"""Check a `cleaner track` report against its corpus: do the facts quote what they point at?

    python bench/check_track_report.py CORPUS.jsonl REPORT.jsonl [--no-clean] [-v]

Re-reads and cleans the corpus as `cleaner track` does (so offsets refer to the same bodies) and
counts, per fact kind: facts whose non-empty `rewrite_text` / `wire_text` differ from the slice
their offsets name; attribution-changed facts whose two sources read the same (case, quotes,
spacing, punctuation aside); and whether `scores.words` is the word-token count of each body.
Exit code 1 when any fact's text and offsets disagree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.track.index import tokens  # noqa: E402
from cleaner.track.pipeline import _clean_doc  # noqa: E402

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _norm(source: str) -> str:
    """A source as a reader compares it: case, quote style, spacing and end punctuation aside."""
    return re.sub(r"\s+", " ", source.translate(_QUOTES)).strip(" .,;:\"'").casefold()


def _bodies(corpus: str, no_clean: bool) -> dict[str, str]:
    with open(corpus, encoding="utf-8") as f:
        return {
            d.id: d.body
            for d in (
                _clean_doc(json.loads(line), no_clean, i)
                for i, line in enumerate(f)
                if line.strip()
            )
        }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("report")
    ap.add_argument("--no-clean", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    bodies = _bodies(args.corpus, args.no_clean)
    kinds, off, same = Counter(), Counter(), 0
    words_ok = words_n = 0
    with open(args.report, encoding="utf-8") as f:
        reports = [json.loads(line) for line in f if line.strip()]
    for r in reports:
        if "error" in r:
            continue
        body = bodies[r["id"]]
        words_n += 1
        words_ok += r["scores"]["words"] == len(tokens(body))
        for d in r["discrepancies"]:
            kinds[d["kind"]] += 1
            wire = bodies[d["wire_id"]]
            bad = (
                d["rewrite_text"]
                and body[d["rewrite_start"] : d["rewrite_end"]] != d["rewrite_text"]
            ) or (d["wire_text"] and wire[d["wire_start"] : d["wire_end"]] != d["wire_text"])
            if bad:
                off[d["kind"]] += 1
                if args.verbose:
                    print(
                        f"{r['id']}: {d['kind']} {d['rewrite_text']!r} at "
                        f"{body[d['rewrite_start'] : d['rewrite_end']]!r}"
                    )
            if d["kind"] == "attribution-changed" and _norm(d["rewrite_text"]) == _norm(
                d["wire_text"]
            ):
                same += 1
    print(f"facts: {sum(kinds.values())} {dict(sorted(kinds.items()))}")
    print(f"text differs from its offsets: {sum(off.values())} {dict(sorted(off.items()))}")
    print(f"attribution-changed with the same source text: {same}")
    print(f"scores.words = word tokens of the body: {words_ok}/{words_n} records")
    return 1 if off else 0


if __name__ == "__main__":
    sys.exit(main())
