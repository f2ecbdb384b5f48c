"""A module that can also be called as the function it is named after.

`cleaner.clean` and `cleaner.track` are both a module and the package's public function of the
same name. Python binds the module to the package's attribute as soon as anything imports the
module (`clean_many` imports `cleaner.clean`), and from then on `cleaner.clean` is the module,
whatever the package's lazy `__getattr__` would have returned. Making the module callable keeps
`cleaner.clean(...)` and `cleaner.track(...)` working whatever was imported first."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__dict__["__call_target__"]()(*args, **kwargs)


def make_callable(module_name: str, target: Callable[[], Callable[..., Any]]) -> None:
    """Calling module `module_name` calls `target()` (a loader, so the function's own imports
    can stay lazy) with the same arguments."""
    module = sys.modules[module_name]
    module.__dict__["__call_target__"] = target
    module.__class__ = _CallableModule
