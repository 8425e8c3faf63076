"""Reads of the library register (perpustakaan)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kpi.schema import CONTACT_COLUMNS
from kpi.store import Store


def names(store: Store) -> dict[str, str]:
    """Library code -> name."""
    frame = store.query(
        "SELECT kode_perpustakaan AS kode, nama_perpustakaan AS nama FROM perpustakaan"
    )
    return dict(zip(frame["kode"], frame["nama"], strict=True))


def contacts(store: Store, kodes: Iterable[str] | None = None) -> pd.DataFrame:
    """Per library: kode and the contact columns that are filled for at least one of them.

    ``kodes``: only these libraries (default: the whole register). Empty text counts as empty.
    """
    cols = ", ".join(f"nullif(trim({c}), '') AS {c}" for c in CONTACT_COLUMNS)
    params: dict[str, object] = {}
    where = "TRUE"
    if kodes is not None:
        params["kodes"] = [str(k) for k in kodes]
        where = "list_contains($kodes, kode_perpustakaan)"
    frame = store.query(
        f"SELECT kode_perpustakaan AS kode, {cols} FROM perpustakaan WHERE {where} ORDER BY 1",
        params,
    )
    filled = [c for c in CONTACT_COLUMNS if frame[c].notna().any()]
    return frame[["kode", *filled]].reset_index(drop=True)
