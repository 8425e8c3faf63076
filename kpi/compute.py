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
from collections.abc import Iterable, Sequence
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "provinsi", norm_kode(self.provinsi))
        object.__setattr__(self, "kabupaten_kota", norm_kode(self.kabupaten_kota))
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
        return " AND ".join(where)


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
    """Collects the distinct per-library measure expressions of a set of KPIs."""

    def __init__(self) -> None:
        self.monthly: dict[str, str] = {}  # SQL over the months of the period -> alias
        self.cumulative: dict[str, str] = {}  # SQL over the history to the period end -> alias

    def _alias(self, pool: dict[str, str], sql: str, prefix: str) -> str:
        if sql not in pool:
            pool[sql] = f"{prefix}{len(pool)}"
        return pool[sql]

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
            return f"(l.penduduk * b.{a})"
        if agg == "end":
            c = _col(col or "")
            a = self._alias(
                self.monthly, f"arg_max(r.{c}, r.periode) FILTER (WHERE r.{c} IS NOT NULL)", "b"
            )
            return f"b.{a}"
        if agg == "penduduk":
            a = self._alias(self.monthly, f"count(r.{_col(col or '')})", "b")
            return f"(CASE WHEN b.{a} > 0 THEN l.penduduk END)"
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
            a = self._alias(
                self.monthly,
                "count(*) FILTER (WHERE (l.mulai IS NULL OR r.periode >= l.mulai) AND "
                "r.tanggal_lapor <= r.periode + INTERVAL 1 MONTH + INTERVAL 9 DAY)",
                "b",
            )
            return f"coalesce(b.{a}, 0)"
        if agg == "expected_months":
            return "l.m_harap"
        raise ValueError(f"unknown measure {agg!r}")

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
        if k.jenis:
            levels = ", ".join(f"'{j}'" for j in k.jenis if j in JENIS_PERPUSTAKAAN)
            num = f"(CASE WHEN l.jenis IN ({levels}) THEN {num} END)"
            if den is not None:
                den = f"(CASE WHEN l.jenis IN ({levels}) THEN {den} END)"
        return num, den


def _kpis(cat: Catalogue, ids: Iterable[str] | None) -> list[Kpi]:
    wanted = list(dict.fromkeys(ids)) if ids is not None else list(cat.ids)
    unknown = [i for i in wanted if i not in cat]
    if unknown:
        raise ValueError(f"unknown KPI id(s): {', '.join(unknown)}")
    return [cat[i] for i in wanted]


def aggregate_sql(
    level: str,
    period: Period,
    filters: Filters,
    kpis: Sequence[Kpi],
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the KPI table (one row per unit of ``level``)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    params: dict[str, Any] = {"first": period.first, "last": period.last}
    where = filters.sql(params)
    if level == "kabupaten_kota":
        where += " AND p.kode_kabupaten_kota IS NOT NULL"
    b = _Builder()
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
            out_cols.append(
                f"count(*) FILTER (WHERE {both} AND d__{k.id} <> 0) AS {k.id}__perpustakaan"
            )
    # completeness beside every aggregate
    reported = b.measure(Measure("reported_months"), "TRUE")
    any_report = b._alias(b.monthly, "count(*)", "b")
    per_cols.append(f"{reported} AS m_lapor")
    per_cols.append(f"coalesce(b.{any_report}, 0) AS m_semua")
    bln = ",\n               ".join(f"{sql} AS {a}" for sql, a in b.monthly.items())
    ctes = [
        f"""lib AS (
            SELECT p.kode_perpustakaan, p.nama_perpustakaan, p.jenis, p.kode_provinsi,
                   p.kode_kabupaten_kota, p.penduduk, p.tahun_bergabung,
                   CASE WHEN p.tahun_bergabung IS NOT NULL
                        THEN make_date(p.tahun_bergabung + 1, 1, 1) END AS mulai,
                   greatest(0, date_diff('month',
                        greatest(CAST($first AS DATE), coalesce(
                            make_date(p.tahun_bergabung + 1, 1, 1), CAST($first AS DATE))),
                        CAST($last AS DATE)) + 1) AS m_harap
            FROM perpustakaan p WHERE {where})""",
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
    sql, params = aggregate_sql(level, parse_period(period), filters or Filters(), chosen)
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
    number of libraries in each band. Benchmarks compare a unit with its peers regardless of
    the geographic filter (a province filter does not change a library's score).
    """
    from kpi import score as score_mod

    cat = cat or catalogue()
    filters = filters or Filters()
    per = parse_period(period)
    wanted = _kpis(cat, kpis if kpis is not None else cat.utama)
    if not with_score:
        return aggregate(store, level, per, filters, [k.id for k in wanted], cat)
    return score_mod.scored_table(store, level, per, filters, [k.id for k in wanted], cat=cat)


# ---------------------------------------------------------------------------------------------
# Targets and achievement


def targets(store: Store, kpi_ids: Iterable[str], tahun: int) -> pd.DataFrame:
    """The target table for a year: kpi, tingkat, kode (no dots; '' for national), nilai."""
    ids = list(kpi_ids)
    if not ids:
        return pd.DataFrame(columns=["kpi", "tingkat", "kode", "nilai"])
    return store.query(
        "SELECT kpi, tingkat, replace(coalesce(kode, ''), '.', '') AS kode, nilai "
        "FROM target WHERE tahun = $tahun AND list_contains($ids, kpi) AND nilai IS NOT NULL",
        {"tahun": int(tahun), "ids": ids},
    )


def resolve_targets(
    store: Store,
    units: pd.DataFrame,
    level: str,
    kpi_ids: Iterable[str],
    tahun: int,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """The annual target per unit (rows of ``units``) and KPI: a frame kode x KPI id.

    An area uses its own target (national: tingkat nasional). A library uses its own target
    when present; otherwise, for ratio and percent KPIs, its province's, else the national one.
    A provincial or national target of a flow does not apply to a single library.
    """
    cat = cat or catalogue()
    ids = list(kpi_ids)
    t = targets(store, ids, tahun)
    kodes = pd.Series(units["kode"].astype(str).to_numpy(dtype=object))
    provs = (
        pd.Series(units["kode_provinsi"].astype(str).to_numpy(dtype=object))
        if "kode_provinsi" in units.columns
        else pd.Series([""] * len(kodes), dtype=object)
    )
    out: dict[str, np.ndarray] = {}
    rows = list(
        zip(
            t["kpi"].tolist(),
            t["tingkat"].tolist(),
            t["kode"].tolist(),
            t["nilai"].tolist(),
            strict=True,
        )
    )
    for kpi_id in ids:
        by_level: dict[str, dict[str, float]] = {}
        for k, tingkat, kode, nilai in rows:
            if k == kpi_id:
                by_level.setdefault(tingkat, {})[kode] = float(nilai)
        nat = next(iter(by_level.get("nasional", {}).values()), math.nan)
        if level == "nasional":
            out[kpi_id] = np.full(len(kodes), nat, dtype=float)
            continue
        own = by_level.get(level, {})
        values = (
            kodes.map(own).to_numpy(dtype=float)
            if own
            else np.full(len(kodes), math.nan, dtype=float)
        )
        if level == "perpustakaan" and not cat[kpi_id].is_flow and cat[kpi_id].agregasi != "stok":
            prov = by_level.get("provinsi", {})
            fallback = (
                provs.map(prov).to_numpy(dtype=float)
                if prov
                else np.full(len(kodes), math.nan, dtype=float)
            )
            fallback = np.where(np.isnan(fallback), nat, fallback)
            values = np.where(np.isnan(values), fallback, values)
        out[kpi_id] = values
    frame = pd.DataFrame(out, index=pd.Index(kodes.to_numpy(), dtype=object), columns=ids)
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
    min_base: float = 30.0,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Year-on-year change (percent) of flow KPIs: ``<id>`` (change), ``<id>__kini`` and
    ``<id>__lalu`` (the sums compared).

    A monthly period compares the rolling 3-month sum ending at that month with the same 3 months
    a year earlier. Only months reported in both years count (a library-month with the value and
    the same month a year earlier with the value), so that gaps do not read as growth or decline.
    The change is empty when the earlier sum is under ``min_base``.
    """
    cat = cat or catalogue()
    per = growth_window(parse_period(period))
    ids = [k.id for k in _kpis(cat, kpis)]
    for i in ids:
        if not cat[i].is_flow:
            raise ValueError(f"growth is for flow KPIs; {i!r} is not one")
    params: dict[str, Any] = {"first": per.first, "last": per.last, "min_base": float(min_base)}
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
        f"CASE WHEN {i}__lalu >= $min_base THEN 100.0 * ({i}__kini - {i}__lalu) / {i}__lalu "
        f"END AS {i}, {i}__kini, {i}__lalu"
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
    """The 5A stages (Aware, Appeal, Ask, Act, Advocate), the stage conversions and PAR, BAR.

    Conversions are ratios of sums over the months reporting both stages, not clipped at 100%;
    PAR and BAR are empty where Aware is not reported.
    """
    cat = cat or catalogue()
    ids = [*cat.funnel_tahap, *cat.funnel_konversi, "par", "bar"]
    frame = aggregate(store, level, period, filters, ids, cat)
    keep = ["kode", "nama", "tingkat", *ids]
    return frame[[c for c in keep if c in frame.columns]]


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
