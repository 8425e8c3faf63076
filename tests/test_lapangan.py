"""The field team's workbook (kpi.lapangan), opened again with openpyxl: readable headers in the
user's language, one row per library needing coaching (Pantau only on request), reasons in words,
numbers as numbers with formats, contacts, widths, frozen header, autofilter, no formula, no JSON;
the same file from the command line.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from test_compute import CIEL, LIBS, REPORTS, TARGETS, build_store

from kpi import coaching, lapangan
from kpi.__main__ import main
from kpi.compute import Filters

POINTS = {r: float(coaching.default_settings()[r]["poin"]) for r in coaching.RULES[1:]}
HOSTILE = '=HYPERLINK("http://x","klik")'


def _row(kode: str, tier: str | None, points: float, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kode": kode,
        "nama": f"Perpustakaan {kode}",
        "tingkat": "perpustakaan",
        "jenis": "desa_kelurahan",
        "kode_provinsi": "52",
        "provinsi": "Nusa Tenggara Barat",
        "kode_kabupaten_kota": "5201",
        "kabupaten_kota": "Kabupaten Lombok Barat",
        "bulan_diharapkan": 12.0,
        "bulan_dilaporkan": 12.0,
        "kelengkapan": 100.0,
        "skor": 40.0,
        "band": "merah",
        "skor_tahun_lalu": 45.0,
        "median_sejawat": 55.0,
        "persentil_sejawat": 0.1,
        "bulan_tanpa_kegiatan": 0,
        "ciel": None,
        "kunjungan_yoy": None,
        "kegiatan_yoy": None,
        "capaian": [],
        "tier": tier,
        "points": points,
        "quadrant": "prioritas",
        "reasons": [],
    }
    row.update(over)
    return row


@pytest.fixture
def rows() -> pd.DataFrame:
    weak = {
        "R1": {"band": "merah"},
        "R4": {"persentil": 10.0, "provinsi": "Nusa Tenggara Barat"},
        "Q": {"median": 55.0, "s_tahun_lalu": 45.0},
    }
    first = [
        coaching.weak_score_reason(weak, 40.0, POINTS, "2025-01..2025-12", 20),
        # as coaching.apply_rules gives them: the KPI's id in the numbers (its name: the words')
        coaching.reason("R2", {"kpi": "kegiatan_per_bulan", "p": 25.0}),
        coaching.reason("R3", {"kpi": "kegiatan", "p": -50.0}),
        coaching.reason("R5", {"n": 4}),
    ]
    return pd.DataFrame(
        [
            _row(
                "DES-1",
                "prioritas_1",
                9,
                nama=HOSTILE,
                reasons=first,
                bulan_tanpa_kegiatan=4,
                kegiatan_yoy=-50.0,
                capaian=[("kegiatan_per_bulan", 25.0, 1.0, 4.0)],
                ciel=80.0,
            ),
            _row("DES-2", None, 0, skor=70.0, band="kuning", quadrant="teladan"),
            _row(
                "DES-3",
                "pelaporan",
                0,
                skor=None,
                band=None,
                quadrant=None,
                persentil_sejawat=None,
                kelengkapan=25.0,
                bulan_dilaporkan=3.0,
                reasons=[coaching.reason("D", {"n": 9, "m": 12})],
            ),
            _row(
                "DES-4",
                "pantau",
                2,
                reasons=[coaching.reason("R5", {"n": 3})],
                bulan_tanpa_kegiatan=3,
                skor=65.0,
                band="kuning",
                quadrant="waspada",
            ),
            _row("DES-5", "prioritas_2", 3, reasons=[coaching.reason("R5", {"n": 3})], skor=60.5),
        ]
    )


CONTACTS = pd.DataFrame(
    {
        "kode": ["DES-1", "DES-3"],
        "kontak_nama": ["Bu Ani", None],
        "kontak_telepon": ["+62 812", "0813"],
    }
)
ABOUT = lapangan.About(
    window="2025-01..2025-12",
    filters=Filters(provinsi="52"),
    coaching_settings=coaching.default_settings(),
    score_settings={"bobot": {"informasi": 35, "pelibatan": 40, "advokasi": 25}},
    made=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    data_version=7,
)


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _table(ws) -> tuple[list[str], list[dict[str, Any]]]:
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    head = [str(h) for h in cells[0]]
    return head, [dict(zip(head, r, strict=True)) for r in cells[1:]]


def _safe(wb: openpyxl.Workbook) -> None:
    """No formula anywhere, and no cell holding JSON."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "[{":
                    with pytest.raises(ValueError):
                        json.loads(cell.value)


def test_indonesian_workbook_cell_by_cell(rows: pd.DataFrame) -> None:
    wb = _open(lapangan.workbook_bytes(rows, "id", contacts=CONTACTS, about=ABOUT))
    assert wb.sheetnames == ["Keterangan", "Daftar pembinaan", "Pengaturan aturan"]
    assert wb.active.title == "Daftar pembinaan"  # opens on the list
    _safe(wb)
    ws = wb["Daftar pembinaan"]
    head, body = _table(ws)
    assert head[:8] == [
        "No",
        "Nama perpustakaan",
        "Kode perpustakaan",
        "Tingkat pembinaan",
        "Poin",
        "Jenis perpustakaan",
        "Kabupaten/kota",
        "Provinsi",
    ]
    # contacts that some library of the list has; the address column, empty for all, is left out
    assert "Nama kontak" in head and "Telepon" in head
    assert "Alamat" not in head and "Email" not in head
    # default: Prioritas 1, Prioritas 2, Pembinaan pelaporan in the field teams' order; no Pantau
    # and no unflagged library
    assert [r["Kode perpustakaan"] for r in body] == ["DES-1", "DES-5", "DES-3"]
    assert [r["No"] for r in body] == [1, 2, 3]
    one = body[0]
    assert one["Nama perpustakaan"] == HOSTILE  # text, never a formula
    assert ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert one["Tingkat pembinaan"] == "Prioritas 1 (kunjungan lapangan)"
    assert one["Poin"] == 9
    assert one["Jenis perpustakaan"] == "Perpustakaan desa/kelurahan"
    assert one["Kabupaten/kota"] == "Kabupaten Lombok Barat"
    assert one["Nama kontak"] == "Bu Ani" and one["Telepon"] == "+62 812"
    assert one["Alasan: skor (R1, R4, Q)"] == (
        "Skor KPI 40: merah, 20% terbawah di Nusa Tenggara Barat, di bawah median sejawat (55) "
        "dan turun dari 45 setahun sebelumnya"
    )
    assert one["Alasan: di bawah target (R2)"] == (
        "Capaian Kegiatan per perpustakaan per bulan 25% dari target"
    )
    assert one["Alasan: menurun dibanding tahun lalu (R3)"] == (
        "Kegiatan pelibatan masyarakat turun 50% dibanding tahun lalu"
    )
    assert one["Alasan: tanpa kegiatan pelibatan (R5)"] == (
        "Tidak ada kegiatan pelibatan selama 4 bulan"
    )
    assert one["Alasan: pelaporan (D)"] is None
    # numbers as numbers, with formats: percentages as fractions shown with %
    assert one["Skor KPI TPBIS (jendela)"] == 40.0 and one["Pita skor"] == "Merah"
    assert one["Kelengkapan laporan"] == 1.0
    assert one["Persentil skor di provinsi dan jenisnya"] == pytest.approx(0.1)
    assert one["Perubahan kegiatan dibanding tahun lalu"] == pytest.approx(-0.5)
    assert one["Capaian target terendah"] == pytest.approx(0.25)
    assert one["Capaian KPI yang bertarget"] == "Kegiatan per perpustakaan per bulan 25,0%"
    assert one["Bulan berturut-turut tanpa kegiatan"] == 4
    assert one["Indeks CIEL"] == 80.0
    assert one["Kuadran skor dan pertumbuhan"] == "Prioritas"
    col = {name: i + 1 for i, name in enumerate(head)}
    assert ws.cell(2, col["Kelengkapan laporan"]).number_format == "0.0%"
    assert ws.cell(2, col["Skor KPI TPBIS (jendela)"]).number_format == "0.0"
    assert ws.cell(2, col["Poin"]).number_format == "0"
    reason = ws.cell(2, col["Alasan: skor (R1, R4, Q)"])
    assert reason.alignment.wrap_text
    three = body[2]
    assert three["Tingkat pembinaan"] == "Pembinaan pelaporan"
    assert three["Alasan: pelaporan (D)"] == (
        "Perlu pembinaan pelaporan: 9 dari 12 bulan tidak dilaporkan"
    )
    assert three["Kelengkapan laporan"] == 0.25 and three["Bulan dilaporkan"] == 3
    assert three["Skor KPI TPBIS (jendela)"] is None and three["Pita skor"] is None
    assert three["Nama kontak"] is None and three["Telepon"] == "0813"
    # widths, a frozen header and name, a filter on every column
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(head)).column_letter}4"
    assert ws.column_dimensions["B"].width == 34
    assert (
        ws.column_dimensions[ws.cell(1, col["Alasan: skor (R1, R4, Q)"]).column_letter].width >= 40
    )


def test_cover_and_settings_sheets(rows: pd.DataFrame) -> None:
    wb = _open(lapangan.workbook_bytes(rows, "id", contacts=CONTACTS, about=ABOUT))
    cover = {r[0]: r[1] for r in wb["Keterangan"].iter_rows(values_only=True) if r[0]}
    assert cover["Jendela penilaian"] == "Januari 2025 – Desember 2025 (12 bulan)"
    assert cover["Tingkat pembinaan yang dimuat"] == (
        "Prioritas 1 (kunjungan lapangan), Prioritas 2 (pendampingan jarak jauh atau klinik PLM), "
        "Pembinaan pelaporan"
    )
    assert cover["Jumlah perpustakaan dalam daftar"] == 3
    assert cover["Prioritas 1 (kunjungan lapangan)"] == 1
    assert cover["Pembinaan pelaporan"] == 1
    assert cover["Provinsi"] == "Nusa Tenggara Barat (52)"
    assert cover["Kabupaten/kota"] == "semua"
    assert cover["R2: di bawah target"] == "capaian di bawah 60% dari target pro-rata: 2 poin"
    assert cover["Dibuat"] == "2026-12-01 09:30 UTC"
    assert cover["Versi data"] == 7
    settings = {r[0]: r[1] for r in wb["Pengaturan aturan"].iter_rows(min_row=2, values_only=True)}
    assert settings["jendela"] == "2025-01..2025-12"
    assert settings["pembinaan.R1.poin"] == 2
    assert settings["skor.bobot.pelibatan"] == 40


def test_english_workbook_is_english_throughout(rows: pd.DataFrame) -> None:
    wb = _open(lapangan.workbook_bytes(rows, "en", contacts=CONTACTS, about=ABOUT))
    assert wb.sheetnames == ["About", "Coaching list", "Rule settings"]
    _safe(wb)
    head, body = _table(wb["Coaching list"])
    assert head[:8] == [
        "No",
        "Library name",
        "Library code",
        "Coaching tier",
        "Points",
        "Library level",
        "Kab/kota",
        "Province",
    ]
    one = body[0]
    assert one["Coaching tier"] == "Priority 1 (field visit)"
    assert one["Score band"] == "Red"
    assert one["Score and growth quadrant"] == "Priority"
    assert one["Reason: score (R1, R4, Q)"] == (
        "KPI score 40: red, bottom 20% in Nusa Tenggara Barat, below the peer median (55) and "
        "down from 45 a year earlier"
    )
    assert one["Reason: no engagement activity (R5)"] == (
        "No community engagement activity for 4 months"
    )
    assert one["Achievement of the KPIs with a target"] == "Activities per library-month 25.0%"
    assert (
        body[2]["Reason: reporting (D)"] == "Needs reporting coaching: 9 of 12 months not reported"
    )
    # no Indonesian word of the app's own in the list or on the cover (names are data)
    words = re.compile(r"\b(Prioritas|Pembinaan|pembinaan|Merah|merah|Alasan|Kuning|semua|poin)\b")
    for sheet in ("Coaching list", "About"):
        for row in wb[sheet].iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not words.search(v), (sheet, v)
    cover = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert cover["Evaluation window"] == "January 2025 – December 2025 (12 months)"


def test_tiers_on_request_and_rules(rows: pd.DataFrame) -> None:
    every = lapangan.select(rows, list(coaching.TIER_ORDER))
    assert every["kode"].tolist() == ["DES-1", "DES-5", "DES-3", "DES-4"]  # Pantau last
    assert lapangan.select(rows, ["pantau"])["kode"].tolist() == ["DES-4"]
    # R4 is inside the score's reason: a library with it is found by R4 as by R1 or Q
    assert lapangan.select(rows, None, ["R4"])["kode"].tolist() == ["DES-1"]
    assert lapangan.select(rows, None, ["R5"])["kode"].tolist() == ["DES-1", "DES-5"]
    with pytest.raises(ValueError, match="unknown tier"):
        lapangan.select(rows, ["merah"])
    wb = _open(lapangan.workbook_bytes(rows, "id", tiers=["pantau"], about=ABOUT))
    head, body = _table(wb["Daftar pembinaan"])
    assert [r["Tingkat pembinaan"] for r in body] == ["Pantau"]
    assert "Nama kontak" not in head  # no contacts given


def test_an_empty_list_is_still_a_valid_workbook(rows: pd.DataFrame) -> None:
    wb = _open(lapangan.workbook_bytes(rows.iloc[0:0], "en", about=ABOUT))
    head, body = _table(wb["Coaching list"])
    assert body == [] and head[0] == "No"
    cover = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert cover["Libraries in the list"] == 0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    s = build_store(tmp_path / "lapangan.duckdb", LIBS, REPORTS, TARGETS, CIEL)
    with s.write() as cur:
        cur.execute("UPDATE perpustakaan SET kontak_telepon = '=1+1' WHERE kode_perpustakaan = 'A'")
    path = str(s.path)
    s.close()
    yield path


def test_the_command_line_writes_the_same_workbook(db: str, tmp_path: Path) -> None:
    out = tmp_path / "daftar.xlsx"
    argv = ["priorities", "--db", db, "--period", "2024-02", "--format", "xlsx"]
    assert main([*argv, "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Keterangan", "Daftar pembinaan", "Pengaturan aturan"]
    _safe(wb)
    head, body = _table(wb["Daftar pembinaan"])
    by = {r["Kode perpustakaan"]: r for r in body}
    # at 2024-02 over 2023-03..2024-02 every library but J (joined 2024, reported February)
    # misses months: reporting coaching, the field teams' order keeps the codes in order
    assert list(by) == ["A", "B", "C", "K", "N", "P"]
    a = by["A"]
    assert a["Nama perpustakaan"] == "Desa A"
    assert a["Tingkat pembinaan"] == "Pembinaan pelaporan"
    assert (
        a["Alasan: pelaporan (D)"] == "Perlu pembinaan pelaporan: 10 dari 12 bulan tidak dilaporkan"
    )
    assert a["Bulan dilaporkan"] == 2 and a["Bulan diharapkan"] == 12
    assert a["Kelengkapan laporan"] == pytest.approx(2 / 12)
    assert a["Telepon"] == "=1+1"  # the register's text stays text
    assert a["Kabupaten/kota"] == "Kabupaten Lombok Barat"
    assert by["P"]["Kabupaten/kota"] is None  # the provincial library has no kab/kota
    cover = {r[0]: r[1] for r in wb["Keterangan"].iter_rows(values_only=True) if r[0]}
    assert cover["Jendela penilaian"] == "Maret 2023 – Februari 2024 (12 bulan)"
    # English, and every tier on request
    en = tmp_path / "list.xlsx"
    assert main([*argv, "--lang", "en", "--tier", "semua", "--out", str(en)]) == 0
    head, body = _table(openpyxl.load_workbook(en)["Coaching list"])
    assert head[1] == "Library name" and len(body) == 6
    assert main([*argv, "--tier", "merah", "--out", str(tmp_path / "x.xlsx")]) == 2


def test_growth_columns_come_from_the_catalogue() -> None:
    """One year-on-year column per growth KPI of the catalogue (``pertumbuhan``), in its order;
    a KPI without a header of its own gets the general one with its name."""
    import dataclasses

    from kpi.catalogue import catalogue

    cat = catalogue()
    keys = [c.key for c in lapangan.library_columns(cat)]
    assert [k for k in keys if k.endswith("_yoy")] == ["kunjungan_yoy", "kegiatan_yoy"]
    other = dataclasses.replace(cat, pertumbuhan=("peserta", "kunjungan"))
    keys = [c.key for c in lapangan.library_columns(other)]
    assert [k for k in keys if k.endswith("_yoy")] == ["peserta_yoy", "kunjungan_yoy"]
    assert lapangan.header(lapangan.Column("peserta_yoy", 14), "en") == (
        "Change in participants on a year earlier"
    )
    assert lapangan.header(lapangan.Column("kunjungan_yoy", 14), "id") == (
        "Perubahan kunjungan dibanding tahun lalu"
    )
