"""Where the shipped models are: beside the package in a checkout or an editable install, or
under <prefix>/share/cleaner/models after a regular `pip install` (pyproject's data-files)."""

from __future__ import annotations

import site
import sys
import sysconfig
from pathlib import Path

_CHECKOUT_MODELS = Path(__file__).resolve().parent.parent / "models"


def shipped_model_path(*parts: str) -> Path:
    """The first existing `models/<parts>` of: the checkout, the environment's data directory,
    the user's; the checkout's path when none exists (so errors name the expected place)."""
    candidates = [_CHECKOUT_MODELS]
    for prefix in (sysconfig.get_path("data"), sys.prefix, site.getuserbase()):
        if prefix:
            candidates.append(Path(prefix) / "share" / "cleaner" / "models")
    for base in candidates:
        if base.joinpath(*parts).exists():
            return base.joinpath(*parts)
    return _CHECKOUT_MODELS.joinpath(*parts)
