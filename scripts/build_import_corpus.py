"""Build tests/fixtures/corpus/: spreadsheets shaped like what province and district offices
really export, for the importer's corpus test (tests/test_import_corpus.py).

    python scripts/build_import_corpus.py [--out DIR] [--no-libreoffice]

Writes the .xlsx and .csv files with openpyxl and the standard library, then the .ods and .xls
copies of the office workbook with LibreOffice (``soffice --headless --convert-to``; Debian
package libreoffice-calc-nogui). The outputs are committed: the tests never need LibreOffice.
Every figure is a literal below, so that the test's expected totals can be summed by hand.

The files (the office workbook "kantor" and its copies describe the same 14 libraries and
their reports for January-March 2024):

- kantor_jabar_ntb_jatim.xlsx: an instructions sheet, the register with levels written as labels
  ("Perpustakaan Kelurahan", "Perpusdes", "Perpustakaan Daerah Provinsi"), kab/kota written bare
  ("Bogor", "Bima", "Kediri"), in capitals and as "Kab.", codes only for some, support types as
  people write them; then one sheet per month (Januari, Februari, Maret) with month names,
  Indonesian numbers, "-" for zero, "Ada / Tidak ada" and a JUMLAH row.
- kantor_jabar_ntb_jatim.ods / .xls: LibreOffice copies of it.
- kantor_daftar_cp1252.csv, kantor_laporan_cp1252.csv: the same data as Windows-1252 csv files
  with semicolons, as Excel saves them on an Indonesian Windows.
- daftar_nama_tanpa_kode.xlsx: a register with names and no codes, no level column (the level
  is read from the place and the name), one kab/kota misspelt but settled by its kecamatan.
- daftar_kode_tanpa_nama.csv: a register with codes and no area names (library codes that embed
  the Kemendagri code: 3201011003, 32.71.01.1001, KAB-5201, PROV-35).
- satu_data_iplm_2023.csv: a Satu Data portal export of the IPLM (names in capitals).
- rekap_triwulan_gabung.xlsx: a recap with title rows, a merged two-row header, a numbering row
  and a JUMLAH row (April 2024).
- laporan_nama_wilayah.xlsx: reports naming the library and its kab/kota, no codes (May 2024).
- target_2024.xlsx: targets with levels written as labels.
- penilaian_ciel_2024.xlsx: CIEL self-assessment, "Semester II 2024", decimals with commas.
- laporan_bermasalah.xlsx: real problems: a place the row does not settle, names that contradict
  the code, a level that is no level, a report row with three problems, a report of a library
  whose register row is rejected.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"

# --- the office's register: 14 libraries in Jawa Barat, NTB and Jawa Timur -------------------
# kode, nama, jenis (as written), provinsi, kab/kota (as written), kecamatan, desa, kode wilayah,
# tahun bergabung, dukungan (as written), penduduk (as written)
# fmt: off
REGISTER: list[tuple[Any, ...]] = [
    (3201011001, "Perpustakaan Kelurahan Pondok Rajeg", "Perpustakaan Kelurahan", "Jawa Barat",
     "Bogor", "Cibinong", "Pondok Rajeg", None, 2019, "Dukungan Penuh", "21.350"),
    ("3201011002", "Perpustakaan Kelurahan Karadenan", "Perpustakaan Kelurahan", "JAWA BARAT",
     "Kab. Bogor", "Cibinong", "Karadenan", "32.01.01.1002", 2019, "Penuh", 18200),
    ("3201062001", "Perpustakaan Desa Sukamaju", "Perpusdes", "Jawa Barat", "BOGOR", "Jonggol",
     "Sukamaju", None, 2020, "Replikasi Mandiri", "7.940"),
    ("3271011003", "Perpustakaan Kelurahan Empang", "PERPUSTAKAAN KELURAHAN", "Jawa Barat",
     "Kota Bogor", "Bogor Selatan", "Empang", None, 2021, "Replikasi", "12.480"),
    ("3201", "Dinas Perpustakaan dan Kearsipan Kabupaten Bogor", "Perpustakaan Kabupaten",
     "Jawa Barat", "Bogor", None, None, None, 2018, "Dukungan Penuh", "5.427.068"),
    ("3271", "Perpustakaan Kota Bogor", "Perpustakaan Kota", "Jawa Barat", "Bogor", None, None,
     None, 2019, "penuh", "1.043.070"),
    ("32", "Dinas Perpustakaan Daerah Provinsi Jawa Barat", "Perpustakaan Daerah Provinsi",
     "Jawa Barat", None, None, None, "32", 2018, "Penuh", None),
    ("5206012006", "Perpustakaan Desa Sondo", "Perpustakaan Desa", "Nusa Tenggara Barat", "BIMA",
     "Monta", "Sondo", None, 2020, "Bantuan Buku", "3.105"),
    ("5272011001", "Perpustakaan Kelurahan Paruga", "Kelurahan", "NTB", "Bima", "Rasanae Barat",
     "Paruga", None, 2021, "Penuh", "6.870"),
    ("KAB-5206", "Perpustakaan Kabupaten Bima", "Perpustakaan Kabupaten", "NTB", "Bima", None,
     None, None, 2019, "Penuh", "514.105"),
    ("PROV-52", "Perpustakaan Provinsi NTB", "Perpustakaan Provinsi", "Nusa Tenggara Barat", None,
     None, None, None, 2018, "Penuh", None),
    ("3506172008", "Perpustakaan Desa Tulungrejo", "Desa", "Jawa Timur", "Kab. Kediri", "Pare",
     "Tulungrejo", None, 2022, "Replikasi Mandiri", "9.000"),
    ("3571011004", "Perpustakaan Kelurahan Pojok", "Perpustakaan Kelurahan", "Jawa Timur",
     "Kediri", "Mojoroto", "Pojok", None, 2022, "Penuh", "8.500"),
    ("3571", "Perpustakaan Kota Kediri", "Perpustakaan Kota", "JAWA TIMUR", "KEDIRI", None, None,
     None, 2020, "Penuh", "286.796"),
]
REGISTER_HEADER = [
    "No",
    "Kode Perpustakaan",
    "Nama Perpustakaan",
    "Jenis Perpustakaan",
    "Provinsi",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Wilayah",
    "Tahun Bergabung",
    "Skema Dukungan",
    "Jumlah Penduduk",
]

# visits in January; February is +10 and March +20 (kegiatan the same each month)
# kode as in the register, visits (January), kegiatan per month, internet (as written)
MONTHLY: list[tuple[Any, int, Any, str]] = [
    (3201011001, 1250, 2, "Ada"),
    ("3201011002", 980, 2, "ada"),
    ("3201062001", 430, "-", "Tidak ada"),
    ("3271011003", 760, 1, "Tersedia"),
    ("3201", 2100, 4, "Ya"),
    ("3271", 1640, 3, "✓"),
    ("32", 3300, 6, "Ada"),
    ("5206012006", 310, 1, "Tidak Ada"),
    ("5272011001", 520, 2, "Ada"),
    ("KAB-5206", 890, 3, "Ada"),
    ("PROV-52", 1150, 5, "Ada"),
    ("3506172008", 400, 1, "belum ada"),
    ("3571011004", 615, 2, "Ada"),
    ("3571", 1025, 4, "Ada"),
]
# fmt: on
MONTHS = [("Januari", 0), ("Februari", 10), ("Maret", 20)]
MONTHLY_HEADER = [
    "No",
    "Kode Perpustakaan",
    "Nama Perpustakaan",
    "Bulan",
    "Tahun",
    "Jml. Kunjungan",
    "Kegiatan",
    "Akses Internet",
]


def _id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _name_of(kode: Any) -> str:
    return next(r[1] for r in REGISTER if r[0] == kode)


def _monthly_rows(month: str, plus: int) -> list[list[Any]]:
    rows = []
    for n, (kode, visits, kegiatan, internet) in enumerate(MONTHLY, start=1):
        v = visits + plus
        # numbers as offices type them: some as text with thousands dots
        shown: Any = _id_number(v) if n % 3 == 0 else v
        rows.append([n, kode, _name_of(kode), month, 2024, shown, kegiatan, internet])
    return rows


def _save(wb: openpyxl.Workbook, path: Path) -> None:
    wb.properties.creator = "TPBIS corpus"
    wb.save(path)


def _title(ws: Worksheet, lines: list[str], width: int) -> None:
    for line in lines:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append([])


def kantor_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "Petunjuk"
    info.append(["Petunjuk pengisian"])
    info.append(["Isi satu baris per perpustakaan. Jenis: Perpustakaan Desa/Kelurahan/Kab/Kota."])
    ws = wb.create_sheet("Daftar Perpustakaan")
    _title(
        ws,
        ["DAFTAR PERPUSTAKAAN MITRA TPBIS", "Keadaan 31 Desember 2023"],
        len(REGISTER_HEADER),
    )
    ws.append(REGISTER_HEADER)
    for n, row in enumerate(REGISTER, start=1):
        ws.append([n, *row])
    for month, plus in MONTHS:
        ws = wb.create_sheet(month)
        _title(ws, [f"LAPORAN BULANAN PERPUSTAKAAN MITRA - {month.upper()} 2024"], 8)
        ws.append(MONTHLY_HEADER)
        rows = _monthly_rows(month, plus)
        for row in rows:
            ws.append(row)
        total = sum(int(str(r[5]).replace(".", "")) for r in rows)
        ws.append(["JUMLAH", None, None, None, None, total, None, None])
    _save(wb, path)


def _csv(path: Path, rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    path.write_bytes(buf.getvalue().encode("cp1252"))


def kantor_csv(folder: Path) -> None:
    # Excel on Windows writes what the cell shows: the ✓ is not in Windows-1252, it became "v"
    _csv(
        folder / "kantor_daftar_cp1252.csv",
        [REGISTER_HEADER, *[[n, *r] for n, r in enumerate(REGISTER, start=1)]],
    )
    rows: list[list[Any]] = [MONTHLY_HEADER]
    for month, plus in MONTHS:
        for r in _monthly_rows(month, plus):
            r[7] = "v" if r[7] == "✓" else r[7]
            r[6] = "–" if r[6] == "-" else r[6]  # an en dash, 0x96 in Windows-1252
            rows.append(r)
    _csv(folder / "kantor_laporan_cp1252.csv", rows)


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    _save(wb, path)


def daftar_nama_tanpa_kode(path: Path) -> None:
    """Names, no codes, no level column: Lombok Barat and Mataram (NTB)."""
    _workbook(
        path,
        {
            "Perpustakaan": [
                ["Daftar Perpustakaan Mitra Kab. Lombok Barat dan Kota Mataram"],
                [],
                ["No", "Kode", "Nama Perpustakaan", "Provinsi", "Kab/Kota", "Kecamatan", "Desa"],
                [
                    1,
                    "LB-01",
                    "Perpustakaan Kelurahan Gerung Utara",
                    "NTB",
                    "Lombok Barat",
                    "Gerung",
                    "Gerung Utara",
                ],
                [
                    2,
                    "LB-02",
                    "Perpustakaan Desa Kebon Ayu",
                    "Nusa Tenggara Barat",
                    "Lombok Barta",
                    "Gerung",
                    "Kebon Ayu",
                ],
                [
                    3,
                    "LB-03",
                    "Perpustakaan Desa Gapuk",
                    "NTB",
                    "LOMBOK BARAT",
                    "Kec. Gerung",
                    "Ds. Gapuk",
                ],
                [
                    4,
                    "LB-04",
                    "Perpustakaan Kabupaten Lombok Barat",
                    "NTB",
                    "Kab. Lombok Barat",
                    None,
                    None,
                ],
                [
                    5,
                    "MTR-01",
                    "Perpustakaan Kelurahan Pejeruk",
                    "NTB",
                    "Mataram",
                    "Ampenan",
                    "Pejeruk",
                ],
                [6, "MTR-02", "Perpustakaan Kota Mataram", "NTB", "Kota Mataram", None, None],
            ]
        },
    )


def daftar_kode_tanpa_nama(path: Path) -> None:
    """Codes and no area names; the level column left empty."""
    rows = [
        ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis", "Kode Wilayah", "Tahun Bergabung"],
        ["3201011003", "Perpustakaan Kelurahan Harapanjaya", "", "", "2021"],
        ["32.71.01.1001", "Perpustakaan Kelurahan Batu Tulis", "", "", "2021"],
        ["KAB-5201", "Perpustakaan Kabupaten Lombok Barat", "", "", "2019"],
        ["PROV-35", "Dinas Perpustakaan Provinsi Jawa Timur", "", "", "2018"],
        ["JT-0101", "Perpustakaan Desa Sidorejo", "", "3506172001", "2022"],
        ["JT-0102", "Perpustakaan Kelurahan Bandar Lor", "", "35.71.01.1001", "2022"],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def satu_data_iplm(path: Path) -> None:
    """The shape of a Satu Data portal export (comma, dot decimals, names in capitals)."""
    rows = [
        [
            "id",
            "kode_provinsi",
            "nama_provinsi",
            "kode_kabupaten_kota",
            "nama_kabupaten_kota",
            "indeks_pembangunan_literasi_masyarakat",
            "satuan",
            "tahun",
        ],
        [1, 32, "JAWA BARAT", 3201, "KABUPATEN BOGOR", "68.12", "INDEKS", 2023],
        [2, 32, "JAWA BARAT", 3271, "KOTA BOGOR", "71.40", "INDEKS", 2023],
        [3, 52, "NUSA TENGGARA BARAT", 5206, "KABUPATEN BIMA", "59.08", "INDEKS", 2023],
        [4, 52, "NUSA TENGGARA BARAT", 5272, "KOTA BIMA", "63.75", "INDEKS", 2023],
        [5, 35, "JAWA TIMUR", 3506, "KABUPATEN KEDIRI", "66.30", "Indeks", 2023],
        [6, 35, "JAWA TIMUR", 3571, "KOTA KEDIRI", "73.02", "indeks", 2023],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


# April 2024 recap: kode, kunjungan, peminjaman, kegiatan, peserta
RECAP: list[tuple[str, Any, Any, Any, Any]] = [
    ("3201011001", 1300, 410, 2, 45),
    ("3201011002", "1.005", 380, 2, 38),
    ("3201062001", 455, "-", 1, 20),
    ("3201", 2150, 900, 4, 160),
    ("5206012006", 330, 95, 1, 18),
    ("3571011004", 640, 210, 2, 41),
]


def rekap_triwulan(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rekap April"
    ws.append(["REKAPITULASI LAPORAN PERPUSTAKAAN MITRA TPBIS"])  # 1
    ws.merge_cells("A1:H1")
    ws.append(["Bulan April 2024"])  # 2
    ws.merge_cells("A2:H2")
    ws.append([])  # 3
    ws.append(
        [
            "No",
            "Kode Perpustakaan",
            "Periode",
            "Layanan Informasi",
            None,
            "Pelibatan Masyarakat",
            None,
            "Keterangan",
        ]
    )  # 4
    ws.append([None, None, None, "Kunjungan", "Peminjaman", "Kegiatan", "Peserta", None])  # 5
    for col in "ABCH":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("D4:E4")
    ws.merge_cells("F4:G4")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])  # 6
    for n, (kode, kunjungan, pinjam, kegiatan, peserta) in enumerate(RECAP, start=1):
        ws.append([n, kode, "Apr-24", kunjungan, pinjam, kegiatan, peserta, None])
    ws.append(["JUMLAH", None, None, 5880, 1995, 12, 322, None])
    ws.append(["Sumber: laporan perpustakaan, diolah Dinas Perpustakaan Provinsi"])
    _save(wb, path)


# May 2024, libraries by name and kab/kota: name, kab/kota (as written), kunjungan, kegiatan
BY_NAME: list[tuple[str, str | None, int, int]] = [
    ("Perpustakaan Kelurahan Karadenan", "Bogor", 1010, 2),
    ("Perpus. Kelurahan Empang", "Kota Bogor", 790, 1),
    ("Perpustakaan Desa Sondo", "BIMA", 345, 1),
    ("Perpustakaan Kelurahan Paruga", "Kota Bima", 560, 2),
    ("Perpustakaan Kota Kediri", "Kediri", 1080, 4),
]


def laporan_nama_wilayah(path: Path) -> None:
    rows: list[list[Any]] = [
        ["Nama Perpustakaan", "Kab/Kota", "Bulan", "Tahun", "Kunjungan", "Kegiatan"]
    ]
    for nama, kab, kunjungan, kegiatan in BY_NAME:
        rows.append([nama, kab, "Mei", 2024, kunjungan, kegiatan])
    _workbook(path, {"Laporan Mei": rows})


def target_2024(path: Path) -> None:
    _workbook(
        path,
        {
            "Target 2024": [
                ["Indikator", "Tingkat", "Kode", "Tahun", "Target"],
                ["Kunjungan", "Nasional", None, 2024, "1.000.000"],
                ["kunjungan", "Provinsi", "32", 2024, 40000],
                ["Kegiatan pelibatan masyarakat", "Kab/Kota", "32.01", 2024, 120],
                ["kegiatan", "Per Perpustakaan", "3201011001", 2024, 24],
                ["Kunjungan", "Kabupaten", "52.06", 2024, "5.000"],
            ]
        },
    )


def penilaian_ciel(path: Path) -> None:
    _workbook(
        path,
        {
            "CIEL": [
                [
                    "Kode Perpustakaan",
                    "Periode",
                    "Kreativitas",
                    "Inovasi",
                    "Kewirausahaan",
                    "Kepemimpinan",
                ],
                ["3201011001", "Semester II 2024", "4", "3,5", "3", "4,5"],
                ["5206012006", "Semester II 2024", 2, "2,5", 3, 3],
                ["3571", "2024-S2", 5, 4, "4,0", 5],
            ]
        },
    )


def laporan_bermasalah(path: Path) -> None:
    _workbook(
        path,
        {
            "Daftar": [
                [
                    "Kode Perpustakaan",
                    "Nama Perpustakaan",
                    "Jenis Perpustakaan",
                    "Kab/Kota",
                    "Kecamatan",
                    "Desa/Kelurahan",
                    "Kode Wilayah",
                    "Jumlah Penduduk",
                ],
                # 2: fine: a bare "Bogor" settled by its kecamatan and kelurahan
                [
                    "JB-101",
                    "Perpustakaan Kelurahan Nanggewer",
                    "Perpustakaan Kelurahan",
                    "Bogor",
                    "Cibinong",
                    "Nanggewer",
                    None,
                    "15.000",
                ],
                # 3: "Bogor" and nothing below it: Kabupaten or Kota?
                [
                    "JB-102",
                    "Perpustakaan Bogor Raya",
                    "Perpustakaan Desa",
                    "Bogor",
                    None,
                    None,
                    None,
                    "4.000",
                ],
                # 4: the names contradict the code
                [
                    "JB-103",
                    "Perpustakaan Kelurahan Pakansari",
                    "Perpustakaan Kelurahan",
                    "Kota Bandung",
                    None,
                    None,
                    "32.01.01.1007",
                    "9.000",
                ],
                # 5: a level that is no level, and a population that is no number
                [
                    "JB-104",
                    "Taman Baca Tengah",
                    "Taman Baca",
                    "Kab. Bogor",
                    "Cibinong",
                    "Tengah",
                    None,
                    "banyak",
                ],
            ],
            "Laporan Juni": [
                ["Kode Perpustakaan", "Periode", "Kunjungan", "Kegiatan"],
                ["JB-101", "Juni 2024", 150, 1],  # 2: fine
                ["JB-404", "Bulan ke-13 2024", "-5", 1],  # 3: three problems
                ["JB-103", "Juni 2024", 90, 1],  # 4: its register row is rejected
            ],
        },
    )


def libreoffice_copies(source: Path, folder: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-calc-nogui")
    for fmt in ("ods", "xls"):
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )


def build(folder: Path, libreoffice: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    kantor = folder / "kantor_jabar_ntb_jatim.xlsx"
    kantor_workbook(kantor)
    kantor_csv(folder)
    daftar_nama_tanpa_kode(folder / "daftar_nama_tanpa_kode.xlsx")
    daftar_kode_tanpa_nama(folder / "daftar_kode_tanpa_nama.csv")
    satu_data_iplm(folder / "satu_data_iplm_2023.csv")
    rekap_triwulan(folder / "rekap_triwulan_gabung.xlsx")
    laporan_nama_wilayah(folder / "laporan_nama_wilayah.xlsx")
    target_2024(folder / "target_2024.xlsx")
    penilaian_ciel(folder / "penilaian_ciel_2024.xlsx")
    laporan_bermasalah(folder / "laporan_bermasalah.xlsx")
    if libreoffice:
        libreoffice_copies(kantor, folder)
    return sorted(folder.iterdir())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-libreoffice", action="store_true", help="skip the .ods / .xls copies")
    args = ap.parse_args()
    for path in build(args.out, libreoffice=not args.no_libreoffice):
        print(f"{path.stat().st_size:>8,}  {path.name}")


if __name__ == "__main__":
    main()
