"""Every message the importer shows, in Indonesian and English, keyed by rule.

A message is data (rule, message_id, message_en) so that the validation report is a plain frame
and the page can show it in the analyst's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# rule -> (Indonesian, English); {placeholders} are filled by ``message``
MESSAGES: dict[str, tuple[str, str]] = {
    # refusals of a whole file
    "bukan_spreadsheet": (
        "Berkas ini bukan spreadsheet (xlsx, xlsm, xls, ods atau csv).",
        "This file is not a spreadsheet (xlsx, xlsm, xls, ods or csv).",
    ),
    "rusak": (
        "Berkas ini rusak atau tidak lengkap dan tidak dapat dibaca: {detail}",
        "This file is damaged or incomplete and cannot be read: {detail}",
    ),
    "berpassword": (
        "Berkas ini dilindungi kata sandi. Buka di Excel, hapus kata sandinya, simpan, lalu "
        "unggah lagi.",
        "This file is password-protected. Open it in Excel, remove the password, save it and "
        "upload it again.",
    ),
    "terlalu_besar": (
        "Berkas ini {ukuran} MB, melebihi batas {batas} MB. Pecah menjadi beberapa berkas.",
        "This file is {ukuran} MB, over the {batas} MB limit. Split it into several files.",
    ),
    "terurai_terlalu_besar": (
        "Isi berkas ini akan menjadi {ukuran} MB setelah diurai, melebihi batas aman {batas} MB. "
        "Berkas ditolak tanpa dibaca.",
        "This file would inflate to {ukuran} MB when unpacked, beyond the safe limit of "
        "{batas} MB. It was refused without being read.",
    ),
    "tidak_ditemukan": (
        "Berkas {nama} tidak ditemukan atau tidak dapat dibuka.",
        "The file {nama} was not found or cannot be opened.",
    ),
    "kosong": (
        "Berkas ini kosong: tidak ada sel yang berisi data.",
        "This file is empty: no cell holds any data.",
    ),
    "tidak_dikenali": (
        "Tidak ada sheet yang dikenali. Setiap sheet perlu baris judul kolom seperti "
        "'kode_perpustakaan', 'periode', 'kunjungan' (lihat templat).",
        "No sheet was recognised. Each sheet needs a header row with columns such as "
        "'kode_perpustakaan', 'periode', 'kunjungan' (see the template).",
    ),
    # sheets skipped
    "sheet_kosong": ("Sheet kosong.", "Empty sheet."),
    "sheet_tanpa_judul": (
        "Tidak ditemukan baris judul kolom yang dikenali.",
        "No recognisable header row was found.",
    ),
    "sheet_kolom_wajib": (
        "Sheet mirip '{jenis}' tetapi kolom wajib tidak ada: {kolom}.",
        "The sheet looks like '{jenis}' but required columns are missing: {kolom}.",
    ),
    # cells and rows
    "wajib": ("Kolom wajib '{kolom}' kosong.", "Required column '{kolom}' is empty."),
    "angka": ("'{nilai}' bukan angka.", "'{nilai}' is not a number."),
    "negatif": ("Jumlah tidak boleh negatif ({nilai}).", "A count cannot be negative ({nilai})."),
    "pecahan": (
        "Jumlah harus bilangan bulat ({nilai}).",
        "A count must be a whole number ({nilai}).",
    ),
    "tidak_wajar": (
        "Nilai tidak wajar: {nilai} lebih dari 100 kali penduduk wilayah ({penduduk}).",
        "Implausible value: {nilai} is more than 100 times the area's population ({penduduk}).",
    ),
    "periode": (
        "'{nilai}' bukan periode yang dikenali (contoh: 2023-08, 08/2023, Agustus 2023).",
        "'{nilai}' is not a recognised period (for example 2023-08, 08/2023, August 2023).",
    ),
    "periode_masa_depan": (
        "Periode {nilai} ada di masa depan.",
        "The period {nilai} is in the future.",
    ),
    "periode_sebelum_2018": (
        "Periode {nilai} sebelum program dimulai (2018).",
        "The period {nilai} is before the program started (2018).",
    ),
    "tanggal": (
        "'{nilai}' bukan tanggal yang dikenali (contoh: 15/08/2023).",
        "'{nilai}' is not a recognised date (for example 15/08/2023).",
    ),
    "tahun": ("'{nilai}' bukan tahun yang sah.", "'{nilai}' is not a valid year."),
    "ya_tidak": (
        "'{nilai}' harus ya/tidak (atau 1/0).",
        "'{nilai}' must be yes/no (or 1/0).",
    ),
    "pilihan": (
        "'{nilai}' tidak termasuk pilihan: {pilihan}.",
        "'{nilai}' is not one of: {pilihan}.",
    ),
    "kode": (
        "'{nilai}' bukan kode wilayah Kemendagri.",
        "'{nilai}' is not a Kemendagri area code.",
    ),
    "kode_tidak_dikenal": (
        "Kode wilayah {nilai} tidak ada di gazetir.",
        "Area code {nilai} is not in the gazetteer.",
    ),
    "wilayah_tidak_dikenal": (
        "Wilayah '{nilai}' tidak dikenal.{saran}",
        "Area '{nilai}' is unknown.{saran_en}",
    ),
    "wilayah_ambigu": (
        "Wilayah '{nilai}' ambigu: {saran}",
        "Area '{nilai}' is ambiguous: {saran_en}",
    ),
    "wilayah_kosong": (
        "Wilayah perpustakaan tidak diisi (kode_wilayah atau nama provinsi/kabupaten/desa).",
        "The library's area is missing (kode_wilayah or province/regency/village names).",
    ),
    "perpustakaan_tidak_dikenal": (
        "Perpustakaan '{nilai}' tidak ada di daftar perpustakaan.{saran}",
        "Library '{nilai}' is not in the library register.{saran_en}",
    ),
    "perpustakaan_ambigu": (
        "Perpustakaan '{nilai}' ambigu: {saran}",
        "Library '{nilai}' is ambiguous: {saran_en}",
    ),
    "duplikat": (
        "Baris ganda: kunci yang sama sudah ada di baris {baris_pertama} ({sheet_pertama}).",
        "Duplicate row: the same key is already on row {baris_pertama} ({sheet_pertama}).",
    ),
    "skor": (
        "Skor {nilai} di luar rentang 1-5 atau 0-100.",
        "Score {nilai} is outside the range 1-5 or 0-100.",
    ),
    "kpi_tidak_dikenal": (
        "KPI '{nilai}' tidak ada di katalog.{saran}",
        "KPI '{nilai}' is not in the catalogue.{saran_en}",
    ),
    "koordinat": (
        "Koordinat {nilai} di luar Indonesia.",
        "Coordinate {nilai} is outside Indonesia.",
    ),
}

_SUGGEST_ID = " Mungkin maksud Anda: {items}."
_SUGGEST_EN = " Did you mean: {items}?"


@dataclass(frozen=True)
class Message:
    rule: str
    message_id: str
    message_en: str


def message(rule: str, **values: Any) -> Message:
    """The message for ``rule`` with its placeholders filled (missing ones left empty)."""
    text_id, text_en = MESSAGES[rule]
    filled = _Defaults(values)
    return Message(rule, text_id.format_map(filled), text_en.format_map(filled))


def suggestions_text(items: list[tuple[str, str]], limit: int = 3) -> tuple[str, str]:
    """(' Mungkin maksud Anda: A (01), B (02).', ' Did you mean: ...?') or ('', '')."""
    if not items:
        return "", ""
    text = ", ".join(f"{nama} ({kode})" for kode, nama in items[:limit])
    return _SUGGEST_ID.format(items=text), _SUGGEST_EN.format(items=text)


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class RefusalError(Exception):
    """A file refused as a whole: one clear message, nothing read further, nothing written."""

    def __init__(self, rule: str, **values: Any) -> None:
        self.msg = message(rule, **values)
        super().__init__(self.msg.message_en)

    @property
    def rule(self) -> str:
        return self.msg.rule
