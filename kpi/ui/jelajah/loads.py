"""What the Jelajah page reads and draws, kept per data version (kpi.ui.cache)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpi import trend
from kpi.catalogue import catalogue
from kpi.compute import Filters, aggregate
from kpi.scope import ask
from kpi.store import Store
from kpi.ui.cache import cached
from kpi.ui.data import FilterKey, filter_key
from kpi.ui.filters import View
from kpi.ui.jelajah.figures import (
    TOP_N,
    distribution,
    ranking_bars,
    trend_lines,
)


@cached(max_entries=48, kept=True, versioned=False)
def _figure(
    kind: str, frame: pd.DataFrame, kpi_id: str, lang: str, n: int = TOP_N, lowest: bool = False
) -> dict:
    """A built figure's dict, kept while its frame is unchanged: building a Plotly figure costs
    more than the cached query behind it when a page is revisited. It is only read."""
    k = catalogue()[kpi_id]
    if kind == "bars":
        return ranking_bars(frame, k, lang, n, lowest).to_dict()
    if kind == "lines":
        return trend_lines(frame, k, lang).to_dict()
    return distribution(frame, k, lang).to_dict()


@cached(max_entries=64)
def _monthly(
    store: Store,
    kpi: str,
    level: str,
    periode: str,
    fkey: FilterKey,
    units: tuple[str, ...] | None,
) -> pd.DataFrame:
    return trend.monthly(ask(store, level, periode, Filters(*fkey), [kpi]), units=units)


def monthly(
    store: Store, kpi: str, level: str, view: View, units: Sequence[str] | None
) -> pd.DataFrame:
    fkey = filter_key(view.filters)
    return _monthly(store, kpi, level, view.periode, fkey, None if units is None else tuple(units))


@cached(max_entries=64)
def _values_table(
    store: Store, kpi: str, level: str, periode: str, fkey: FilterKey
) -> pd.DataFrame:
    return aggregate(ask(store, level, periode, Filters(*fkey), [kpi]))


def values(store: Store, kpi: str, level: str, view: View) -> pd.DataFrame:
    """The KPI per unit without the score: what the ranking, trend and distribution need (the
    score needs every library's components and benchmarks, so only the table tab asks for it)."""
    return _values_table(store, kpi, level, view.periode, filter_key(view.filters))


@cached(max_entries=64)
def _total(store: Store, kpi: str, periode: str, fkey: FilterKey) -> pd.DataFrame:
    return aggregate(ask(store, "nasional", periode, Filters(*fkey), [kpi]))


def total(store: Store, kpi: str, view: View) -> pd.DataFrame:
    """The KPI over every library in the view's filters (no score needed, so no benchmarks)."""
    return _total(store, kpi, view.periode, filter_key(view.filters))
