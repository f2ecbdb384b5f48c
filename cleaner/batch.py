"""Clean many documents: a streaming generator, optionally over worker processes, and a
DataFrame-in / DataFrame-out function for pandas, Spark and Dask.

Guarantees: one Article per input record, in input order (deterministic whatever `parallel` is),
bounded memory (at most a few chunks per worker are in flight), and no exception from bad
content: a record that cannot be read or cleaned comes back as an Article whose `error` says why.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from .article import Article
from .recurring import UnknownSite
from .sitebatch import Rereadable, site_pass, spooled
from .sources import Record, record_from_bytes, record_from_dict, record_from_text
from .workers import DEFAULT_CHUNKSIZE, IN_FLIGHT_PER_WORKER, fork_context, run_in_order

if TYPE_CHECKING:
    import pandas as pd

    from .lines import Page


def _clean_record(record: Record, *, model: Any = None) -> Article:
    """The single-record cleaner. An indirection so tests can swap in a fake (monkeypatch this)."""
    from .clean import clean_record

    return clean_record(record, model=model)


def resolve_model(model: Any = None) -> Any:
    """A model object from a path (str / PathLike); objects and None pass through (None means
    the shipped model, which `clean_record` loads once per process)."""
    if isinstance(model, (str, os.PathLike)):
        from .model import load_model as _load

        return _load(model)
    return model


def as_record(item: Record | dict | str | bytes, n: int) -> Record:
    """Accept what users have at hand: a Record, a dict like a JSONL object, or a raw page as
    str or bytes (bytes decoded as files are; HTML if it looks like HTML, else text), as
    `clean()` does. Records without an id get their position."""
    if isinstance(item, Record):
        return item
    if isinstance(item, dict):
        return record_from_dict(item, default_id=str(n), where=f"record {n}")
    if isinstance(item, str):
        return record_from_text(str(n), item)
    if isinstance(item, (bytes, bytearray, memoryview)):
        return record_from_bytes(str(n), bytes(item))
    kind = type(item).__name__
    return Record(str(n), error=f"record {n}: expected a Record, dict, str or bytes, got {kind}")


def clean_one(
    record: Record, model: Any = None, site_lines: Any = None, page: Page | None = None
) -> Article:
    """Clean one record; never raises (a failure becomes an Article with `error`). `page`: the
    record's page as the batch's site pass read it (see sitebatch.site_pass), not read again."""
    if record.error is not None:
        return Article(id=record.id, error=record.error, meta=dict(record.meta))
    unknown = site_lines if isinstance(site_lines, UnknownSite) else None
    try:
        if page is None and (site_lines is None or unknown is not None):
            article = _clean_record(record, model=model)
        else:
            from .clean import clean_record

            lines_of_site = None if unknown is not None else site_lines
            article = clean_record(record, model=model, site_lines=lines_of_site, page=page)
    except Exception as exc:  # a bug or resource error in one record must not end the batch
        return Article(
            id=record.id,
            error=f"{record.id}: cleaning failed ({type(exc).__name__}: {exc})",
            meta=dict(record.meta),
        )
    if not article.id:
        article.id = record.id
    if unknown is not None and article.error is None:
        article.warnings.append(unknown.note)
    return article


def clean_many(
    records: Iterable[Record | dict | str] | Rereadable,
    *,
    model: Any = None,
    parallel: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
    site_boilerplate: bool = False,
    lines: bool = True,
) -> Iterator[Article]:
    """Clean records lazily; yields one Article per record, in input order.

    `lines=False` leaves each Article's `lines` empty, for a caller that needs the title, body
    and the rest but not every line's label and reason: with workers, the lines are most of
    what comes back from them (a Dragnet HTML article pickles in about 1 ms with its lines,
    in 6 us without).

    `site_boilerplate=True` first reads the whole batch to find lines that recur across many
    pages of one site (see `cleaner.recurring`; a record's site is its `site` field, else its
    `url`'s host, else the host of the HTML page's og:url, else its og:site_name) and labels
    those boilerplate; an Article whose site could not be told says so in `warnings`. The
    records are read twice (see `cleaner.sitebatch`): a list or tuple as it is, a generator or
    other one-shot iterable from a temporary file the first pass writes (pickled records), a
    `sitebatch.Rereadable` by its parts. Memory then grows with the sites' distinct lines, not
    with the batch's text; nothing is yielded before the first pass has read every record.

    `model` is a loaded model, a path to one, or None for the shipped model. With `parallel` > 1
    the work runs in that many processes (fork on Linux: the parent's loaded model is shared
    copy-on-write; elsewhere each worker loads it once); at most `parallel * 4` chunks of
    `chunksize` records are in flight, so memory stays bounded on endless streams."""
    model = resolve_model(model)
    with contextlib.ExitStack() as spools:  # a site batch's temporary files
        work = _to_clean(records, spools, site_boilerplate, parallel, chunksize)
        if parallel <= 1:
            for record, site_lines, page in work:
                yield _with_lines(clean_one(record, model, site_lines, page), lines)
            return
        yield from _clean_parallel(work, model, parallel, max(1, chunksize), lines)


def _to_clean(
    records: Iterable[Record | dict | str] | Rereadable,
    spools: contextlib.ExitStack,
    site_boilerplate: bool,
    parallel: int,
    chunksize: int,
) -> Iterator[tuple[Record, Any, Page | None]]:
    """What the cleaner gets: each record, its site lines (site batches) and the page the
    site pass kept."""
    if not site_boilerplate:
        return ((as_record(item, n), None, None) for n, item in enumerate(records))
    if isinstance(records, (list, tuple)):  # read twice as it is, made Records each time
        items = records
        records = Rereadable([("", lambda: (as_record(x, n) for n, x in enumerate(items)))])
    elif not isinstance(records, Rereadable):  # read once: spooled for the second reading
        records = spooled((as_record(item, n) for n, item in enumerate(records)), spools)
    return site_pass(records, parallel=parallel, chunksize=chunksize)


def _with_lines(article: Article, lines: bool) -> Article:
    if not lines:
        article.lines = []
    return article


# Worker side ---------------------------------------------------------------------------------

_worker_model: Any = None
_worker_lines = True  # whether the articles go back with their lines


def one_blas_thread(*, training: bool = False) -> None:
    """One BLAS (and OpenMP) thread in this process. A page's matrices are small: numpy's BLAS
    gains nothing from more threads and, beside worker processes, fights them for the cores
    (`cleaner clean --parallel 2` ran slower than `--parallel 1` on two cores, at twice the
    CPU). In training it also keeps the weights from depending on the number of cores: a BLAS
    and scikit-learn's OpenMP loops may split their sums by thread (on this project's 2-core
    machine, one thread and two happened to train the same weights).

    threadpoolctl limits only the libraries already loaded, so the ones the work will use are
    loaded first: numpy's BLAS, and with `training` scikit-learn's OpenMP and scipy's BLAS.
    Called by the CLIs and in worker processes, never on a library user's own process."""
    import numpy  # noqa: F401 - loads its BLAS
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    if training:
        import sklearn.linear_model  # noqa: F401 - loads scipy's BLAS
        import sklearn.neural_network  # noqa: F401 - and scikit-learn's OpenMP
    threadpool_limits(1)


def _init_worker(model: Any, lines: bool = True) -> None:
    """Runs once per worker. Must not raise (a failing initializer breaks the pool), so a model
    that cannot be loaded is reported per record instead."""
    global _worker_model, _worker_lines
    _worker_lines = lines
    try:
        one_blas_thread()
    except Exception:  # noqa: BLE001 - a speed setting; the worker cleans without it
        pass
    try:
        _worker_model = resolve_model(model)
    except Exception as exc:
        _worker_model = _ModelError(f"model could not be loaded ({type(exc).__name__}: {exc})")


class _ModelError:
    def __init__(self, message: str) -> None:
        self.message = message


def _work(chunk: list[tuple[Record, Any, Page | None]]) -> list[Article]:
    if isinstance(_worker_model, _ModelError):
        return [Article(id=r.id, error=f"{r.id}: {_worker_model.message}") for r, _, _ in chunk]
    return [
        _with_lines(clean_one(record, _worker_model, site_lines, page), _worker_lines)
        for record, site_lines, page in chunk
    ]


def _clean_parallel(
    stream: Iterator[tuple[Record, Any, Page | None]],
    model: Any,
    parallel: int,
    chunksize: int,
    lines: bool = True,
) -> Iterator[Article]:
    """Chunks of records over worker processes (cleaner.workers), results in input order; a
    worker that dies costs the record it was cleaning (an error Article), not the batch."""
    # fork shares the parent's model; spawn (no fork on this platform) sends it pickled, and
    # None (the shipped model) is loaded by each worker
    ctx = fork_context() or multiprocessing.get_context("spawn")
    chunks = iter(lambda: list(islice(stream, chunksize)), [])
    yield from run_in_order(
        chunks,
        _work,
        lambda item: _worker_died(item[0]),
        processes=parallel,
        window=parallel * IN_FLIGHT_PER_WORKER,
        context=ctx,
        initializer=_init_worker,
        initargs=(model, lines),
    )


def _worker_died(record: Record) -> Article:
    return Article(
        id=record.id,
        error=f"{record.id}: the worker process cleaning it died (killed, out of memory, "
        "or a crash); the batch went on without it",
    )


# pandas ----------------------------------------------------------------------------------------

OUTPUT_COLUMNS = ("title", "byline", "body", "outlet", "error", "warnings")
"""`warnings` holds the Article's warnings (problems that did not stop cleaning, e.g. HTML that
had to be repaired) joined by "; ", or None: every added column is a nullable string."""


def clean_frame(
    df: pd.DataFrame,
    *,
    text_column: str = "text",
    html_column: str | None = None,
    id_column: str | None = None,
    title_hint_column: str | None = None,
    parallel: int = 1,
    model: Any = None,
    site_boilerplate: bool = False,
    site_column: str | None = None,
    url_column: str | None = None,
) -> pd.DataFrame:
    """DataFrame in, DataFrame out: a copy of `df` (same index, same columns) with the columns
    title, byline, body, outlet, error and warnings added (replaced if present). A row uses
    `html_column` when that is set and the cell holds a non-empty string, else `text_column`
    (whose cells are read as HTML when they look like it, as `clean()` reads a string); a row
    with neither gets an `error` and empty body. Row ids are `id_column` or the index. A string
    in `title_hint_column` (a scraper's stored page title) is the row's title hint (see
    `clean`).

    `site_boilerplate=True` labels lines that recur across many of the frame's pages from one
    site boilerplate, as `clean_many(..., site_boilerplate=True)` does: a row's site is its
    `site_column` cell, else the host of its `url_column` cell, else (HTML) what the page
    names itself (og:url, og:site_name). The frame is read twice, not copied. On an engine,
    the recurrence is found within a partition: partition by site first (Spark:
    `sdf.repartition("site")`) so that a site's pages meet.

    Because it maps one frame to another with a fixed schema, distributed engines can call it
    per partition, e.g. Dask: `ddf.map_partitions(clean_frame, meta=...)`; Spark:
    `sdf.mapInPandas(lambda frames: (clean_frame(f) for f in frames), schema=...)` where the
    schema is the input's plus six string columns. Keep `parallel=1` there (the engine already
    parallelises)."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - only without pandas installed
        raise ImportError("clean_frame needs pandas: pip install 'cleaner[pandas]'") from exc
    if html_column is not None and text_column not in df.columns:
        text_column_used: str | None = None  # an HTML-only frame
    else:
        text_column_used = text_column
    meta_columns = {"title": title_hint_column, "site": site_column, "url": url_column}
    for column in (text_column_used, html_column, id_column, *meta_columns.values()):
        if column is not None and column not in df.columns:
            raise KeyError(f"clean_frame: no column {column!r} (columns: {list(df.columns)})")
        if column is not None and isinstance(df[column], pd.DataFrame):
            times = int((df.columns == column).sum())
            raise ValueError(f"clean_frame: the frame has {times} columns named {column!r}")

    def cells(column: str | None) -> list:
        return df[column].tolist() if column is not None else [None] * len(df)

    def records() -> Iterator[Record]:
        metas = zip(*(cells(c) for c in meta_columns.values()), strict=True)
        for index, text, html, rid, meta in zip(
            df.index,
            cells(text_column_used),
            cells(html_column),
            cells(id_column),
            metas,
            strict=True,
        ):
            rec_id = str(index) if rid is None or _missing(pd, rid) else str(rid)
            if isinstance(html, str) and html.strip():
                record = record_from_text(rec_id, html, kind="html")
            elif isinstance(text, str):
                record = record_from_text(rec_id, text)  # sniffed, as clean() and clean_many do
            else:
                wanted = repr(text_column) + (f" or {html_column!r}" if html_column else "")
                yield Record(rec_id, error=f"{rec_id}: row {index!r} has no string in {wanted}")
                continue
            for field, value in zip(meta_columns, meta, strict=True):
                if isinstance(value, str):  # a title hint, a site, a url
                    record.meta[field] = value
            yield record

    batch = Rereadable([("", records)]) if site_boilerplate else records()
    values: dict[str, list] = {name: [] for name in OUTPUT_COLUMNS}
    cleaned = clean_many(
        batch, model=model, parallel=parallel, site_boilerplate=site_boilerplate, lines=False
    )
    for article in cleaned:
        for name in OUTPUT_COLUMNS:
            values[name].append(_cell_of(article, name))
    out = df.copy()
    for name in OUTPUT_COLUMNS:
        out[name] = pd.Series(values[name], index=df.index, dtype=object)
    return out


def _cell_of(article: Article, name: str) -> str | None:
    if name == "warnings":
        return "; ".join(article.warnings) or None
    return getattr(article, name)


def _missing(pd: Any, value: Any) -> bool:
    try:
        return bool(pd.isna(value))  # None, NaN, NaT, pd.NA
    except (TypeError, ValueError):  # list-like cells
        return False
