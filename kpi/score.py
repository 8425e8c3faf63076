"""Skor KPI TPBIS (0-100) and its band, with the settings kept in the store ("skor").

A library: each component KPI becomes a sub-score min(100, 100 x value / benchmark), where the
benchmark is a target that applies to the library for the period's year (one naming it, or
naming its level in its kab/kota, province or nationally: kpi.compute.resolve_targets; flows
pro-rated by months), else the chosen percentile (default 90th, linear interpolation) of the
same component among its peers (libraries of the same level, same period, whatever the
geographic filter). A pillar is the mean of its components that have data; the score is the
weighted mean of the pillars that exist (weights re-normalised). A library with less than the
minimum completeness (default 50%) gets no score and no band.

An area (kab/kota, province, national) scores the mean of its scored libraries' scores, each
library once (its pillars likewise), beside the number of its libraries in each band and
without a score. An area where fewer than ``porsi_berskor_minimum`` % (default half) of its
libraries expected to report in the period have a score gets no band ("data belum cukup"), as
a library with too few months gets none. An area's own targets apply to its aggregated KPI
values (achievement), not to its score.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import settings as settings_mod
from kpi.catalogue import (
    SCORE_PILLARS,
    Band,
    Catalogue,
    bands_from,
    catalogue,
)
from kpi.compute import aggregate, kpis_of
from kpi.periods import Period, parse_period
from kpi.scope import Filters, Question, ask
from kpi.settings import ScoreSettings
from kpi.store import Store, consistent
from kpi.targets import resolve_targets
from kpi.vocab import BANDS

if TYPE_CHECKING:
    from kpi.access import Principal

SETTINGS_KEY = settings_mod.SCORE_KEY
SCORE_ID = "skor"  # the score asked for like a KPI (python -m kpi kpis --kpi skor)
BAND_IDS: tuple[str, ...] = BANDS


def default_settings(cat: Catalogue | None = None) -> dict[str, Any]:
    return settings_mod.defaults(SETTINGS_KEY, cat)


def get_settings(store: Store, cat: Catalogue | None = None) -> dict[str, Any]:
    """The score settings in use: the stored ones over the catalogue's defaults."""
    return settings_mod.stored(store, SETTINGS_KEY, cat)


# validate and store the settings (an audit event): kpi.settings.saver
save_settings = settings_mod.saver(SETTINGS_KEY)


def restore_defaults(store: Store, actor: Principal | None = None) -> None:
    """Back to the catalogue's defaults for the score, the coaching rules and the closing of
    months (one click, one transaction, one audit event)."""
    settings_mod.restore_defaults(store, actor)


def definition_text(settings: Mapping[str, Any], lang: str = "id") -> str:
    """The score's definition in words (kpi.skor.definisi in data/i18n), with the settings in
    use: weights, percentile, minimum completeness, minimum share of scored libraries, bands."""
    from kpi import i18n

    s = ScoreSettings.of(settings)
    return i18n.t(
        "kpi.skor.definisi",
        lang,
        persentil=i18n.format_number(s.persentil_pembanding, lang),
        kelengkapan=i18n.format_number(s.kelengkapan_minimum, lang),
        porsi=i18n.format_number(s.porsi_berskor_minimum, lang),
        **weights_and_edges(s, lang),
    )


def weights_and_edges(s: ScoreSettings, lang: str) -> dict[str, str]:
    """The pillars' weights and the yellow and green band edges of ``s``, as numbers in words of
    ``lang`` (keys informasi, pelibatan, advokasi, kuning, hijau: the score's definition and the
    report card's footer)."""
    from kpi import i18n

    edges = [b.dari for b in s.bands][1:] or [50.0, 80.0]
    values = {p: s.bobot.get(p) for p in SCORE_PILLARS}
    values.update(kuning=edges[0], hijau=edges[-1])
    return {k: i18n.format_number(v, lang) for k, v in values.items()}


def bands_of(settings: Mapping[str, Any]) -> tuple[Band, ...]:
    issues: list[Any] = []
    return tuple(
        sorted(bands_from(settings.get("bands"), SETTINGS_KEY, issues), key=lambda b: b.dari)
    )


def band_of(value: float | None, bands: Sequence[Band]) -> str | None:
    """The band of a value: half-open [dari, sampai), the last band closed at its top."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    ordered = sorted(bands, key=lambda b: b.dari)
    for i, b in enumerate(ordered):
        last = i == len(ordered) - 1
        if b.dari <= value < b.sampai or (last and value == b.sampai):
            return b.id
    return None


def band_series(values: pd.Series, bands: Sequence[Band]) -> pd.Series:
    """``band_of`` for a whole column (vectorised)."""
    ordered = sorted(bands, key=lambda b: b.dari)
    v = values.to_numpy(dtype=float)
    out = np.full(len(v), None, dtype=object)
    for i, b in enumerate(ordered):
        last = i == len(ordered) - 1
        inside = (v >= b.dari) & ((v < b.sampai) | (last & (v == b.sampai)))
        out[inside] = b.id
    return pd.Series(out, index=values.index, dtype=object)


def components(settings: Mapping[str, Any]) -> dict[str, list[str]]:
    comps = settings.get("komponen") or {}
    return {p: list(comps.get(p) or []) for p in SCORE_PILLARS}


def component_ids(settings: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(c for cs in components(settings).values() for c in cs))


def subscores(values: pd.DataFrame, bench: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """min(100, 100 x value / benchmark) per component; empty without value or benchmark > 0."""
    cols: dict[str, np.ndarray] = {}
    for c in ids:
        v = values[c].to_numpy(dtype=float, na_value=np.nan)
        b = bench[c].to_numpy(dtype=float, na_value=np.nan)
        b = np.where(b > 0, b, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            cols[c] = np.minimum(100.0, np.maximum(0.0, 100.0 * v / b))
    # one frame at once (adding columns one by one costs more than the arithmetic)
    return pd.DataFrame(cols, index=values.index, columns=list(ids))


def combine(
    subs: pd.DataFrame,
    kelengkapan: pd.Series,
    settings: Mapping[str, Any],
) -> pd.DataFrame:
    """Pillar scores, the composite score and its band from the component sub-scores."""
    comps = components(settings)
    weights = settings.get("bobot") or {}
    out = pd.DataFrame(index=subs.index)
    num = pd.Series(0.0, index=subs.index)
    den = pd.Series(0.0, index=subs.index)
    for pillar in SCORE_PILLARS:
        cols = [c for c in comps[pillar] if c in subs.columns]
        pillar_score = (
            subs[cols].mean(axis=1, skipna=True) if cols else pd.Series(np.nan, index=subs.index)
        )
        out[f"skor_{pillar}"] = pillar_score
        w = float(weights.get(pillar, 0) or 0)
        has = pillar_score.notna() & (w > 0)
        num = num + np.where(has, w * pillar_score.fillna(0.0), 0.0)
        den = den + np.where(has, w, 0.0)
    skor = (num / den.where(den > 0)).astype(float)
    minimum = ScoreSettings.of(settings).kelengkapan_minimum
    eligible = kelengkapan.astype(float).fillna(0.0) >= minimum
    out["skor"] = skor.where(eligible)
    out["band"] = band_series(out["skor"], bands_of(settings))
    return out


def benchmarks(
    store: Store,
    units: pd.DataFrame,
    peers: pd.DataFrame,
    period: Period,
    ids: Sequence[str],
    settings: Mapping[str, Any],
    cat: Catalogue,
) -> pd.DataFrame:
    """The benchmark of each component for each library: a target that applies to it, else the
    percentile of its peers (``peers``: the libraries of every place, grouped by jenis)."""
    q = ScoreSettings.of(settings).persentil_pembanding / 100.0
    tgt = resolve_targets(store, units, "perpustakaan", ids, period.last.year, cat)
    out: dict[str, np.ndarray] = {}
    for c in ids:
        t = tgt[c].to_numpy(dtype=float)
        if cat[c].is_flow:
            t = t * period.months / 12.0
        pct = peers.groupby("jenis")[c].quantile(q)
        from_peers = units["jenis"].map(pct).astype(float).to_numpy()
        out[c] = np.where(np.isnan(t), from_peers, t)
    return pd.DataFrame(out, index=units.index, columns=list(ids))


@consistent
def scored_table(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None,
    kpi_ids: Sequence[str],
    *,
    settings: Mapping[str, Any] | None = None,
    band_counts: bool = True,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """The KPI table with pillar scores, ``skor``, ``band`` and (areas) libraries per band."""
    cat = cat or catalogue()
    per = parse_period(period)
    filters = filters or Filters()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    if level == "perpustakaan" and filters.has_geography:
        scored_ids = {*component_ids(s), "kelengkapan"}
        if set(kpi_ids) <= scored_ids:
            # a library's score does not depend on the geographic filter (its peers are the
            # libraries of every place): the place's rows of the table kept for all places
            every = scored_table(
                store, level, per, filters.without_geography(), [], settings=s, cat=cat
            )
            return _place_rows(every, filters, kpi_ids, component_ids(s))
    if level == "perpustakaan" and not kpi_ids:
        # the libraries' scores alone: asked for by the coaching rules, the areas' band counts
        # and the pages for the same period and data version; computed once, kept. A caller
        # that asks while another thread computes the same table waits for it.
        key = _memo_key(store, per, filters, s, cat)
        with _LIB_SCORES_LOCK:
            hit = _LIB_SCORES.get(key)
            if hit is not None:
                _LIB_SCORES.move_to_end(key)
                return hit.copy()
            computing = _LIB_SCORES_COMPUTING.setdefault(key, threading.Lock())
        with computing:
            with _LIB_SCORES_LOCK:
                hit = _LIB_SCORES.get(key)
            if hit is not None:
                return hit.copy()
            try:
                out = _scored(store, level, per, filters, kpi_ids, s, band_counts, cat)
                with _LIB_SCORES_LOCK:
                    _LIB_SCORES[key] = out.copy()
                    while len(_LIB_SCORES) > _LIB_SCORES_MAX:
                        _LIB_SCORES.popitem(last=False)
            finally:
                with _LIB_SCORES_LOCK:
                    _LIB_SCORES_COMPUTING.pop(key, None)
            return out
    return _scored(store, level, per, filters, kpi_ids, s, band_counts, cat)


def _place_rows(
    every: pd.DataFrame, filters: Filters, kpi_ids: Sequence[str], comps: Sequence[str]
) -> pd.DataFrame:
    """The libraries of a place from the scored table of all places, with the columns in the
    order a table computed for the place alone has (the KPIs asked for first)."""
    keep = pd.Series(True, index=every.index)
    if filters.provinsi:
        keep &= every["kode_provinsi"].astype(str) == filters.provinsi
    if filters.kabupaten_kota:
        keep &= every["kode_kabupaten_kota"].astype(str) == filters.kabupaten_kota
    rows = every[keep.to_numpy()].reset_index(drop=True)
    asked = list(dict.fromkeys([*kpi_ids, *comps, "kelengkapan"]))
    kpi_cols = [c for k in asked for c in (k, f"{k}__perpustakaan")]
    columns = list(rows.columns)
    first = min(columns.index(c) for c in kpi_cols if c in columns)
    head = columns[:first]
    tail = [c for c in rows.columns if c not in kpi_cols and c not in head]
    return rows[[*head, *[c for c in kpi_cols if c in rows.columns], *tail]]


def _scored(
    store: Store,
    level: str,
    per: Period,
    filters: Filters,
    kpi_ids: Sequence[str],
    s: Mapping[str, Any],
    band_counts: bool,
    cat: Catalogue,
) -> pd.DataFrame:
    comps = component_ids(s)
    if level != "perpustakaan":
        # an area's score comes from its libraries' scores: its own components are not needed
        needed = list(dict.fromkeys([*kpi_ids, "kelengkapan"]))
        table = aggregate(ask(store, level, per, filters, needed, cat))
        libs = scored_table(store, "perpustakaan", per, filters, [], settings=s, cat=cat)
        out = pd.concat([table, area_scores(table, libs, level, s)], axis=1)
        if band_counts:
            out = _add_band_counts(out, libs, level, s)
        return out
    needed = list(dict.fromkeys([*kpi_ids, *comps, "kelengkapan"]))
    table = aggregate(ask(store, level, per, filters, needed, cat))
    peers = (
        aggregate(ask(store, level, per, filters.without_geography(), comps, cat))
        if filters.has_geography
        else table
    )
    bench = benchmarks(store, table, peers, per, comps, s, cat)
    subs = subscores(table, bench, comps)
    scored = combine(subs, table["kelengkapan"], s)
    return pd.concat([table, scored], axis=1)


AREA_KEYS: dict[str, str | None] = {
    "nasional": None,
    "provinsi": "kode_provinsi",
    "kabupaten_kota": "kode_kabupaten_kota",
}


def area_scores(
    areas: pd.DataFrame, libs: pd.DataFrame, level: str, settings: Mapping[str, Any]
) -> pd.DataFrame:
    """The score of each area (rows of ``areas``) from its libraries' (``libs``: the library
    table with skor, skor_<pillar>, band, bulan_diharapkan): skor and skor_<pillar> are the
    means over its scored libraries, each library once; perpustakaan_berskor (scored
    libraries), perpustakaan_diharapkan (libraries expected to report in the period),
    porsi_berskor (percent of those), data_cukup (porsi_berskor at least the minimum) and band
    (empty without enough data). Indexed like ``areas``."""
    key = AREA_KEYS[level]
    group = (
        pd.Series("00", index=libs.index)
        if key is None
        else libs[key].astype(object).where(libs[key].notna(), None)
    )
    scored = libs["skor"].notna()
    cols = ["skor", *[f"skor_{p}" for p in SCORE_PILLARS]]
    frame = pd.DataFrame({c: libs[c].astype(float).where(scored) for c in cols})
    frame["g"] = group.to_numpy()
    frame["berskor"] = scored.astype(int).to_numpy()
    frame["diharapkan"] = (libs["bulan_diharapkan"].fillna(0).astype(float) > 0).astype(int)
    frame = frame[frame["g"].notna()]
    agg = frame.groupby("g").agg(
        **{c: (c, "mean") for c in cols},
        perpustakaan_berskor=("berskor", "sum"),
        perpustakaan_diharapkan=("diharapkan", "sum"),
    )
    codes = areas["kode"].astype(str)
    out = agg.reindex(codes.to_numpy())
    out.index = areas.index
    out["perpustakaan_berskor"] = out["perpustakaan_berskor"].fillna(0).astype(int)
    out["perpustakaan_diharapkan"] = out["perpustakaan_diharapkan"].fillna(0).astype(int)
    expected = out["perpustakaan_diharapkan"].where(out["perpustakaan_diharapkan"] > 0)
    out["porsi_berskor"] = 100.0 * out["perpustakaan_berskor"] / expected
    minimum = ScoreSettings.of(settings).porsi_berskor_minimum
    out["data_cukup"] = out["porsi_berskor"].fillna(-1.0) >= minimum - 1e-9
    out["band"] = band_series(out["skor"].where(out["data_cukup"]), bands_of(settings))
    return out[
        [
            *[f"skor_{p}" for p in SCORE_PILLARS],
            "skor",
            "band",
            "perpustakaan_berskor",
            "perpustakaan_diharapkan",
            "porsi_berskor",
            "data_cukup",
        ]
    ]


# The libraries' scores (no extra KPI) of one period, filter and settings, kept per data
# version: the coaching rules, the areas' band counts, the map and the overview ask for the same
# table one after another.
_LIB_SCORES: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_LIB_SCORES_LOCK = threading.Lock()
_LIB_SCORES_COMPUTING: dict[tuple[Any, ...], threading.Lock] = {}  # key -> held while computed
_LIB_SCORES_MAX = 8


def clear_caches() -> None:
    """Forget the kept library scores (benchmarks measure a first view with this)."""
    with _LIB_SCORES_LOCK:
        _LIB_SCORES.clear()


def _memo_key(
    store: Store, per: Period, filters: Filters, settings: Mapping[str, Any], cat: Catalogue
) -> tuple[Any, ...]:
    return (
        str(store.path),
        store.data_version(),  # read in the caller's snapshot: the same state as its data
        per,
        filters,
        json.dumps(settings, sort_keys=True, default=str),
        id(cat),
    )


def _add_band_counts(
    areas: pd.DataFrame, libs: pd.DataFrame, level: str, settings: Mapping[str, Any]
) -> pd.DataFrame:
    key = AREA_KEYS[level]
    group = pd.Series("00", index=libs.index) if key is None else libs[key]
    band = libs["band"].fillna("tanpa_skor")
    # libraries per area and band (a crosstab, counted the quick way)
    counts = pd.DataFrame({"g": group, "b": band}).groupby(["g", "b"]).size().unstack(fill_value=0)
    ids = [b.id for b in bands_of(settings)] + ["tanpa_skor"]
    counts = counts.reindex(columns=ids, fill_value=0)
    counts.columns = [f"perpustakaan_{c}" for c in counts.columns]
    merged = areas.merge(counts, left_on="kode", right_index=True, how="left")
    for c in counts.columns:
        merged[c] = merged[c].fillna(0).astype(int)
    return merged


def ciel_gap(q: Question) -> pd.DataFrame:
    """Self-assessment against measured performance: kode, ciel (0-100), the four dimensions,
    skor, and selisih = ciel - skor (positive: rates itself above what its data shows)."""
    from kpi.compute import ciel

    table = scored_table(q.store, q.level, q.period, q.filters, [], band_counts=False, cat=q.cat)
    c = ciel(q)
    out = c.merge(table[["kode", "skor", "band"]], on="kode", how="left")
    out["selisih"] = out["ciel"] - out["skor"]
    return out


# ---------------------------------------------------------------------------------------------
# The KPI table with the score: what pages and the kpis command show


def kpi_table(q: Question, *, with_score: bool = True) -> pd.DataFrame:
    """KPI values per unit, and (by default) the Skor KPI TPBIS, its band and, for areas, the
    number of libraries in each band and without a score. ``q.kpis`` may name
    ``skor`` like a KPI. A library's benchmarks compare it with its peers regardless of the
    geographic filter (a province filter does not change a library's score); an area's score is
    the mean of its scored libraries' scores. Read on one snapshot of the store.
    """
    # "skor" is asked for like a KPI: the score columns come with every scored table
    ids = [k.id for k in kpis_of(q.cat, [k for k in q.kpi_ids(q.cat.utama) if k != SCORE_ID])]
    with q.store.snapshot():
        if not with_score:
            return aggregate(q.about(ids))
        return scored_table(q.store, q.level, q.period, q.filters, ids, cat=q.cat)
