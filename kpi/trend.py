"""Monthly series of any catalogue KPI per unit of a level, over the months of a period.

Each month's value is exactly the KPI table's value for that single month (the same SQL from
kpi.compute.aggregate_sql, so a ratio is a ratio of sums, a stock takes the month's report, a
cumulative KPI runs over the whole history up to that month), in one statement: one pass
grouped by month (kpi.builder's ``by_month``: each month's rows alone, a cumulative KPI's running
totals to each month) for every KPI but the yearly ones, which take the KPI table's SQL once per
month put together by UNION ALL (each month with its own parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from kpi.builder import by_month_ok
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
    units: list[str] | None = None,
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
            units=units,
        )
        params.update(p)
        out.append(sql)
    return out


def _series_sql(
    q: Question,
    kpis: list[Kpi],
    select: Callable[[list[Kpi]], str],
    params: dict[str, Any],
    units: list[str] | None,
    *,
    grouped: bool = True,
) -> str:
    """Rows (periode, kode, then ``select(kpis)`` over the KPI table's columns ``q.*``), one per
    month of ``q.period`` and unit, each month exactly the KPI table of that month alone.

    ``grouped``: the KPIs that allow it (kpi.builder.by_month_ok) in one pass grouped by month
    (``units`` pushed down to the libraries read), the others (yearly measures) as the KPI
    table's SQL once per month put together by UNION ALL; ``grouped=False``: every KPI by
    UNION ALL over the whole level (the series as first built: the tests' oracle)."""
    level, period, filters = q.level, q.period, q.filters
    deadline = _deadline(q.store, kpis)
    local = [k for k in kpis if grouped and by_month_ok(k, level)]
    rest = [k for k in kpis if k not in local]
    parts: list[str] = []
    if local:
        sql, p = aggregate_sql(
            level,
            period,
            filters,
            local,
            deadline,
            with_first_report=False,
            by_month=True,
            units=units,
        )
        params.update(p)
        parts.append(f"SELECT q.bulan AS periode, q.kode, {select(local)} FROM ({sql}) q")
    if rest:
        months = _months_sql(
            level, period, filters, rest, deadline, params, units if grouped else None
        )
        parts.append(
            " UNION ALL ".join(
                f"SELECT CAST($first_{i} AS DATE) AS periode, q.kode, {select(rest)} FROM ({sql}) q"
                for i, sql in enumerate(months)
            )
        )
    if len(parts) == 1:
        return parts[0]
    # both: the same units and months on either side
    return (
        f"SELECT periode, kode, {', '.join(k.id for k in kpis)} "
        f"FROM ({parts[0]}) g JOIN ({parts[1]}) u USING (periode, kode)"
    )


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
    return _monthly(q, units)


def _monthly(q: Question, units: Iterable[str] | None, *, grouped: bool = True) -> pd.DataFrame:
    """``monthly``; ``grouped``: see ``_series_sql``."""
    store, level = q.store, q.level
    chosen = _asked(q)
    if len(chosen) != 1:
        raise ValueError(f"monthly is for one KPI; asked for {q.kpis!r}")
    (k,) = chosen
    wanted = None if units is None else [str(u) for u in units]
    params: dict[str, Any] = {}

    def select(_: list[Kpi]) -> str:
        return (
            "q.perpustakaan, q.perpustakaan_melapor, q.kelengkapan_laporan, "
            f"q.{k.id} AS nilai, q.{k.id}__perpustakaan AS perpustakaan_nilai"
        )

    series = _series_sql(q, [k], select, params, wanted, grouped=grouped)
    where = ""
    if wanted is not None:
        where = "WHERE kode IN (SELECT unnest($units))"
        params["units"] = wanted
    frame = store.query(
        f"WITH {FIRST_REPORT_CTE} SELECT * FROM ({series}) t {where} ORDER BY kode, periode",
        params,
    )
    frame["periode"] = pd.to_datetime(frame["periode"])
    if level == "perpustakaan":
        # only the frame's libraries (the whole register's names take 0.1 s at scale 10); an
        # empty frame maps the whole register as before (so its column is text all the same)
        kodes = frame["kode"].unique() if len(frame) else None
        frame.insert(2, "nama", frame["kode"].map(register.names(store, kodes)))
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
    return _monthly_wide(q)


def _monthly_wide(q: Question, *, grouped: bool = True) -> pd.DataFrame:
    """``monthly_wide``; ``grouped``: see ``_series_sql``."""
    chosen = _asked(q)
    params: dict[str, Any] = {}

    def select(kpis: list[Kpi]) -> str:
        return ", ".join(f"q.{k.id}" for k in kpis)

    series = _series_sql(q, chosen, select, params, None, grouped=grouped)
    frame = q.store.query(
        f"WITH {FIRST_REPORT_CTE} SELECT * FROM ({series}) t ORDER BY kode, periode", params
    )
    frame["periode"] = pd.to_datetime(frame["periode"])
    for k in chosen:
        frame[k.id] = frame[k.id].astype(float)
    return frame.reset_index(drop=True)
