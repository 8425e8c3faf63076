"""Monthly series of any catalogue KPI per unit of a level, over the months of a period.

Each month's value is exactly the KPI table's value for that single month (the same SQL from
kpi.compute.aggregate_sql, so a ratio is a ratio of sums, a stock takes the month's report, a
cumulative KPI runs over the whole history up to that month). The months are put together in one
query (UNION ALL, each month with its own parameters) so that DuckDB runs one statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from kpi.catalogue import Kpi
from kpi.compute import FIRST_REPORT_CTE, LEVELS, add_names, aggregate_sql, kpis_of
from kpi.periods import Period
from kpi.queries import register
from kpi.scope import Filters, Question
from kpi.settings import deadline_day
from kpi.store import Store


def _deadline(store: Store, kpis: Iterable[Kpi]) -> int:
    """The reporting deadline's day (a closing setting), read only when a KPI counts on-time
    reports."""
    if any(k.numerator.agg == "ontime_months" for k in kpis):
        return deadline_day(store)
    return 10


def _asked(q: Question) -> list[Kpi]:
    """The KPIs named in ``q`` (it must name them), at a level the KPI table knows."""
    if q.level not in LEVELS:
        raise ValueError(f"unknown level {q.level!r} (one of {', '.join(LEVELS)})")
    return kpis_of(q.cat, q.kpi_ids(()))


def _months_sql(
    level: str,
    period: Period,
    filters: Filters,
    kpis: list[Kpi],
    deadline: int,
    params: dict[str, Any],
) -> list[str]:
    """The KPI table's SQL for each month of ``period`` (its period parameters suffixed with the
    month's index, put into ``params`` with the filter values, the same for every month)."""
    out = []
    for i, month in enumerate(period.month_list()):
        sql, p = aggregate_sql(
            level,
            Period("bulan", month, month),
            filters,
            kpis,
            deadline,
            with_first_report=False,
            period_suffix=f"_{i}",
        )
        params.update(p)
        out.append(sql)
    return out


COLUMNS: tuple[str, ...] = (
    "periode",
    "kode",
    "nama",
    "nilai",
    "perpustakaan",
    "perpustakaan_melapor",
    "perpustakaan_nilai",
    "kelengkapan_laporan",
)


def monthly(q: Question, units: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per month of ``q.period`` and unit of ``q.level``, for the one KPI of ``q.kpis``.

    Columns: periode (first day of the month, a Timestamp), kode, nama, nilai (the KPI),
    perpustakaan (libraries covered), perpustakaan_melapor (libraries with a report that month),
    perpustakaan_nilai (libraries that contributed to the value), kelengkapan_laporan (percent).
    ``units`` keeps only those unit codes (for a few chosen lines). A month with no value for a
    unit has an empty ``nilai`` (never 0).
    """
    store, level = q.store, q.level
    chosen = _asked(q)
    if len(chosen) != 1:
        raise ValueError(f"monthly is for one KPI; asked for {q.kpis!r}")
    (k,) = chosen
    deadline = _deadline(store, [k])
    wanted = None if units is None else [str(u) for u in units]
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, sql in enumerate(_months_sql(level, q.period, q.filters, [k], deadline, params)):
        parts.append(
            f"SELECT CAST($first_{i} AS DATE) AS periode, q.kode, "
            f"q.perpustakaan, q.perpustakaan_melapor, q.kelengkapan_laporan, "
            f"q.{k.id} AS nilai, q.{k.id}__perpustakaan AS perpustakaan_nilai "
            f"FROM ({sql}) q"
        )
    where = ""
    if wanted is not None:
        where = "WHERE kode IN (SELECT unnest($units))"
        params["units"] = wanted
    frame = store.query(
        f"WITH {FIRST_REPORT_CTE} "
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) t {where} ORDER BY kode, periode",
        params,
    )
    frame["periode"] = pd.to_datetime(frame["periode"])
    if level == "perpustakaan":
        frame.insert(2, "nama", frame["kode"].map(register.names(store)))
    else:
        frame = add_names(store, frame, level)
        frame = frame[["periode", "kode", "nama", *frame.columns.drop(["periode", "kode", "nama"])]]
    frame["nilai"] = frame["nilai"].astype(float)
    frame["kelengkapan_laporan"] = frame["kelengkapan_laporan"].astype(float)
    return frame[list(COLUMNS)].reset_index(drop=True)


def monthly_wide(q: Question) -> pd.DataFrame:
    """Several KPIs at once (``q.kpis``): one row per month and unit, a column per KPI id (one
    statement). Each value is the same as ``monthly``'s for that KPI; columns periode, kode,
    then the ids.
    """
    store = q.store
    chosen = _asked(q)
    deadline = _deadline(store, chosen)
    parts: list[str] = []
    params: dict[str, Any] = {}
    cols = ", ".join(f"q.{k.id}" for k in chosen)
    for i, sql in enumerate(_months_sql(q.level, q.period, q.filters, chosen, deadline, params)):
        parts.append(f"SELECT CAST($first_{i} AS DATE) AS periode, q.kode, {cols} FROM ({sql}) q")
    frame = store.query(
        f"WITH {FIRST_REPORT_CTE} "
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) t ORDER BY kode, periode",
        params,
    )
    frame["periode"] = pd.to_datetime(frame["periode"])
    for k in chosen:
        frame[k.id] = frame[k.id].astype(float)
    return frame.reset_index(drop=True)
