"""Targets and achievement: the target table of a year, the target that applies to each unit
(its own, else the one naming its level in its kab/kota, province or nationally), and actual
against the pro-rated target, year to date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kpi.catalogue import Catalogue
from kpi.compute import aggregate
from kpi.scope import Question
from kpi.store import Store


def targets(store: Store, kpi_ids: Iterable[str], tahun: int) -> pd.DataFrame:
    """The target table for a year: kpi, tingkat, kode (no dots; '' for national), jenis ('' for
    a target of the area or library itself; a library level for each library of that level in
    the area), nilai."""
    ids = list(kpi_ids)
    if not ids:
        return pd.DataFrame(columns=["kpi", "tingkat", "kode", "jenis", "nilai"])
    return store.query(
        "SELECT kpi, tingkat, replace(coalesce(kode, ''), '.', '') AS kode, "
        "coalesce(jenis, '') AS jenis, nilai "
        "FROM target WHERE tahun = $tahun AND list_contains($ids, kpi) AND nilai IS NOT NULL",
        {"tahun": int(tahun), "ids": ids},
    )


def _column(units: pd.DataFrame, name: str) -> np.ndarray:
    """A unit column as text (an empty column when ``units`` has none)."""
    if name not in units.columns:
        return np.full(len(units), "", dtype=object)
    return units[name].astype(str).to_numpy(dtype=object)


def _lookup(keys: np.ndarray, table: Mapping[str, float]) -> np.ndarray:
    """``table``'s value of each key (NaN where it has none), looked up all at once."""
    if not table or not len(keys):
        return np.full(len(keys), math.nan, dtype=float)
    at = pd.Index(list(table), dtype=object).get_indexer(keys)
    found = np.fromiter(table.values(), dtype=float, count=len(table))[at]
    found[at < 0] = math.nan
    return found


def resolve_targets(
    store: Store,
    units: pd.DataFrame,
    level: str,
    kpi_ids: Iterable[str],
    tahun: int,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """The annual target per unit (rows of ``units``) and KPI: a frame kode x KPI id.

    Targets apply to what they name. An area (nasional, provinsi, kabupaten_kota) uses the
    target of that area without jenis: it is the target of the area's aggregate. A library uses
    its own target (tingkat perpustakaan), else a target naming its level (jenis) in its
    kab/kota, else in its province, else nationally; otherwise it has none (the score then
    benchmarks it against its peers' percentile). A target of an area without jenis never
    applies to a single library.
    """
    del cat  # every kind of KPI follows the same rule
    ids = list(kpi_ids)
    t = targets(store, ids, tahun)
    kodes = _column(units, "kode")
    # kpi -> (tingkat, jenis) -> kode -> value
    by_kpi: dict[str, dict[tuple[str, str], dict[str, float]]] = {}
    for k, tingkat, kode, jenis, nilai in zip(
        t["kpi"].tolist(),
        t["tingkat"].tolist(),
        t["kode"].tolist(),
        t["jenis"].tolist(),
        t["nilai"].tolist(),
        strict=True,
    ):
        by_kpi.setdefault(k, {}).setdefault((tingkat, jenis), {})[kode] = float(nilai)
    nan = np.full(len(kodes), math.nan, dtype=float)
    out: dict[str, np.ndarray] = {}
    if level == "perpustakaan" and by_kpi:
        jenis = _column(units, "jenis")
        nearest = (
            ("kabupaten_kota", _column(units, "kode_kabupaten_kota")),
            ("provinsi", _column(units, "kode_provinsi")),
            ("nasional", np.full(len(kodes), "", dtype=object)),
        )
    for kpi_id in ids:
        by = by_kpi.get(kpi_id)
        if not by:
            out[kpi_id] = nan.copy()
            continue
        if level == "nasional":
            value = next(iter(by.get(("nasional", ""), {}).values()), math.nan)
            out[kpi_id] = np.full(len(kodes), value, dtype=float)
            continue
        if level != "perpustakaan":
            own = by.get((level, ""), {})
            out[kpi_id] = _lookup(kodes, own) if own else nan.copy()
            continue
        own = by.get(("perpustakaan", ""), {})
        values = _lookup(kodes, own) if own else nan.copy()
        for tingkat, key in nearest:
            for (named_level, level_name), named in by.items():
                if named_level != tingkat or not level_name:
                    continue
                found = _lookup(key, named)
                fill = (jenis == level_name) & np.isnan(values) & ~np.isnan(found)
                values = np.where(fill, found, values)
        out[kpi_id] = values
    frame = pd.DataFrame(out, index=pd.Index(kodes, dtype=object), columns=ids)
    frame.index.name = "kode"
    return frame


def achievement(q: Question) -> pd.DataFrame:
    """Actual against target, year to date at the period's last month.

    Long frame: kode, kpi, aktual (year to date), target (annual), target_prorata (flows: the
    annual target x months elapsed / 12; other KPIs: the target itself), capaian (percent).
    Only (unit, KPI) pairs with a target are returned.
    """
    cat, store = q.cat, q.store
    ytd = q.period.year_to_date()
    ids = (
        list(q.kpis)
        if q.kpis is not None
        else sorted(set(targets(store, cat.ids, ytd.last.year)["kpi"]))
    )
    ids = [i for i in ids if i in cat]
    cols = ["kode", "kpi", "aktual", "target", "target_prorata", "capaian"]
    if not ids:
        return pd.DataFrame(columns=cols)
    # the units and their KPIs only (the places resolve_targets reads)
    places = ["jenis", "kode_provinsi", "kode_kabupaten_kota"] if q.level == "perpustakaan" else []
    table = aggregate(q.at(ytd).about(ids), columns=["kode", *places, *ids])
    tgt = resolve_targets(store, table, q.level, ids, ytd.last.year, cat)
    rows = []
    for kpi_id in ids:
        frac = ytd.months / 12.0 if cat[kpi_id].is_flow else 1.0
        part = pd.DataFrame(
            {
                "kode": table["kode"].astype(str).to_numpy(),
                "kpi": kpi_id,
                "aktual": table[kpi_id].astype(float).to_numpy(),
                "target": tgt[kpi_id].to_numpy(),
            }
        )
        part["target_prorata"] = part["target"] * frac
        part["capaian"] = (
            100.0 * part["aktual"] / part["target_prorata"].where(part["target_prorata"] != 0)
        )
        rows.append(part[part["target"].notna()])
    return pd.concat(rows, ignore_index=True)[cols]
