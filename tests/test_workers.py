"""run_in_order when worker pools keep breaking: every item still yields one result, in order."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from cleaner import workers


def _double(chunk: list[int]) -> list[int]:
    return [2 * x for x in chunk]


def _lost(x: int) -> str:
    return f"lost {x}"


def _die_at_start() -> None:
    os._exit(3)  # a worker that dies as it starts (bad environment, OOM killer at start-up)


class _AlwaysBroken:
    """A pool that is broken before it takes anything: its submit raises at once."""

    made = 0

    def __init__(self, *args, **kwargs) -> None:
        _AlwaysBroken.made += 1

    def submit(self, fn, *args):
        raise BrokenProcessPool("workers died at start-up")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


def test_pools_that_refuse_every_chunk_lose_each_chunk_once(monkeypatch) -> None:
    """Before: a submit to a broken pool restarted the pool and resubmitted every pending
    chunk, recursively, until a RecursionError ended the batch."""
    monkeypatch.setattr(workers, "ProcessPoolExecutor", _AlwaysBroken)
    _AlwaysBroken.made = 0
    chunks = [[i, i + 1] for i in range(0, 400, 2)]
    out = list(
        workers.run_in_order(
            chunks, _double, _lost, processes=2, window=8, context=workers.fork_context()
        )
    )
    assert out == [f"lost {i}" for i in range(400)]
    # bounded: a chunk costs at most the pools of its probe and of sending the rest again
    per_chunk = workers._PROBE_LOSSES + 8 * workers._SUBMIT_ATTEMPTS
    assert _AlwaysBroken.made <= len(chunks) * per_chunk


@pytest.mark.skipif(workers.fork_context() is None, reason="needs fork (a quick pool start)")
def test_workers_that_die_at_start_cost_their_chunks_and_the_run_ends() -> None:
    chunks = [[i] for i in range(4)]
    out = list(
        workers.run_in_order(
            chunks,
            _double,
            _lost,
            processes=2,
            window=2,
            context=workers.fork_context(),
            initializer=_die_at_start,
        )
    )
    assert out == [f"lost {i}" for i in range(4)]


@pytest.mark.skipif(workers.fork_context() is None, reason="needs fork (a quick pool start)")
def test_healthy_workers_give_results_in_input_order() -> None:
    chunks = [[i, i + 1, i + 2] for i in range(0, 30, 3)]
    out = list(
        workers.run_in_order(
            chunks, _double, _lost, processes=2, window=3, context=workers.fork_context()
        )
    )
    assert out == [2 * i for i in range(30)]


def test_every_worker_starts_with_sigterms_default_then_its_initializer() -> None:
    """A worker forked from the CLI inherits its SIGTERM handler (which unwinds the CLI's run);
    the pool stops a stuck worker with SIGTERM when another dies, and a worker that caught it
    went on, so the pool never joined (cleaner track --parallel hung)."""
    import signal

    calls = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        workers.start_worker(lambda *args: calls.append(args), (1, 2))
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert calls == [(1, 2)]


def _sigterm_handler_of_worker(args) -> None:
    import signal

    if signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        raise RuntimeError("the worker kept its parent's SIGTERM handler")
    return None  # as _label_page does for a page with nothing to label


def test_training_label_workers_start_with_sigterms_default(tmp_path, monkeypatch) -> None:
    """`cleaner train` labels corpus pages in a worker pool: forked from the CLI, a worker that
    kept its SIGTERM handler would go on labelling after the run was terminated."""
    import signal

    from cleaner import train

    corpus = tmp_path / "corpora" / "dragnet"
    corpus.mkdir(parents=True)
    (corpus / "manifest.tsv").write_text("id\turl\n1\thttp://example.com/a\n", encoding="utf-8")
    monkeypatch.setattr(train, "_label_page", _sigterm_handler_of_worker)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        labels = train.corpus_labels(
            "dragnet", "text", tmp_path / "cache", workers=1, shared=tmp_path, split=None
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert labels == {}
