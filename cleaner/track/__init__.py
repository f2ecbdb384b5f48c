"""Wire tracking: match rewrites to the wire stories they draw on, align them, catch changed facts,
and keep outlet profiles.

Public API: `track(records, wires=None, no_clean=False, store=None)` -> list of report dicts (the
schema is a stable contract, see the README); `Profiles(path)`, the outlet-profile store.
"""

from __future__ import annotations

from typing import Any

from cleaner.callable_module import make_callable

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


def _track_function() -> Any:
    from cleaner.track.pipeline import track as _track

    return _track


make_callable(__name__, _track_function)
