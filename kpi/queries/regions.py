"""Reads of the region table (wilayah: the gazetteer's areas)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kpi.store import Store
from kpi.vocab import AREA_LEVELS


def names(store: Store, levels: Iterable[str] = AREA_LEVELS) -> dict[str, str]:
    """Area code -> name, for the areas of ``levels`` (provinces and kab/kota by default)."""
    frame = store.query(
        "SELECT kode, nama FROM wilayah WHERE list_contains($levels, tingkat)",
        {"levels": [str(lv) for lv in levels]},
    )
    return dict(zip(frame["kode"].tolist(), frame["nama"].tolist(), strict=True))


def levels(store: Store, levels: Iterable[str] = AREA_LEVELS) -> dict[str, str]:
    """Area code -> its level, for the areas of ``levels``."""
    frame = store.query(
        "SELECT kode, tingkat FROM wilayah WHERE list_contains($levels, tingkat)",
        {"levels": [str(lv) for lv in levels]},
    )
    return dict(zip(frame["kode"].tolist(), frame["tingkat"].tolist(), strict=True))


def codes(store: Store) -> set[str]:
    """Every area code the store knows."""
    # tolist(): iterating the Arrow-backed column one value at a time was ~7x slower (issue 15)
    return set(store.query("SELECT kode FROM wilayah")["kode"].astype(str).tolist())


def points(store: Store, level: str, kodes: list[str]) -> pd.DataFrame:
    """kode, nama, latitude, longitude of the areas ``kodes`` of one level."""
    return store.query(
        "SELECT kode, nama, latitude, longitude FROM wilayah "
        "WHERE tingkat = ? AND list_contains(?, kode) ORDER BY kode",
        [level, kodes],
    )


def area_place(store: Store, tingkat: str, kode: str | None) -> pd.DataFrame:
    """One province or kab/kota (none when the gazetteer lacks it at that level): kode, nama,
    kode_induk, nama_induk and its partner libraries (perpustakaan)."""
    return store.query(
        """
        SELECT w.kode, w.nama, w.kode_induk, wi.nama AS nama_induk,
               (SELECT count(*) FROM perpustakaan p
                WHERE (CASE WHEN $tingkat = 'provinsi' THEN p.kode_provinsi
                            ELSE p.kode_kabupaten_kota END) = w.kode) AS perpustakaan
        FROM wilayah w LEFT JOIN wilayah wi ON wi.kode = w.kode_induk
        WHERE w.kode = $kode AND w.tingkat = $tingkat
        """,
        {"kode": kode, "tingkat": tingkat},
    )


def partner_areas(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The provinces (kode, nama) and kab/kota (kode, kode_provinsi, nama) that have a partner
    library, each by name."""
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
    return prov, kab


def first_codes(store: Store, level: str, n: int) -> list[str]:
    """The first ``n`` codes of the gazetteer's areas of ``level``, in code order."""
    frame = store.query(
        "SELECT kode FROM wilayah WHERE tingkat = ? ORDER BY kode LIMIT ?", [level, n]
    )
    return [str(k) for k in frame["kode"]]


def provinces_and_kabkota(store: Store) -> pd.DataFrame:
    """kode, nama of every province and kab/kota, by code (each province before its kab/kota)."""
    return store.query(
        "SELECT kode, nama FROM wilayah WHERE tingkat IN ('provinsi', 'kabupaten_kota') "
        "ORDER BY kode"
    )
