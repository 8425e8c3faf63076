"""What rows are checked against: the libraries of the register (the store's and the import's
own register rows) by code and by name, and the known area codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpi.ingest import values as v
from kpi.queries import regions, register
from kpi.store import Store

FIRST_PERIOD = date(2018, 1, 1)
# counts of people that cannot exceed 100 times the population the library serves
PEOPLE_COUNTS = (
    "jangkauan_sosialisasi",
    "kunjungan",
    "anggota_baru",
    "anggota_total",
    "pengguna_tik",
    "peserta",
    "peserta_perempuan",
    "penerima_manfaat",
)
LIBRARY_LEVEL_OF_LENGTH = {2: "provinsi", 4: "kabupaten_kota", 10: "desa_kelurahan"}
TINGKAT_OF_LENGTH = {2: "provinsi", 4: "kabupaten_kota", 6: "kecamatan", 10: "desa_kelurahan"}
# words that do not tell one library from another ("Perpustakaan Desa Karadenan" = "Karadenan")
_NAME_NOISE = {
    "perpustakaan",
    "perpus",
    "perpusdes",
    "perpuskel",
    "desa",
    "ds",
    "kelurahan",
    "kel",
    "taman",
    "bacaan",
    "tbm",
}


def name_key(name: str) -> str:
    tokens = [t for t in v.fold(name).split() if t not in _NAME_NOISE]
    return " ".join(tokens)


@dataclass
class Library:
    kode: str
    nama: str
    kode_wilayah: str
    penduduk: float | None


@dataclass
class Reference:
    """What the rows are checked against: the register, the gazetteer's codes, today."""

    libraries: dict[str, Library] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    wilayah: set[str] = field(default_factory=set)
    today: date = field(default_factory=date.today)
    # libraries of this import's register whose rows were rejected: code or name key ->
    # (file, sheet, row)
    rejected: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    rejected_names: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    _area_cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, today: date | None = None) -> Reference:
        ref = cls(today=today or date.today())
        reg = register.library_register(store)
        for kode, nama, wil, pend in reg.itertuples(index=False, name=None):
            ref.add_library(str(kode), str(nama), str(wil or ""), _num(pend))
        ref.wilayah = regions.codes(store)
        return ref

    def add_library(self, kode: str, nama: str, kode_wilayah: str, penduduk: float | None) -> None:
        old = self.libraries.get(kode)
        if old is not None:
            keys = self.by_name.get(name_key(old.nama), [])
            if kode in keys:
                keys.remove(kode)
        self.libraries[kode] = Library(kode, nama, kode_wilayah, penduduk)
        self.by_name.setdefault(name_key(nama), []).append(kode)

    def in_current_month(self) -> date:
        return date(self.today.year, self.today.month, 1)


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if f != f else f
