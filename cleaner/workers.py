"""Chunks of work over worker processes, results in input order, for `clean_many` and `track`.

concurrent.futures rather than multiprocessing.Pool, for two failures Pool handles badly:
- a consumer that stops reading early (closes the generator, e.g. after islice): Pool's
  terminate() with tasks in flight could hang (seen once in CI);
- a worker that dies (killed, out of memory, a crash in compiled code): Pool waits for its lost
  task forever; the executor fails the futures instead.
On a dead worker, which item broke the pool cannot be told from the failed futures: the oldest
chunk in flight is run again an item at a time in a fresh pool, so only an item whose own run
kills a worker is lost (`lost(item)` stands in for its result); the other chunks in flight go
again to the pool, and the run goes on. Every item yields exactly one result.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_CHUNKSIZE = 16
"""Records sent to a worker at a time (clean_many, the site pass): large enough to amortise
pickling, small enough to keep memory and latency low."""

IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker before we wait for the oldest

_SUBMIT_ATTEMPTS = 2  # a fresh pool takes a chunk unless its workers die as they start
_PROBE_LOSSES = 2
"""Items lost in a row, run one at a time, after which the rest of the chunk is given up too: a
pool that breaks whatever it runs (workers that die as they start) says nothing about the items,
and a fresh pool an item would make such a run crawl."""


def fork_context() -> BaseContext | None:
    """fork where the platform has it (workers share the parent's loaded data copy-on-write),
    else None: the caller must then give workers what they need through an initializer."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def start_worker(initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    """Every worker first restores SIGTERM's default: a worker forked from the CLI inherits
    its handler (which unwinds the CLI's run), and the pool stops a stuck worker with SIGTERM
    when another dies; caught there, the worker would go on and the pool would never join."""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):
        pass
    if initializer is not None:
        initializer(*initargs)


def run_in_order(
    chunks: Iterable[list[T]],
    work: Callable[[list[T]], list[R]],
    lost: Callable[[T], R],
    *,
    processes: int,
    window: int,
    context: BaseContext,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """work(chunk) for each chunk in `processes` workers, at most `window` chunks in flight
    (memory stays bounded on endless input); results flattened, in input order. `work` must be
    picklable (a module-level function) and must not raise."""
    pending: deque[tuple[list[T], Future]] = deque()
    pool: ProcessPoolExecutor | None = None

    def live_pool() -> ProcessPoolExecutor:
        nonlocal pool
        if pool is None:
            pool = ProcessPoolExecutor(
                processes,
                mp_context=context,
                initializer=start_worker,
                initargs=(initializer, initargs),
            )
        return pool

    def submit(chunk: list[T]) -> None:
        """Submit to the pool, or to a fresh one if it broke before a result said so. The
        chunks already in flight in a broken pool fail in turn and are handled by the loop
        below (recover), so a pool that breaks every time costs a bounded number of fresh
        pools a chunk, never an endless retry. A chunk no fresh pool takes is queued as
        failed."""
        nonlocal pool
        for _ in range(_SUBMIT_ATTEMPTS):
            try:
                pending.append((chunk, live_pool().submit(work, chunk)))
                return
            except BrokenProcessPool:  # its futures fail with BrokenProcessPool: not cancelled
                live_pool().shutdown(wait=False)
                pool = None
        failed: Future = Future()
        failed.set_exception(BrokenProcessPool("no worker pool would take the chunk"))
        pending.append((chunk, failed))

    def drop_pool() -> None:
        nonlocal pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None

    def probe(chunk: list[T]) -> list[R]:
        """A chunk that was in flight when a worker died, an item at a time: only an item
        whose own run breaks the pool is lost (each break costs a fresh pool)."""
        results: list[R] = []
        losses = 0
        for k, item in enumerate(chunk):
            if losses >= _PROBE_LOSSES:
                results.extend(lost(rest) for rest in chunk[k:])
                break
            try:
                results.extend(live_pool().submit(work, [item]).result())
                losses = 0
            except BrokenProcessPool:
                results.append(lost(item))
                losses += 1
                drop_pool()
        return results

    def recover(chunk: list[T]) -> list[R]:
        """After a break: the broken pool's futures all fail, so the oldest chunk is probed in a
        fresh pool and every other chunk in flight is submitted again."""
        drop_pool()
        retry = [other for other, _ in pending]
        pending.clear()
        results = probe(chunk)
        for other in retry:
            submit(other)
        return results

    it = iter(chunks)
    try:
        while True:
            chunk = next(it, None)
            if chunk:
                submit(chunk)
            while pending and (len(pending) >= window or chunk is None):
                done, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    results = recover(done)
                yield from results
            if chunk is None and not pending:
                break
    finally:
        for _, future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
