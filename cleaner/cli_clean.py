"""`cleaner clean`: read inputs, clean them in a stream, write articles; a thin shell over
`cleaner.sources.iter_records` and `cleaner.batch.clean_many`.

Exit codes: 0 every input cleaned; 1 some inputs failed (their error records are written, the
rest is cleaned); 2 usage error, model not loadable, or nothing could be read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .article import Article
from .batch import clean_many
from .sources import (
    DEFAULT_MAX_BYTES,
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
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

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "clean",
        help="clean raw scrapes (text, HTML, JSONL) into articles",
        description="Clean raw news scrapes: files, folders (recursive), JSONL, or stdin.",
        epilog="exit codes: 0 all inputs cleaned; 1 some inputs failed (error records written, "
        "the rest cleaned); 2 usage error or nothing could be read",
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
    parser.add_argument("--model", metavar="PATH", help="model file (default: the shipped model)")
    parser.add_argument(
        "--site-boilerplate", action="store_true",
        help="read the batch first and treat lines recurring on many pages of one site (JSONL "
        "'site' or 'url' field, else the page's og:url or og:site_name) as boilerplate; holds "
        "the batch in memory",
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
    workers share it. Without cleaner.model (a partial install) the cleaner loads its own."""
    try:
        from .model import load_model
    except ModuleNotFoundError:
        if path:
            raise
        return None
    return load_model(path) if path else load_model()


def run(args: argparse.Namespace) -> int:
    paths: list[str] = list(args.paths) or [STDIN]
    try:
        model = _load_model(args.model)
    except Exception as exc:
        what = args.model or "the shipped model"
        _err(f"cannot load {what} ({type(exc).__name__}: {exc})")
        return EXIT_USAGE
    try:
        sink = _open_sink(args.format, args.output_dir)
    except OSError as exc:
        _err(f"cannot write to {args.output_dir} ({exc.strerror or exc})")
        return EXIT_USAGE

    files = list(expand_paths(paths))
    countable = all(f != STDIN and Path(f).suffix.lower() not in JSONL_SUFFIXES for f in files)
    tally = _Tally()
    records = tally.count_reads(iter_records(files, max_bytes=args.max_bytes))
    progress = _Progress(total=len(files) if countable else None, enabled=_stderr_is_tty())
    try:
        for article in clean_many(
            records, model=model, parallel=args.parallel, site_boilerplate=args.site_boilerplate
        ):
            tally.done += 1
            if article.error is not None:
                tally.failed += 1
                if args.format == "text":  # the other formats carry it in the record
                    _err(_named(article))
            sink.write(article)
            progress.update(tally)
    finally:
        progress.finish()
        sink.close()

    if tally.done == 0:
        _err("no input documents found")
        return EXIT_USAGE
    if tally.failed:
        _err(f"{tally.failed} of {tally.done} inputs failed; see error records")
    if tally.read_failed == tally.done:
        return EXIT_USAGE  # nothing could be read
    return EXIT_SOME_FAILED if tally.failed else EXIT_OK


class _Tally:
    def __init__(self) -> None:
        self.done = 0
        self.failed = 0
        self.read_failed = 0

    def count_reads(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            self.read_failed += record.error is not None
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
    """`count/total, rate` on one stderr line, redrawn at most 5 times a second; terminals only."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, tally: _Tally) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.2:
            return
        self.last = now
        rate = tally.done / max(now - self.start, 1e-9)
        count = f"{tally.done}/{self.total}" if self.total else str(tally.done)
        failed = f", {tally.failed} failed" if tally.failed else ""
        sys.stderr.write(f"\rcleaner clean: {count} inputs{failed}, {rate:.1f}/s ")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


# Rendering -----------------------------------------------------------------------------------


def render_text(article: Article) -> str:
    """Title line, byline line (each empty when unknown), a blank line, then the body."""
    text = f"{article.title or ''}\n{article.byline or ''}\n\n{article.body}\n"
    return without_lone_surrogates(text)


def _dumps(obj: dict, indent: int | None = None) -> str:
    """JSON as UTF-8 text; a record holding a lone surrogate (a passed-through field, an id) is
    written with \\u escapes instead, which round-trip exactly and no UTF-8 stream refuses."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, ensure_ascii=True, indent=indent)
    return text


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
    """All articles on one stream (stdout, or cleaned.jsonl in the output folder)."""

    def __init__(self, fmt: str, stream: TextIO, owned: bool = False) -> None:
        self.fmt = fmt
        self.stream = stream
        self.owned = owned
        self.count = 0
        self.held: Article | None = None  # json: one article is an object, several an array

    def write(self, article: Article) -> None:
        self.count += 1
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
        if self.fmt == "json":
            if self.held is not None:
                self.stream.write(render_json(self.held) + "\n")
            elif self.count > 1:
                self.stream.write("\n]\n")
        self.stream.flush()
        if self.owned:
            self.stream.close()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


class _FolderSink:
    """One file per article in `folder`, named from the article id (see `safe_name`)."""

    def __init__(self, fmt: str, folder: Path) -> None:
        self.fmt = fmt
        self.folder = folder
        self.used: set[str] = set()

    def write(self, article: Article) -> None:
        name = safe_name(article.id, self.used) + EXTENSIONS[self.fmt]
        render = {"text": render_text, "json": render_json, "labels": render_labels}[self.fmt]
        body = render(article)
        (self.folder / name).write_text(body if body.endswith("\n") else body + "\n", "utf-8")

    def close(self) -> None:
        pass


def _open_sink(fmt: str, output_dir: str | None) -> _StreamSink | _FolderSink:
    if output_dir is None:
        return _StreamSink(fmt, sys.stdout)
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        return _StreamSink(fmt, (folder / JSONL_NAME).open("w", encoding="utf-8"), owned=True)
    return _FolderSink(fmt, folder)


_UNSAFE = re.compile(r"[^\w.\-]+")
_KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
_MAX_NAME = 120


def safe_name(record_id: str, used: set[str]) -> str:
    """A file name (no extension) for an output: the id with path separators and anything
    unusual turned into "_", the input's own extension dropped, absolute paths made relative
    to the working directory, long ids shortened with a hash, and clashes numbered (-2, -3 …)."""
    base = record_id
    if os.path.isabs(base):
        rel = os.path.relpath(base)
        base = rel if not rel.startswith("..") else base.lstrip("/\\")
    stem, suffix = os.path.splitext(base)
    if suffix.lower() in _KNOWN_SUFFIXES:
        base = stem
    base = _UNSAFE.sub("_", base).strip("._") or "document"
    if len(base) > _MAX_NAME:
        digest = hashlib.sha1(record_id.encode("utf-8", "replace")).hexdigest()[:12]
        base = f"{base[: _MAX_NAME - 13]}-{digest}"
    name, n = base, 2
    while name.lower() in used or name.lower() == Path(JSONL_NAME).stem:
        name, n = f"{base}-{n}", n + 1
    used.add(name.lower())
    return name
