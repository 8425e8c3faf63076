"""The search box's reads: libraries, kab/kota and provinces by name or code (DuckDB, only the
matches come back)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpi.scope import Filters
from kpi.store import Store

SEARCH_LIMIT = 20
_SEARCH_WORDS = 6  # at most this many words of a query count


def _like(word: str) -> str:
    """A word as an ILIKE pattern that matches it anywhere, its wildcards taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_places(
    store: Store, query: str, scope: tuple[str, ...] | None = None, limit: int = SEARCH_LIMIT
) -> pd.DataFrame:
    """Libraries, kab/kota and provinces whose name holds every word of ``query`` or whose code
    starts with it (dots, spaces and capitals aside: "11.01", "1101", "des-1101"), inside the
    access ``scope`` (Filters.wilayah; None: everywhere). Areas count only where partner
    libraries are. At most ``limit`` rows (tingkat, kode, nama, kabupaten_kota, provinsi): an
    exact code first, then names that start with the query, provinces before kab/kota before
    libraries, then by name. Computed in DuckDB: only the matches come back.
    """
    text = " ".join(str(query or "").split())[:100]
    if not text:
        return pd.DataFrame(columns=["tingkat", "kode", "nama", "kabupaten_kota", "provinsi"])
    words = text.split(" ")[:_SEARCH_WORDS]
    params: dict[str, Any] = {
        "code": "".join(ch for ch in text.lower() if ch not in ". "),
        "start": _like(text)[1:],
        "limit": int(limit),
    }
    names = []
    for i, w in enumerate(words):
        params[f"w{i}"] = _like(w)
        names.append(f"nama ILIKE $w{i} ESCAPE '\\'")
    inside = Filters(wilayah=scope).sql(params, "p") if scope is not None else "TRUE"
    return store.query(
        f"""
        WITH libs AS (
            SELECT p.kode_perpustakaan AS kode, p.nama_perpustakaan AS nama,
                   p.kode_provinsi, p.kode_kabupaten_kota
            FROM perpustakaan p WHERE {inside}
        ), places AS (
            SELECT 3 AS lvl, 'perpustakaan' AS tingkat, l.kode, l.nama,
                   wk.nama AS kabupaten_kota, wp.nama AS provinsi
            FROM libs l
            LEFT JOIN wilayah wk ON wk.kode = l.kode_kabupaten_kota
            LEFT JOIN wilayah wp ON wp.kode = l.kode_provinsi
            UNION ALL
            SELECT 2, 'kabupaten_kota', w.kode, w.nama, NULL, wp.nama
            FROM wilayah w LEFT JOIN wilayah wp ON wp.kode = left(w.kode, 2)
            WHERE w.kode IN (SELECT kode_kabupaten_kota FROM libs)
            UNION ALL
            SELECT 1, 'provinsi', w.kode, w.nama, NULL, NULL
            FROM wilayah w WHERE w.kode IN (SELECT kode_provinsi FROM libs)
        )
        SELECT tingkat, kode, nama, kabupaten_kota, provinsi
        FROM places
        WHERE ({" AND ".join(names)})
           OR starts_with(replace(replace(lower(kode), '.', ''), ' ', ''), $code)
           OR (length($code) >= 6 AND contains(lower(kode), $code))
        ORDER BY replace(lower(kode), '.', '') = $code DESC,
                 nama ILIKE $start ESCAPE '\\' DESC, lvl, nama, kode
        LIMIT $limit
        """,
        params,
    )
