"""Reads of the areas' context indicators (indikator_konteks), their codes without dots."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kpi.store import Store

COLUMNS: tuple[str, ...] = (
    "kode_wilayah",
    "tingkat",
    "indikator",
    "tahun",
    "nilai",
    "satuan",
    "sumber",
)
# a stored code may carry the dots of an older import: compared and returned without them
_KODE = "replace(k.kode_wilayah, '.', '')"


def of_areas(store: Store, kodes: Iterable[str]) -> pd.DataFrame:
    """Every indicator value of the areas ``kodes`` (codes without dots), by indicator, year."""
    wanted = [str(k) for k in kodes]
    if not wanted:
        return pd.DataFrame(columns=list(COLUMNS))
    return store.query(
        f"""
        SELECT {_KODE} AS kode_wilayah, k.tingkat, k.indikator, k.tahun, k.nilai,
               k.satuan, k.sumber
        FROM indikator_konteks k
        WHERE list_contains($kodes, {_KODE})
        ORDER BY k.indikator, k.tahun
        """,
        {"kodes": wanted},
    )


def listing(store: Store, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
    """kode, nama (of the area), tingkat, indikator, tahun, nilai: every value, or one
    indicator's (any capitals) or one year's."""
    return store.query(
        f"""
        SELECT {_KODE} AS kode, w.nama, k.tingkat, k.indikator, k.tahun, k.nilai
        FROM indikator_konteks k LEFT JOIN wilayah w ON w.kode = {_KODE}
        WHERE ($ind IS NULL OR upper(k.indikator) = upper($ind))
          AND ($year IS NULL OR k.tahun = $year)
        ORDER BY k.indikator, k.tahun, {_KODE}
        """,
        {"ind": indicator, "year": year},
    )
