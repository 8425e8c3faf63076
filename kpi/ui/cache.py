"""The one cache of the pages: results kept per database file and data version.

``@cached`` wraps a function whose first argument is the Store. Its results are kept across
reruns and sessions, keyed by the store's file, its data version and the other arguments: an
import, an undo or a saved setting bumps the version (every write goes through Store.write()),
which is the only thing that makes a kept result stale. The other arguments must be hashable by
Streamlit (tuples, strings, dates, frames); filters travel as tuples (``filter_key``).

- ``cached(...)``: the value is copied for each caller (st.cache_data), so a caller may change
  what it gets;
- ``cached(..., kept=True)``: the one object is shared (st.cache_resource), for what is only
  read and costs more to copy than to use again: a figure's dict, a styled table, a Future;
- ``cached(..., static=True)``: no store argument, for what never changes while the server
  runs (the gazetteer's outlines and names); kept, shared, once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from functools import update_wrapper
from typing import Any, TypeVar

import streamlit as st

from kpi.compute import Filters
from kpi.store import Store

F = TypeVar("F", bound=Callable[..., Any])
FilterKey = tuple[Any, ...]


def filter_key(filters: Filters) -> FilterKey:
    """The filters as a tuple the cache can hash (``Filters(*key)`` gives them back)."""
    return astuple(filters)


def cached(
    max_entries: int | None = None, *, kept: bool = False, static: bool = False
) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        keep = st.cache_resource if kept or static else st.cache_data
        if static:

            def run_static(*args: Any, **kwargs: Any) -> Any:
                return fn(*args, **kwargs)

            inner: Callable[..., Any] = run_static
        else:
            # _store is not hashed (its leading underscore); the file and version stand for it
            def run(_store: Store, db: str, version: int, *args: Any, **kwargs: Any) -> Any:
                return fn(_store, *args, **kwargs)

            inner = run
        # Streamlit tells cached functions apart by module and qualified name (and source);
        # not functools.wraps: __wrapped__ would make it read fn's signature for inner's
        inner.__module__ = fn.__module__
        inner.__qualname__ = fn.__qualname__
        inner.__name__ = fn.__name__
        kept_fn = keep(show_spinner=False, max_entries=max_entries)(inner)

        if static:
            wrapper: Callable[..., Any] = kept_fn
        else:

            def wrapper(store: Store, *args: Any, **kwargs: Any) -> Any:
                return kept_fn(store, str(store.path), store.data_version(), *args, **kwargs)

        update_wrapper(wrapper, fn)
        wrapper.clear = kept_fn.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
