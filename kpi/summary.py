"""What the store holds: partner areas, libraries by level and cohort, periods, report counts.

Used by ``python -m kpi summary`` and by the overview page's coverage cards.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kpi.columns import JENIS_PERPUSTAKAAN
from kpi.queries import regions, register, reports
from kpi.scope import Filters
from kpi.store import Store, consistent


@consistent
def summary(store: Store, filters: Filters | None = None) -> dict[str, Any]:
    """Counts of the partner areas and libraries present in the store (or in ``filters``), and
    the reported months."""
    params: dict[str, Any] = {}
    where = (filters or Filters()).sql(params)
    areas = register.area_counts(store, where, params).iloc[0]
    by_level = register.level_counts(store, where, params)
    levels = {j: 0 for j in JENIS_PERPUSTAKAAN}
    levels.update({str(r.jenis): int(r.n) for r in by_level.itertuples()})
    months = reports.span(store, None if filters is None else where, params).iloc[0]
    cohorts = register.cohort_counts(store, where, params)
    by_cohort: dict[str, dict[str, int]] = {}
    for r in cohorts.itertuples():
        by_cohort.setdefault(str(int(r.tahun_bergabung)), {})[str(r.jenis)] = int(r.n)
    return {
        "provinces": int(areas["provinces"]),
        "kabupaten_kota": int(areas["kabupaten_kota"]),
        "desa_kelurahan": int(areas["desa_kelurahan"]),
        "libraries": levels,
        "libraries_total": int(areas["libraries_total"]),
        "by_cohort": by_cohort,
        "first_period": months["first_period"] if months["monthly_rows"] else None,
        "last_period": months["last_period"] if months["monthly_rows"] else None,
        "monthly_rows": int(months["monthly_rows"]),
        "demo": store.has_demo(),
        "schema_version": store.schema_version(),
    }


def filter_options(store: Store, today: date | None = None) -> dict[str, Any]:
    """What the sidebar filters can offer: partner areas, cohorts, support types, months, and
    the last closed month (kpi.closing, on ``today``; None when no month is closed yet)."""
    from kpi import closing

    prov, kab = regions.partner_areas(store)
    cohorts = register.distinct(store, "tahun_bergabung").rename(columns={"v": "y"})
    support = register.distinct(store, "jenis_dukungan").rename(columns={"v": "d"})
    span = reports.span(store, None, {}).iloc[0]
    months = {"first": span["first_period"], "last": span["last_period"]}
    return {
        "provinsi": dict(zip(prov["kode"], prov["nama"], strict=True)),
        "kabupaten_kota": {
            str(r.kode): (str(r.nama), str(r.kode_provinsi)) for r in kab.itertuples()
        },
        "tahun_bergabung": [int(y) for y in cohorts["y"]],
        "jenis_dukungan": [str(d) for d in support["d"]],
        "first_month": None if months["first"] is None else str(months["first"]),
        "last_month": None if months["last"] is None else str(months["last"]),
        "last_closed": _month_text(closing.last_closed(store, today)),
    }


def _month_text(d: date | None) -> str | None:
    return None if d is None else f"{d.year}-{d.month:02d}"
