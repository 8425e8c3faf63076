"""Reads of the library register (perpustakaan)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.schema import CONTACT_COLUMNS
from kpi.scope import Filters
from kpi.store import Store

if TYPE_CHECKING:
    import duckdb


def _only(kodes: Iterable[str] | None) -> tuple[str, dict[str, object]]:
    """The register's WHERE clause and parameters for only these libraries (None: all)."""
    if kodes is None:
        return "TRUE", {}
    return "kode_perpustakaan IN (SELECT unnest($kodes))", {"kodes": [str(k) for k in kodes]}


def names(store: Store, kodes: Iterable[str] | None = None) -> dict[str, str]:
    """Library code -> name (``kodes``: only these libraries; default: the whole register)."""
    where, params = _only(kodes)
    frame = store.query(
        "SELECT kode_perpustakaan AS kode, nama_perpustakaan AS nama FROM perpustakaan "
        f"WHERE {where}",
        params,
    )
    return dict(zip(frame["kode"], frame["nama"], strict=True))


def contacts(store: Store, kodes: Iterable[str] | None = None) -> pd.DataFrame:
    """Per library: kode and the contact columns that are filled for at least one of them.

    ``kodes``: only these libraries (default: the whole register). Empty text counts as empty.
    """
    cols = ", ".join(f"nullif(trim({c}), '') AS {c}" for c in CONTACT_COLUMNS)
    where, params = _only(kodes)
    frame = store.query(
        f"SELECT kode_perpustakaan AS kode, {cols} FROM perpustakaan WHERE {where} ORDER BY 1",
        params,
    )
    filled = [c for c in CONTACT_COLUMNS if frame[c].notna().any()]
    return frame[["kode", *filled]].reset_index(drop=True)


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


def library_index(store: Store) -> pd.DataFrame:
    """Every partner library with its area codes and names (for the place picker)."""
    return store.query(
        """
        SELECT p.kode_perpustakaan AS kode, p.nama_perpustakaan AS nama, p.jenis,
               p.kode_provinsi, wp.nama AS provinsi,
               p.kode_kabupaten_kota, wk.nama AS kabupaten_kota
        FROM perpustakaan p
        LEFT JOIN wilayah wp ON wp.kode = p.kode_provinsi
        LEFT JOIN wilayah wk ON wk.kode = p.kode_kabupaten_kota
        ORDER BY wp.nama, wk.nama NULLS FIRST, p.nama_perpustakaan, p.kode_perpustakaan
        """
    )


def library_place(store: Store, kode: str, columns: Iterable[str]) -> pd.DataFrame:
    """One library (none when the register lacks ``kode``): kode, nama, kode_provinsi,
    provinsi, kode_kabupaten_kota, kabupaten_kota and the register's ``columns``."""
    return store.query(
        f"""
        SELECT p.kode_perpustakaan AS kode, p.nama_perpustakaan AS nama,
               p.kode_provinsi, wp.nama AS provinsi,
               p.kode_kabupaten_kota, wk.nama AS kabupaten_kota,
               {", ".join(f"p.{c}" for c in columns)}
        FROM perpustakaan p
        LEFT JOIN wilayah wp ON wp.kode = p.kode_provinsi
        LEFT JOIN wilayah wk ON wk.kode = p.kode_kabupaten_kota
        WHERE p.kode_perpustakaan = $kode
        """,
        {"kode": kode},
    )


def area_counts(store: Store, where: str, params: dict[str, Any]) -> pd.DataFrame:
    """One row: provinces, kabupaten_kota, desa_kelurahan (distinct codes) and libraries_total
    of the libraries ``where`` (a Filters.sql condition on ``p``) admits."""
    return store.query(
        f"""
        SELECT count(DISTINCT kode_provinsi) AS provinces,
               count(DISTINCT kode_kabupaten_kota) AS kabupaten_kota,
               count(DISTINCT kode_desa_kelurahan) AS desa_kelurahan,
               count(*) AS libraries_total
        FROM perpustakaan p WHERE {where}
        """,
        params,
    )


def level_counts(store: Store, where: str, params: dict[str, Any]) -> pd.DataFrame:
    """jenis, n: the libraries of each level that ``where`` admits."""
    return store.query(
        f"SELECT jenis, count(*) AS n FROM perpustakaan p WHERE {where} GROUP BY jenis", params
    )


def cohort_counts(store: Store, where: str, params: dict[str, Any]) -> pd.DataFrame:
    """tahun_bergabung, jenis, n: the libraries of each cohort and level ``where`` admits."""
    return store.query(
        f"""
        SELECT tahun_bergabung, jenis, count(*) AS n FROM perpustakaan p
        WHERE tahun_bergabung IS NOT NULL AND {where} GROUP BY ALL ORDER BY ALL
        """,
        params,
    )


def distinct(store: Store, column: str) -> pd.DataFrame:
    """v: the register's distinct filled values of ``column`` (the caller's name), sorted."""
    return store.query(
        f"SELECT DISTINCT {column} AS v FROM perpustakaan WHERE {column} IS NOT NULL ORDER BY 1"
    )


def library_areas(cur: duckdb.DuckDBPyConnection, codes: Iterable[str]) -> dict[str, str | None]:
    """Library code -> its area code, for ``codes`` (inside the caller's transaction)."""
    codes = sorted({str(c) for c in codes if c is not None})
    if not codes:
        return {}
    rows = cur.execute(  # a join, not a list search per row: the codes may be many
        "SELECT p.kode_perpustakaan, p.kode_wilayah FROM perpustakaan p "
        "JOIN (SELECT unnest(CAST(? AS VARCHAR[])) AS k) c ON p.kode_perpustakaan = c.k",
        [codes],
    ).fetchall()
    return {str(k): (None if w is None else str(w)) for k, w in rows}


def library_register(store: Store) -> pd.DataFrame:
    """kode_perpustakaan, nama_perpustakaan, kode_wilayah, penduduk of every library (the
    importer's reference)."""
    return store.query(
        "SELECT kode_perpustakaan, nama_perpustakaan, kode_wilayah, penduduk FROM perpustakaan"
    )


def sample_village(store: Store) -> pd.DataFrame:
    """kode_provinsi, kode_kabupaten_kota, kode_perpustakaan of the first village library
    (none in a store without one): the benchmarks' profiles."""
    return store.query(
        "SELECT kode_provinsi, kode_kabupaten_kota, kode_perpustakaan FROM perpustakaan "
        "WHERE jenis = 'desa_kelurahan' ORDER BY kode_perpustakaan LIMIT 1"
    )


def add_libraries(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Add the register rows of ``frame`` (its columns by name), in the caller's write."""
    cols = ", ".join(frame.columns)
    cur.register("_new_libraries", frame)
    try:
        cur.execute(f"INSERT INTO perpustakaan ({cols}) SELECT {cols} FROM _new_libraries")
    finally:
        cur.unregister("_new_libraries")


def library_area(store: Store, kode: str) -> str | None:
    """A library's area code (its place in the register), None for an unknown library."""
    value = store.scalar(
        "SELECT kode_wilayah FROM perpustakaan WHERE kode_perpustakaan = ?", [kode]
    )
    return None if value is None else str(value)
