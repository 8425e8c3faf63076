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
    return set(store.query("SELECT kode FROM wilayah")["kode"].astype(str))


def points(store: Store, level: str, kodes: list[str]) -> pd.DataFrame:
    """kode, nama, latitude, longitude of the areas ``kodes`` of one level."""
    return store.query(
        "SELECT kode, nama, latitude, longitude FROM wilayah "
        "WHERE tingkat = ? AND list_contains(?, kode) ORDER BY kode",
        [level, kodes],
    )
