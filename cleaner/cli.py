"""The `cleaner` command: a thin argparse shell; each family of subcommands registers itself."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Iterator

# Modules that each define `register(subparsers)`; a module's subcommand sets `func(args) -> int`.
_COMMAND_MODULES = ("cleaner.cli_clean", "cleaner.cli_model", "cleaner.track.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Clean raw news scrapes and track how outlets rewrite wire copy.",
    )
    parser.add_argument(
        "--version", action="version", version=version_text(), help="version and compiled kernels"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def version_text() -> str:
    """Package version, and which compiled kernels are in use (the pure-Python path gives the
    same output, more slowly)."""
    from importlib.metadata import PackageNotFoundError, version

    from .speedups import status

    try:
        ours = version("cleaner")
    except PackageNotFoundError:
        ours = "unknown"
    kernels = ", ".join(f"{name} {'compiled' if on else 'python'}" for name, on in status().items())
    return f"cleaner {ours} (kernels: {kernels})"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        with _sigterm_unwinds():
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 143
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, like other tools
        discard_stdout()
        return 0


class Terminated(BaseException):
    """SIGTERM arrived (a scheduler stopping the job, `kill`, `Popen.terminate()`). A
    BaseException, as KeyboardInterrupt is: the handlers that turn a page's failure into its
    error record (`except Exception`) must not catch it and go on."""


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises Terminated, so the run unwinds as Ctrl-C does: the worker pool of
    `--parallel` is shut down and its processes exit with this one. By default SIGTERM kills
    only this process and leaves the workers waiting for work that never comes (holding the
    stderr a supervisor reads to its end). Only where a handler can be set (the main thread)."""

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def discard_stdout() -> None:
    """Point the process's stdout at /dev/null, so the flush Python does at exit neither fails
    nor prints `Exception ignored` (and exit 120) after a broken pipe or a full disk. Only the
    real stdout: a replaced sys.stdout (tests, embedding) is left alone."""
    if sys.stdout is not sys.__stdout__ or sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
