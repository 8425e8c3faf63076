"""What the Prioritas page reads and shows, kept per data version (kpi.ui.cache)."""

from __future__ import annotations

import pandas as pd

from kpi import coaching, kontak, score
from kpi.queries.paging import ListIndex
from kpi.settings import CoachingSettings
from kpi.store import Store
from kpi.ui import data
from kpi.ui.cache import cached
from kpi.ui.prioritas.figures import area_bars, quadrant_chart
from kpi.ui.prioritas.tables import (
    LIST_COLUMNS,
    LIST_SEARCH,
    Priorities,
    list_frame,
)

# --------------------------------------------------------------------------------------------
# data


@cached(max_entries=8)
def _default_window(store: Store) -> int:
    return CoachingSettings.of(coaching.get_settings(store)).jendela_bulan


# what identifies one evaluation besides the database and its version: the window's end and
# length, and the sidebar's filters
EvalKey = tuple[str, int, data.FilterKey]


@cached(max_entries=32, kept=True)
def _priorities(store: Store, key: EvalKey, _frame: pd.DataFrame) -> Priorities:
    """Derived from the evaluation ``_frame`` (not hashed: the other arguments identify it).
    Kept, not copied for each run (issue 15: copying ~24,000 rows with their reasons cost about
    a second a run at national scale); the page only reads it."""
    del key
    rows = coaching.priorities(_frame)
    # pandas copies attrs (the settings) into every derived frame; the bundle keeps them once
    rows.attrs = {}
    return Priorities(
        rows=rows,
        window=str(_frame.attrs.get("window", "")),
        settings=dict(_frame.attrs.get("settings") or coaching.get_settings(store)),
        skor_settings=score.get_settings(store),
        contacts=kontak.contacts(store),
    )


@cached(max_entries=64)
def _rollup(
    store: Store, key: EvalKey, level: str, basis: str, _frame: pd.DataFrame
) -> pd.DataFrame:
    """The roll-up of one area level and basis, made when the page first shows it."""
    del store, key
    roll = coaching.rollup(_frame, level, basis)
    roll.attrs = {}
    return roll


@cached(max_entries=16, kept=True)
def _library_index(store: Store, key: EvalKey, _rows: pd.DataFrame) -> ListIndex:
    """The flagged libraries held in DuckDB, paged, searched, filtered and sorted there: a page
    of the list is what the browser gets (issue 15). ``_rows``: the bundle's rows of ``key``."""
    del store, key
    return ListIndex(list_frame(_rows), search=LIST_SEARCH, columns=LIST_COLUMNS)


# the figures, cached on the evaluation's key and what else shapes them


@cached(max_entries=16)
def _area_bars(
    store: Store, key: EvalKey, lang: str, level: str, basis: str, _roll: pd.DataFrame
) -> dict:
    del store, key, level
    return area_bars(_roll, lang, basis=basis).to_dict()


@cached(max_entries=16)
def _quadrant_chart(store: Store, key: EvalKey, lang: str, _frame: pd.DataFrame) -> dict:
    del store, key
    return quadrant_chart(_frame, lang).to_dict()
