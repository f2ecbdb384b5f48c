"""cleaner: turn raw news scrapes into articles, line by line, and explain every removal.

Public API (everything else is internal):

- `clean(text_or_html, **options) -> Article`: one page.
- `clean_many(records, **options) -> Iterator[Article]`: a stream, in input order.
- `clean_frame(df, **options) -> DataFrame`: pandas in, pandas out (for Spark/Dask map functions).
- `load_model(path=None) -> LineModel`: the shipped model, or one you trained.
- `track(...)`, `Profiles(...)`: wire tracking and outlet profiles (see `cleaner.track`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .article import LABELS, Article, Line

__version__ = "0.1.0"
__all__ = [
    "LABELS",
    "Article",
    "Line",
    "Profiles",
    "clean",
    "clean_frame",
    "clean_many",
    "load_model",
    "track",
]

_LAZY: dict[str, tuple[str, str | None]] = {
    "clean": ("cleaner.clean", "clean"),
    "clean_many": ("cleaner.batch", "clean_many"),
    "clean_frame": ("cleaner.batch", "clean_frame"),
    "load_model": ("cleaner.model", "load_model"),
    "track": ("cleaner.track", None),  # the package itself, callable as track(...)
    "Profiles": ("cleaner.track", "Profiles"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .batch import clean_frame, clean_many
    from .clean import clean
    from .model import load_model
    from .track import Profiles, track


def __getattr__(name: str) -> Any:
    """Import on first use, so `import cleaner` stays fast and optional parts stay optional."""
    if name in _LAZY:
        import importlib

        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        value = module if attr is None else getattr(module, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
