"""The site-boilerplate batch (`clean_many(..., site_boilerplate=True)`, `cleaner clean
--site-boilerplate`): two passes over records that can be read twice, not a list in memory.

The first pass reads every record to count its site's lines (cleaner.recurring, by hashed
keys) and keeps of each record only its site and a digest of what it read; the second pass
reads the records again, in the same order, and hands each to the cleaner with its site's
recurring lines. Memory is the sites' line counts and about 16 bytes a record, plus a bounded
set of parsed pages (KEEP_HTML_CHARS), not the batch's text.

What is read twice (Rereadable): a list or tuple as it is; the CLI's input files from disk
again; stdin and pipes, which cannot be read twice, from a temporary copy made first; and any
other iterable (a generator) from a temporary file the first pass writes as it goes (pickled
Records: private to this process, and lossless). The temporary files are anonymous
(tempfile.TemporaryFile), so they are gone when closed, also after an error.

A record that is not what the first pass read (a file changed or deleted between the passes)
becomes an error record naming it and the problem; the rest of the batch is cleaned."""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .recurring import (
    RecurringLines,
    SiteLines,
    UnknownSite,
    line_keys,
    site_of_meta,
    site_of_page,
)
from .sources import (
    DEFAULT_MAX_BYTES,
    STDIN,
    STDIN_ID,
    FolderProblem,
    Record,
    is_pipe,
    iter_records,
    stream_records,
)
from .workers import DEFAULT_CHUNKSIZE, IN_FLIGHT_PER_WORKER, fork_context, run_in_order

if TYPE_CHECKING:
    from .lines import Page

Part = tuple[str, Callable[[], Iterable[Record]]]
"""(name, read): read() gives the part's records afresh, in the same order, each time."""

Work = tuple[Record, Any, "Page | None"]
"""A record for the cleaner: the record, its site lines (SiteLines, UnknownSite or None) and
the page the first pass read and kept, or None."""


@dataclass(frozen=True, slots=True)
class Rereadable:
    """A batch's records as parts that can each be read twice (the CLI: one part per input,
    named by its path). A part whose second reading differs from its first costs its own
    records (error records), not the batch."""

    parts: Sequence[Part]


class SpoolError(Exception):
    """A temporary copy that the two passes need could not be written (disk full, no
    temporary folder): the batch cannot be cleaned as asked."""


KEEP_HTML_CHARS = 25_000_000
"""How much HTML (characters) a one-process first pass keeps parsed pages for, so the second
pass labels them instead of parsing them again (the parse is most of an HTML page's time). A
kept page takes about 2.5 bytes a character of its HTML, so this bounds them to about 60 MB:
a batch of up to ~25 M characters (a few hundred pages) is parsed once, a bigger one pays a
second parse for the rest rather than memory that grows with it. Workers keep none."""


def site_pass(
    records: Rereadable | Sequence[Record],
    *,
    parallel: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[Work]:
    """Both passes of a site-boilerplate batch: the first (run at once) counts each site's
    distinct lines; the second, lazily, reads the records again and gives each its site's
    recurring lines (UnknownSite for a readable record whose site cannot be told) and the page
    the first pass kept, or None. A record the first pass cannot read meets its error in the
    cleaner. With `parallel` > 1 workers read the pages of the first pass and send back only
    their sites and line keys (a page costs nearly as much to pickle as to parse)."""
    source = records if isinstance(records, Rereadable) else Rereadable([("", lambda: records)])
    tickets = _first_pass(source, parallel, chunksize)
    return _second_pass(source, tickets)


# First pass ----------------------------------------------------------------------------------

_Reading = tuple["str | None", "frozenset[int] | None"]
"""What the first pass learns of a record: its site and its distinct line keys (None: not
read)."""


@dataclass(slots=True)
class _Tickets:
    """What the first pass keeps: records per part; per record (by position) its site and
    digest; each site's recurring lines; and the pages kept for the second pass."""

    counts: list[int] = field(default_factory=list)
    sites: list[str | None] = field(default_factory=list)
    digests: array = field(default_factory=lambda: array("Q"))
    lines: dict[str, SiteLines | None] = field(default_factory=dict)
    pages: dict[int, Page] = field(default_factory=dict)


def _first_pass(source: Rereadable, parallel: int, chunksize: int) -> _Tickets:
    """Count every site's lines; the counts are dropped once each site's recurring lines are
    known, before the second pass (and its workers, forked from this process) starts."""
    tickets = _Tickets()
    recurring = RecurringLines()
    same: dict[str, str] = {}  # one str object per site, however many records name it
    readings = _readings(_counted(source, tickets), parallel, chunksize)
    for position, ((site, keys), page) in enumerate(readings):
        if keys is not None:
            recurring.observe_keys(site, keys)
        tickets.sites.append(same.setdefault(site, site) if site else None)
        if page is not None:
            tickets.pages[position] = page
    tickets.lines = {site: recurring.for_site(site) for site in same}
    return tickets


def _counted(source: Rereadable, tickets: _Tickets) -> Iterator[Record]:
    """Every part's records in order; the tickets get each record's digest (here, in this
    process, whoever reads the record) and each part's number of records once it is read."""
    for _, read in source.parts:
        n = 0
        for record in read():
            n += 1
            tickets.digests.append(record_digest(record))
            yield record
        tickets.counts.append(n)


def _readings(
    records: Iterator[Record], parallel: int, chunksize: int
) -> Iterator[tuple[_Reading, Page | None]]:
    if parallel <= 1:
        return _read_here(records)
    ctx = fork_context() or multiprocessing.get_context("spawn")
    chunks = iter(lambda: list(islice(records, max(1, chunksize))), [])
    readings = run_in_order(
        chunks,
        _read_chunk,
        _lost,
        processes=parallel,
        window=parallel * IN_FLIGHT_PER_WORKER,
        context=ctx,
    )
    return ((reading, None) for reading in readings)


def _lost(record: Record) -> _Reading:
    """A record whose worker died reading it: not counted; cleaned in pass two."""
    return site_of_meta(record.meta), None


def _read(record: Record) -> tuple[Page | None, _Reading]:
    """A record's page as `clean` reads it, and what the first pass keeps of it."""
    from .clean import read_page

    site = site_of_meta(record.meta)
    if record.error is not None:
        return None, (site, None)
    content = record.html if record.html is not None else record.text or ""
    try:
        page, _ = read_page(content, kind="html" if record.html is not None else "text")
    except Exception:  # noqa: BLE001 - reported when the record is cleaned
        return None, (site, None)
    keys = line_keys(ln.text for ln in page.lines)
    return page, (site or site_of_page(page.url, page.site_name), keys)


def _read_here(records: Iterable[Record]) -> Iterator[tuple[_Reading, Page | None]]:
    budget = KEEP_HTML_CHARS
    for record in records:
        page, reading = _read(record)
        size = len(record.html) if record.html is not None else 0
        keep = page is not None and record.html is not None and size <= budget
        budget -= size if keep else 0
        yield reading, page if keep else None


def _read_chunk(chunk: list[Record]) -> list[_Reading]:
    return [_read(record)[1] for record in chunk]


def record_digest(record: Record) -> int:
    """What the first pass read of a record (id, error, kind, text or HTML) as Python's hash,
    never 0: the second pass checks that it is cleaning what was counted. Both are taken in
    this process (hash() is salted per process), and a str caches its hash, so a record read
    twice from one list costs nothing the second time; a file read again costs a hash of its
    text (about 10 us for 65 KB, a seventh of a BLAKE2b of it). A change that kept the hash
    (64 bits) would go unnoticed, with a probability of about 5e-20."""
    content = record.html if record.html is not None else record.text
    key = (str(record.id), record.error or "", record.html is not None, content or "")
    return hash(key) & 0xFFFF_FFFF_FFFF_FFFF or 1  # unsigned, for the tickets' array


# Second pass ---------------------------------------------------------------------------------


def _second_pass(source: Rereadable, tickets: _Tickets) -> Iterator[Work]:
    """Each part read again, its records matched by position to the first pass's: a record
    that differs, or is new, becomes an error record; records that are gone, one for the
    part."""
    start = 0
    for (name, read), count in zip(source.parts, tickets.counts, strict=True):
        seen = 0
        for record in read():
            if seen < count:
                yield _ticketed(record, start + seen, tickets)
            else:
                yield _failed(record, f"new in {name} since the site pass read it"), None, None
            seen += 1
        if seen < count:
            gone = f"{count - seen} of the {count} records the site pass read are gone"
            yield _failed(Record(name), gone), None, None
            for position in range(start + seen, start + count):
                tickets.pages.pop(position, None)
        start += count


def _ticketed(record: Record, position: int, tickets: _Tickets) -> Work:
    page = tickets.pages.pop(position, None)
    if record.error is not None:
        return record, None, None
    if tickets.digests[position] != record_digest(record):
        changed = "changed between the site pass and cleaning (its lines were counted as they were)"
        return _failed(record, changed), None, None
    site = tickets.sites[position]
    return record, tickets.lines[site] if site else UnknownSite(), page


def _failed(record: Record, problem: str) -> Record:
    return Record(record.id, error=f"{record.id}: {problem}; not cleaned", meta=dict(record.meta))


# What can be read twice ----------------------------------------------------------------------


def spooled(records: Iterable[Record], spools: contextlib.ExitStack) -> Rereadable:
    """One-shot `records` (a generator) made readable twice: its first reading writes them to
    a temporary file, closed with `spools`, which the second reads back."""
    return Rereadable([("", _Spooled(records, _temp_file(spools, "the records")))])


class _Spooled:
    """A one-shot iterable read twice: the first reading passes each record on and pickles it
    to `spool`, the second reads them back from there."""

    def __init__(self, records: Iterable[Record], spool: IO[bytes]) -> None:
        self._records = records
        self._spool = spool
        self._written = False

    def __call__(self) -> Iterator[Record]:
        return self._replay() if self._written else self._first()

    def _first(self) -> Iterator[Record]:
        for record in self._records:
            yield self._dump(record)
        self._written = True

    def _dump(self, record: Record) -> Record:
        """Write `record` (or, when it cannot be pickled, an error record in its place, which
        both passes then see)."""
        try:
            data = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a field pickle refuses costs its record only
            problem = f"cannot be kept for the second pass ({type(exc).__name__}: {exc})"
            record = Record(str(record.id), error=f"{record.id}: {problem}")
            data = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
        _write(self._spool, data, "the records")
        return record

    def _replay(self) -> Iterator[Record]:
        _rewind(self._spool, "the records")
        while True:
            try:
                yield pickle.load(self._spool)
            except EOFError:
                return


def input_parts(
    paths: Iterable[str], spools: contextlib.ExitStack, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Part]:
    """The CLI's inputs (paths as expand_paths gives them) as parts read twice: a file is read
    again from disk; stdin and pipes (a FIFO, /dev/stdin) are copied to a temporary file first
    (closed with `spools`) and read from the copy, as they would have been read."""
    return [_input_part(path, spools, max_bytes) for path in paths]


def _input_part(path: str, spools: contextlib.ExitStack, max_bytes: int) -> Part:
    if path != STDIN and (isinstance(path, FolderProblem) or not is_pipe(Path(path))):
        return path, lambda: iter_records([path], max_bytes=max_bytes)
    name = STDIN_ID if path == STDIN else path
    copy = _copy_of_stream(path, name, spools)
    if isinstance(copy, Record):
        return name, lambda: [copy]

    def read() -> Iterator[Record]:
        _rewind(copy, name)
        return stream_records(copy, name, max_bytes=max_bytes)

    return name, read


def _copy_of_stream(path: str, name: str, spools: contextlib.ExitStack) -> IO[bytes] | Record:
    """A temporary copy of stdin or a pipe; an error Record when the stream cannot be read."""
    try:
        stream = sys.stdin.buffer if path == STDIN else spools.enter_context(open(path, "rb"))
    except OSError as exc:
        return Record(name, error=f"{name}: cannot read ({exc.strerror or exc})")
    copy = _temp_file(spools, name)
    while True:
        try:
            chunk = stream.read(1 << 20)
        except OSError as exc:
            return Record(name, error=f"{name}: cannot read ({exc})")
        if not chunk:
            return copy
        _write(copy, chunk, name)


def _temp_file(spools: contextlib.ExitStack, what: str) -> IO[bytes]:
    try:
        return spools.enter_context(tempfile.TemporaryFile(prefix="cleaner-site-"))
    except OSError as exc:
        raise _spool_error(what, exc) from exc


def _write(spool: IO[bytes], data: bytes, what: str) -> None:
    try:
        spool.write(data)
    except OSError as exc:
        raise _spool_error(what, exc) from exc


def _rewind(spool: IO[bytes], what: str) -> None:
    """To the start of a spool, for reading; what was buffered is written first."""
    try:
        spool.seek(0)  # flushes
    except OSError as exc:
        raise _spool_error(what, exc) from exc


def _spool_error(what: str, exc: OSError) -> SpoolError:
    folder = tempfile.gettempdir()
    return SpoolError(
        f"cannot write a temporary copy of {what} in {folder} for the site pass to read twice "
        f"({exc.strerror or exc}); free space there or set TMPDIR to another folder"
    )
