"""Reads of the monthly reports (laporan_bulanan)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from kpi.periods import Period
from kpi.scope import Filters
from kpi.store import Store


def last_month(store: Store) -> date | None:
    """The last month with a report in the store."""
    value = store.scalar("SELECT max(periode) FROM laporan_bulanan")
    return None if value is None else pd.Timestamp(value).date()


def first_reports(store: Store, filters: Filters, last: date) -> pd.Series:
    """Per library of ``filters``: the month of its first report by ``last``."""
    params: dict[str, Any] = {"last": last}
    where = filters.sql(params)
    frame = store.query(
        f"""
        SELECT r.kode_perpustakaan, min(r.periode) AS pertama
        FROM laporan_bulanan r JOIN perpustakaan p ON p.kode_perpustakaan = r.kode_perpustakaan
        WHERE {where} AND r.periode <= $last GROUP BY 1
        """,
        params,
    )
    return frame.set_index("kode_perpustakaan")["pertama"]


def longest_zero_run(store: Store, win: Period, filters: Filters) -> pd.Series:
    """Per library: the longest run of consecutive months reported with kegiatan = 0."""
    params: dict[str, Any] = {"first": win.first, "last": win.last}
    where = filters.sql(params)
    frame = store.query(
        f"""
        WITH z AS (
            SELECT r.kode_perpustakaan,
                   year(r.periode) * 12 + month(r.periode) AS idx
            FROM laporan_bulanan r JOIN perpustakaan p ON p.kode_perpustakaan = r.kode_perpustakaan
            WHERE {where} AND r.periode BETWEEN $first AND $last AND r.kegiatan = 0
        ),
        g AS (
            SELECT kode_perpustakaan,
                   idx - row_number() OVER (PARTITION BY kode_perpustakaan ORDER BY idx) AS grp
            FROM z
        )
        SELECT kode_perpustakaan, max(n) AS n FROM (
            SELECT kode_perpustakaan, grp, count(*) AS n FROM g GROUP BY ALL
        ) GROUP BY kode_perpustakaan
        """,
        params,
    )
    return frame.set_index("kode_perpustakaan")["n"]


def monthly_sums(
    store: Store,
    column: str,
    kode: str,
    first: date,
    last: date,
    filters: Filters | None,
    columns: Sequence[str],
) -> pd.DataFrame:
    """One row per month from ``first`` to ``last``: the sums of the monthly ``columns`` over
    the libraries of ``filters`` whose register ``column`` (kode_perpustakaan, kode_provinsi or
    kode_kabupaten_kota: the caller's, never input) is ``kode``, and perpustakaan_melapor."""
    params: dict[str, Any] = {"first": first, "last": last, "kode": kode}
    where = (filters or Filters()).sql(params) + f" AND p.{column} = $kode"
    sums = ", ".join(f"sum(r.{c}) AS {c}" for c in columns)
    sql = f"""
        WITH bulan AS (
            SELECT CAST(g AS DATE) AS periode
            FROM generate_series(CAST($first AS DATE), CAST($last AS DATE), INTERVAL 1 MONTH)
                 t(g)
        ),
        r AS (
            SELECT r.* FROM laporan_bulanan r
            JOIN perpustakaan p ON p.kode_perpustakaan = r.kode_perpustakaan
            WHERE {where} AND r.periode BETWEEN $first AND $last
        )
        SELECT b.periode, {sums}, count(r.kode_perpustakaan) AS perpustakaan_melapor
        FROM bulan b LEFT JOIN r ON r.periode = b.periode
        GROUP BY b.periode ORDER BY b.periode
    """
    return store.query(sql, params)


def span(store: Store, where: str | None, params: dict[str, Any]) -> pd.DataFrame:
    """One row: first_period and last_period ('YYYY-MM') and monthly_rows of the reports of the
    libraries ``where`` admits (None: every report)."""
    return store.query(
        f"""
        SELECT strftime(min(periode), '%Y-%m') AS first_period,
               strftime(max(periode), '%Y-%m') AS last_period,
               count(*) AS monthly_rows
        FROM laporan_bulanan l
        WHERE l.kode_perpustakaan IN (
                SELECT kode_perpustakaan FROM perpustakaan p WHERE {where or "TRUE"}
              )
           OR $semua
        """,
        {**params, "semua": where is None},
    )


def bare_sums_sql(columns: Sequence[str], months_back: int) -> str:
    """The benchmark's bare baseline: per library, the count and the sums of ``columns`` of the
    ``months_back`` months ending at $akhir, with no filter, join or catalogue (SQL text)."""
    sums = ", ".join(f"sum(CAST({c} AS DOUBLE)) AS {c}" for c in columns)
    return (
        f"SELECT kode_perpustakaan, count(*) AS n, {sums} FROM laporan_bulanan "
        f"WHERE periode BETWEEN CAST($akhir AS DATE) - to_months({months_back - 1}) "
        "AND $akhir GROUP BY kode_perpustakaan"
    )
