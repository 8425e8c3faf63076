"""The KPI table for any level and period (its SQL is kpi.builder's), year-on-year growth,
the MarkPlus 5A funnel and the CIEL index, all run by DuckDB over the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpi.builder import FIRST_REPORT_CTE as FIRST_REPORT_CTE  # importable from here
from kpi.builder import LEVELS as LEVELS
from kpi.builder import UNIT_KEY, ident, literal
from kpi.builder import aggregate_sql as aggregate_sql
from kpi.builder import kpis_of as kpis_of
from kpi.builder import library_cte as library_cte
from kpi.columns import CIEL_DIMENSIONS
from kpi.periods import Period, add_months
from kpi.queries import regions
from kpi.queries.reports import last_month as last_month  # importable from here as before
from kpi.scope import NATIONAL_CODE as NATIONAL_CODE  # the old names stay importable here
from kpi.scope import Filters as Filters
from kpi.scope import Question
from kpi.scope import norm_kode as norm_kode
from kpi.settings import deadline_day
from kpi.store import Store


def aggregate(q: Question, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The raw KPI table: one row per unit of ``q.level`` with the KPI ids as columns (``q.kpis``;
    every KPI of the catalogue when it names none).

    Beside every aggregate: ``perpustakaan`` (libraries covered), ``perpustakaan_melapor``,
    ``bulan_dilaporkan``, ``bulan_diharapkan``, ``kelengkapan_laporan`` (percent) and, per KPI,
    ``<id>__perpustakaan`` (the libraries that contributed to it).

    ``columns``: only these columns of the table, in this order and still by kode (no area
    names, no ``tingkat``); DuckDB then computes only what they need (issue 15: rule D's counts
    and the year-to-date achievement read a few columns of a national table).
    """
    chosen = kpis_of(q.cat, q.kpis)
    deadline = 10
    if any(k.numerator.agg == "ontime_months" for k in chosen):
        deadline = deadline_day(q.store, q.cat)
    sql, params = aggregate_sql(q.level, q.period, q.filters, chosen, deadline)
    if columns is not None:
        known = {
            *_TABLE_COLUMNS,
            *(k.id for k in chosen),
            *(f"{k.id}__perpustakaan" for k in chosen),
        }
        unknown = [c for c in columns if c not in known]
        if unknown or "kode" not in columns:
            raise ValueError(f"not columns of the KPI table (with kode): {unknown or columns}")
        return q.store.query(f"SELECT {', '.join(columns)} FROM ({sql}) ORDER BY kode", params)
    frame = q.store.query(sql, params)
    if q.level != "perpustakaan":
        frame = add_names(q.store, frame, q.level)
    frame.insert(2 if "nama" in frame.columns else 1, "tingkat", q.level)
    return frame


# the columns of the KPI table beside its KPIs (kpi.builder.aggregate_sql)
_TABLE_COLUMNS = (
    "kode",
    "nama",
    "jenis",
    "kode_provinsi",
    "kode_kabupaten_kota",
    "perpustakaan",
    "perpustakaan_melapor",
    "bulan_dilaporkan",
    "bulan_diharapkan",
    "kelengkapan_laporan",
)


def libraries_where(q: Question, params: dict[str, Any]) -> str:
    """The WHERE clause over the register (``p``) of the libraries a question covers; a
    kab/kota table leaves out the libraries without a kab/kota (provincial libraries)."""
    where = q.filters.sql(params)
    if q.level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    return where


def add_names(store: Store, frame: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "nasional":
        frame.insert(1, "nama", "Indonesia")
        return frame
    frame.insert(1, "nama", frame["kode"].map(regions.names(store, [level])))
    return frame


# ---------------------------------------------------------------------------------------------
# Growth year on year


def growth_window(period: Period) -> Period:
    """The months growth compares: a monthly view uses the 3 months ending at that month."""
    if period.kind == "bulan":
        return Period("rentang", add_months(period.last, -2), period.last)
    return period


def growth(q: Question, min_base: float | None = None) -> pd.DataFrame:
    """Year-on-year change (percent) of flow KPIs: ``<id>`` (change), ``<id>__kini`` and
    ``<id>__lalu`` (the sums compared).

    A monthly period compares the rolling 3-month sum ending at that month with the same 3 months
    a year earlier. Only months reported in both years count (a library-month with the value and
    the same month a year earlier with the value), so that gaps do not read as growth or decline.
    The change is empty when the earlier sum is under the KPI's minimum base (catalogue data,
    ``basis_minimum``), or under ``min_base`` for every KPI when it is given. Without
    ``q.kpis``: the catalogue's ``pertumbuhan`` KPIs.
    """
    cat, level = q.cat, q.level
    per = growth_window(q.period)
    ids = [k.id for k in kpis_of(cat, q.kpi_ids(cat.pertumbuhan))]
    for i in ids:
        if not cat[i].is_flow:
            raise ValueError(f"growth is for flow KPIs; {i!r} is not one")
    params: dict[str, Any] = {"first": per.first, "last": per.last}
    bases = {i: float(min_base) if min_base is not None else cat.min_base(i) for i in ids}
    where = libraries_where(q, params)
    key = UNIT_KEY[level]
    sums = []
    for i in ids:
        c = ident(cat[i].numerator.column or "")
        both = f"a.{c} IS NOT NULL AND b.{c} IS NOT NULL"
        sums.append(f"sum(a.{c}) FILTER (WHERE {both}) AS {i}__kini")
        sums.append(f"sum(b.{c}) FILTER (WHERE {both}) AS {i}__lalu")
    changes = ", ".join(
        f"CASE WHEN {i}__lalu >= {literal(bases[i])} AND {i}__lalu > 0 "
        f"THEN 100.0 * ({i}__kini - {i}__lalu) / {i}__lalu END AS {i}, {i}__kini, {i}__lalu"
        for i in ids
    )
    sql = f"""
        WITH lib AS (SELECT * FROM perpustakaan p WHERE {where}),
        g AS (
            SELECT {key if level == "nasional" else "l." + key} AS kode,
                   {", ".join(sums)}
            FROM lib l
            JOIN laporan_bulanan a ON a.kode_perpustakaan = l.kode_perpustakaan
                 AND a.periode BETWEEN $first AND $last
            JOIN laporan_bulanan b ON b.kode_perpustakaan = a.kode_perpustakaan
                 AND b.periode = CAST(a.periode - INTERVAL 1 YEAR AS DATE)
            GROUP BY 1
        )
        SELECT kode, {changes} FROM g ORDER BY kode
    """
    return q.store.query(sql, params)


# ---------------------------------------------------------------------------------------------
# MarkPlus 5A and CIEL


def funnel_5a(q: Question) -> pd.DataFrame:
    """The 5A stages (Aware, Appeal, Ask, Act, Advocate), the stage conversions and PAR, BAR,
    all from the same rows, so that the ratios are the bars divided.

    The rows are the library-months of the period in which every stage is reported; a unit
    that reports no Aware at all in the period uses the months reporting every stage from
    Appeal on (and has no PAR, BAR). Conversions are not clipped at 100%.

    Columns: kode, nama, tingkat, the stage ids (sums over those rows), the conversion ids,
    par, bar, ``per100_<stage>`` (each stage per 100 of the first drawn stage: Aware, or Appeal
    without Aware), aware_dilaporkan, bertingkat (every stage at most the one before it: the
    stages are nested and can be drawn as a narrowing funnel), bulan_funnel (library-months
    used) and bulan_5a (library-months reporting any stage).
    """
    store, level, cat, per = q.store, q.level, q.cat, q.period
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    stages = list(cat.funnel_tahap)
    cols = [ident(cat[s].numerator.column or "") for s in stages]
    params: dict[str, Any] = {"first": per.first, "last": per.last}
    where = libraries_where(q, params)
    key = {
        "nasional": f"'{NATIONAL_CODE}'",
        "provinsi": "l.kode_provinsi",
        "kabupaten_kota": "l.kode_kabupaten_kota",
        "perpustakaan": "l.kode_perpustakaan",
    }[level]
    picked = ", ".join(f"r.{c} AS s{i}" for i, c in enumerate(cols))
    every = " AND ".join(f"s{i} IS NOT NULL" for i in range(len(cols)))
    from_appeal = " AND ".join(f"s{i} IS NOT NULL" for i in range(1, len(cols)))
    anything = " OR ".join(f"s{i} IS NOT NULL" for i in range(len(cols)))
    used = f"((u.aware AND {every}) OR (NOT u.aware AND {from_appeal}))"
    sums = ", ".join(
        f"sum(s{i}) FILTER (WHERE {used}) AS {stage}" for i, stage in enumerate(stages)
    )
    sql = f"""
        WITH lib AS (
            SELECT p.kode_perpustakaan, p.kode_provinsi, p.kode_kabupaten_kota
            FROM perpustakaan p WHERE {where}),
        r AS (
            SELECT {key} AS kode, {picked}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode BETWEEN $first AND $last),
        u AS (SELECT kode, count(s0) > 0 AS aware FROM r GROUP BY kode)
        SELECT r.kode, any_value(u.aware) AS aware_dilaporkan,
               count(*) FILTER (WHERE {anything}) AS bulan_5a,
               count(*) FILTER (WHERE {used}) AS bulan_funnel,
               {sums}
        FROM r JOIN u ON u.kode = r.kode
        GROUP BY r.kode ORDER BY r.kode
    """
    frame = store.query(sql, params)
    for stage in stages:
        frame[stage] = frame[stage].astype(float)
    values = frame[stages].to_numpy(dtype=float)
    aware = frame["aware_dilaporkan"].astype(bool).to_numpy()

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)

    for i, conv in enumerate(cat.funnel_konversi):
        frame[conv] = ratio(values[:, i + 1], values[:, i])
    frame["par"] = np.where(aware, ratio(values[:, 3], values[:, 0]), np.nan)
    frame["bar"] = np.where(aware, ratio(values[:, 4], values[:, 0]), np.nan)
    base = np.where(aware, values[:, 0], values[:, 1])
    for i, stage in enumerate(stages):
        frame[f"per100_{stage}"] = ratio(values[:, i], base)
        if i == 0:
            frame[f"per100_{stage}"] = np.where(aware, frame[f"per100_{stage}"], np.nan)
    nested = []
    for row, has_aware in zip(values, aware, strict=True):
        drawn = row if has_aware else row[1:]
        ok = not np.isnan(drawn).any() and all(
            drawn[j + 1] <= drawn[j] for j in range(len(drawn) - 1)
        )
        nested.append(bool(ok))
    frame["bertingkat"] = nested
    if level == "perpustakaan":
        names = store.query(
            "SELECT kode_perpustakaan AS kode, nama_perpustakaan AS nama FROM perpustakaan"
        )
        frame.insert(
            1, "nama", frame["kode"].map(dict(zip(names["kode"], names["nama"], strict=True)))
        )
    else:
        frame = add_names(store, frame, level)
    frame.insert(2, "tingkat", level)
    return frame


CIEL_COLUMNS: tuple[str, ...] = CIEL_DIMENSIONS
# the CIEL index of a self-assessment: the mean of the dimensions it rates
_CIEL_SUM = " + ".join(f"coalesce({c}, 0)" for c in CIEL_DIMENSIONS)
_CIEL_COUNT = " + ".join(f"({c} IS NOT NULL)::INT" for c in CIEL_DIMENSIONS)


def ciel(q: Question) -> pd.DataFrame:
    """The CIEL index (0-100) per unit: each library's latest self-assessment that started on or
    before the period's last month (a year counts from January, a semester from January or July);
    the index is the mean of the four dimensions, and an area's is the mean of its libraries'.
    Columns: kode, ciel, the four dimensions, perpustakaan_ciel (libraries with an assessment).
    """
    params: dict[str, Any] = {"last": q.period.last}
    where = libraries_where(q, params)
    key = UNIT_KEY[q.level]
    dims = ", ".join(f"arg_max(s.{c}, s.mulai) AS {c}" for c in CIEL_COLUMNS)
    mean_dims = ", ".join(f"avg({c}) AS {c}" for c in CIEL_COLUMNS)
    sql = f"""
        WITH lib AS (SELECT * FROM perpustakaan p WHERE {where}),
        s AS (
            SELECT *, make_date(tahun, CASE WHEN semester = 2 THEN 7 ELSE 1 END, 1) AS mulai
            FROM penilaian_mandiri
        ),
        akhir AS (
            SELECT s.kode_perpustakaan, {dims}
            FROM s JOIN lib l ON l.kode_perpustakaan = s.kode_perpustakaan
            WHERE s.mulai <= $last
            GROUP BY s.kode_perpustakaan
        ),
        idx AS (
            SELECT a.*, l.kode_provinsi, l.kode_kabupaten_kota,
                   ({_CIEL_SUM}) / nullif({_CIEL_COUNT}, 0) AS ciel
            FROM akhir a JOIN lib l ON l.kode_perpustakaan = a.kode_perpustakaan
        )
        SELECT {key} AS kode, avg(ciel) AS ciel, {mean_dims},
               count(ciel) AS perpustakaan_ciel
        FROM idx GROUP BY 1 ORDER BY 1
    """
    return q.store.query(sql, params)
