"""The SQL of the KPI table, built from the catalogue (kpi.compute runs it).

One query per call: the selected libraries (``lib``), their measures over the months of the period
(``bln``) and, for cumulative KPIs, over their whole history up to the period end (``kum``), a
numerator and a denominator per library and KPI (``per``), then one GROUP BY for the level. The
library level is the same GROUP BY on the library's own code, so a library's figure and an area's
figure follow the same rules (ratio of sums over the same rows, NULL for a missing or 0
denominator, only reported values count). SQL identifiers come only from the catalogue and the
column list; every value from a user is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from kpi.catalogue import MONTHLY_MEASURES, Catalogue, Kpi, Measure
from kpi.columns import INDICATOR_COLUMNS, JENIS_PERPUSTAKAAN
from kpi.periods import Period
from kpi.scope import NATIONAL_CODE, Filters
from kpi.vocab import Level

LEVELS: tuple[str, ...] = tuple(lv.value for lv in Level)

# the code of the unit of each output row, per level
UNIT_KEY: dict[str, str] = {
    "nasional": f"'{NATIONAL_CODE}'",
    "provinsi": "kode_provinsi",
    "kabupaten_kota": "kode_kabupaten_kota",
    "perpustakaan": "kode_perpustakaan",
}


def ident(name: str) -> str:
    """An input column as an SQL identifier (only names from the column list)."""
    if name not in INDICATOR_COLUMNS and name != "tanggal_lapor":
        raise ValueError(f"not an input column: {name!r}")
    return name


def literal(value: float | bool) -> str:
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
        self.monthly_row: dict[str, str] = {}  # alias -> its SQL over one report (by_month)
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

    def _b(self, sql: str, row: str) -> str:
        """The alias (in ``b``) of a per-library aggregate over the reports (``row``: over one)."""
        a = self._alias(self.monthly, sql, "b")
        self.monthly_row[a] = row
        return a

    def _sum(self, col: str, where: str) -> str:
        """The alias of the sum of ``col`` over the reports where ``where`` holds."""
        c = ident(col)
        return self._b(f"sum(r.{c}) FILTER (WHERE {where})", f"CASE WHEN {where} THEN r.{c} END")

    def _count(self, col: str | None = None, where: str | None = None) -> str:
        """The alias of the number of reports (with ``col`` filled; where ``where`` holds)."""
        arg = f"r.{ident(col)}" if col else "*"
        tests = [f"r.{ident(col)} IS NOT NULL"] if col else []
        sql = f"count({arg})"
        if where:
            sql += f" FILTER (WHERE {where})"
            tests.append(f"({where})")
        return self._b(sql, f"CASE WHEN {' AND '.join(tests)} THEN 1 ELSE 0 END" if tests else "1")

    def _last(self, col: str) -> str:
        """The alias of the last reported value of column ``col`` over the months."""
        c = ident(col)
        return self._b(f"arg_max(r.{c}, r.periode) FILTER (WHERE r.{c} IS NOT NULL)", f"r.{c}")

    def _year(self, col: str) -> tuple[str, str]:
        """The per-library aliases (in ``thn``) of a yearly column: its sum over the calendar
        years of the period and the number of years it counts in (sum above 0 or 12 months)."""
        c = ident(col)
        s = self._alias(self.yearly, f"sum(r.{c})", "s")
        n = self._alias(self.yearly, f"count(r.{c})", "s")
        return s, n

    def measure(self, m: Measure, pair: str) -> str:
        """The per-library SQL of a measure (over the columns of ``bln``/``kum``/``l``)."""
        agg, col = m.agg, m.column
        if agg == "sum":
            return f"b.{self._sum(col or '', pair)}"
        if agg == "count":
            return f"b.{self._count(col or '', pair)}"
        if agg == "penduduk_bulan":
            a = self._count(col or "", pair)
            if self.area:
                g = self._alias(
                    self.group_monthly,
                    f"count(DISTINCT r.periode) FILTER (WHERE r.{ident(col or '')} IS NOT NULL "
                    f"AND {pair})",
                    "g",
                )
                return self._population(f"b.{a} > 0", f"g.{g}", months=True)
            return f"(l.penduduk * b.{a})"
        if agg == "end":
            return f"b.{self._last(col or '')}"
        if agg == "end_bulan":
            a = self._last(col or "")
            n = self._count(where=pair)
            return f"(b.{a} * b.{n})"
        if agg == "penduduk":
            return self._served(f"count(r.{ident(col or '')})", yearly=False, col=col or "")
        if agg == "sum_tahun":
            s, _ = self._year(col or "")
            return f"t.{s}"
        if agg == "penduduk_tahun":
            s, n = self._year(col or "")
            return self._served(f"@years:{s}:{n}", yearly=True)
        if agg == "libraries_reporting":
            parts = [f"b.{self._count(c)} > 0" for c in m.columns]
            return f"(CASE WHEN {' AND '.join(parts)} THEN 1 END)"
        if agg == "libraries_where":
            reported, tests = [], []
            for cond in m.conditions:
                c = ident(cond.column)
                n = self._count(c)
                v = self._last(c)
                reported.append(f"b.{n} > 0")
                tests.append(f"b.{v} {cond.op} {literal(cond.value)}")
            return (
                f"(CASE WHEN {' AND '.join(reported)} THEN "
                f"CASE WHEN {' AND '.join(tests)} THEN 1 ELSE 0 END END)"
            )
        if agg == "cum":
            a = self._alias(self.cumulative, f"sum(r.{ident(col or '')})", "k")
            return f"k.{a}"
        if agg == "cum_libraries":
            a = self._alias(self.cumulative, f"count(r.{ident(col or '')})", "k")
            return f"(CASE WHEN k.{a} > 0 THEN 1 END)"
        if agg == "reported_months":
            a = self._count(where="l.mulai IS NULL OR r.periode >= l.mulai")
            return f"coalesce(b.{a}, 0)"
        if agg == "ontime_months":
            # by the deadline: the $tenggat-th of the following month (setting)
            a = self._count(
                where="(l.mulai IS NULL OR r.periode >= l.mulai) AND "
                "r.tanggal_lapor < r.periode + INTERVAL 1 MONTH + to_days(CAST($tenggat AS "
                "INTEGER))"
            )
            return f"coalesce(b.{a}, 0)"
        if agg == "expected_months":
            return "l.m_harap"
        raise ValueError(f"unknown measure {agg!r}")

    def _served(self, expr: str, *, yearly: bool, col: str = "") -> str:
        """The population a library serves where ``expr`` (a count of reports: of ``col``'s
        for the months) is above zero: of the months (``penduduk``) or times the years reported
        (``penduduk_tahun``); for an area, through _population over its libraries."""
        if yearly:
            a = self._alias(self.yearly, expr, "y")
            if self.area:
                g = self._alias(self.group_yearly, expr, "gy")
                return self._population(f"t.{a} > 0", f"gt.{g}", months=True)
            return f"(l.penduduk * t.{a})"
        a = self._count(col)
        if self.area:
            g = self._alias(self.group_monthly, expr, "g")
            return self._population(f"b.{a} > 0", f"g.{g}", months=False)
        return f"(CASE WHEN b.{a} > 0 THEN l.penduduk END)"

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
        pair = " AND ".join(f"r.{ident(c)} IS NOT NULL" for c in dict.fromkeys(monthly_cols))
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


def kpis_of(cat: Catalogue, ids: Iterable[str] | None) -> list[Kpi]:
    """The catalogue's KPIs of ``ids`` (all without), in order; ValueError naming unknown ids."""
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


def library_cte(where: str, *, with_first_report: bool = True, by_month: bool = False) -> str:
    """The selected libraries with their expected months over [$first, $last].

    Expected months start at the earlier of the library's first report and the January after
    its joining year (a library without either is expected every month); ``mulai`` is that
    month and ``m_harap`` the expected months of the period. ``with_first_report=False``
    leaves out the ``awal`` CTE of the first reports, for a caller that defines it once for
    several such queries (kpi.trend). ``by_month``: also a number (``nomor``, faster to join on),
    and ``lm``: each library once per month of $bulan with ``m_harap`` that month's alone.
    """
    first = f"{_FIRST_REPORT_IN_PERIOD},\n        " if with_first_report else ""
    months, number = "", ""
    if by_month:
        first += "bulan AS (SELECT CAST(unnest($bulan) AS DATE) AS bulan),\n        "
        number = ", row_number() OVER (ORDER BY p.kode_perpustakaan) AS nomor"
        # the same expected months as m_harap's below, over the one month mo.bulan
        months = """,
        lm AS (
            SELECT l.* REPLACE (greatest(0, date_diff('month',
                        greatest(mo.bulan, coalesce(l.mulai, mo.bulan)), mo.bulan) + 1)
                   AS m_harap), mo.bulan
            FROM lib l CROSS JOIN bulan mo)"""
    return f"""{first}lib AS (
            SELECT p.kode_perpustakaan, p.nama_perpustakaan, p.jenis, p.kode_provinsi,
                   p.kode_kabupaten_kota, p.penduduk, p.tahun_bergabung,
                   least(make_date(p.tahun_bergabung + 1, 1, 1), aw.pertama) AS mulai,
                   greatest(0, date_diff('month',
                        greatest(CAST($first AS DATE), coalesce(
                            least(make_date(p.tahun_bergabung + 1, 1, 1), aw.pertama),
                            CAST($first AS DATE))),
                        CAST($last AS DATE)) + 1) AS m_harap{number}
            FROM perpustakaan p LEFT JOIN awal aw ON aw.kode_perpustakaan = p.kode_perpustakaan
            WHERE {where}){months}"""


def _reports_cte(name: str, pool: dict[str, str], key: str, where: str, month: str = "") -> str:
    """A CTE of the monthly reports grouped by ``key`` (a library, or ``a.puncak``: the top of
    its catchment; and ``month``, ", r.periode", by month), with the aggregates of ``pool``."""
    cols = ",\n               ".join(f"{sql} AS {a}" for sql, a in pool.items())
    source = "atas a ON a" if key == "a.puncak" else "lib l ON l"
    return f"""{name} AS (
            SELECT {key}{month}{" AS bulan" if month else ""},
               {cols}
            FROM laporan_bulanan r JOIN {source}.kode_perpustakaan = r.kode_perpustakaan
            WHERE {where}
            GROUP BY {key}{month})"""


def _rows_cte(rows: dict[str, str], where: str) -> str:
    """``bln`` by month: a library's month is one report (the table's key), so its aggregates
    are their values over that row (``monthly_row``); a month without one has none, as before."""
    cols = ",\n               ".join(f"{sql} AS {a}" for a, sql in rows.items())
    return f"""bln AS (
            SELECT l.nomor, r.periode AS bulan,
               {cols}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE {where})"""


def _running_cte(pool: dict[str, str]) -> str:
    """``kum`` by month: each library's sums and counts of ``pool`` over its history up to each
    month of ``lm`` (running totals of its reports, the last one by that month: the same rows)."""
    running = ",\n               ".join(f"{sql} OVER w AS {a}" for sql, a in pool.items())
    cols = ", ".join(f"kr.{a}" for a in pool.values())
    return f"""kr AS (
            SELECT l.nomor, r.periode,
               {running}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode <= $last
            WINDOW w AS (PARTITION BY l.nomor ORDER BY r.periode
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
        kum AS (
            SELECT l.nomor, l.bulan, {cols}
            FROM lm l ASOF LEFT JOIN kr ON kr.nomor = l.nomor AND l.bulan >= kr.periode)"""


def by_month_ok(k: Kpi, level: str) -> bool:
    """Whether ``aggregate_sql(..., by_month=True)`` can give KPI ``k`` at ``level``: every
    measure but the yearly ones (a calendar year's sum, read per month, stays per month)."""
    b = _Builder(area=level != "perpustakaan")
    b.kpi(k)
    return not b.yearly


def aggregate_sql(
    level: str,
    period: Period,
    filters: Filters,
    kpis: Sequence[Kpi],
    deadline_day: int = 10,
    *,
    with_first_report: bool = True,
    period_suffix: str = "",
    by_month: bool = False,
    units: Sequence[str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the KPI table (one row per unit of ``level``).

    ``deadline_day``: reports count as on time up to that day of the following month;
    ``with_first_report``: see ``library_cte``; ``period_suffix``: the period's parameters are
    named ``first<suffix>`` and ``last<suffix>``, so that several periods' queries can stand in
    one statement (kpi.trend puts the months of a series together so).

    ``by_month``: a row per month of the period and unit (column ``bulan``), each the KPI table
    of that month alone, in one pass (kpi.trend; KPIs of ``by_month_ok``, with_first_report=False:
    the caller's ``awal``). ``units``: only these units' libraries (the same figures for them).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    params: dict[str, Any] = {"first": period.first, "last": period.last}
    where = filters.sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    if units is not None and level != "nasional":
        where += f" AND p.{UNIT_KEY[level]} IN (SELECT unnest($units))"
        params["units"] = [str(u) for u in units]
    area = level != "perpustakaan"
    b = _Builder(area=area)
    per_cols: list[str] = []
    out_cols: list[str] = []
    for k in kpis:
        num, den = b.kpi(k)
        per_cols.append(f"{num} AS n__{k.id}")
        if den is None:
            out_cols.append(f"{literal(k.factor)} * sum(n__{k.id}) AS {k.id}")
            out_cols.append(f"count(n__{k.id}) AS {k.id}__perpustakaan")
        else:
            per_cols.append(f"{den} AS d__{k.id}")
            both = f"n__{k.id} IS NOT NULL AND d__{k.id} IS NOT NULL"
            out_cols.append(
                f"{literal(k.factor)} * sum(n__{k.id}) FILTER (WHERE {both}) / "
                f"nullif(sum(d__{k.id}) FILTER (WHERE {both}), 0) AS {k.id}"
            )
            # a library inside another's catchment (population counted once) still contributes
            counted = f"d__{k.id} <> 0" if not (area and k.uses_population) else "TRUE"
            out_cols.append(f"count(*) FILTER (WHERE {both} AND {counted}) AS {k.id}__perpustakaan")
    # completeness beside every aggregate
    reported = b.measure(Measure("reported_months"), "TRUE")
    any_report = b._count()
    per_cols.append(f"{reported} AS m_lapor")
    per_cols.append(f"coalesce(b.{any_report}, 0) AS m_semua")
    if any(sql.startswith("count(*) FILTER (WHERE (l.mulai") for sql in b.monthly):
        params["tenggat"] = int(deadline_day)
    if by_month and (b.yearly or with_first_report):
        raise ValueError("by month: no yearly measure (by_month_ok), with_first_report=False")
    in_period = "r.periode BETWEEN $first AND $last"
    # by month, a library's row is (library, month) and joins its month's rows (by number)
    same = " AND {0}.bulan = l.bulan" if by_month else ""
    own, by = ("nomor", ", r.periode") if by_month else ("kode_perpustakaan", "")
    if by_month:
        params["bulan"] = period.month_list()
    ctes = [
        library_cte(where, with_first_report=with_first_report, by_month=by_month),
        _rows_cte(b.monthly_row, in_period)
        if by_month
        else _reports_cte("bln", b.monthly, "r.kode_perpustakaan", in_period),
    ]
    joins = f"LEFT JOIN bln b ON b.{own} = l.{own}" + same.format("b")
    if b.cumulative:
        to_end = _reports_cte("kum", b.cumulative, "r.kode_perpustakaan", "r.periode <= $last")
        ctes.append(_running_cte(b.cumulative) if by_month else to_end)
        joins += f" LEFT JOIN kum k ON k.{own} = l.{own}" + same.format("k")
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
            ctes.append(_reports_cte("gb", b.group_monthly, "a.puncak", in_period, by))
            joins += " LEFT JOIN gb g ON g.puncak = l.kode_perpustakaan" + same.format("g")
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
                   l.kode_kabupaten_kota, l.m_harap,{" l.bulan," if by_month else ""}
                   {per}
            FROM {"lm" if by_month else "lib"} l {joins})"""
    )
    key = UNIT_KEY[level]
    month = "bulan, " if by_month else ""
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
        SELECT {month}{key} AS kode, {lib_cols}
               count(*) AS perpustakaan,
               count(*) FILTER (WHERE m_semua > 0) AS perpustakaan_melapor,
               sum(m_lapor) AS bulan_dilaporkan,
               sum(m_harap) AS bulan_diharapkan,
               100.0 * sum(m_lapor) / nullif(sum(m_harap), 0) AS kelengkapan_laporan,
               {outs}
        FROM per
        GROUP BY {month}{key}
        ORDER BY kode{", bulan" if by_month else ""}
    """
    if period_suffix:
        sql = _PERIOD_PARAM.sub(lambda m: f"${m.group(1)}{period_suffix}", sql)
        params[f"first{period_suffix}"] = params.pop("first")
        params[f"last{period_suffix}"] = params.pop("last")
    return sql, params


# the period parameters of aggregate_sql (renamed with a suffix on request)
_PERIOD_PARAM = re.compile(r"\$(first|last)\b")
