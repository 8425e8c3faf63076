"""Figures for the overview (Ringkasan): headline KPIs against a year earlier, the score bands
of the libraries, the best and worst provinces. Aggregation happens in the KPI engine (DuckDB).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import Catalogue, catalogue
from kpi.compute import aggregate, growth
from kpi.periods import Period
from kpi.rollup import priorities, rollup
from kpi.scope import Filters, ask
from kpi.store import Store, consistent
from kpi.vocab import BANDS, BASES, RULES, TIERS_BY_ORDER, Basis, Level, Tier

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
    now = aggregate(ask(store, "nasional", period, filters, ids, cat))
    before = aggregate(ask(store, "nasional", period.previous_year(), filters, ids, cat))
    flows = [i for i in ids if cat[i].is_flow]
    grow = growth(ask(store, "nasional", period, filters, flows, cat)) if flows else pd.DataFrame()
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


# ---------------------------------------------------------------------------------------------
# Coaching first: what a leader reads at the top of Ringkasan (from the coaching evaluation)

DIGEST_TIERS: tuple[Tier, ...] = (*TIERS_BY_ORDER, Tier.TANPA_TANDA)


@dataclass(frozen=True)
class CoachingDigest:
    """Libraries per tier (``tiers``: every tier of DIGEST_TIERS, TANPA_TANDA for the evaluated
    libraries without a flag), the top areas of the leadership ranking (``areas``: rows of
    kpi.rollup.rollup plus ``alasan``, a list of (rule, libraries) most frequent first) and the
    libraries most in need (``libraries``: rows of kpi.rollup.priorities), at ``level``."""

    tiers: dict[Tier, int]
    level: Level
    areas: pd.DataFrame
    libraries: pd.DataFrame

    @property
    def evaluated(self) -> int:
        return sum(self.tiers.values())


def digest_level(filters: Filters | None) -> Level:
    """The areas a leader compares: provinces nationally, kab/kota within a province."""
    if filters is not None and (filters.provinsi or filters.kabupaten_kota):
        return Level.KABUPATEN_KOTA
    return Level.PROVINSI


def area_rules(frame: pd.DataFrame, level: str, basis: str = Basis.SEMUA) -> pd.Series:
    """Per area code, its libraries' reasons counted by rule among the libraries that need
    coaching (``basis``): a list of (rule, libraries), most libraries first, then rule order.
    A library counts once per rule (its reasons name each rule at most once)."""
    key = f"kode_{level}"
    concerned = frame[frame["tier"].isin(BASES[Basis(basis)]) & frame[key].notna()]
    pairs = [
        (str(area), rule)
        for area, reasons in zip(concerned[key], concerned["reasons"], strict=True)
        # a library counts once per rule
        for rule in dict.fromkeys(str(x["rule"]) for x in (reasons or []))
    ]
    if not pairs:
        return pd.Series(dtype=object)
    counts = pd.DataFrame(pairs, columns=["kode", "rule"]).value_counts().reset_index()
    order = {r: i for i, r in enumerate(RULES)}
    counts["_o"] = counts["rule"].map(order)
    counts = counts.sort_values(["kode", "count", "_o"], ascending=[True, False, True])
    return counts.groupby("kode").apply(
        lambda g: list(zip(g["rule"], g["count"].astype(int), strict=True)), include_groups=False
    )


def coaching_digest(
    frame: pd.DataFrame,
    level: str = Level.PROVINSI,
    n_areas: int = 3,
    n_libraries: int = 5,
    basis: str = Basis.SEMUA,
) -> CoachingDigest:
    """The coaching summary of an evaluation (kpi.coaching.evaluate): tier counts, the first
    ``n_areas`` of the leadership ranking at ``level`` with their main reasons, and the first
    ``n_libraries`` of the field teams' list (tier order, then points)."""
    tiers = frame["tier"].fillna(Tier.TANPA_TANDA).value_counts() if len(frame) else None
    counts = {t: int(tiers.get(t, 0)) if tiers is not None else 0 for t in DIGEST_TIERS}
    roll = rollup(frame, level, basis) if len(frame) else rollup(frame.iloc[0:0], level, basis)
    areas = roll[roll["jumlah_perlu"] > 0].head(n_areas).copy()
    rules = area_rules(frame, level, basis) if len(frame) else pd.Series(dtype=object)
    areas["alasan"] = [rules.get(k, []) for k in areas["kode"]]
    libraries = priorities(frame).head(n_libraries) if len(frame) else frame.iloc[0:0]
    return CoachingDigest(
        tiers=counts,
        level=Level(level),
        areas=areas.reset_index(drop=True),
        libraries=libraries.reset_index(drop=True),
    )
