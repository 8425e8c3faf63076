"""The import corpus: files shaped like what offices really export (tests/fixtures/corpus/, built
by scripts/build_import_corpus.py), each run through ``python -m kpi import --json`` with its
expected accepted / rejected counts, and the totals of ``python -m kpi kpis`` summed by hand.

The office workbook describes 14 libraries (7 in Jawa Barat, 4 in NTB, 3 in Jawa Timur) and their
reports for January-March 2024. Visits in January, per library (February is +10, March +20):

    Jawa Barat  3201011001 1250, 3201011002 980, 3201062001 430 (Kab. Bogor), 3201 2100 (Kab.)
                3271011003 760 (Kota Bogor), 3271 1640 (Kota), 32 3300 (province)
    NTB         5206012006 310 (Kab. Bima), KAB-5206 890, 5272011001 520 (Kota Bima), PROV-52 1150
    Jawa Timur  3506172008 400 (Kab. Kediri), 3571011004 615 (Kota Kediri), 3571 1025

so a quarter's visits are 3 x January + 30 per library:

    Jawa Barat  3 x (1250+980+430+760+2100+1640+3300 = 10460) + 7 x 30 = 31590
    NTB         3 x (310+520+890+1150 = 2870) + 4 x 30 = 8730
    Jawa Timur  3 x (400+615+1025 = 2040) + 3 x 30 = 6210
    Kab. Bogor  3 x (1250+980+430+2100 = 4760) + 120 = 14400;  Kota Bogor 3 x 2400 + 60 = 7260
    Kab. Bima   3 x (310+890 = 1200) + 60 = 3660;             Kota Bima 3 x 520 + 30 = 1590
    Kab. Kediri 3 x 400 + 30 = 1230;                          Kota Kediri 3 x 1640 + 60 = 4980

Activities per month (the same each month; "-" is 0): Jawa Barat 2+2+0+1+4+3+6 = 18, NTB
1+2+3+5 = 11, Jawa Timur 1+2+4 = 7; Kab. Bogor 2+2+0+4 = 8, Kota Bogor 1+3 = 4, Kab. Bima 1+3 = 4,
Kota Bima 2, Kab. Kediri 1, Kota Kediri 2+4 = 6; a quarter is three times that.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi.__main__ import main
from kpi.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
KANTOR = "kantor_jabar_ntb_jatim"

QUARTER_PROVINCES = {"32": (31590, 54), "52": (8730, 33), "35": (6210, 21)}
QUARTER_KAB_KOTA = {
    "3201": (14400, 24),
    "3271": (7260, 12),
    "5206": (3660, 12),
    "5272": (1590, 6),
    "3506": (1230, 3),
    "3571": (4980, 18),
}
# the register as the office wrote it, as it must land: kode -> (jenis, kode_wilayah, dukungan)
REGISTER = {
    "3201011001": ("desa_kelurahan", "3201011001", "penuh"),  # bare "Bogor" + Cibinong
    "3201011002": ("desa_kelurahan", "3201011002", "penuh"),  # "Kab. Bogor", dotted code
    "3201062001": ("desa_kelurahan", "3201062001", "replikasi_mandiri"),  # "BOGOR", "Perpusdes"
    "3271011003": ("desa_kelurahan", "3271011003", "replikasi_mandiri"),  # "Kota Bogor"
    "3201": ("kabupaten_kota", "3201", "penuh"),  # "Perpustakaan Kabupaten" + bare "Bogor"
    "3271": ("kabupaten_kota", "3271", "penuh"),  # "Perpustakaan Kota" + bare "Bogor"
    "32": ("provinsi", "32", "penuh"),  # "Perpustakaan Daerah Provinsi"
    "5206012006": ("desa_kelurahan", "5206012006", "bantuan_buku"),  # "BIMA" + Monta
    "5272011001": ("desa_kelurahan", "5272011001", "penuh"),  # "Kelurahan", bare "Bima"
    "KAB-5206": ("kabupaten_kota", "5206", "penuh"),  # the code in the library code
    "PROV-52": ("provinsi", "52", "penuh"),
    "3506172008": ("desa_kelurahan", "3506172008", "replikasi_mandiri"),  # "Kab. Kediri"
    "3571011004": ("desa_kelurahan", "3571011004", "penuh"),  # bare "Kediri" + Mojoroto
    "3571": ("kabupaten_kota", "3571", "penuh"),  # "Perpustakaan Kota" + "KEDIRI"
}


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, object]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def import_json(capsys: pytest.CaptureFixture[str], db: Path, *names: str, dry: bool = False):  # noqa: ANN201
    argv = ["import", *[str(CORPUS / n) for n in names], "--db", str(db), "--json"]
    return run_json(capsys, argv + (["--dry-run"] if dry else []))


def kpis(capsys: pytest.CaptureFixture[str], db: Path, level: str, period: str) -> dict:
    code, rows = run_json(
        capsys,
        [
            "kpis",
            "--db",
            str(db),
            "--level",
            level,
            "--period",
            period,
            "--kpi",
            "kunjungan,kegiatan",
            "--format",
            "json",
        ],
    )
    assert code == 0
    return {r["kode"]: (r["kunjungan"], r["kegiatan"]) for r in rows}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def kantor_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the office workbook (register and January-March reports)."""
    db = tmp_path_factory.mktemp("corpus") / "kantor.duckdb"
    assert main(["import", str(CORPUS / f"{KANTOR}.xlsx"), "--db", str(db)]) == 0
    return db


@pytest.fixture
def seeded(kantor_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "seeded.duckdb"
    shutil.copy(kantor_db, db)
    return db


def test_the_corpus_is_what_the_generator_writes(tmp_path: Path) -> None:
    """The committed files are scripts/build_import_corpus.py's output (cell by cell)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_import_corpus
    finally:
        sys.path.pop(0)
    built = {p.name: p for p in build_import_corpus.build(tmp_path, libreoffice=False)}
    committed = {p.name for p in CORPUS.iterdir()}
    assert len(committed) >= 12
    assert set(built) | {f"{KANTOR}.ods", f"{KANTOR}.xls"} == committed

    def cells(path: Path) -> object:
        if path.suffix == ".csv":
            return path.read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}

    for name, path in built.items():
        assert cells(path) == cells(CORPUS / name), name


@pytest.mark.parametrize(
    "files",
    [
        [f"{KANTOR}.xlsx"],
        [f"{KANTOR}.ods"],
        [f"{KANTOR}.xls"],
        ["kantor_daftar_cp1252.csv", "kantor_laporan_cp1252.csv"],
    ],
    ids=["xlsx", "ods", "xls", "csv-cp1252"],
)
def test_office_workbook_in_every_format(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kantor.duckdb"
    code, out = import_json(capsys, db, *files)
    assert code == 0, out["issues"]  # type: ignore[index]
    assert (out["accepted"], out["rejected"]) == (14 + 3 * 14, 0)  # type: ignore[index]
    assert out["issues"] == [] and out["unplaced_values"] == []  # type: ignore[index]
    if files[0].endswith((".xlsx", ".ods", ".xls")):
        sheets = {s["sheet"]: (s["kind"], s["rows"]) for s in out["files"][0]["sheets"]}  # type: ignore[index]
        assert sheets == {
            "Petunjuk": (None, 0),  # instructions: skipped
            "Daftar Perpustakaan": ("perpustakaan", 14),
            "Januari": ("laporan_bulanan", 14),  # the JUMLAH row left out
            "Februari": ("laporan_bulanan", 14),
            "Maret": ("laporan_bulanan", 14),
        }
    assert kpis(capsys, db, "provinsi", "2024-01..2024-03") == QUARTER_PROVINCES
    assert kpis(capsys, db, "kabupaten_kota", "2024-01..2024-03") == QUARTER_KAB_KOTA
    store = Store(db, read_only=True)
    try:
        reg = store.query(
            "SELECT kode_perpustakaan, jenis, kode_wilayah, jenis_dukungan FROM perpustakaan"
        )
        internet = store.query(
            "SELECT count(*) FILTER (WHERE akses_internet) AS ya, "
            "count(*) FILTER (WHERE NOT akses_internet) AS tidak FROM laporan_bulanan"
        )
    finally:
        store.close()
    got = {k: (j, w, d) for k, j, w, d in reg.itertuples(index=False, name=None)}
    assert got == REGISTER
    # "Tidak ada", "Tidak Ada", "belum ada": no; "Ada", "Tersedia", "Ya", "✓" (or "v"): yes
    assert internet.iloc[0].tolist() == [3 * 11, 3 * 3]


def test_register_with_names_and_no_codes(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "daftar_nama_tanpa_kode.xlsx")
    assert code == 0 and (out["accepted"], out["rejected"]) == (6, 0)  # type: ignore[index]
    notes = {(n["row"], n["rule"]) for n in out["notes"]}  # type: ignore[index]
    # no level column: each level read from the place; "Lombok Barta" read by its kecamatan
    assert notes == {(r, "jenis_dari_kode") for r in range(4, 10)} | {(5, "wilayah_dibaca")}
    store = Store(seeded, read_only=True)
    try:
        rows = store.query(
            "SELECT kode_perpustakaan, jenis, kode_wilayah FROM perpustakaan "
            "WHERE kode_perpustakaan LIKE 'LB-%' OR kode_perpustakaan LIKE 'MTR-%'"
        )
    finally:
        store.close()
    assert {k: (j, w) for k, j, w in rows.itertuples(index=False, name=None)} == {
        "LB-01": ("desa_kelurahan", "5201011001"),  # Gerung Utara
        "LB-02": ("desa_kelurahan", "5201012002"),  # Kebon Ayu, under "Lombok Barta"
        "LB-03": ("desa_kelurahan", "5201012003"),  # "Kec. Gerung", "Ds. Gapuk"
        "LB-04": ("kabupaten_kota", "5201"),
        "MTR-01": ("desa_kelurahan", "5271011006"),  # bare "Mataram" + Ampenan + Pejeruk
        "MTR-02": ("kabupaten_kota", "5271"),
    }


def test_register_with_codes_and_no_names(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "daftar_kode_tanpa_nama.csv")
    assert code == 0 and (out["accepted"], out["rejected"]) == (6, 0)  # type: ignore[index]
    assert [n["rule"] for n in out["notes"]] == ["jenis_dari_kode"] * 6  # type: ignore[index]
    store = Store(seeded, read_only=True)
    try:
        rows = store.query(
            "SELECT kode_perpustakaan, jenis, kode_wilayah, coalesce(kode_kabupaten_kota, '-') "
            "FROM perpustakaan WHERE batch_id = "
            "(SELECT batch_id FROM import_batch ORDER BY created_at DESC LIMIT 1)"
        )
    finally:
        store.close()
    assert {r[0]: r[1:] for r in rows.itertuples(index=False, name=None)} == {
        "3201011003": ("desa_kelurahan", "3201011003", "3201"),
        "32.71.01.1001": ("desa_kelurahan", "3271011001", "3271"),
        "KAB-5201": ("kabupaten_kota", "5201", "5201"),
        "PROV-35": ("provinsi", "35", "-"),
        "JT-0101": ("desa_kelurahan", "3506172001", "3506"),
        "JT-0102": ("desa_kelurahan", "3571011001", "3571"),
    }


def test_satu_data_portal_csv(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "satu_data_iplm_2023.csv")
    assert code == 0 and (out["accepted"], out["rejected"]) == (6, 0)  # type: ignore[index]
    code, rows = run_json(
        capsys,
        [
            "context",
            "--db",
            str(seeded),
            "--indicator",
            "iplm",
            "--year",
            "2023",
            "--format",
            "json",
        ],
    )
    assert {r["kode"]: r["nilai"] for r in rows} == {  # type: ignore[union-attr]
        "3201": 68.12,
        "3271": 71.40,
        "5206": 59.08,
        "5272": 63.75,
        "3506": 66.30,
        "3571": 73.02,
    }
    store = Store(seeded, read_only=True)
    try:
        units = store.query("SELECT DISTINCT satuan FROM indikator_konteks")["satuan"].tolist()
    finally:
        store.close()
    assert units == ["indeks"]  # "INDEKS", "Indeks", "indeks": one unit


def test_recap_with_merged_two_row_header(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "rekap_triwulan_gabung.xlsx")
    assert code == 0 and (out["accepted"], out["rejected"]) == (6, 0)  # type: ignore[index]
    (sheet,) = out["files"][0]["sheets"]  # type: ignore[index]
    assert (sheet["header_row"], sheet["rows"]) == (5, 6)  # rows 4-5 are the header
    # April: Jawa Barat 1300 + 1005 + 455 + 2150 = 4910 visits, 2 + 2 + 1 + 4 = 9 activities,
    # all in Kabupaten Bogor; NTB 330 / 1 (Kab. Bima); Jawa Timur 640 / 2 (Kota Kediri)
    assert kpis(capsys, seeded, "provinsi", "2024-04") == {
        "32": (4910, 9),
        "52": (330, 1),
        "35": (640, 2),
    }
    got = kpis(capsys, seeded, "kabupaten_kota", "2024-04")
    assert {k: v for k, v in got.items() if v != (None, None)} == {
        "3201": (4910, 9),
        "5206": (330, 1),
        "3571": (640, 2),
    }


def test_reports_naming_the_library_and_a_bare_kab_kota(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Bogor", "BIMA", "Kediri" alone are ambiguous, but the register has one library of that
    name in either: the row is read without doubt."""
    code, out = import_json(capsys, seeded, "laporan_nama_wilayah.xlsx")
    assert code == 0 and (out["accepted"], out["rejected"]) == (5, 0)  # type: ignore[index]
    # May: Jawa Barat 1010 + 790 = 1800 visits, 2 + 1 = 3 activities; NTB 345 + 560 = 905,
    # 1 + 2 = 3; Jawa Timur 1080, 4
    assert kpis(capsys, seeded, "provinsi", "2024-05") == {
        "32": (1800, 3),
        "52": (905, 3),
        "35": (1080, 4),
    }
    got = kpis(capsys, seeded, "kabupaten_kota", "2024-05")
    assert {k: v for k, v in got.items() if v != (None, None)} == {
        "3201": (1010, 2),
        "3271": (790, 1),
        "5206": (345, 1),
        "5272": (560, 2),
        "3571": (1080, 4),
    }


def test_targets_with_levels_as_labels(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "target_2024.xlsx")
    assert code == 0 and (out["accepted"], out["rejected"]) == (5, 0)  # type: ignore[index]
    store = Store(seeded, read_only=True)
    try:
        rows = store.query("SELECT kpi, tingkat, kode, tahun, nilai FROM target ORDER BY nilai")
    finally:
        store.close()
    assert [tuple(r) for r in rows.itertuples(index=False, name=None)] == [
        ("kegiatan", "perpustakaan", "3201011001", 2024, 24.0),
        ("kegiatan", "kabupaten_kota", "3201", 2024, 120.0),
        ("kunjungan", "kabupaten_kota", "5206", 2024, 5000.0),
        ("kunjungan", "provinsi", "32", 2024, 40000.0),
        ("kunjungan", "nasional", "", 2024, 1_000_000.0),
    ]


def test_ciel_self_assessment(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "penilaian_ciel_2024.xlsx")
    assert code == 0 and (out["accepted"], out["rejected"]) == (3, 0)  # type: ignore[index]
    store = Store(seeded, read_only=True)
    try:
        row = store.query(
            "SELECT periode, kreativitas, inovasi, kewirausahaan, kepemimpinan "
            "FROM penilaian_mandiri WHERE kode_perpustakaan = '3201011001'"
        ).iloc[0]
    finally:
        store.close()
    # 1-5 scores on 0-100: (4 - 1) x 25, (3.5 - 1) x 25, (3 - 1) x 25, (4.5 - 1) x 25
    assert row.tolist() == ["2024-S2", 75.0, 62.5, 50.0, 87.5]


def test_real_problems_in_one_pass(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = import_json(capsys, seeded, "laporan_bermasalah.xlsx", dry=True)
    assert code == 1
    assert (out["accepted"], out["rejected"]) == (2, 5)  # type: ignore[index]
    got = {(i["sheet"], i["row"], i["column"], i["rule"]) for i in out["issues"]}  # type: ignore[index]
    assert got == {
        # a bare "Bogor" with nothing below it: the error is on Kab/Kota, with both candidates
        ("Daftar", 3, "Kab/Kota", "wilayah_ambigu"),
        # names that contradict the code: both named
        ("Daftar", 4, "Kode Wilayah", "kode_tidak_cocok"),
        # two problems of one row, both reported
        ("Daftar", 5, "Jenis Perpustakaan", "pilihan"),
        ("Daftar", 5, "Jumlah Penduduk", "angka"),
        # three problems of one row, all reported
        ("Laporan Juni", 3, "Kode Perpustakaan", "perpustakaan_tidak_dikenal"),
        ("Laporan Juni", 3, "Periode", "periode"),
        ("Laporan Juni", 3, "Kunjungan", "negatif"),
        # its library's register row is rejected: said so, not "unknown library"
        ("Laporan Juni", 4, "Kode Perpustakaan", "perpustakaan_ditolak"),
    }
    by_rule = {i["rule"]: i["message"] for i in out["issues"]}  # type: ignore[index]
    assert "Kabupaten Bogor" in by_rule["wilayah_ambigu"]
    assert "Kota Bogor" in by_rule["wilayah_ambigu"]
    assert "Kota Bandung" in by_rule["kode_tidak_cocok"]
    assert "Kode Wilayah 32.01.01.1007" in by_rule["kode_tidak_cocok"]
    assert "Pakansari" in by_rule["kode_tidak_cocok"]
    assert "baris 4" in by_rule["perpustakaan_ditolak"]
    assert out["unplaced_values"] == [  # type: ignore[index]
        {
            "vocabulary": "jenis_perpustakaan",
            "value": "Taman Baca",
            "file": "laporan_bermasalah.xlsx",
            "sheet": "Daftar",
            "column": "Jenis Perpustakaan",
            "rows": 1,
            "first_row": 5,
        }
    ]

    # a partly rejected file commits only its good rows; the rejected ones keep their reasons
    code, out = import_json(capsys, seeded, "laporan_bermasalah.xlsx")
    assert code == 1 and out["batch_id"]  # type: ignore[index]
    from kpi.ingest.rejected import batch_rejected_excel

    store = Store(seeded)
    try:
        added = store.query(
            "SELECT kode_perpustakaan FROM perpustakaan WHERE batch_id = ?", [out["batch_id"]]
        )["kode_perpustakaan"].tolist()
        reports = store.query(
            "SELECT kode_perpustakaan, kunjungan FROM laporan_bulanan WHERE batch_id = ?",
            [out["batch_id"]],
        )
        workbook = batch_rejected_excel(store, out["batch_id"])
    finally:
        store.close()
    assert added == ["JB-101"]
    assert [tuple(r) for r in reports.itertuples(index=False, name=None)] == [("JB-101", 150)]
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    rejected = {
        ws.title: [dict(zip([c.value for c in ws[1]], r, strict=True)) for r in ws.iter_rows(2)]
        for ws in wb
    }
    assert {
        t: sorted(int(r["baris_asal"].value) for r in rows) for t, rows in rejected.items()
    } == {
        "Daftar": [3, 4, 5],
        "Laporan Juni": [3, 4],
    }
    reasons = {
        int(r["baris_asal"].value): r["alasan_ditolak"].value for r in rejected["Laporan Juni"]
    }
    assert reasons[3].count(";") == 2  # three reasons on one row


def test_same_file_twice_is_announced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "twice.duckdb"
    code, first = import_json(capsys, db, f"{KANTOR}.xlsx")
    assert code == 0
    code, again = import_json(capsys, db, f"{KANTOR}.xlsx", dry=True)
    already = again["files"][0]["already_imported"]  # type: ignore[index]
    assert already["batch_id"] == first["batch_id"]  # type: ignore[index]
    assert "tidak mengubah apa pun" in already["message"]
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 56)  # type: ignore[index]


def test_refused_files_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "refused.duckdb"
    picture = tmp_path / "laporan.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    notes = tmp_path / "catatan.csv"
    notes.write_text("Catatan rapat\nTidak ada tabel di sini\n", encoding="utf-8")
    code, out = run_json(capsys, ["import", str(picture), str(notes), "--db", str(db), "--json"])
    assert code == 2 and out["batch_id"] is None  # type: ignore[index]
    assert [f["status"] for f in out["files"]] == ["refused", "refused"]  # type: ignore[index]
    store = Store(db, read_only=True)
    try:
        written = store.scalar(
            "SELECT (SELECT count(*) FROM import_batch) + (SELECT count(*) FROM perpustakaan) "
            "+ (SELECT count(*) FROM rejected_row)"
        )
    finally:
        store.close()
    assert written == 0


def test_module_entry_point_on_the_csv_copy(tmp_path: Path) -> None:
    """The real command, in its own process, on the Windows-1252 copy."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "import",
            str(CORPUS / "kantor_daftar_cp1252.csv"),
            str(CORPUS / "kantor_laporan_cp1252.csv"),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--dry-run",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["accepted"], out["rejected"], out["added"]) == (56, 0, 56)
