"""A page package's public names: its parts' own, with no second list to keep in step."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any


def names_of(package: str, parts: tuple[ModuleType, ...]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: a public name is looked up in ``parts``, in order
    (``kpi.ui.prioritas.library_table`` is ``kpi.ui.prioritas.tables.library_table``)."""

    def getattr_(name: str) -> Any:
        if not name.startswith("_"):
            for part in parts:
                if hasattr(part, name):
                    return getattr(part, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return getattr_
