"""Where things are: points for kab/kota and libraries, from the store's region table.

A library's own latitude/longitude (from the register) wins; otherwise the point of its area
(desa/kelurahan, kab/kota or province) from the gazetteer is used.
"""

from __future__ import annotations

import pandas as pd

from kpi.queries import regions
from kpi.scope import Filters
from kpi.store import Store


def library_points(store: Store, filters: Filters | None = None) -> pd.DataFrame:
    """kode, nama, jenis, kode_provinsi, kode_kabupaten_kota, latitude, longitude, perkiraan.

    ``perkiraan`` is true when the point is the area's, not the library's own.
    """
    params: dict[str, object] = {}
    where = (filters or Filters()).sql(params)
    return store.query(
        f"""
        SELECT p.kode_perpustakaan AS kode, p.nama_perpustakaan AS nama, p.jenis,
               p.kode_provinsi, p.kode_kabupaten_kota,
               coalesce(p.latitude, w.latitude) AS latitude,
               coalesce(p.longitude, w.longitude) AS longitude,
               p.latitude IS NULL OR p.longitude IS NULL AS perkiraan
        FROM perpustakaan p
        LEFT JOIN wilayah w ON w.kode = p.kode_wilayah
        WHERE {where}
        ORDER BY p.kode_perpustakaan
        """,
        params,
    )


def area_points(store: Store, tingkat: str, kodes: list[str]) -> pd.DataFrame:
    """kode, nama, latitude, longitude of regions of one level (provinsi, kabupaten_kota, ...)."""
    return regions.points(store, tingkat, kodes)
