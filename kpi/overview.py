"""Figures for the overview (Ringkasan): headline KPIs against a year earlier, the score bands
of the libraries, the best and worst provinces. Aggregation happens in the KPI engine (DuckDB).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import Catalogue, catalogue
from kpi.compute import aggregate, growth
from kpi.periods import Period
from kpi.scope import Filters
from kpi.store import Store, consistent
from kpi.vocab import BANDS

# ---------------------------------------------------------------------------------------------
# The overview on the KPI engine: headline KPIs of the catalogue for a period and filters


@dataclass(frozen=True)
class HeadlineKpi:
    kpi: str
    nilai: float | None
    nilai_lalu: float | None
    perubahan: float | None  # percent for counts and rates, percentage points for % KPIs
    poin: bool  # True when perubahan is in percentage points
    kelengkapan: float | None


def _val(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


@consistent
def headline_kpis(
    store: Store, period: Period, filters: Filters | None = None, cat: Catalogue | None = None
) -> list[HeadlineKpi]:
    """The catalogue's headline KPIs (``ringkasan``) for the period, with the change against the
    same period a year earlier.

    Flows compare like for like (compute.growth: only library-months reported in both years,
    rolling 3 months for a single month, empty under the minimum base); a % KPI compares in
    percentage points; other ratios compare the two periods' values.
    """
    cat = cat or catalogue()
    ids = list(cat.ringkasan)
    filters = filters or Filters()
    now = aggregate(store, "nasional", period, filters, ids, cat)
    before = aggregate(store, "nasional", period.previous_year(), filters, ids, cat)
    flows = [i for i in ids if cat[i].is_flow]
    grow = growth(store, "nasional", period, filters, flows, cat=cat) if flows else pd.DataFrame()
    out = []
    for i in ids:
        value = _val(now[i].iat[0]) if len(now) else None
        previous = _val(before[i].iat[0]) if len(before) else None
        percent_kpi = cat[i].unit == "%"
        if cat[i].is_flow:
            change = _val(grow[i].iat[0]) if len(grow) else None
        elif value is None or previous is None:
            change = None
        elif percent_kpi:
            change = value - previous
        else:
            change = 100.0 * (value - previous) / previous if previous else None
        completeness = _val(now["kelengkapan_laporan"].iat[0]) if len(now) else None
        out.append(HeadlineKpi(i, value, previous, change, percent_kpi, completeness))
    return out


def band_distribution(libraries: pd.DataFrame) -> pd.DataFrame:
    """Libraries per band of their score, with the ones without a score (too little data).

    ``libraries``: the perpustakaan-level KPI table with ``band``. Returns band, jumlah, porsi.
    """
    order = [*BANDS, None]
    counts = libraries["band"].value_counts(dropna=False)
    total = int(counts.sum())
    rows = []
    for band in order:
        n = int(counts.get(band, 0)) if band else int(libraries["band"].isna().sum())
        rows.append({"band": band, "jumlah": n, "porsi": 100.0 * n / total if total else None})
    return pd.DataFrame(rows)


MIN_RANKED_AREAS = 3


def province_ranking(provinces: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The best and worst provinces by score: at most ``n`` each and never the same province in
    both (half of the ranked ones at most). Only provinces with a band are ranked (a province
    without a score, or where too few of its libraries have one, is left out), and with fewer
    than three of them there is no ranking (both frames empty): one or two areas are not a
    "best" and a "weakest"."""
    ranked = provinces.dropna(subset=["skor"])
    if "band" in ranked.columns:
        ranked = ranked[ranked["band"].notna()]
    ranked = ranked.sort_values(["skor", "kode"], ascending=[False, True])
    cols = [c for c in ("kode", "nama", "skor", "band", "kelengkapan_laporan") if c in ranked]
    if len(ranked) < MIN_RANKED_AREAS:
        empty = ranked.iloc[0:0][cols].reset_index(drop=True)
        return empty, empty.copy()
    k = min(n, len(ranked) // 2)
    best = ranked.head(k)[cols].reset_index(drop=True)
    worst = ranked.tail(k).iloc[::-1][cols].reset_index(drop=True)
    return best, worst
