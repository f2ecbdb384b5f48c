"""Wire tracking: match rewrites to the wire stories they draw on, align them, catch changed facts,
and keep outlet profiles.

Public API: `track(records, wires=None, no_clean=False, store=None)` -> list of report dicts (the
schema is a stable contract, see the README); `Profiles(path)`, the outlet-profile store.
"""

from __future__ import annotations

import sys
import types
from typing import Any

__all__ = ["Profiles", "StoreError", "TrackError", "track"]


def __getattr__(name: str) -> Any:
    """Lazy imports: `import cleaner.track` stays cheap, and each part stays optional."""
    if name in ("track", "TrackError"):
        from cleaner.track import pipeline

        return getattr(pipeline, name)
    if name in ("Profiles", "StoreError"):
        from cleaner.track import profiles

        return getattr(profiles, name)
    raise AttributeError(f"module 'cleaner.track' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """`cleaner.track` is this package and, called, the `track` function: Python binds the
    package to the name as soon as any `cleaner.track.*` module is imported, and `cleaner.track
    (...)` must work whatever was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from cleaner.track.pipeline import track as _track

        return _track(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
