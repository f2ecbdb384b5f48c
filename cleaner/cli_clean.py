"""`cleaner clean`: read inputs, clean them in a stream, write articles; a thin shell over
`cleaner.sources.iter_records` and `cleaner.batch.clean_many`.

Exit codes: 0 every input cleaned; 1 some inputs failed (their error records are written, the
rest is cleaned); 2 usage error, model not loadable, or nothing could be read; 3 the output could
not be written (the output folder cannot be made or is not a folder, no permission, disk full, a
file name the file system refuses): stderr says which output and why, and the output is incomplete.
3 wins over 1 and 2, so a pipeline knows its output is not whole; a reader that goes away (`| head`)
is not an error (exit 0, nothing on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .article import Article
from .batch import clean_many, one_blas_thread
from .cli import discard_stdout
from .model import NotAModelFolder, load_model
from .sitebatch import Rereadable, SpoolError, input_parts
from .sources import (
    DEFAULT_MAX_BYTES,
    HTML_SUFFIXES,
    MANY_RECORD_SUFFIXES,
    STDIN,
    TEXT_SUFFIXES,
    Record,
    expand_paths,
    iter_records,
)
from .text import without_lone_surrogates

FORMATS = ("text", "json", "jsonl", "labels")
EXTENSIONS = {"text": ".txt", "json": ".json", "labels": ".labels.tsv"}
JSONL_NAME = "cleaned.jsonl"
DOC_SEPARATOR = "\f"
"""In `--format text` on one stream, documents are separated by a line holding only a form feed."""

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "clean",
        help="clean raw scrapes (text, HTML, JSONL) into articles",
        description="Clean raw news scrapes: files, folders (recursive), JSONL, or stdin.",
        epilog="exit codes: 0 all inputs cleaned; 1 some inputs failed (error records written, "
        "the rest cleaned); 2 usage error, model not loadable, or nothing could be read; 3 the "
        "output could not be written (no permission, disk full, not a folder, ...): it is "
        "incomplete",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders; none or '-' reads stdin"
    )
    parser.add_argument(
        "-o",
        "--output-dir",
        metavar="DIR",
        help=f"write one file per input here (jsonl: one {JSONL_NAME}) instead of stdout",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text",
        help="text: title, byline, blank line, body; json: one object per input (an array for "
        "several); jsonl: one object a line; labels: every line with label, score and reason",
    )  # fmt: skip
    parser.add_argument(
        "--parallel", type=_positive_int, default=1, metavar="N", help="worker processes"
    )
    parser.add_argument(
        "--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
        help=f"refuse documents larger than this (default {DEFAULT_MAX_BYTES:,})",
    )  # fmt: skip
    parser.add_argument(
        "--model", metavar="DIR", help="model folder, the one holding model.json (default: the "
        "shipped model)",
    )  # fmt: skip
    parser.add_argument(
        "--site-boilerplate", action="store_true",
        help="read the inputs twice: first to find lines recurring on many pages of one site "
        "(JSONL 'site' or 'url' field, else the page's og:url or og:site_name), then to clean "
        "them with those lines as boilerplate; stdin and pipes are copied to a temporary file",
    )  # fmt: skip
    parser.set_defaults(func=run)


def _positive_int(value: str) -> int:
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def _load_model(path: str | None) -> Any:
    """Load the model once in the parent, so a bad --model fails fast with exit 2 and forked
    workers share it."""
    return load_model(path)


class OutputError(Exception):
    """Output that could not be written. `fatal` (no permission, disk full, a broken stream)
    stops the run, since nothing more can be written; otherwise the file system refused only
    this record's file (its name) and the batch goes on."""

    def __init__(self, where: object, exc: OSError | str, fatal: bool = True) -> None:
        why = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        more = "" if fatal else "; the batch goes on without it"
        super().__init__(f"cannot write to {where} ({why}){more}")
        self.fatal = fatal


def run(args: argparse.Namespace) -> int:
    paths: list[str] = list(args.paths) or [STDIN]
    one_blas_thread()
    if not args.paths and _stdin_is_a_terminal():  # else it looks like a hang
        _err("reading a page from the terminal; end it with Ctrl-D (or give files or folders)")
    try:
        model = _load_model(args.model)
    except NotAModelFolder as exc:
        _err(str(exc))
        return EXIT_USAGE
    except Exception as exc:
        what = args.model or os.environ.get("CLEANER_MODEL") or "the shipped model"
        _err(f"cannot load {what} ({type(exc).__name__}: {exc})")
        return EXIT_USAGE
    try:
        sink = _open_sink(args.format, args.output_dir)
    except OutputError as exc:
        _err(str(exc))
        return EXIT_OUTPUT
    files = _inputs(paths, args.output_dir)

    countable = all(
        f != STDIN and Path(f).suffix.lower() not in MANY_RECORD_SUFFIXES for f in files
    )
    tally = _Tally()
    progress = _Progress(total=len(files) if countable else None, enabled=_stderr_is_tty())
    try:
        with contextlib.ExitStack() as spools:
            try:
                records = _records(files, args, tally, spools, progress)
                _clean_into(sink, records, args, model, tally, progress)
            finally:
                progress.finish(tally)
                sink.close()
    except OutputError as exc:
        _err(str(exc))
        return EXIT_OUTPUT
    except SpoolError as exc:
        _err(str(exc))
        return EXIT_USAGE
    return _exit_code(tally)


def _records(
    files: list[str],
    args: argparse.Namespace,
    tally: _Tally,
    spools: contextlib.ExitStack,
    progress: _Progress,
) -> Iterable[Record] | Rereadable:
    """The records to clean: a stream, or for --site-boilerplate one part per input, read
    twice (stdin and pipes from temporary copies, made now and closed with `spools`); the
    first reading of each part is the site pass, which the progress line counts too."""
    if not args.site_boilerplate:
        return tally.count_reads(iter_records(files, max_bytes=args.max_bytes))
    parts = input_parts(files, spools, max_bytes=args.max_bytes)
    readings = [0] * len(parts)

    def reading(j: int, read: Callable[[], Iterable[Record]]) -> Iterable[Record]:
        readings[j] += 1
        records = tally.count_reads(read(), j)
        return progress.site_pass(records) if readings[j] == 1 else records

    return Rereadable(
        [(name, lambda j=j, read=read: reading(j, read)) for j, (name, read) in enumerate(parts)]
    )


def _stdin_is_a_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # no stdin, a closed one, or a stand-in
        return False


def _inputs(paths: list[str], output_dir: str | None) -> list[str]:
    """The input files, none inside the output folder: those are this run's output (a
    half-written cleaned.jsonl) or an earlier run's, not inputs. A file named on the command
    line that is skipped gets a note."""
    files = list(expand_paths(paths))
    if output_dir is None:
        return files
    out = os.path.realpath(output_dir)
    inside = {f for f in files if f != STDIN and _is_within(os.path.realpath(f), out)}
    for name in paths:
        if name in inside:
            _err(f"skipping {name}: it is inside the output folder")
    return [f for f in files if f not in inside]


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _clean_into(
    sink: _StreamSink | _FolderSink,
    records: Iterable[Record],
    args: argparse.Namespace,
    model: Any,
    tally: _Tally,
    progress: _Progress,
) -> None:
    """Clean every record and write its article; a fatal OutputError ends the batch early."""
    articles = clean_many(
        records,
        model=model,
        parallel=args.parallel,
        site_boilerplate=args.site_boilerplate,
        lines=args.format == "labels",  # the other formats write no line (Article.to_dict)
    )
    with contextlib.closing(articles):  # stops worker processes when the batch ends early
        for article in articles:
            tally.done += 1
            if article.error is not None:
                tally.failed += 1
                if args.format == "text":  # the other formats carry it in the record
                    progress.say(_named(article))
            try:
                sink.write(article)
            except OutputError as exc:
                if exc.fatal:
                    raise
                tally.unwritten += 1
                progress.say(str(exc))
            progress.update(tally)


def _exit_code(tally: _Tally) -> int:
    """The exit code for a finished batch, after a summary of what failed on stderr."""
    if tally.done == 0:
        _err("no input documents found")
        return EXIT_USAGE
    if tally.failed:
        _err(f"{tally.failed} of {tally.done} inputs failed; see error records")
    if tally.unwritten:
        _err(f"{tally.unwritten} of {tally.done} outputs could not be written")
        return EXIT_OUTPUT
    if tally.read_failed == tally.done:
        return EXIT_USAGE  # nothing could be read
    return EXIT_SOME_FAILED if tally.failed else EXIT_OK


class _Tally:
    def __init__(self) -> None:
        self.done = 0
        self.failed = 0
        self._read_failed: dict[int, int] = {}  # per input part
        self.unwritten = 0  # outputs the file system refused (one name each)

    @property
    def read_failed(self) -> int:
        """Records that could not be read, in the latest reading of each input part."""
        return sum(self._read_failed.values())

    def count_reads(self, records: Iterable[Record], part: int = 0) -> Iterator[Record]:
        """`records`, counting those that could not be read; a part read again (the site
        pass reads every input twice) is counted afresh."""
        self._read_failed[part] = 0
        for record in records:
            self._read_failed[part] += record.error is not None
            yield record


def _named(article: Article) -> str:
    """The article's error, prefixed with its id unless the message already names it."""
    error = article.error or ""
    return error if error.startswith(article.id) else f"{article.id}: {error}"


def _err(message: str) -> None:
    print(f"cleaner clean: {message}", file=sys.stderr)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """`count/total, rate` on one stderr line, redrawn at most 5 times a second; terminals only.
    The last drawing shows the final count; a message in between gets a line of its own."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.width = 0  # characters of the progress line now on screen
        self.read = 0  # inputs the site pass read
        self.read_at = self.start  # when it read the latest
        self.cleaning_from: float | None = None  # when the first article came (after a site pass)

    def site_pass(self, records: Iterable[Record]) -> Iterator[Record]:
        """`records` as --site-boilerplate's first pass reads them, counted on the progress line
        (`site pass: N/total inputs read`): on a big batch that pass takes a while and cleans
        nothing yet."""
        for record in records:
            self.read += 1
            self.read_at = time.monotonic()
            self._draw(f"site pass: {self._of(self.read)} inputs read", self.read, self.start)
            yield record

    def update(self, tally: _Tally, force: bool = False) -> None:
        if self.cleaning_from is None:  # the first article: the rate from the site pass's end
            self.cleaning_from = self.read_at
            force = force or bool(self.read)  # and the site pass's line gives way at once
        failed = f", {tally.failed} failed" if tally.failed else ""
        self._draw(f"{self._of(tally.done)} inputs{failed}", tally.done, self.cleaning_from, force)

    def _of(self, count: int) -> str:
        return f"{count}/{self.total}" if self.total else str(count)

    def _draw(self, what: str, count: int, since: float, force: bool = False) -> None:
        """`what` and the rate of `count` since `since`, over the line on screen, at most 5
        times a second unless forced."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        rate = count / max(now - since, 1e-9)
        line = f"cleaner clean: {what}, {rate:.1f}/s "
        sys.stderr.write("\r" + line + " " * max(0, self.width - len(line)))
        sys.stderr.flush()
        self.shown = True
        self.width = len(line)

    def say(self, message: str) -> None:
        """`message` on stderr, on a line of its own: the progress line is wiped first (and drawn
        again at the next update), not left in front of it."""
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            self.width = 0
            self.last = 0.0
        _err(message)

    def finish(self, tally: _Tally) -> None:
        if self.shown:
            self.update(tally, force=True)
            sys.stderr.write("\n")
            sys.stderr.flush()


# Rendering -----------------------------------------------------------------------------------


def render_text(article: Article) -> str:
    """Title line, byline line (each empty when unknown), a blank line, then the body."""
    text = f"{article.title or ''}\n{article.byline or ''}\n\n{article.body}\n"
    return without_lone_surrogates(text)


def _dumps(obj: dict, indent: int | None = None) -> str:
    """JSON as UTF-8 text; a record holding a lone surrogate (a passed-through field, an id) is
    written with \\u escapes instead, which round-trip exactly and no UTF-8 stream refuses.
    Passed-through NaN and infinities (Python's JSON reader takes them) become null, with a
    warning: strict JSON readers refuse them."""
    try:
        text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        obj = _finite(obj)
        obj["warnings"] = [*obj.get("warnings", []), _NON_FINITE]
        text = json.dumps(obj, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, ensure_ascii=True, indent=indent)
    return text


_NON_FINITE = "a passed-through NaN or Infinity was written as null (JSON has neither)"


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinite float, however deeply nested, made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def render_json(article: Article) -> str:
    return _dumps(article.to_dict(), indent=2)


def render_jsonl(article: Article) -> str:
    return _dumps(article.to_dict()) + "\n"


def _cell(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ")


def render_labels(article: Article) -> str:
    """`# id: …` (and `# error: …`) header, then `label<TAB>score<TAB>reason<TAB>text` rows."""
    out = [f"# id: {_cell(article.id)}"]
    if article.error is not None:
        out.append(f"# error: {_cell(article.error)}")
    out += [f"# warning: {_cell(warning)}" for warning in article.warnings]
    for line in article.lines:
        out.append(f"{line.label}\t{line.score:.3f}\t{_cell(line.reason)}\t{_cell(line.text)}")
    return without_lone_surrogates("\n".join(out) + "\n")


# Sinks ---------------------------------------------------------------------------------------


class _StreamSink:
    """All articles on one stream (stdout, or cleaned.jsonl in the output folder). A write that
    fails raises OutputError naming `name`; the stream is then dropped, not written again."""

    def __init__(self, fmt: str, stream: TextIO, name: str, owned: bool = False) -> None:
        self.fmt = fmt
        self.stream = stream
        self.name = name
        self.owned = owned
        self.count = 0
        self.held: Article | None = None  # json: one article is an object, several an array
        self.broken = False

    def write(self, article: Article) -> None:
        self.count += 1
        with self._failing():
            self._write(article)

    def _write(self, article: Article) -> None:
        if self.fmt == "jsonl":
            self.stream.write(render_jsonl(article))
        elif self.fmt == "json":
            if self.count == 1:
                self.held = article
                return
            if self.held is not None:
                self.stream.write("[\n" + _indent(render_json(self.held)))
                self.held = None
            self.stream.write(",\n" + _indent(render_json(article)))
        elif self.fmt == "labels":
            self.stream.write(("\n" if self.count > 1 else "") + render_labels(article))
        else:
            self.stream.write(
                (DOC_SEPARATOR + "\n" if self.count > 1 else "") + render_text(article)
            )

    def close(self) -> None:
        if self.broken:
            return
        with self._failing():
            if self.fmt == "json":
                if self.held is not None:
                    self.stream.write(render_json(self.held) + "\n")
                elif self.count > 1:
                    self.stream.write("\n]\n")
            self.stream.flush()
            if self.owned:
                self.stream.close()

    @contextlib.contextmanager
    def _failing(self) -> Iterator[None]:
        """OSError as OutputError (BrokenPipeError stays itself: the reader left, `cleaner.cli`
        ends quietly); either way the stream is given up."""
        try:
            yield
        except OSError as exc:
            self.broken = True
            self._drop()
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(self.name, exc) from exc

    def _drop(self) -> None:
        """Give up the stream without a second error: a file is closed (what it could not
        write is lost), stdout is pointed at /dev/null for the flush at exit."""
        if self.owned:
            with contextlib.suppress(OSError):
                self.stream.close()
        elif self.stream is sys.stdout:
            discard_stdout()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


_NAME_ERRNOS = frozenset((errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL, errno.EISDIR))
"""Errors that refuse one file name (too long, not encodable here, a folder of that name), not
the folder: the batch goes on without that record's file."""


class _FolderSink:
    """One file per article in `folder`, named from the article id (see `safe_name`)."""

    def __init__(self, fmt: str, folder: Path) -> None:
        self.fmt = fmt
        self.folder = folder
        self.used: set[str] = set()

    def write(self, article: Article) -> None:
        path = self.folder / (safe_name(article.id, self.used) + EXTENSIONS[self.fmt])
        render = {"text": render_text, "json": render_json, "labels": render_labels}[self.fmt]
        body = render(article)
        try:
            _write_file(path, body if body.endswith("\n") else body + "\n")
        except OSError as exc:
            raise OutputError(path, exc, fatal=exc.errno not in _NAME_ERRNOS) from exc

    def close(self) -> None:
        pass


def _write_file(path: Path, text: str) -> None:
    """Write `text` to `path` (UTF-8). A file the write fails in (disk full) is removed, so
    every file in the output folder is whole."""
    handle = path.open("w", encoding="utf-8")
    try:
        with handle:
            handle.write(text)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _open_sink(fmt: str, output_dir: str | None) -> _StreamSink | _FolderSink:
    """Where the articles go; OutputError when the output folder cannot be used."""
    if output_dir is None:
        return _StreamSink(fmt, sys.stdout, "stdout")
    folder = Path(output_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(output_dir, "exists and is not a folder") from None
    except OSError as exc:
        raise OutputError(output_dir, exc) from exc
    if fmt != "jsonl":
        return _FolderSink(fmt, folder)
    path = folder / JSONL_NAME
    try:
        stream = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise OutputError(path, exc) from exc
    return _StreamSink(fmt, stream, str(path), owned=True)


_UNSAFE = re.compile(r"[^\w.\-]+")
_KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
_MAX_NAME = 120
_MAX_NAME_BYTES = 180
"""Longest name (without extension) in UTF-8 bytes: file systems count bytes (255 on most), and
"-N" for clashes and the longest extension (".labels.tsv") must still fit."""


def safe_name(record_id: str, used: set[str]) -> str:
    """A file name (no extension) for an output: the id with path separators and anything
    unusual turned into "_", the input's own extension dropped, absolute paths made relative
    to the working directory, long ids (over 120 characters or 180 UTF-8 bytes) shortened with
    a hash, and clashes numbered (-2, -3 …)."""
    base = record_id
    if os.path.isabs(base):
        rel = os.path.relpath(base)
        base = rel if not rel.startswith("..") else base.lstrip("/\\")
    stem, suffix = os.path.splitext(base)
    if suffix.lower() in _KNOWN_SUFFIXES:
        base = stem
    base = _UNSAFE.sub("_", base).strip("._") or "document"
    if len(base) > _MAX_NAME or len(base.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha1(record_id.encode("utf-8", "replace")).hexdigest()[:12]
        base = f"{_utf8_prefix(base[: _MAX_NAME - 13], _MAX_NAME_BYTES - 13)}-{digest}"
    name, n = base, 2
    while name.lower() in used or name.lower() == Path(JSONL_NAME).stem:
        name, n = f"{base}-{n}", n + 1
    used.add(name.lower())
    return name


def _utf8_prefix(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-8 bytes, cut between characters."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
