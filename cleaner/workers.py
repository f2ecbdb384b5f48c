"""Chunks of work over worker processes, results in input order, for `clean_many` and `track`.

concurrent.futures rather than multiprocessing.Pool, for two failures Pool handles badly:
- a consumer that stops reading early (closes the generator, e.g. after islice): Pool's
  terminate() with tasks in flight could hang (seen once in CI);
- a worker that dies (killed, out of memory, a crash in compiled code): Pool waits for its lost
  task forever; the executor fails the futures instead.
On a dead worker the oldest chunk in flight is given up (which item broke the pool cannot be
told), `lost(item)` stands in for each of its results, the other chunks in flight go again to a
fresh pool, and the run goes on. Every item yields exactly one result.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_SUBMIT_ATTEMPTS = 2  # a fresh pool takes a chunk unless its workers die as they start


def fork_context() -> BaseContext | None:
    """fork where the platform has it (workers share the parent's loaded data copy-on-write),
    else None: the caller must then give workers what they need through an initializer."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


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

    def submit(chunk: list[T]) -> None:
        """Submit to the pool, or to a fresh one if it broke before a result said so. The
        chunks already in flight in a broken pool fail in turn and are handled by the loop
        below, the oldest lost and the rest sent again, so a pool that breaks every time
        still costs one chunk a break, never an endless retry. A chunk no fresh pool takes
        is queued as failed."""
        nonlocal pool
        for _ in range(_SUBMIT_ATTEMPTS):
            if pool is None:
                pool = ProcessPoolExecutor(
                    processes, mp_context=context, initializer=initializer, initargs=initargs
                )
            try:
                pending.append((chunk, pool.submit(work, chunk)))
                return
            except BrokenProcessPool:  # its futures fail with BrokenProcessPool: not cancelled
                pool.shutdown(wait=False)
                pool = None
        failed: Future = Future()
        failed.set_exception(BrokenProcessPool("no worker pool would take the chunk"))
        pending.append((chunk, failed))

    def restart() -> None:
        """A fresh pool, and every chunk still pending submitted to it (the futures of a
        broken pool all fail)."""
        nonlocal pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
        retry = [chunk for chunk, _ in pending]
        pending.clear()
        for chunk in retry:
            submit(chunk)

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
                    results = [lost(item) for item in done]
                    restart()
                yield from results
            if chunk is None and not pending:
                break
    finally:
        for _, future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
