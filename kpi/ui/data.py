"""The engine's results for the pages, cached per data version.

Kept by kpi.ui.cache per data version: a new import or a settings change bumps the version
(both write through Store.write()), which is the only thing that makes a kept result stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from kpi import coaching, quality, score
from kpi.compute import Filters
from kpi.scope import ask
from kpi.settings import CoachingSettings
from kpi.store import Store
from kpi.ui import state
from kpi.ui.cache import FilterKey, cached, filter_key
from kpi.ui.filters import View

T = TypeVar("T")


@cached(max_entries=64)
def _kpi_table(
    store: Store, level: str, periode: str, fkey: FilterKey, kpis: tuple[str, ...] | None
) -> pd.DataFrame:
    return score.kpi_table(ask(store, level, periode, Filters(*fkey), kpis))


def kpi_table(
    level: str,
    view: View,
    kpis: tuple[str, ...] | None = None,
    filters: Filters | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """KPI values with the score and band for every unit of ``level`` in the view."""
    store = store or state.store()
    return _kpi_table(store, level, view.periode, filter_key(filters or view.filters), kpis)


# kept, not copied for each caller (issue 15: tens of thousands of rows with their reasons
# cost about a second a run to copy at national scale); callers only read it
@cached(max_entries=32, kept=True)
def _evaluation(store: Store, end: str, months: int, fkey: FilterKey) -> pd.DataFrame:
    return coaching.evaluate(store, end, months, Filters(*fkey))


def evaluation(
    view: View,
    months: int | None = None,
    filters: Filters | None = None,
    store: Store | None = None,
):
    """Every library with its coaching rules, points, tier, quadrant and reasons.

    The window ends at the last month of the view's period; its length is ``months`` (default:
    the coaching settings' window); ``store``: the session's unless given.
    """
    store = store or state.store()
    end = view.period.last.strftime("%Y-%m")
    if months is None:
        months = CoachingSettings.of(coaching.get_settings(store)).jendela_bulan
    return _evaluation(store, end, int(months), filter_key(filters or view.filters))


def evaluation_at(store: Store, end: str, months: int, fkey: FilterKey) -> pd.DataFrame:
    """The same kept evaluation as ``evaluation``, by its window's end month ("YYYY-MM") and
    length and the filters' key."""
    return _evaluation(store, end, int(months), fkey)


@cached(max_entries=32)
def _completeness(store: Store, level: str, periode: str, fkey: FilterKey) -> pd.DataFrame:
    return quality.completeness(store, level, periode, Filters(*fkey))


def completeness(level: str, view: View, store: Store | None = None) -> pd.DataFrame:
    return _completeness(store or state.store(), level, view.periode, filter_key(view.filters))


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
