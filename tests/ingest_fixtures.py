"""Spreadsheets as analysts send them, built in code for the importer's tests."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl

from kpi.store import Store

# libraries of the small register the tests import first (real Kemendagri codes)
REGISTER = [
    ("P-001", "Perpustakaan Desa Pondok Rajeg", "desa_kelurahan", "3201011001", 2019, 9000),
    ("P-002", "Perpustakaan Desa Karadenan", "desa_kelurahan", "3201011002", 2020, 8000),
    ("3201", "Dinas Perpustakaan Kabupaten Bogor", "kabupaten_kota", "3201", 2018, 5_000_000),
]
REGISTER_HEADER = [
    "Kode Perpustakaan",
    "Nama Perpustakaan",
    "Jenis",
    "Kode Wilayah",
    "Tahun Bergabung",
    "Penduduk",
]


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A plain workbook: sheet name -> rows."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    return xlsx_bytes(wb)


def register_csv(rows: list[tuple[Any, ...]] | None = None) -> bytes:
    lines = [";".join(REGISTER_HEADER)]
    for r in rows or REGISTER:
        lines.append(";".join(str(x) for x in r))
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed_register(store: Store) -> str:
    """Import the small register; returns its batch id."""
    from kpi.ingest import commit, plan_import

    plan = plan_import(store, [("register.csv", register_csv())])
    assert plan.rejected == 0, plan.issues.to_dict("records")
    return commit(store, plan).batch_id


def messy_monthly_xlsx() -> bytes:
    """A provincial office's export: title rows, a merged two-row header, text numbers with
    dots and commas, dash zeros, month names, day-first text dates, a numbering row, a code
    stored as a number, a JUMLAH row and a note below the data."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Laporan Agustus"
    ws.append(["LAPORAN BULANAN PERPUSTAKAAN MITRA TPBIS"])  # row 1
    ws.merge_cells("A1:H1")
    ws.append(["Dinas Perpustakaan Kabupaten Bogor"])  # row 2
    ws.append([])  # row 3
    ws.append(
        [
            "Kode Perpustakaan",
            "Bulan",
            "Tahun",
            "Tanggal Lapor",
            "Jml. Kunjungan",
            "Pelibatan Masyarakat",
            None,
            "Anggaran (Rp)",
        ]
    )  # row 4
    ws.append([None, None, None, None, None, "Kegiatan", "Peserta", None])  # row 5
    for col in "ABCDEH":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("F4:G4")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])  # row 6: numbering
    ws.append(["P-001", "Agustus", 2023, "05/09/2023", "1.234", "3", "45", "Rp 2.500.000"])  # 7
    ws.append(["P-002", "Agt", "2023", "15-09-2023", "2,345", "-", "-", "1.250.000,50"])  # 8
    ws.append([3201, "8", 2023, date(2023, 9, 10), 5432, 4, 120, None])  # 9: code as a number
    ws.append([])  # 10
    ws.append(["JUMLAH", None, None, None, 9011, 7, 165, 3750000.5])  # 11
    ws.append(["Sumber: laporan perpustakaan desa, diolah"])  # 12
    return xlsx_bytes(wb)


def monthly_rows(rows: list[tuple[str, str, Any]], indicator: str = "Kunjungan") -> list[list[Any]]:
    """[kode, periode, value] rows under a plain header."""
    return [["Kode Perpustakaan", "Periode", indicator], *[list(r) for r in rows]]


def cp1252_semicolon_csv() -> bytes:
    text = (
        "Kode Perpustakaan;Nama Perpustakaan;Periode;Kunjungan;Peserta;Keterangan\r\n"
        "P-001;Perpustakaan Desa Pondok Rajeg;Agustus 2023;1.234;12;Kegiatan dongeng café\r\n"
        "P-002;Perpustakaan Desa Karadenan;08/2023;2.001;–;Pelatihan menjahit ibu-ibu\r\n"
    )
    return text.encode("cp1252")
