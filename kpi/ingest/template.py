"""The template workbook: a Petunjuk (instructions) sheet, one sheet per kind with the
contract's column names as headers, notes on each header and drop-down lists where the values
are fixed. Generated on demand, so it always matches the importer."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kpi import export
from kpi.columns import CIEL_DIMENSIONS, JENIS_DUKUNGAN, JENIS_PERPUSTAKAAN, MONTHLY_COLUMNS
from kpi.ingest.kinds import TINGKAT_TARGET

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "data" / "templat_impor.xlsx"

_MONTHLY_NOTES = {c.name: f"{c.label_id} / {c.label_en}" for c in MONTHLY_COLUMNS}

SHEETS: dict[str, list[tuple[str, str]]] = {
    "perpustakaan": [
        ("kode_perpustakaan", "Wajib. Kode tetap perpustakaan (NPP bila ada)."),
        ("nama_perpustakaan", "Wajib. Nama perpustakaan."),
        ("jenis", "Wajib. provinsi, kabupaten_kota atau desa_kelurahan."),
        ("kode_wilayah", "Kode Kemendagri wilayah (2, 4 atau 10 digit, boleh bertitik)."),
        ("provinsi", "Nama provinsi (bila kode_wilayah kosong)."),
        ("kabupaten_kota", "Nama kabupaten/kota (bila kode_wilayah kosong)."),
        ("kecamatan", "Nama kecamatan (bila kode_wilayah kosong)."),
        ("desa_kelurahan", "Nama desa/kelurahan (bila kode_wilayah kosong)."),
        ("tahun_bergabung", "Tahun bergabung dengan TPBIS."),
        ("jenis_dukungan", "penuh, replikasi_mandiri atau bantuan_buku."),
        ("penduduk", "Jumlah penduduk wilayah layanan."),
        ("latitude", "Lintang (desimal)."),
        ("longitude", "Bujur (desimal)."),
    ],
    "laporan_bulanan": [
        ("kode_perpustakaan", "Wajib. Kode perpustakaan seperti di sheet perpustakaan."),
        ("periode", "Wajib. Bulan laporan: 2023-08, 08/2023 atau Agustus 2023."),
        *[(c.name, _MONTHLY_NOTES[c.name]) for c in MONTHLY_COLUMNS],
    ],
    "target": [
        ("kpi", "Wajib. Id KPI dari katalog atau nama kolom indikator (mis. kunjungan)."),
        ("tingkat", "nasional, provinsi, kabupaten_kota atau perpustakaan."),
        ("kode", "Kode wilayah atau kode perpustakaan; kosong untuk nasional."),
        ("tahun", "Wajib. Tahun target."),
        ("nilai", "Wajib. Nilai target."),
        (
            "jenis",
            "Opsional. provinsi, kabupaten_kota atau desa_kelurahan: target berlaku untuk setiap "
            "perpustakaan jenis itu di wilayah ini (atau nasional). Kosong: target untuk wilayah "
            "itu sendiri (jumlah atau rasio wilayah) atau untuk perpustakaan yang disebut kode.",
        ),
    ],
    "penilaian_mandiri": [
        ("kode_perpustakaan", "Wajib."),
        ("periode", "Wajib. Tahun (2023) atau semester (2023-S2)."),
        *[(c, "Skor 1-5 (desimal boleh) atau 0-100.") for c in CIEL_DIMENSIONS],
        ("layanan_informasi", "Penilaian diri 1-5 (opsional)."),
        ("pelibatan_masyarakat", "Penilaian diri 1-5 (opsional)."),
        ("advokasi", "Penilaian diri 1-5 (opsional)."),
    ],
    "indikator_konteks": [
        ("kode_provinsi", "Kode provinsi (2 digit)."),
        ("nama_provinsi", "Nama provinsi."),
        ("kode_kabupaten_kota", "Kode kabupaten/kota (opsional, 4 digit)."),
        ("nama_kabupaten_kota", "Nama kabupaten/kota (opsional)."),
        ("indikator", "Nama indikator: IPLM, TGM, TKM ..."),
        ("nilai", "Nilai indikator."),
        ("satuan", "Satuan (indeks, persen ...)."),
        ("tahun", "Tahun data."),
    ],
}

LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("perpustakaan", "jenis"): JENIS_PERPUSTAKAAN,
    ("perpustakaan", "jenis_dukungan"): JENIS_DUKUNGAN,
    ("target", "tingkat"): TINGKAT_TARGET,
    ("target", "jenis"): JENIS_PERPUSTAKAAN,
    ("laporan_bulanan", "akses_internet"): ("ya", "tidak"),
}

PETUNJUK = [
    "Petunjuk pengisian templat impor TPBIS / How to fill in the TPBIS import template",
    "",
    "1. Setiap sheet adalah satu jenis data; sheet dikenali dari judul kolomnya, bukan namanya.",
    "   Each sheet is one kind of data, recognised by its column headers, not by its name.",
    "2. Isi satu baris per perpustakaan (perpustakaan), per perpustakaan per bulan "
    "(laporan_bulanan), per target, per penilaian, per wilayah dan tahun (indikator_konteks).",
    "3. Kolom indikator boleh dikosongkan: kosong berarti tidak dilaporkan, berbeda dengan 0.",
    "   Empty means not reported, which is different from 0. '-' means 0.",
    "4. Angka boleh ditulis 1.234 atau 1.234,5; periode 2023-08, 08/2023 atau Agustus 2023.",
    "5. Kode wilayah mengikuti Kemendagri (boleh bertitik: 32.01.01.2001).",
    "6. Unggah di halaman Impor data: periksa laporan uji coba, lalu simpan. Impor dapat "
    "dibatalkan dari riwayat impor.",
    "   Upload on the Import data page: check the dry-run report, then commit. An import can "
    "be undone from the import history.",
    "7. Baris JUMLAH/TOTAL dan catatan di bawah data diabaikan.",
]


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    # every cell through the project's one formula-safe writer (kpi.export.put_cell)
    for i, line in enumerate(PETUNJUK, start=1):
        export.put_cell(ws, i, 1, line)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for kind, columns in SHEETS.items():
        sheet = wb.create_sheet(kind)
        for idx, (name, note) in enumerate(columns, start=1):
            cell = export.put_cell(sheet, 1, idx, name)
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True)
            cell.comment = Comment(note, "TPBIS")
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(14, len(name) + 4)
            choices = LISTS.get((kind, name))
            if choices:
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                dv.add(f"{letter}2:{letter}5000")
                sheet.add_data_validation(dv)
        sheet.freeze_panes = "A2"
    # fixed document dates: the same code gives the same file (data/templat_impor.xlsx)
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)
    wb.properties.creator = "TPBIS KPI Dashboard"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    """Regenerate the committed copy (data/templat_impor.xlsx)."""
    path.write_bytes(build_template())
    return path
