"""Every message the importer shows, in Indonesian and English, keyed by rule.

A message is data (rule, message_id, message_en) so that the validation report is a plain frame
and the page can show it in the analyst's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# rule -> (Indonesian, English); {placeholders} are filled by ``message``
MESSAGES: dict[str, tuple[str, str]] = {
    # files
    "sudah_diimpor": (
        "Berkas ini sama persis dengan yang sudah diimpor sebagai batch {batch} pada {tanggal}; "
        "mengimpor lagi tidak mengubah apa pun.",
        "This file is the same as the one already imported as batch {batch} on {tanggal}; "
        "importing it again changes nothing.",
    ),
    "sudah_diimpor_berubah": (
        "Berkas ini sama persis dengan yang sudah diimpor sebagai batch {batch} pada {tanggal}. "
        "Mengimpor lagi menambah atau mengubah {n} baris (nilai yang sejak itu diganti impor "
        "lain, atau baris yang dulu ditolak).",
        "This file is the same as the one already imported as batch {batch} on {tanggal}. "
        "Importing it again adds or changes {n} rows (values other imports replaced since, or "
        "rows rejected then).",
    ),
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
        "'{nilai}' tidak termasuk pilihan: {pilihan}. Artinya dapat dipilih di halaman Impor "
        "data (Nilai yang belum dikenali).",
        "'{nilai}' is not one of: {pilihan}. Its meaning can be chosen in the Import data page "
        "(Values not recognised).",
    ),
    "terlalu_panjang": (
        "Isi sel terlalu panjang ({panjang} karakter; batas {batas} untuk kolom ini).",
        "The cell is too long ({panjang} characters; the limit for this column is {batas}).",
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
        "Wilayah '{nilai}' ambigu: {saran}. Kolom lain di baris ini tidak memilih salah satunya; "
        "tambahkan kecamatan, desa/kelurahan atau kode wilayah.",
        "Area '{nilai}' is ambiguous: {saran_en}. The row's other columns do not settle it; add "
        "the kecamatan, the desa/kelurahan or the area code.",
    ),
    "wilayah_tidak_cocok": (
        "{kolom} '{nilai}' tidak berada di {kolom_lain} '{nilai_lain}'.{saran}",
        "{kolom} '{nilai}' is not in {kolom_lain} '{nilai_lain}'.{saran_en}",
    ),
    "kode_tidak_cocok": (
        "{kolom_kode} {kode} ({nama}) tidak sesuai dengan {kolom} '{nilai}'.",
        "{kolom_kode} {kode} ({nama}) does not match {kolom} '{nilai}'.",
    ),
    "wilayah_kosong": (
        "Wilayah perpustakaan tidak diisi (kode_wilayah atau nama provinsi/kabupaten/desa).",
        "The library's area is missing (kode_wilayah or province/regency/village names).",
    ),
    "perpustakaan_tidak_dikenal": (
        "Perpustakaan '{nilai}' tidak ada di daftar perpustakaan.{saran}",
        "Library '{nilai}' is not in the library register.{saran_en}",
    ),
    "jenis_tidak_jelas": (
        "Jenis tidak diisi dan tidak dapat dibaca: wilayah {kode} menunjukkan {dari_kode}, nama "
        "'{nama}' menunjukkan {dari_nama}. Isi kolom jenis.",
        "Level not given and not clear: the area {kode} says {dari_kode}, the name '{nama}' says "
        "{dari_nama}. Fill in the level column.",
    ),
    "perpustakaan_ditolak": (
        "Perpustakaan '{nilai}' ada di daftar perpustakaan berkas ini, tetapi barisnya ditolak "
        "({berkas}, sheet {sheet}, baris {baris}); perbaiki baris itu, maka baris ini ikut "
        "diterima.",
        "Library '{nilai}' is in this import's register, but its row was rejected ({berkas}, "
        "sheet {sheet}, row {baris}); fix that row and this one is accepted too.",
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
    # capture areas (kpi/ingest/capture.py)
    "di_luar_wilayah": (
        "Di luar wilayah input Anda ({wilayah}): {apa}. Baris ini tidak diimpor.",
        "Outside your capture areas ({wilayah_en}): {apa_en}. This row is not imported.",
    ),
    "jenis_tidak_diizinkan": (
        "Peran {peran} tidak boleh mengimpor {jenis}; baris ini tidak diimpor.",
        "The role {peran_en} may not import {jenis_en}; this row is not imported.",
    ),
}

# notes: what the importer read for the analyst; shown in the report, never a reason to reject
NOTES: dict[str, tuple[str, str]] = {
    "jenis_dari_kode": (
        "Jenis tidak diisi: dibaca dari wilayah {kode} ({digit} digit) sebagai {jenis}.",
        "Level not given: read from the area {kode} ({digit} digits) as {jenis}.",
    ),
    "jenis_dari_nama": (
        "Jenis tidak diisi: dibaca dari nama '{nama}' sebagai {jenis}.",
        "Level not given: read from the name '{nama}' as {jenis}.",
    ),
    "wilayah_dibaca": (
        "{kolom} '{nilai}' dibaca sebagai {nama} ({kode}), sesuai kolom wilayah lain di baris ini.",
        "{kolom} '{nilai}' read as {nama} ({kode}), as the row's other area columns say.",
    ),
}
MESSAGES.update(NOTES)

# a value from a file is shown in a message up to this many characters
SHOWN_CHARS = 120
_FROM_FILE = frozenset({"nilai", "nilai_lain", "nama", "detail", "kode"})

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
    filled = _Defaults(
        {k: _short(x) if k in _FROM_FILE and isinstance(x, str) else x for k, x in values.items()}
    )
    return Message(rule, text_id.format_map(filled), text_en.format_map(filled))


def suggestions_text(items: list[tuple[str, str]], limit: int = 3) -> tuple[str, str]:
    """(' Mungkin maksud Anda: A (01), B (02).', ' Did you mean: ...?') or ('', '')."""
    if not items:
        return "", ""
    text = ", ".join(f"{nama} ({kode})" for kode, nama in items[:limit])
    return _SUGGEST_ID.format(items=text), _SUGGEST_EN.format(items=text)


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


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


def rule_name(rule: str, lang: str = "id") -> str:
    """A rule of the validation report in words (data/i18n impor.rule.*), never its raw code;
    a rule without a name (none should be) shows as its code."""
    from kpi import i18n

    key = f"impor.rule.{rule}"
    text = i18n.t(key, lang)
    return str(rule) if text == key else text
