"""The KPI table for any level and period, built from the catalogue and run by DuckDB.

One query per call: the selected libraries (``lib``), their measures over the months of the period
(``bln``) and, for cumulative KPIs, over their whole history up to the period end (``kum``), a
numerator and a denominator per library and KPI (``per``), then one GROUP BY for the level. The
library level is the same GROUP BY on the library's own code, so a library's figure and an area's
figure follow the same rules (ratio of sums over the same rows, NULL for a missing or 0
denominator, only reported values count). SQL identifiers come only from the catalogue and the
column list; every value from a user is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi.catalogue import MONTHLY_MEASURES, Catalogue, Kpi, Measure, catalogue
from kpi.columns import INDICATOR_COLUMNS, JENIS_DUKUNGAN, JENIS_PERPUSTAKAAN
from kpi.periods import Period, add_months, parse_period
from kpi.store import Store, consistent

LEVELS: tuple[str, ...] = ("nasional", "provinsi", "kabupaten_kota", "perpustakaan")
NATIONAL_CODE = "00"

# the code of the unit of each output row, per level
_KEY: dict[str, str] = {
    "nasional": f"'{NATIONAL_CODE}'",
    "provinsi": "kode_provinsi",
    "kabupaten_kota": "kode_kabupaten_kota",
    "perpustakaan": "kode_perpustakaan",
}


def norm_kode(kode: str | None) -> str | None:
    """Kemendagri codes are stored without dots: '52.01' -> '5201'."""
    if kode is None:
        return None
    text = str(kode).strip().replace(".", "")
    return text or None


@dataclass(frozen=True)
class Filters:
    """Which libraries an aggregate covers (all of them by default)."""

    provinsi: str | None = None
    kabupaten_kota: str | None = None
    jenis: str | None = None
    tahun_bergabung: int | None = None
    jenis_dukungan: str | None = None
    # the scope (access.md): the areas the reader may see, province (2-digit) and kab/kota
    # (4-digit) codes; None: no limit (the command line, the local operator); (): nothing
    wilayah: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provinsi", norm_kode(self.provinsi))
        object.__setattr__(self, "kabupaten_kota", norm_kode(self.kabupaten_kota))
        if self.wilayah is not None:
            object.__setattr__(self, "wilayah", tuple(sorted({str(c) for c in self.wilayah})))
        if self.jenis is not None and self.jenis not in JENIS_PERPUSTAKAAN:
            raise ValueError(f"unknown jenis {self.jenis!r} (one of {JENIS_PERPUSTAKAAN})")
        if self.jenis_dukungan is not None and self.jenis_dukungan not in JENIS_DUKUNGAN:
            raise ValueError(f"unknown jenis_dukungan {self.jenis_dukungan!r}")

    def without_geography(self) -> Filters:
        return replace(self, provinsi=None, kabupaten_kota=None)

    @property
    def has_geography(self) -> bool:
        return bool(self.provinsi or self.kabupaten_kota)

    def sql(self, params: dict[str, Any], alias: str = "p") -> str:
        """A WHERE clause over the register, with its values put into ``params``."""
        where = ["TRUE"]
        if self.provinsi:
            where.append(f"{alias}.kode_provinsi = $f_prov")
            params["f_prov"] = self.provinsi
        if self.kabupaten_kota:
            where.append(f"{alias}.kode_kabupaten_kota = $f_kab")
            params["f_kab"] = self.kabupaten_kota
        if self.jenis:
            where.append(f"{alias}.jenis = $f_jenis")
            params["f_jenis"] = self.jenis
        if self.tahun_bergabung is not None:
            where.append(f"{alias}.tahun_bergabung = $f_kohort")
            params["f_kohort"] = int(self.tahun_bergabung)
        if self.jenis_dukungan:
            where.append(f"{alias}.jenis_dukungan = $f_dukungan")
            params["f_dukungan"] = self.jenis_dukungan
        if self.wilayah is not None:
            where.append(self._scope_sql(params, alias))
        return " AND ".join(where)

    def _scope_sql(self, params: dict[str, Any], alias: str) -> str:
        """Libraries inside the scope: their province or their kab/kota is one of its codes
        (deny by default: an empty scope, or codes of another length, cover nothing)."""
        provinces = [c for c in self.wilayah or () if len(c) == 2]
        kabs = [c for c in self.wilayah or () if len(c) == 4 and c[:2] not in provinces]
        found = []
        if provinces:
            found.append(f"list_contains($f_scope_prov, {alias}.kode_provinsi)")
            params["f_scope_prov"] = provinces
        if kabs:
            found.append(f"list_contains($f_scope_kab, {alias}.kode_kabupaten_kota)")
            params["f_scope_kab"] = kabs
        return f"({' OR '.join(found)})" if found else "FALSE"


def _col(name: str) -> str:
    """An input column as an SQL identifier (only names from the column list)."""
    if name not in INDICATOR_COLUMNS and name != "tanggal_lapor":
        raise ValueError(f"not an input column: {name!r}")
    return name


def _literal(value: float | bool) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(float(value))


class _Builder:
    """Collects the distinct per-library measure expressions of a set of KPIs.

    ``area``: the KPIs are for an area level, where a library's population is counted once
    (see ``_population``): a library whose catchment lies within another partner library's of
    the same area (its ``puncak``, the top of its catchment) adds its values but no population.
    """

    def __init__(self, area: bool = False) -> None:
        self.area = area
        self.monthly: dict[str, str] = {}  # SQL over the months of the period -> alias
        self.cumulative: dict[str, str] = {}  # SQL over the history to the period end -> alias
        # per library and calendar year of the period (alias ``ty``): sum and count of a column
        self.yearly: dict[str, str] = {}
        # per top of a catchment (area level): over the months of the period / per year
        self.group_monthly: dict[str, str] = {}
        self.group_yearly: dict[str, str] = {}

    def _alias(self, pool: dict[str, str], sql: str, prefix: str) -> str:
        if sql not in pool:
            pool[sql] = f"{prefix}{len(pool)}"
        return pool[sql]

    def _year(self, col: str) -> tuple[str, str]:
        """The per-library aliases (in ``thn``) of a yearly column: its sum over the calendar
        years of the period and the number of years it counts in (sum above 0 or 12 months)."""
        c = _col(col)
        s = self._alias(self.yearly, f"sum(r.{c})", "s")
        n = self._alias(self.yearly, f"count(r.{c})", "s")
        return s, n

    def measure(self, m: Measure, pair: str) -> str:
        """The per-library SQL of a measure (over the columns of ``bln``/``kum``/``l``)."""
        agg, col = m.agg, m.column
        if agg == "sum":
            a = self._alias(self.monthly, f"sum(r.{_col(col or '')}) FILTER (WHERE {pair})", "b")
            return f"b.{a}"
        if agg == "count":
            a = self._alias(self.monthly, f"count(r.{_col(col or '')}) FILTER (WHERE {pair})", "b")
            return f"b.{a}"
        if agg == "penduduk_bulan":
            a = self._alias(self.monthly, f"count(r.{_col(col or '')}) FILTER (WHERE {pair})", "b")
            if self.area:
                g = self._alias(
                    self.group_monthly,
                    f"count(DISTINCT r.periode) FILTER (WHERE r.{_col(col or '')} IS NOT NULL "
                    f"AND {pair})",
                    "g",
                )
                return self._population(f"b.{a} > 0", f"g.{g}", months=True)
            return f"(l.penduduk * b.{a})"
        if agg == "end":
            c = _col(col or "")
            a = self._alias(
                self.monthly, f"arg_max(r.{c}, r.periode) FILTER (WHERE r.{c} IS NOT NULL)", "b"
            )
            return f"b.{a}"
        if agg == "end_bulan":
            c = _col(col or "")
            a = self._alias(
                self.monthly, f"arg_max(r.{c}, r.periode) FILTER (WHERE r.{c} IS NOT NULL)", "b"
            )
            n = self._alias(self.monthly, f"count(*) FILTER (WHERE {pair})", "b")
            return f"(b.{a} * b.{n})"
        if agg == "penduduk":
            a = self._alias(self.monthly, f"count(r.{_col(col or '')})", "b")
            if self.area:
                g = self._alias(self.group_monthly, f"count(r.{_col(col or '')})", "g")
                return self._population(f"b.{a} > 0", f"g.{g}", months=False)
            return f"(CASE WHEN b.{a} > 0 THEN l.penduduk END)"
        if agg == "sum_tahun":
            s, _ = self._year(col or "")
            return f"t.{s}"
        if agg == "penduduk_tahun":
            s, n = self._year(col or "")
            years = self._alias(self.yearly, f"@years:{s}:{n}", "y")
            if self.area:
                g = self._alias(self.group_yearly, f"@years:{s}:{n}", "gy")
                return self._population(f"t.{years} > 0", f"gt.{g}", months=True)
            return f"(l.penduduk * t.{years})"
        if agg == "libraries_reporting":
            parts = [
                f"b.{self._alias(self.monthly, f'count(r.{_col(c)})', 'b')} > 0" for c in m.columns
            ]
            return f"(CASE WHEN {' AND '.join(parts)} THEN 1 END)"
        if agg == "libraries_where":
            reported, tests = [], []
            for cond in m.conditions:
                c = _col(cond.column)
                n = self._alias(self.monthly, f"count(r.{c})", "b")
                v = self._alias(
                    self.monthly,
                    f"arg_max(r.{c}, r.periode) FILTER (WHERE r.{c} IS NOT NULL)",
                    "b",
                )
                reported.append(f"b.{n} > 0")
                tests.append(f"b.{v} {cond.op} {_literal(cond.value)}")
            return (
                f"(CASE WHEN {' AND '.join(reported)} THEN "
                f"CASE WHEN {' AND '.join(tests)} THEN 1 ELSE 0 END END)"
            )
        if agg == "cum":
            a = self._alias(self.cumulative, f"sum(r.{_col(col or '')})", "k")
            return f"k.{a}"
        if agg == "cum_libraries":
            a = self._alias(self.cumulative, f"count(r.{_col(col or '')})", "k")
            return f"(CASE WHEN k.{a} > 0 THEN 1 END)"
        if agg == "reported_months":
            a = self._alias(
                self.monthly, "count(*) FILTER (WHERE l.mulai IS NULL OR r.periode >= l.mulai)", "b"
            )
            return f"coalesce(b.{a}, 0)"
        if agg == "ontime_months":
            # by the deadline: the $tenggat-th of the following month (setting)
            a = self._alias(
                self.monthly,
                "count(*) FILTER (WHERE (l.mulai IS NULL OR r.periode >= l.mulai) AND "
                "r.tanggal_lapor < r.periode + INTERVAL 1 MONTH + to_days(CAST($tenggat AS "
                "INTEGER)))",
                "b",
            )
            return f"coalesce(b.{a}, 0)"
        if agg == "expected_months":
            return "l.m_harap"
        raise ValueError(f"unknown measure {agg!r}")

    @staticmethod
    def _population(own_reported: str, group_count: str, *, months: bool) -> str:
        """A population denominator at area level, counted once per catchment: the top of a
        catchment gives its population (x the months, or years, in which any library of its
        catchment reported); a library inside another's catchment gives 0 when it reported."""
        top = "a.puncak = l.kode_perpustakaan"
        value = f"l.penduduk * {group_count}" if months else "l.penduduk"
        return (
            f"(CASE WHEN {top} THEN CASE WHEN {group_count} > 0 THEN {value} END "
            f"WHEN {own_reported} THEN 0 END)"
        )

    def kpi(self, k: Kpi) -> tuple[str, str | None]:
        """Per-library numerator and denominator SQL of a KPI."""
        monthly_cols: list[str] = []
        for m in (k.numerator, k.denominator):
            if m is not None and m.agg in MONTHLY_MEASURES and m.column:
                monthly_cols.append(m.column)
        pair = " AND ".join(f"r.{_col(c)} IS NOT NULL" for c in dict.fromkeys(monthly_cols))
        pair = pair or "TRUE"
        num = self.measure(k.numerator, pair)
        den = self.measure(k.denominator, pair) if k.denominator is not None else None
        if self.area and den is not None and k.uses_population:
            # the top of a catchment adds its population even when it reported no value itself
            top = f"a.puncak = l.kode_perpustakaan AND {den} > 0"
            num = f"(CASE WHEN {top} THEN coalesce({num}, 0) ELSE {num} END)"
        if k.jenis:
            levels = ", ".join(f"'{j}'" for j in k.jenis if j in JENIS_PERPUSTAKAAN)
            num = f"(CASE WHEN l.jenis IN ({levels}) THEN {num} END)"
            if den is not None:
                den = f"(CASE WHEN l.jenis IN ({levels}) THEN {den} END)"
        return num, den

    def yearly_sql(self) -> tuple[list[str], list[str]]:
        """The select lists of ``ty`` (per library and year) and ``thn`` (per library)."""
        per_year = [f"{sql} AS {a}" for sql, a in self.yearly.items() if not sql.startswith("@")]
        per_lib: list[str] = []
        for sql, a in self.yearly.items():
            if sql.startswith("@years:"):
                _, s, n = sql.split(":")
                per_lib.append(f"count(*) FILTER (WHERE {s} > 0 OR {n} = 12) AS {a}")
            else:
                per_lib.append(f"sum({a}) AS {a}")
        return per_year, per_lib

    def group_yearly_sql(self) -> list[str]:
        out = []
        for sql, a in self.group_yearly.items():
            _, s, n = sql.split(":")
            out.append(f"count(DISTINCT ty.y) FILTER (WHERE ty.{s} > 0 OR ty.{n} = 12) AS {a}")
        return out


def _kpis(cat: Catalogue, ids: Iterable[str] | None) -> list[Kpi]:
    wanted = list(dict.fromkeys(ids)) if ids is not None else list(cat.ids)
    unknown = [i for i in wanted if i not in cat]
    if unknown:
        raise ValueError(f"unknown KPI id(s): {', '.join(unknown)}")
    return [cat[i] for i in wanted]


# each library's first report (expected months start at it at the latest)
FIRST_REPORT_CTE = """awal AS MATERIALIZED (
            SELECT kode_perpustakaan, min(periode) AS pertama
            FROM laporan_bulanan GROUP BY kode_perpustakaan)"""


# the same for one period: a first report can only move the start of a library whose January
# after joining falls after the period's first month (or that has no joining year), and only
# when it lies by the period's end; the others start by the first month anyway
_FIRST_REPORT_IN_PERIOD = """awal AS MATERIALIZED (
            SELECT kode_perpustakaan, min(periode) AS pertama
            FROM laporan_bulanan
            WHERE periode <= $last AND kode_perpustakaan IN (
                SELECT kode_perpustakaan FROM perpustakaan
                WHERE tahun_bergabung IS NULL
                   OR tahun_bergabung >= year(CAST($first AS DATE)))
            GROUP BY kode_perpustakaan)"""


def library_cte(where: str, *, with_first_report: bool = True) -> str:
    """The selected libraries with their expected months over [$first, $last].

    Expected months start at the earlier of the library's first report and the January after
    its joining year (a library without either is expected every month); ``mulai`` is that
    month and ``m_harap`` the expected months of the period. ``with_first_report=False``
    leaves out the ``awal`` CTE of the first reports, for a caller that defines it once for
    several such queries (kpi.trend).
    """
    first = f"{_FIRST_REPORT_IN_PERIOD},\n        " if with_first_report else ""
    return f"""{first}lib AS (
            SELECT p.kode_perpustakaan, p.nama_perpustakaan, p.jenis, p.kode_provinsi,
                   p.kode_kabupaten_kota, p.penduduk, p.tahun_bergabung,
                   least(make_date(p.tahun_bergabung + 1, 1, 1), aw.pertama) AS mulai,
                   greatest(0, date_diff('month',
                        greatest(CAST($first AS DATE), coalesce(
                            least(make_date(p.tahun_bergabung + 1, 1, 1), aw.pertama),
                            CAST($first AS DATE))),
                        CAST($last AS DATE)) + 1) AS m_harap
            FROM perpustakaan p LEFT JOIN awal aw ON aw.kode_perpustakaan = p.kode_perpustakaan
            WHERE {where})"""


def aggregate_sql(
    level: str,
    period: Period,
    filters: Filters,
    kpis: Sequence[Kpi],
    deadline_day: int = 10,
    *,
    with_first_report: bool = True,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the KPI table (one row per unit of ``level``).

    ``deadline_day``: reports count as on time up to that day of the following month;
    ``with_first_report``: see ``library_cte``.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    params: dict[str, Any] = {"first": period.first, "last": period.last}
    where = filters.sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    area = level != "perpustakaan"
    b = _Builder(area=area)
    per_cols: list[str] = []
    out_cols: list[str] = []
    for k in kpis:
        num, den = b.kpi(k)
        per_cols.append(f"{num} AS n__{k.id}")
        if den is None:
            out_cols.append(f"{_literal(k.factor)} * sum(n__{k.id}) AS {k.id}")
            out_cols.append(f"count(n__{k.id}) AS {k.id}__perpustakaan")
        else:
            per_cols.append(f"{den} AS d__{k.id}")
            both = f"n__{k.id} IS NOT NULL AND d__{k.id} IS NOT NULL"
            out_cols.append(
                f"{_literal(k.factor)} * sum(n__{k.id}) FILTER (WHERE {both}) / "
                f"nullif(sum(d__{k.id}) FILTER (WHERE {both}), 0) AS {k.id}"
            )
            # a library inside another's catchment (population counted once) still contributes
            counted = f"d__{k.id} <> 0" if not (area and k.uses_population) else "TRUE"
            out_cols.append(f"count(*) FILTER (WHERE {both} AND {counted}) AS {k.id}__perpustakaan")
    # completeness beside every aggregate
    reported = b.measure(Measure("reported_months"), "TRUE")
    any_report = b._alias(b.monthly, "count(*)", "b")
    per_cols.append(f"{reported} AS m_lapor")
    per_cols.append(f"coalesce(b.{any_report}, 0) AS m_semua")
    if any(sql.startswith("count(*) FILTER (WHERE (l.mulai") for sql in b.monthly):
        params["tenggat"] = int(deadline_day)
    bln = ",\n               ".join(f"{sql} AS {a}" for sql, a in b.monthly.items())
    ctes = [
        library_cte(where, with_first_report=with_first_report),
        f"""bln AS (
            SELECT r.kode_perpustakaan,
               {bln}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode BETWEEN $first AND $last
            GROUP BY r.kode_perpustakaan)""",
    ]
    joins = "LEFT JOIN bln b ON b.kode_perpustakaan = l.kode_perpustakaan"
    if b.cumulative:
        kum = ",\n               ".join(f"{sql} AS {a}" for sql, a in b.cumulative.items())
        ctes.append(
            f"""kum AS (
            SELECT r.kode_perpustakaan,
               {kum}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode <= $last
            GROUP BY r.kode_perpustakaan)"""
        )
        joins += " LEFT JOIN kum k ON k.kode_perpustakaan = l.kode_perpustakaan"
    if b.area and (b.group_monthly or b.group_yearly):
        # the top of each library's catchment within the aggregate: its province's provincial
        # library, else its kab/kota's kab/kota library (each with a population), else itself
        prov_top = (
            "LEFT JOIN (SELECT kode_provinsi, min(kode_perpustakaan) AS k FROM lib "
            "WHERE jenis = 'provinsi' AND penduduk IS NOT NULL GROUP BY 1) pv "
            "ON pv.kode_provinsi = l.kode_provinsi"
        )
        if level == "kabupaten_kota":
            prov_top = "LEFT JOIN (SELECT NULL AS k) pv ON FALSE"
        ctes.append(
            f"""atas AS (
            SELECT l.kode_perpustakaan,
                   coalesce(pv.k, kb.k, l.kode_perpustakaan) AS puncak
            FROM lib l
            {prov_top}
            LEFT JOIN (SELECT kode_kabupaten_kota, min(kode_perpustakaan) AS k FROM lib
                       WHERE jenis = 'kabupaten_kota' AND penduduk IS NOT NULL GROUP BY 1) kb
                   ON kb.kode_kabupaten_kota = l.kode_kabupaten_kota)"""
        )
        joins += " LEFT JOIN atas a ON a.kode_perpustakaan = l.kode_perpustakaan"
        if b.group_monthly:
            gb = ",\n               ".join(f"{sql} AS {a}" for sql, a in b.group_monthly.items())
            ctes.append(
                f"""gb AS (
            SELECT a.puncak,
               {gb}
            FROM laporan_bulanan r JOIN atas a ON a.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode BETWEEN $first AND $last
            GROUP BY a.puncak)"""
            )
            joins += " LEFT JOIN gb g ON g.puncak = l.kode_perpustakaan"
    if b.yearly:
        per_year, per_lib = b.yearly_sql()
        ctes.append(
            f"""ty AS (
            SELECT r.kode_perpustakaan, year(r.periode) AS y,
               {", ".join(per_year)}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode BETWEEN make_date(year(CAST($first AS DATE)), 1, 1)
                                AND make_date(year(CAST($last AS DATE)), 12, 1)
            GROUP BY ALL)"""
        )
        ctes.append(
            f"""thn AS (
            SELECT kode_perpustakaan, {", ".join(per_lib)} FROM ty GROUP BY kode_perpustakaan)"""
        )
        joins += " LEFT JOIN thn t ON t.kode_perpustakaan = l.kode_perpustakaan"
        if b.area and b.group_yearly:
            ctes.append(
                f"""gt AS (
            SELECT a.puncak, {", ".join(b.group_yearly_sql())}
            FROM ty JOIN atas a ON a.kode_perpustakaan = ty.kode_perpustakaan
            GROUP BY a.puncak)"""
            )
            joins += " LEFT JOIN gt ON gt.puncak = l.kode_perpustakaan"
    per = ",\n                   ".join(per_cols)
    ctes.append(
        f"""per AS (
            SELECT l.kode_perpustakaan, l.nama_perpustakaan, l.jenis, l.kode_provinsi,
                   l.kode_kabupaten_kota, l.m_harap,
                   {per}
            FROM lib l {joins})"""
    )
    key = _KEY[level]
    lib_cols = ""
    if level == "perpustakaan":
        lib_cols = (
            "any_value(nama_perpustakaan) AS nama, any_value(jenis) AS jenis, "
            "any_value(kode_provinsi) AS kode_provinsi, "
            "any_value(kode_kabupaten_kota) AS kode_kabupaten_kota, "
        )
    outs = ",\n               ".join(out_cols)
    sql = f"""
        WITH {", ".join(ctes)}
        SELECT {key} AS kode, {lib_cols}
               count(*) AS perpustakaan,
               count(*) FILTER (WHERE m_semua > 0) AS perpustakaan_melapor,
               sum(m_lapor) AS bulan_dilaporkan,
               sum(m_harap) AS bulan_diharapkan,
               100.0 * sum(m_lapor) / nullif(sum(m_harap), 0) AS kelengkapan_laporan,
               {outs}
        FROM per
        GROUP BY {key}
        ORDER BY kode
    """
    return sql, params


def aggregate(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    kpis: Iterable[str] | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """The raw KPI table: one row per unit of ``level`` with the KPI ids as columns.

    Beside every aggregate: ``perpustakaan`` (libraries covered), ``perpustakaan_melapor``,
    ``bulan_dilaporkan``, ``bulan_diharapkan``, ``kelengkapan_laporan`` (percent) and, per KPI,
    ``<id>__perpustakaan`` (the libraries that contributed to it).
    """
    cat = cat or catalogue()
    chosen = _kpis(cat, kpis)
    deadline = 10
    if any(k.numerator.agg == "ontime_months" for k in chosen):
        from kpi import closing

        deadline = closing.deadline_day(store, cat)
    sql, params = aggregate_sql(level, parse_period(period), filters or Filters(), chosen, deadline)
    frame = store.query(sql, params)
    if level != "perpustakaan":
        frame = _add_names(store, frame, level)
    frame.insert(2 if "nama" in frame.columns else 1, "tingkat", level)
    return frame


def _add_names(store: Store, frame: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "nasional":
        frame.insert(1, "nama", "Indonesia")
        return frame
    names = store.query(
        "SELECT kode, nama FROM wilayah WHERE tingkat = ?",
        [level],
    )
    mapping = dict(zip(names["kode"], names["nama"], strict=True))
    frame.insert(1, "nama", frame["kode"].map(mapping))
    return frame


# ---------------------------------------------------------------------------------------------
# The KPI table with the score: what pages and the kpis command show


@consistent
def kpi_table(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    kpis: Iterable[str] | None = None,
    *,
    with_score: bool = True,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """KPI values per unit, and (by default) the Skor KPI TPBIS, its band and, for areas, the
    number of libraries in each band and without a score (kpi.score). ``kpis`` may name
    ``skor`` like a KPI. A library's benchmarks compare it with its peers regardless of the
    geographic filter (a province filter does not change a library's score); an area's score is
    the mean of its scored libraries' scores.
    """
    from kpi import score as score_mod

    cat = cat or catalogue()
    filters = filters or Filters()
    per = parse_period(period)
    asked = list(kpis) if kpis is not None else list(cat.utama)
    # "skor" is asked for like a KPI: the score columns come with every scored table
    wanted = _kpis(cat, [k for k in asked if k != score_mod.SCORE_ID])
    if not with_score:
        return aggregate(store, level, per, filters, [k.id for k in wanted], cat)
    return score_mod.scored_table(store, level, per, filters, [k.id for k in wanted], cat=cat)


# ---------------------------------------------------------------------------------------------
# Targets and achievement


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
    return np.fromiter((table.get(k, math.nan) for k in keys), dtype=float, count=len(keys))


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


def achievement(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    kpis: Iterable[str] | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Actual against target, year to date at the period's last month.

    Long frame: kode, kpi, aktual (year to date), target (annual), target_prorata (flows: the
    annual target x months elapsed / 12; other KPIs: the target itself), capaian (percent).
    Only (unit, KPI) pairs with a target are returned.
    """
    cat = cat or catalogue()
    per = parse_period(period)
    ytd = per.year_to_date()
    ids = (
        list(kpis)
        if kpis is not None
        else sorted(set(targets(store, cat.ids, ytd.last.year)["kpi"]))
    )
    ids = [i for i in ids if i in cat]
    cols = ["kode", "kpi", "aktual", "target", "target_prorata", "capaian"]
    if not ids:
        return pd.DataFrame(columns=cols)
    table = aggregate(store, level, ytd, filters, ids, cat)
    tgt = resolve_targets(store, table, level, ids, ytd.last.year, cat)
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


# ---------------------------------------------------------------------------------------------
# Growth year on year


def growth_window(period: Period) -> Period:
    """The months growth compares: a monthly view uses the 3 months ending at that month."""
    if period.kind == "bulan":
        return Period("rentang", add_months(period.last, -2), period.last)
    return period


def growth(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    kpis: Iterable[str] = ("kunjungan", "kegiatan"),
    min_base: float | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Year-on-year change (percent) of flow KPIs: ``<id>`` (change), ``<id>__kini`` and
    ``<id>__lalu`` (the sums compared).

    A monthly period compares the rolling 3-month sum ending at that month with the same 3 months
    a year earlier. Only months reported in both years count (a library-month with the value and
    the same month a year earlier with the value), so that gaps do not read as growth or decline.
    The change is empty when the earlier sum is under the KPI's minimum base (catalogue data,
    ``basis_minimum``), or under ``min_base`` for every KPI when it is given.
    """
    cat = cat or catalogue()
    per = growth_window(parse_period(period))
    ids = [k.id for k in _kpis(cat, kpis)]
    for i in ids:
        if not cat[i].is_flow:
            raise ValueError(f"growth is for flow KPIs; {i!r} is not one")
    params: dict[str, Any] = {"first": per.first, "last": per.last}
    bases = {i: float(min_base) if min_base is not None else cat.min_base(i) for i in ids}
    where = (filters or Filters()).sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    key = _KEY[level]
    sums = []
    for i in ids:
        c = _col(cat[i].numerator.column or "")
        both = f"a.{c} IS NOT NULL AND b.{c} IS NOT NULL"
        sums.append(f"sum(a.{c}) FILTER (WHERE {both}) AS {i}__kini")
        sums.append(f"sum(b.{c}) FILTER (WHERE {both}) AS {i}__lalu")
    changes = ", ".join(
        f"CASE WHEN {i}__lalu >= {_literal(bases[i])} AND {i}__lalu > 0 "
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
    return store.query(sql, params)


# ---------------------------------------------------------------------------------------------
# MarkPlus 5A and CIEL


def funnel_5a(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
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
    cat = cat or catalogue()
    per = parse_period(period)
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    stages = list(cat.funnel_tahap)
    cols = [_col(cat[s].numerator.column or "") for s in stages]
    params: dict[str, Any] = {"first": per.first, "last": per.last}
    where = (filters or Filters()).sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
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
        frame = _add_names(store, frame, level)
    frame.insert(2, "tingkat", level)
    return frame


CIEL_COLUMNS: tuple[str, ...] = ("kreativitas", "inovasi", "kewirausahaan", "kepemimpinan")


def ciel(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """The CIEL index (0-100) per unit: each library's latest self-assessment that started on or
    before the period's last month (a year counts from January, a semester from January or July);
    the index is the mean of the four dimensions, and an area's is the mean of its libraries'.
    Columns: kode, ciel, the four dimensions, perpustakaan_ciel (libraries with an assessment).
    """
    per = parse_period(period)
    params: dict[str, Any] = {"last": per.last}
    where = (filters or Filters()).sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    key = _KEY[level]
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
                   (coalesce(kreativitas, 0) + coalesce(inovasi, 0) + coalesce(kewirausahaan, 0)
                    + coalesce(kepemimpinan, 0))
                   / nullif((kreativitas IS NOT NULL)::INT + (inovasi IS NOT NULL)::INT
                    + (kewirausahaan IS NOT NULL)::INT + (kepemimpinan IS NOT NULL)::INT, 0)
                   AS ciel
            FROM akhir a JOIN lib l ON l.kode_perpustakaan = a.kode_perpustakaan
        )
        SELECT {key} AS kode, avg(ciel) AS ciel, {mean_dims},
               count(ciel) AS perpustakaan_ciel
        FROM idx GROUP BY 1 ORDER BY 1
    """
    return store.query(sql, params)


def last_month(store: Store) -> date | None:
    """The last month with a report in the store."""
    value = store.scalar("SELECT max(periode) FROM laporan_bulanan")
    return None if value is None else pd.Timestamp(value).date()
