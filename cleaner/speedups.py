"""Optional compiled kernels: which are in use, and the switch that turns them off.

The hot loops of cleaning (line features, the HTML tree walk) have Cython twins, built by
`pip install` when a C compiler is present (see setup.py). The pure-Python code stays the
reference: each kernel must give exactly its output (tests/test_speedups_*.py), so a machine
without a compiler cleans more slowly but never differently. `CLEANER_PURE_PYTHON=1` in the
environment forces the Python path (read when a module first asks for its kernel)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

PURE_PYTHON_ENV = "CLEANER_PURE_PYTHON"
KERNELS = ("_linestats", "_render")


def pure_python_forced() -> bool:
    return os.environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0")


def kernel(name: str) -> ModuleType | None:
    """The compiled module `cleaner.<name>`, or None when it was not built or is switched off."""
    if pure_python_forced():
        return None
    try:
        return importlib.import_module(f"cleaner.{name}")
    except ImportError:
        return None


def status() -> dict[str, bool]:
    """Kernel name -> whether the compiled version is in use (for --version and benchmarks)."""
    return {name: kernel(name) is not None for name in KERNELS}
