"""The one cache of the pages: results kept per database file and data version.

``@cached`` wraps a function whose first argument is the Store. Its results are kept across
reruns and sessions, keyed by the store's file, its data version and the other arguments: an
import, an undo or a saved setting bumps the version (every write goes through Store.write()),
which is the only thing that makes a kept result stale; a function's first call on a newer
version drops what it kept for the older ones. The other arguments must be hashable by
Streamlit (tuples, strings, dates, frames); filters travel as tuples (``filter_key``).

- ``cached(...)``: the value is copied for each caller (st.cache_data), so a caller may change
  what it gets;
- ``cached(..., kept=True)``: the one object is shared (st.cache_resource), for what is only
  read and costs more to copy than to use again: a figure's dict, a styled table, a Future;
- ``cached(..., versioned=False)``: no store argument, keyed by the arguments alone, for what
  depends on nothing else (the gazetteer's outlines and names, a figure of a given frame).
"""

from __future__ import annotations

import inspect
import threading
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


_newest: dict[tuple[int, str], int] = {}  # (function, store file): the newest version asked
_newest_lock = threading.Lock()


def _newer(fn: Callable[..., Any], db: str, version: int) -> bool:
    """Whether ``version`` of the store ``db`` is newer than any ``fn`` was asked for before
    (data versions only go up), noting it."""
    mark = (id(fn), db)
    with _newest_lock:
        last = _newest.get(mark)
        if last is not None and version <= last:
            return False
        _newest[mark] = version
        return last is not None


def cached(
    max_entries: int | None = None, *, kept: bool = False, versioned: bool = True
) -> Callable[[F], F]:
    """Keep ``fn``'s results (see the module's docstring). As with Streamlit's own caches, an
    argument whose name starts with "_" is not part of the key (the others identify it)."""

    def decorate(fn: F) -> F:
        keep = st.cache_resource if kept else st.cache_data
        signature = inspect.signature(fn)

        def split(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            named = list(bound.arguments.items())[0 if not versioned else 1 :]
            key = tuple((n, v) for n, v in named if not n.startswith("_"))
            return key, {n: v for n, v in named if n.startswith("_")}

        if versioned:
            # _store and _skipped are not hashed (their leading underscore): the file and the
            # data version stand for the store
            def run(_store: Store, db: str, version: int, key: tuple, _skipped: dict) -> Any:
                return fn(_store, **dict(key), **_skipped)

            inner: Callable[..., Any] = run
        else:

            def run_plain(key: tuple, _skipped: dict) -> Any:
                return fn(**dict(key), **_skipped)

            inner = run_plain
        # Streamlit tells cached functions apart by module and qualified name (and source);
        # not functools.wraps: __wrapped__ would make it read fn's signature for inner's
        inner.__module__ = fn.__module__
        inner.__qualname__ = fn.__qualname__
        inner.__name__ = fn.__name__
        kept_fn = keep(show_spinner=False, max_entries=max_entries)(inner)

        def by_version(store: Store, *args: Any, **kwargs: Any) -> Any:
            key, skipped = split((store, *args), kwargs)
            db, version = str(store.path), store.data_version()
            if _newer(fn, db, version):
                # the results of older versions are never asked for again: not kept either
                # (at national scale a kept coaching evaluation is tens of megabytes)
                kept_fn.clear()
            return kept_fn(store, db, version, key, skipped)

        def by_arguments(*args: Any, **kwargs: Any) -> Any:
            return kept_fn(*split(args, kwargs))

        wrapper: Callable[..., Any] = by_version if versioned else by_arguments

        update_wrapper(wrapper, fn)
        wrapper.clear = kept_fn.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
