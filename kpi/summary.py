"""What the store holds: partner areas, libraries by level and cohort, periods, report counts.

Used by ``python -m kpi summary`` and by the overview page's coverage cards.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kpi.columns import JENIS_PERPUSTAKAAN
from kpi.scope import Filters
from kpi.store import Store, consistent


@consistent
def summary(store: Store, filters: Filters | None = None) -> dict[str, Any]:
    """Counts of the partner areas and libraries present in the store (or in ``filters``), and
    the reported months."""
    params: dict[str, Any] = {}
    where = (filters or Filters()).sql(params)
    areas = store.query(
        f"""
        SELECT count(DISTINCT kode_provinsi) AS provinces,
               count(DISTINCT kode_kabupaten_kota) AS kabupaten_kota,
               count(DISTINCT kode_desa_kelurahan) AS desa_kelurahan,
               count(*) AS libraries_total
        FROM perpustakaan p WHERE {where}
        """,
        params,
    ).iloc[0]
    by_level = store.query(
        f"SELECT jenis, count(*) AS n FROM perpustakaan p WHERE {where} GROUP BY jenis", params
    )
    levels = {j: 0 for j in JENIS_PERPUSTAKAAN}
    levels.update({str(r.jenis): int(r.n) for r in by_level.itertuples()})
    months = store.query(
        f"""
        SELECT strftime(min(periode), '%Y-%m') AS first_period,
               strftime(max(periode), '%Y-%m') AS last_period,
               count(*) AS monthly_rows
        FROM laporan_bulanan l
        WHERE l.kode_perpustakaan IN (SELECT kode_perpustakaan FROM perpustakaan p WHERE {where})
           OR $semua
        """,
        {**params, "semua": filters is None},
    ).iloc[0]
    cohorts = store.query(
        f"""
        SELECT tahun_bergabung, jenis, count(*) AS n FROM perpustakaan p
        WHERE tahun_bergabung IS NOT NULL AND {where} GROUP BY ALL ORDER BY ALL
        """,
        params,
    )
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

    prov = store.query(
        """
        SELECT DISTINCT p.kode_provinsi AS kode, w.nama
        FROM perpustakaan p JOIN wilayah w ON w.kode = p.kode_provinsi
        ORDER BY w.nama
        """
    )
    kab = store.query(
        """
        SELECT DISTINCT p.kode_kabupaten_kota AS kode, p.kode_provinsi, w.nama
        FROM perpustakaan p JOIN wilayah w ON w.kode = p.kode_kabupaten_kota
        ORDER BY w.nama
        """
    )
    cohorts = store.query(
        "SELECT DISTINCT tahun_bergabung AS y FROM perpustakaan "
        "WHERE tahun_bergabung IS NOT NULL ORDER BY 1"
    )
    support = store.query(
        "SELECT DISTINCT jenis_dukungan AS d FROM perpustakaan "
        "WHERE jenis_dukungan IS NOT NULL ORDER BY 1"
    )
    months = store.query(
        "SELECT strftime(min(periode), '%Y-%m') AS first, strftime(max(periode), '%Y-%m') AS last "
        "FROM laporan_bulanan"
    ).iloc[0]
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
