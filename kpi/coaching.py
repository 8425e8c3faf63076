"""Coaching priorities (prioritas pembinaan): rules D, R1-R6 and the quadrant Q, with reasons.

Every flag names its rule, the numbers behind it and the window it looked at; every threshold
and point is a setting ("pembinaan" in the store, defaults in kpi/catalogue.yaml).

- Window: the ``jendela_bulan`` months (3, 6 or 12) ending at the selected month; by default
  the last closed month (kpi.closing), so a new, still open month moves nothing.
- D (reporting first) counts only closed months: no report in the last 2 closed months of the
  window, or completeness below 80% over its closed months. A library failing D gets the tier
  "pelaporan" and no other rule is applied to it.
- R1: score in the lowest band (merah). R2: year-to-date achievement below 60% of the pro-rated
  target of a pillar KPI, for the targets that apply to the library (one naming it, or naming
  its level in its kab/kota, province or nationally: kpi.compute.resolve_targets). R3:
  year-on-year change of kunjungan or kegiatan on the 3-month rolling sums at the window's end
  (months reported in both years) at or below -20%, when the earlier sum is at least the KPI's
  own minimum base (catalogue data). R4: score in the bottom 20% of its province and level
  (cume_dist <= 0.2 among the scored libraries of the same province and jenis). R5: kegiatan = 0
  reported for 3 consecutive months in the window. R6: CIEL index at least 30 points above the
  score. Q: quadrant IV (score below the median of its level, and lower than a year earlier).
- One weakness counts once: R1, R4 and Q read the same score, so together they give the largest
  of their points, as one reason with all their numbers.
- Libraries whose first report is less than 6 months before the window's end are not judged on
  growth (R3 and Q).
- Points add up once per rule; tiers: >= 5 prioritas_1, 3-4 prioritas_2, 1-2 pantau.
- Roll-up to areas for leadership: ranked by the lower bound of the 90% Wilson interval of the
  share of libraries needing coaching (Prioritas 1, Prioritas 2 or Pembinaan pelaporan; or the
  performance tiers only, or reporting only), ties by the number of libraries concerned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import closing, gcpause
from kpi import settings as settings_mod
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.compute import aggregate, ciel, growth
from kpi.periods import Period, months_between, parse_period, window
from kpi.queries import regions, reports
from kpi.reasons import reason, weak_score_reason
from kpi.rollup import priorities as priorities
from kpi.rollup import rollup as rollup
from kpi.rollup import wilson_lower as wilson_lower
from kpi.rules import apply_rules as apply_rules
from kpi.rules import quadrant_of as quadrant_of
from kpi.scope import Filters, ask
from kpi.score import get_settings as get_score_settings
from kpi.score import scored_table
from kpi.settings import CoachingSettings, ScoreSettings
from kpi.store import Store, consistent
from kpi.targets import achievement, targets

# the vocabulary's names stay importable from here (coaching.RULES, coaching.TIERS, ...)
from kpi.vocab import (
    BASES,
    QUADRANTS,
    RULES,
    SCORE_RULES,
    TIER_ORDER,
    TIERS,
)

if TYPE_CHECKING:
    from kpi.access import Principal

# what this module offers, with the vocabulary's and the roll-up's names it re-exports
__all__ = [
    "AUTO",
    "BASES",
    "QUADRANTS",
    "RULES",
    "SCORE_RULES",
    "SETTINGS_KEY",
    "TIERS",
    "TIER_ORDER",
    "apply_rules",
    "default_settings",
    "evaluate",
    "get_settings",
    "priorities",
    "quadrant_of",
    "reason",
    "reporting_window",
    "rollup",
    "rule_inputs",
    "save_settings",
    "tier_of",
    "weak_score_reason",
    "wilson_lower",
]

SETTINGS_KEY = settings_mod.COACHING_KEY


def default_settings(cat: Catalogue | None = None) -> dict[str, Any]:
    return settings_mod.defaults(SETTINGS_KEY, cat)


def get_settings(store: Store, cat: Catalogue | None = None) -> dict[str, Any]:
    """The rule settings in use: the stored ones over the defaults (merged rule by rule)."""
    return settings_mod.stored(store, SETTINGS_KEY, cat)


def save_settings(
    store: Store, settings: Mapping[str, Any], actor: Principal | None = None
) -> None:
    """Validate and store the rule settings (SettingsError naming every problem); ``actor``
    (default the local operator) needs the right to save settings, and the change is an audit
    event with the settings before and after."""
    settings_mod.save(store, SETTINGS_KEY, settings, actor=actor)


def tier_of(points: float, settings: Mapping[str, Any] | CoachingSettings) -> str | None:
    return CoachingSettings.of(settings).tier_of(points)


# ---------------------------------------------------------------------------------------------


class _Auto:
    """The default of ``closed_until``: the last closed month of the store (kpi.closing)."""


AUTO = _Auto()


def reporting_window(win: Period, closed_until: date | None) -> Period | None:
    """The months of ``win`` that rule D counts: its closed ones (None when none is closed)."""
    if closed_until is None or closed_until < win.first:
        return None
    if closed_until >= win.last:
        return win
    return Period("rentang", win.first, closed_until)


# the columns of the KPI table rule D reads
_D_COUNTS = ("kode", "bulan_diharapkan", "bulan_dilaporkan", "kelengkapan")

# -- the columns of rule_inputs, aligned on its libraries by position --------------------------


def _texts(values: pd.Series) -> Any:
    """A text column of the libraries, typed as a frame built from its values' list types it
    (text when it holds a text; else the list itself: empty, or no value at all)."""
    if isinstance(values.dtype, pd.StringDtype) and values.notna().any():
        return values.array
    return values.tolist()


def _named(codes: pd.Series, names: Mapping[str, str]) -> Any:
    """The names of the areas of ``codes`` (None where unknown), typed as ``_texts`` does."""
    found = codes.map(names)
    if isinstance(found.dtype, pd.StringDtype) and found.notna().any():
        return found.array
    return [names.get(str(k)) for k in codes.tolist()]


def _positions(index: pd.Index, kodes: pd.Index) -> np.ndarray:
    """Where each library of ``kodes`` is in ``index`` (-1: not there)."""
    if index.equals(kodes):  # the same libraries in the same order (ORDER BY kode)
        return np.arange(len(kodes))
    return np.asarray(index.get_indexer(kodes))


def _take(values: pd.Series, at: np.ndarray, missing: float | None = None) -> np.ndarray:
    """``values`` at the positions ``at`` as floats: NaN where absent, or ``missing`` for the
    absent and the empty values when given (as reindex, then fillna)."""
    data = values.to_numpy(dtype=float, na_value=np.nan)
    out = data[at] if len(data) else np.full(len(at), np.nan)
    out[at < 0] = np.nan
    if missing is not None:
        out[np.isnan(out)] = missing
    return out


def _months_reporting(first: pd.Series, at: np.ndarray, end: date) -> Any:
    """Per library, the months from its first report (``first``, at the positions ``at``) to
    ``end``, not counting ``end``'s; -1 for a library that never reported."""
    if not len(at):
        return []
    if not pd.api.types.is_datetime64_dtype(first.dtype):
        taken = [first.iloc[i] if i >= 0 else None for i in at.tolist()]
        return [
            months_between(pd.Timestamp(d).date(), end) - 1 if pd.notna(d) else -1 for d in taken
        ]
    stamps = pd.DatetimeIndex(first.to_numpy())
    year = np.asarray(stamps.year, dtype=float)
    months = (end.year - year) * 12 + end.month - np.asarray(stamps.month, dtype=float)
    out = np.full(len(at), -1, dtype=np.int64)
    found = np.flatnonzero(at >= 0)
    value = months[at[found]]
    known = ~np.isnan(value)
    out[found[known]] = value[known]
    return out


@consistent
def rule_inputs(
    store: Store,
    end: date,
    window_months: int,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    score_settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
    closed_until: date | None | _Auto = AUTO,
    today: date | None = None,
) -> pd.DataFrame:
    """Per library, every figure the rules look at (all computed in DuckDB, a few queries).

    Columns: kode, nama, jenis, kode_provinsi, provinsi, kode_kabupaten_kota, kabupaten_kota,
    bulan_diharapkan, bulan_dilaporkan, kelengkapan (the closed months of the window: what rule
    D counts), diharapkan_akhir and dilaporkan_akhir (the last closed months of rule D), skor,
    band (over the whole window), skor_tahun_lalu, median_sejawat
    (median score of the same jenis), persentil_sejawat (cume_dist of the score within province
    and jenis), bulan_tanpa_kegiatan (longest run of reported kegiatan = 0), ciel,
    bulan_melapor (months from the first report to the window's end), ``<kpi>_yoy``,
    ``<kpi>_kini``, ``<kpi>_lalu`` for the R3 KPIs, and capaian (list of (kpi, percent, actual,
    pro-rated target) for the KPIs with a target). ``score_settings`` (default: the stored
    ones) scores the libraries, so candidate settings can be previewed without saving them.
    ``closed_until``: the last closed month (default: the store's, on ``today``); months of the
    window after it are open and rule D does not count them.
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    wanted = filters or Filters()
    # peers (R4, the quadrant's median) do not depend on a geographic filter: every library of
    # the other filters is evaluated, and the geographic filter keeps its rows at the end
    filters = wanted.without_geography()
    win = window(end, window_months)
    skor_settings = (
        dict(score_settings) if score_settings is not None else get_score_settings(store, cat)
    )

    libs = scored_table(store, "perpustakaan", win, filters, [], settings=skor_settings, cat=cat)
    libs = libs.reset_index(drop=True)
    idx = pd.Index(libs["kode"])
    names = regions.names(store)
    out = pd.DataFrame(
        {
            "kode": _texts(libs["kode"]),
            "nama": _texts(libs["nama"]),
            "jenis": _texts(libs["jenis"]),
            "kode_provinsi": _texts(libs["kode_provinsi"]),
            "provinsi": _named(libs["kode_provinsi"], names),
            "kode_kabupaten_kota": _texts(libs["kode_kabupaten_kota"]),
            "kabupaten_kota": _named(libs["kode_kabupaten_kota"], names),
        },
        index=libs.index,
    )
    closed = closing.last_closed(store, today) if isinstance(closed_until, _Auto) else closed_until
    d_win = reporting_window(win, closed)
    last_n = CoachingSettings.of(s, cat).d_bulan_terakhir
    if d_win is None:  # no closed month in the window: rule D has nothing to count yet
        for c in ("bulan_diharapkan", "bulan_dilaporkan", "diharapkan_akhir", "dilaporkan_akhir"):
            out[c] = 0.0
        out["kelengkapan"] = np.nan
    else:
        d_libs = (
            libs.set_index("kode")
            if d_win == win
            else aggregate(
                ask(store, "perpustakaan", d_win, filters, ["kelengkapan"], cat), _D_COUNTS
            ).set_index("kode")
        )
        d_at = _positions(d_libs.index, idx)
        out["bulan_diharapkan"] = _take(d_libs["bulan_diharapkan"], d_at, 0.0)
        out["bulan_dilaporkan"] = _take(d_libs["bulan_dilaporkan"], d_at, 0.0)
        out["kelengkapan"] = _take(d_libs["kelengkapan"], d_at)
        tail = aggregate(
            ask(
                store,
                "perpustakaan",
                window(d_win.last, min(last_n, d_win.months)),
                filters,
                ["kelengkapan"],
                cat,
            ),
            _D_COUNTS,
        ).set_index("kode")
        tail_at = _positions(tail.index, idx)
        out["diharapkan_akhir"] = _take(tail["bulan_diharapkan"], tail_at, 0.0)
        out["dilaporkan_akhir"] = _take(tail["bulan_dilaporkan"], tail_at, 0.0)

    out["skor"] = libs["skor"].astype(float)
    out["band"] = libs["band"]
    prev = scored_table(
        store, "perpustakaan", win.previous_year(), filters, [], settings=skor_settings, cat=cat
    ).set_index("kode")
    out["skor_tahun_lalu"] = _take(prev["skor"], _positions(prev.index, idx))
    scored = libs["skor"].notna()
    median = libs[scored].groupby("jenis")["skor"].median()
    out["median_sejawat"] = libs["jenis"].map(median).astype(float)
    out["persentil_sejawat"] = (
        libs[scored]
        .groupby(["kode_provinsi", "jenis"])["skor"]
        .rank(method="max", pct=True)
        .reindex(libs.index)
        .astype(float)
    )
    zero = reports.longest_zero_run(store, win, filters)
    out["bulan_tanpa_kegiatan"] = _take(zero, _positions(zero.index, idx), 0).astype(int)
    c = ciel(ask(store, "perpustakaan", Period("bulan", end, end), filters)).set_index("kode")
    out["ciel"] = _take(c["ciel"], _positions(c.index, idx))

    first = reports.first_reports(store, filters, end)
    out["bulan_melapor"] = _months_reporting(first, _positions(first.index, idx), end)

    r3_ids = list(CoachingSettings.of(s, cat).r3_kpi)
    # each KPI's own minimum base (catalogue data)
    gr = growth(
        ask(store, "perpustakaan", Period("bulan", end, end), filters, r3_ids, cat), min_base=None
    )
    gr = gr.set_index("kode")
    gr_at = _positions(gr.index, idx)
    for k in r3_ids:
        out[f"{k}_yoy"] = _take(gr[k], gr_at)
        out[f"{k}_kini"] = _take(gr[f"{k}__kini"], gr_at)
        out[f"{k}_lalu"] = _take(gr[f"{k}__lalu"], gr_at)

    tahun_targets = targets(store, cat.ids, end.year)
    r2_ids = sorted(
        k for k in set(tahun_targets["kpi"]) if k in cat and cat[k].pillar in SCORE_PILLARS
    )
    capaian: dict[str, list[tuple[str, float, float, float]]] = {}
    if r2_ids:
        ach = achievement(
            ask(store, "perpustakaan", Period("bulan", end, end), filters, r2_ids, cat)
        )
        ach = ach[ach["capaian"].notna()]
        with gcpause.paused():  # a list of tuples per library, no cycle among them
            for kode, kpi_id, cap, akt, tgt in zip(
                ach["kode"].astype(str).tolist(),
                ach["kpi"].astype(str).tolist(),
                ach["capaian"].astype(float).tolist(),
                ach["aktual"].astype(float).tolist(),
                ach["target_prorata"].astype(float).tolist(),
                strict=True,
            ):
                capaian.setdefault(kode, []).append((kpi_id, cap, akt, tgt))
    with gcpause.paused():
        out["capaian"] = [capaian.get(k, []) for k in out["kode"].tolist()]
    if wanted.provinsi:
        out = out[out["kode_provinsi"] == wanted.provinsi]
    if wanted.kabupaten_kota:
        out = out[out["kode_kabupaten_kota"] == wanted.kabupaten_kota]
    out = out.reset_index(drop=True)
    out.attrs["window"] = win.label
    out.attrs["end"] = end
    out.attrs["r3"] = r3_ids
    # the months rule D counted, and the last closed month of the store
    out.attrs["window_pelaporan"] = d_win.label if d_win is not None else None
    out.attrs["tutup"] = closed.strftime("%Y-%m") if closed is not None else None
    return out


@consistent
def evaluate(
    store: Store,
    period: str | date | None = None,
    window_months: int | None = None,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
    today: date | None = None,
    closed_until: date | None | _Auto = AUTO,
) -> pd.DataFrame:
    """Every library of the filter with its rules, points, tier, quadrant and reasons.

    Columns: those of ``rule_inputs`` plus tingkat, tier (None when no flag), points, quadrant
    and reasons (list of {"rule", "values"}; their words are kpi.reasons.words, at the edge).
    ``attrs`` holds the window and the settings used. Without ``period`` the window ends at the
    last closed month (kpi.closing, on ``today``); ``closed_until`` overrides the last closed
    month (rule D).
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    if period is None:
        end = closing.default_end(store, today)
        if end is None:
            return pd.DataFrame(columns=["kode", "tier", "points", "quadrant", "reasons"])
    else:
        end = parse_period(period).last
    n_months = int(window_months or CoachingSettings.of(s, cat).jendela_bulan)
    inputs = rule_inputs(
        store, end, n_months, filters, settings=s, cat=cat, today=today, closed_until=closed_until
    )
    lowest = ScoreSettings.of(get_score_settings(store, cat), cat).lowest_band
    out = apply_rules(inputs, s, lowest_band=lowest, cat=cat)
    out.insert(2, "tingkat", "perpustakaan")
    out.attrs.update(inputs.attrs)
    out.attrs["settings"] = s
    return out
