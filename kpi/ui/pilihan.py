"""A row of choices: a horizontal radio whose options read as the strings ``<words>.<option>``
(a level, a basis, a colouring), the one way pages draw one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def radio_row(
    label: str,
    options: Sequence[Any],
    t: Callable[..., str],
    words: str,
    key: str,
    where: Any = None,
    **kw: Any,
) -> Any:
    """``where.radio`` (default: the page) of ``options``, each read as ``t(f"{words}.{v}")``."""
    target = where if where is not None else st
    return target.radio(
        label, options, format_func=lambda v: t(f"{words}.{v}"), horizontal=True, key=key, **kw
    )
