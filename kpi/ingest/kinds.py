"""The five kinds of sheet of the data contract: their columns, types and what identifies them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.columns import (
    CIEL_DIMENSIONS,
    JENIS_DUKUNGAN,
    JENIS_PERPUSTAKAAN,
    MONTHLY_COLUMNS,
    STRATEGY_SELF_RATINGS,
)

ValueType = Literal[
    "code",  # a library code: text, a number restored to its digits
    "area_code",  # a Kemendagri code: digits, dots removed
    "text",
    "choice",
    "count",  # whole, not negative
    "number",
    "bool",
    "date",  # a day
    "period",  # a month
    "year",
    "month",
    "half_year",  # a year or 2023-S2
    "semester",  # 1 or 2
    "score",  # CIEL: 1-5 or 0-100
]

KINDS: tuple[str, ...] = (
    "perpustakaan",
    "laporan_bulanan",
    "target",
    "penilaian_mandiri",
    "indikator_konteks",
)

TINGKAT_TARGET: tuple[str, ...] = ("nasional", "provinsi", "kabupaten_kota", "perpustakaan")

# area name columns (used to find codes and libraries)
AREA_NAME_COLUMNS: tuple[str, ...] = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")

CONTEXT_INDICATORS: dict[str, str] = {"iplm": "IPLM", "tgm": "TGM", "tkm": "TKM"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ValueType
    choices: tuple[str, ...] = ()


def _spec(name: str, type_: ValueType, choices: tuple[str, ...] = ()) -> ColumnSpec:
    return ColumnSpec(name, type_, choices)


_AREA = [_spec(n, "text") for n in AREA_NAME_COLUMNS]

_MONTHLY_TYPES: dict[str, ValueType] = {
    "date": "date",
    "flow": "count",
    "stock": "count",
    "state": "bool",
}

COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "perpustakaan": (
        _spec("kode_perpustakaan", "code"),
        _spec("nama_perpustakaan", "text"),
        _spec("jenis", "choice", JENIS_PERPUSTAKAAN),
        _spec("kode_wilayah", "area_code"),
        *_AREA,
        _spec("tahun_bergabung", "year"),
        _spec("jenis_dukungan", "choice", JENIS_DUKUNGAN),
        _spec("penduduk", "count"),
        _spec("latitude", "number"),
        _spec("longitude", "number"),
        _spec("alamat", "text"),
        _spec("kontak_nama", "text"),
        _spec("kontak_telepon", "code"),
        _spec("kontak_email", "text"),
    ),
    "laporan_bulanan": (
        _spec("kode_perpustakaan", "code"),
        _spec("nama_perpustakaan", "text"),
        *_AREA,
        _spec("periode", "period"),
        _spec("tahun", "year"),
        _spec("bulan", "month"),
        *(
            _spec(c.name, "number" if c.sql_type == "DOUBLE" else _MONTHLY_TYPES[c.kind])
            for c in MONTHLY_COLUMNS
        ),
    ),
    "target": (
        _spec("kpi", "text"),
        _spec("tingkat", "choice", TINGKAT_TARGET),
        _spec("kode", "code"),
        _spec("tahun", "year"),
        _spec("nilai", "number"),
        # optional: the target applies to each library of this level in the area named by
        # tingkat and kode (or nationally) instead of to the area's aggregate
        _spec("jenis", "choice", JENIS_PERPUSTAKAAN),
    ),
    "penilaian_mandiri": (
        _spec("kode_perpustakaan", "code"),
        _spec("nama_perpustakaan", "text"),
        *_AREA,
        _spec("periode", "half_year"),
        _spec("tahun", "year"),
        _spec("semester", "semester"),
        *(_spec(c, "score") for c in CIEL_DIMENSIONS),
        *(_spec(c, "score") for c in STRATEGY_SELF_RATINGS),
    ),
    "indikator_konteks": (
        _spec("kode_provinsi", "area_code"),
        _spec("provinsi", "text"),
        _spec("kode_kabupaten_kota", "area_code"),
        _spec("kabupaten_kota", "text"),
        _spec("kode_wilayah", "area_code"),
        _spec("tahun", "year"),
        _spec("indikator", "text"),
        _spec("nilai", "number"),
        _spec("satuan", "text"),
        *(_spec(c, "number") for c in CONTEXT_INDICATORS),
    ),
}

# per kind: header canonical name -> the kind's own column (a "kode" in a target sheet is the
# target's area or library code)
ALIASES: dict[str, dict[str, str]] = {
    "target": {"kode_perpustakaan": "kode", "kode_wilayah": "kode", "indikator": "kpi"},
    "indikator_konteks": {"nama_perpustakaan": "provinsi"},
}

MONTHLY_INDICATORS: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS)


def column_names(kind: str) -> set[str]:
    return {c.name for c in COLUMNS[kind]}


def kind_score(kind: str, cols: set[str]) -> tuple[bool, int, list[str]]:
    """(recognised, how many of the kind's columns matched, missing required columns)."""
    have = {ALIASES.get(kind, {}).get(c, c) for c in cols} & column_names(kind)
    missing: list[str] = []
    distinctive = 0
    library = "kode_perpustakaan" in have or "nama_perpustakaan" in have
    if kind == "perpustakaan":
        for c in ("kode_perpustakaan", "nama_perpustakaan"):
            if c not in have:
                missing.append(c)
        # jenis may be left out: it is then read from the place (the length of its code) and
        # the library's name, row by row (validate.py)
        if not ({"kode_wilayah"} | set(AREA_NAME_COLUMNS)) & have:
            missing.append("kode_wilayah")
        distinctive = len(
            have
            & {
                "jenis",
                "tahun_bergabung",
                "jenis_dukungan",
                "penduduk",
                "kode_wilayah",
                "latitude",
                "longitude",
                "alamat",
            }
        )
        if have & ({"periode", "bulan"} | set(MONTHLY_INDICATORS[1:])):
            distinctive -= 1
    elif kind == "laporan_bulanan":
        if not library:
            missing.append("kode_perpustakaan")
        if "periode" not in have and "bulan" not in have:  # bulan may hold "Agustus 2023"
            missing.append("periode")
        indicators = have & set(MONTHLY_INDICATORS[1:])
        if not indicators:
            missing.append("kunjungan")
        distinctive = len(indicators) + ("periode" in have or "bulan" in have)
        if have & set(CIEL_DIMENSIONS):
            distinctive = 0
    elif kind == "target":
        for c in ("kpi", "tahun", "nilai"):
            if c not in have:
                missing.append(c)
        distinctive = len(have & {"kpi", "tingkat", "kode"}) * 2
    elif kind == "penilaian_mandiri":
        if not library:
            missing.append("kode_perpustakaan")
        if "periode" not in have and "tahun" not in have:
            missing.append("periode")
        dims = have & set(CIEL_DIMENSIONS)
        if not dims:
            missing.append("kreativitas")
        distinctive = len(dims) * 2 + len(have & set(STRATEGY_SELF_RATINGS))
    elif kind == "indikator_konteks":
        if not have & {"kode_provinsi", "provinsi", "kode_kabupaten_kota", "kode_wilayah"}:
            missing.append("kode_provinsi")
        if "tahun" not in have:
            missing.append("tahun")
        values = have & (set(CONTEXT_INDICATORS) | {"nilai"})
        if not values:
            missing.append("nilai")
        distinctive = len(values) * 2 + len(have & {"kode_provinsi", "kode_kabupaten_kota"})
        if library:
            distinctive = 0
    return (not missing, distinctive, missing)


def detect_kind(cols: set[str]) -> tuple[str | None, list[str], str | None]:
    """The best kind for a set of matched columns: (kind or None, missing, closest kind)."""
    best: tuple[int, int, str] | None = None
    closest: tuple[int, str, list[str]] | None = None
    for kind in KINDS:
        ok, score, missing = kind_score(kind, cols)
        if ok and (best is None or score > best[1]):
            best = (1, score, kind)
        matched = len({ALIASES.get(kind, {}).get(c, c) for c in cols} & column_names(kind))
        if closest is None or matched - len(missing) > closest[0]:
            closest = (matched - len(missing), kind, missing)
    if best is not None:
        return best[2], [], None
    if closest is not None and closest[0] > 0:
        return None, closest[2], closest[1]
    return None, [], None
