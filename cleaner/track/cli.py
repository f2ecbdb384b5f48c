"""`cleaner track`, `cleaner profiles`, `cleaner derive train`: thin shells over the track API.

Exit codes: 0 all records tracked; 1 some records failed (each has an "error" in the report and
a line on stderr); 2 usage, corpus or store error (nothing written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "track",
        help="match rewrites to wire stories, align them, report changed facts",
        description="Write one JSON report per article (rewrites and wires). " + __doc__.split(
            "\n\n")[1],
    )
    p.add_argument("corpus", nargs="+", metavar="CORPUS",
                   help="files, folders or JSONL of scrapes; '-' for stdin")
    p.add_argument("--wire", action="append", default=[], metavar="PATH",
                   help="wire originals (repeatable); others are detected from agency marks")
    p.add_argument("--store", metavar="FILE", help="add the reports to this profile store")
    p.add_argument("--no-clean", action="store_true",
                   help="the text is already the article body (offsets refer to it as given)")
    p.add_argument("-o", "--output", default="-", metavar="FILE",
                   help="report JSONL (default stdout); written whole or not at all")
    p.add_argument("--model", metavar="FILE", help="derivation weights (default: shipped)")
    p.add_argument("--parallel", type=int, default=1, metavar="N", help="worker processes")
    p.set_defaults(func=cmd_track)

    q = subparsers.add_parser("profiles", help="print the outlet profiles of a store")
    q.add_argument("--store", metavar="FILE", default=None)
    q.add_argument("--format", choices=("table", "json"), default="table")
    q.set_defaults(func=cmd_profiles)

    d = subparsers.add_parser("derive", help="the derivation model (wholly/partially/non)")
    dsub = d.add_subparsers(dest="derive_command", metavar="ACTION")
    t = dsub.add_parser("train", help="train derivation weights from labelled examples")
    t.add_argument("examples", metavar="EXAMPLES.jsonl",
                   help='lines {"rewrite": ID|{"id","text"}, "wires": [ID|{...}], "label": ...}')
    t.add_argument("--corpus", nargs="*", default=[], metavar="PATH",
                   help="records that example ids refer to (JSONL, files, folders)")
    t.add_argument("-o", "--output", required=True, metavar="FILE", help="weights JSON to write")
    t.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    t.set_defaults(func=cmd_derive_train)
    d.set_defaults(func=lambda _a: (d.print_help(sys.stderr), EXIT_USAGE)[1])


def _write_atomic(path: str, lines: list[str]) -> None:
    """Write to a temp file beside `path`, then rename: readers never see half a report."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent or "."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_track(args: argparse.Namespace) -> int:
    from cleaner.track.pipeline import TrackError, track
    from cleaner.track.profiles import StoreError

    if args.output != "-" and not Path(args.output).parent.resolve().is_dir():
        print(f"cleaner track: {args.output}: folder does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        reports = track(
            args.corpus,
            wires=args.wire or None,
            no_clean=args.no_clean,
            model=args.model,
            parallel=max(1, args.parallel),
        )
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in reports]
        if args.store:
            from cleaner.track.profiles import Profiles

            ok = [r for r in reports if "error" not in r]
            with Profiles(args.store) as prof:
                res = prof.add(ok)
            print(f"cleaner track: store {args.store}: {res}", file=sys.stderr)
    except (TrackError, StoreError, ValueError, OSError) as exc:
        print(f"cleaner track: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.output == "-":
        sys.stdout.writelines(lines)
    else:
        _write_atomic(args.output, lines)
    failed = [r for r in reports if "error" in r]
    for r in failed:
        print(f"cleaner track: {r['error']}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    from cleaner.track.profiles import (
        DEFAULT_STORE,
        Profiles,
        StoreError,
        format_table,
        profiles_json,
    )

    path = args.store or DEFAULT_STORE
    if not Path(path).exists():
        print(f"cleaner profiles: {path}: no such store (run `cleaner track --store`)",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        with Profiles(path) as prof:
            profs = prof.profiles()
    except StoreError as exc:
        print(f"cleaner profiles: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = format_table(profs) if args.format == "table" else profiles_json(profs)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return EXIT_OK


def cmd_derive_train(args: argparse.Namespace) -> int:
    from cleaner.track.derive import read_examples, train

    records: dict[str, str] = {}
    if args.corpus:
        from cleaner.sources import iter_records

        for rec in iter_records(args.corpus):
            if rec.text is not None:
                records[rec.id] = rec.text
    try:
        model = train(read_examples(args.examples, records), C=args.C)
        sha = model.save(args.output, trained_on=str(args.examples))
    except (ValueError, OSError) as exc:
        print(f"cleaner derive train: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.output} (sha256 {sha}, {model.meta_['examples']} examples)",
          file=sys.stderr)
    return EXIT_OK
