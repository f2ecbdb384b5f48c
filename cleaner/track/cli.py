"""`cleaner track`, `cleaner profiles`, `cleaner derive train`: thin shells over the track API.

Exit codes: 0 all records tracked; 1 some records failed (each has an "error" in the report and
a line on stderr); 2 usage, corpus or store error (nothing written).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import stat
import sys
from pathlib import Path

from cleaner.cli import discard_stdout

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "track",
        help="match rewrites to wire stories, align them, report changed facts",
        description="Write one JSON report per article (rewrites and wires). "
        + __doc__.split("\n\n")[1],
    )
    p.add_argument(
        "corpus",
        nargs="+",
        metavar="CORPUS",
        help="files, folders or JSONL of scrapes; '-' for stdin",
    )
    p.add_argument(
        "--wire",
        action="append",
        default=[],
        metavar="PATH",
        help="wire originals (repeatable); others are detected from agency marks",
    )
    p.add_argument("--store", metavar="FILE", help="add the reports to this profile store")
    p.add_argument(
        "--no-clean",
        action="store_true",
        help="the text is already the article body (offsets refer to it as given)",
    )
    p.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="report JSONL (default stdout); written whole or not at all",
    )
    p.add_argument("--model", metavar="FILE", help="derivation weights (default: shipped)")
    p.add_argument("--parallel", type=int, default=1, metavar="N", help="worker processes")
    p.add_argument(
        "--with-body",
        action="store_true",
        help="add each article's body, the text the offsets refer to, to its report",
    )
    p.set_defaults(func=cmd_track)

    q = subparsers.add_parser("profiles", help="print the outlet profiles of a store")
    q.add_argument("--store", metavar="FILE", default=None)
    q.add_argument("--format", choices=("table", "json"), default="table")
    q.set_defaults(func=cmd_profiles)

    d = subparsers.add_parser("derive", help="the derivation model (wholly/partially/non)")
    dsub = d.add_subparsers(dest="derive_command", metavar="ACTION")
    t = dsub.add_parser("train", help="train derivation weights from labelled examples")
    t.add_argument(
        "examples",
        metavar="EXAMPLES.jsonl",
        help='lines {"rewrite": ID|{"id","text"}, "wires": [ID|{...}], "label": ...}',
    )
    t.add_argument(
        "--corpus",
        nargs="*",
        default=[],
        metavar="PATH",
        help="records that example ids refer to (JSONL, files, folders)",
    )
    t.add_argument("-o", "--output", required=True, metavar="FILE", help="weights JSON to write")
    t.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    t.set_defaults(func=cmd_derive_train)
    d.set_defaults(func=lambda _a: (d.print_help(sys.stderr), EXIT_USAGE)[1])


class _ReportOutput:
    """Where the report goes (`-o`). A regular file or a new path is written to a temp file
    beside its real target (symlinks resolved, so a link stays a link) and renamed into place
    last, so readers never see half a report. Stdout, a FIFO or a device cannot be renamed over:
    they are written directly."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.target = None if path == "-" else Path(os.path.realpath(path))
        self.tmp: Path | None = None

    @property
    def is_stream(self) -> bool:
        """True for stdout and for an existing path that is not a regular file."""
        return self.target is None or (self.target.exists() and not self.target.is_file())

    def problem(self) -> str | None:
        """Why the report could not be written there; checked before any tracking work."""
        if self.target is None:
            return None
        if self.target.is_dir():
            return f"{self.path}: is a folder, not a report file"
        if not self.target.parent.is_dir():
            return f"{self.path}: folder {self.target.parent} does not exist"
        if self.target.exists() and not os.access(self.target, os.W_OK):
            return f"{self.path}: no permission to write it"
        if self.is_stream:
            return None
        try:  # the temp file must be creatable beside the target: try one
            _create_temp(self.target).unlink()
        except OSError as exc:
            return f"{self.path}: cannot write in {self.target.parent} ({exc.strerror or exc})"
        return None

    def stage(self, lines: list[str]) -> None:
        """Write a file target's temp file, the part that can fail (disk full), before the store
        is touched. Streams are written by `write_stream`."""
        if self.is_stream:
            return
        assert self.target is not None
        self.tmp = _create_temp(self.target)
        try:
            with self.tmp.open("w", encoding="utf-8") as fh:
                fh.writelines(lines)
        except BaseException:
            self.discard()
            raise

    def write_stream(self, lines: list[str]) -> None:
        """Write stdout, a FIFO or a device whole; a reader that left (BrokenPipe) is no error."""
        if not self.is_stream:
            return
        try:
            if self.target is None:
                sys.stdout.writelines(lines)
                sys.stdout.flush()
            else:
                with self.target.open("w", encoding="utf-8") as fh:
                    fh.writelines(lines)
        except BrokenPipeError:
            if self.target is None:
                discard_stdout()

    def commit(self) -> None:
        """Rename the staged temp file onto the real target."""
        if self.tmp is not None and self.target is not None:
            try:
                os.replace(self.tmp, self.target)
            except BaseException:
                self.discard()
                raise
            self.tmp = None

    def discard(self) -> None:
        """Remove the staged temp file, if any (tracking or the store failed)."""
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def _create_temp(target: Path) -> Path:
    """An empty temp file beside `target`, with the mode a newly created file would get (0666
    less the umask), or `target`'s own mode when it exists, so the rename changes no mode."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            if target.is_file():
                os.fchmod(fd, stat.S_IMODE(target.stat().st_mode))
        finally:
            os.close(fd)
        return tmp
    raise FileExistsError(f"{target.parent}: no free temp file name")


def cmd_track(args: argparse.Namespace) -> int:
    from cleaner.batch import one_blas_thread
    from cleaner.track.pipeline import TrackError, track
    from cleaner.track.profiles import StoreError

    one_blas_thread()  # --parallel 2 ran slower than 1 on two cores without it

    output = _ReportOutput(args.output)
    problem = output.problem()
    if problem:
        print(f"cleaner track: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        reports = track(
            args.corpus,
            wires=args.wire or None,
            no_clean=args.no_clean,
            model=args.model,
            parallel=max(1, args.parallel),
            with_body=args.with_body,
        )
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in reports]
        code = _write_report(output, lines, reports, args.store)
    except (TrackError, StoreError, ValueError, OSError) as exc:
        print(f"cleaner track: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        output.discard()
    if code != EXIT_OK:
        return code
    failed = [r for r in reports if "error" in r]
    for r in failed:
        print(f"cleaner track: {r['error']}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _write_report(
    output: _ReportOutput, lines: list[str], reports: list[dict], store: str | None
) -> int:
    """Report first, store last: a report that cannot be written leaves the store untouched.
    An existing store is opened (and so checked) before anything reaches a stream; a new one is
    created only after the report is out."""
    from cleaner.track.profiles import Profiles

    try:
        output.stage(lines)
    except OSError as exc:
        return _write_failed(output, exc)
    with contextlib.ExitStack() as stack:
        prof = None
        if store and Path(store).exists():
            prof = stack.enter_context(Profiles(store))
        try:
            output.write_stream(lines)
        except OSError as exc:
            return _write_failed(output, exc)
        if store:
            if prof is None:  # not `prof or`: an empty store has len 0
                prof = stack.enter_context(Profiles(store))
            res = prof.add([r for r in reports if "error" not in r])
            print(f"cleaner track: store {store}: {res.summary()}", file=sys.stderr)
    try:
        output.commit()
    except OSError as exc:
        return _write_failed(output, exc)
    return EXIT_OK


def _write_failed(output: _ReportOutput, exc: OSError) -> int:
    """One line for a report that could not be written (disk full, ...); stdout is pointed at
    /dev/null so the flush at exit does not fail again."""
    where = "stdout" if output.target is None else output.path
    print(
        f"cleaner track: cannot write the report to {where} ({exc.strerror or exc})",
        file=sys.stderr,
    )
    if output.target is None:
        discard_stdout()
    return EXIT_USAGE


def cmd_profiles(args: argparse.Namespace) -> int:
    from cleaner.track.profiles import (
        DEFAULT_STORE,
        Profiles,
        StoreError,
        format_table,
        profiles_json,
    )

    try:  # read-only: a missing or empty file is refused, and nothing is written or created
        with Profiles(args.store or DEFAULT_STORE, readonly=True) as prof:
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
    print(
        f"wrote {args.output} (sha256 {sha}, {model.meta_['examples']} examples)", file=sys.stderr
    )
    return EXIT_OK
