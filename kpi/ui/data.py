"""The engine's results for the pages, cached per data version.

Every function takes the database path and its data version first: a new import or a settings
change bumps the version (both write through Store.write()), which is the only thing that makes
a cached result stale. Filters travel as plain tuples so that the cache can hash them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import astuple
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from kpi import coaching, quality, score
from kpi.compute import Filters
from kpi.settings import CoachingSettings
from kpi.store import open_store
from kpi.ui import state
from kpi.ui.filters import View

FilterKey = tuple[Any, ...]
T = TypeVar("T")


def filter_key(filters: Filters) -> FilterKey:
    return astuple(filters)


def _filters(key: FilterKey) -> Filters:
    return Filters(*key)


def _db() -> tuple[str, int]:
    store = state.store()
    return str(store.path), store.data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def _kpi_table(
    db: str, version: int, level: str, periode: str, fkey: FilterKey, kpis: tuple[str, ...] | None
) -> pd.DataFrame:
    del version
    return score.kpi_table(open_store(db), level, periode, _filters(fkey), kpis)


def kpi_table(
    level: str, view: View, kpis: tuple[str, ...] | None = None, filters: Filters | None = None
) -> pd.DataFrame:
    """KPI values with the score and band for every unit of ``level`` in the view."""
    db, version = _db()
    return _kpi_table(db, version, level, view.periode, filter_key(filters or view.filters), kpis)


@st.cache_data(show_spinner=False, max_entries=32)
def _evaluation(db: str, version: int, end: str, months: int, fkey: FilterKey) -> pd.DataFrame:
    del version
    return coaching.evaluate(open_store(db), end, months, _filters(fkey))


def evaluation(view: View, months: int | None = None, filters: Filters | None = None):
    """Every library with its coaching rules, points, tier, quadrant and reasons.

    The window ends at the last month of the view's period; its length is ``months`` (default:
    the coaching settings' window).
    """
    db, version = _db()
    end = view.period.last.strftime("%Y-%m")
    if months is None:
        months = CoachingSettings.of(coaching.get_settings(state.store())).jendela_bulan
    return _evaluation(db, version, end, int(months), filter_key(filters or view.filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _completeness(db: str, version: int, level: str, periode: str, fkey: FilterKey):
    del version
    return quality.completeness(open_store(db), level, periode, _filters(fkey))


def completeness(level: str, view: View) -> pd.DataFrame:
    db, version = _db()
    return _completeness(db, version, level, view.periode, filter_key(view.filters))


def in_parallel(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    """Start ``fn(*args, **kwargs)`` in a thread of its own, beside the page's run, and return
    a function that waits for its result (raising what it raised).

    For a cached call the page makes later anyway: Streamlit computes one cached value once, so
    the page's own call waits for this one and reads its result. DuckDB answers one while Python
    shapes the other's frames (the machines have 2 cores). The thread carries the run's
    Streamlit context, so the cached calls inside it behave as in the run itself.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to whoever waits
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="tpbis-parallel", daemon=True)
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        add_script_run_ctx(thread, ctx)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result
