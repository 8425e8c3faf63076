"""The kpis, priorities and quality commands: JSON shapes and formats, on a small store and on
the demo (where every coaching rule must flag at least one library)."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_compute import CIEL, LIBS, REPORTS, TARGETS, build_store

from kpi.__main__ import main
from kpi.store import Store

PRIORITY_KEYS = {
    "kode",
    "nama",
    "tingkat",
    "provinsi",
    "kabupaten_kota",
    "tier",
    "points",
    "quadrant",
    "reasons",
}
TIERS = {"pelaporan", "prioritas_1", "prioritas_2", "pantau"}
QUADRANTS = {"teladan", "waspada", "berkembang", "prioritas", None}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    build_store(path, LIBS, REPORTS, TARGETS, CIEL).close()
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_kpis_json_shape(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(
        capsys, "kpis", "--db", str(db), "--level", "provinsi", "--period", "2024-01..2024-02"
    )
    assert [r["kode"] for r in rows] == ["52", "53"]
    ntb = rows[0]
    assert {"kode", "nama", "tingkat", "skor", "band", "kelengkapan", "kunjungan"} <= set(ntb)
    assert ntb["nama"] == "Nusa Tenggara Barat" and ntb["tingkat"] == "provinsi"
    assert ntb["kunjungan"] == 1370
    # expected: A, B, C, K, P two months each, J one (from its first report); reported 5
    assert ntb["kelengkapan"] == pytest.approx(100 * 5 / 11)
    # A, B, J and K are scored, C and P are not: 4 of the 6 expected libraries
    assert ntb["perpustakaan_berskor"] == 4 and ntb["perpustakaan_tanpa_skor"] == 2
    assert ntb["data_cukup"] is True and ntb["band"] is not None
    nat = run_json(
        capsys,
        "kpis",
        "--db",
        str(db),
        "--level",
        "nasional",
        "--period",
        "2024-Q1",
        "--kpi",
        "kunjungan,kegiatan_per_bulan",
    )
    assert len(nat) == 1 and nat[0]["kode"] == "00"
    assert nat[0]["kunjungan"] == 1420
    assert "anggota" not in nat[0]


@pytest.mark.parametrize("level", ["nasional", "provinsi", "kabupaten_kota"])
def test_kpis_skor_is_the_mean_of_the_scored_libraries(
    db: Path, capsys: pytest.CaptureFixture[str], level: str
) -> None:
    period = ["--period", "2024-01..2024-02"]
    libs = run_json(
        capsys, "kpis", "--db", str(db), "--level", "perpustakaan", *period, "--kpi", "skor"
    )
    assert set(libs[0]) >= {"kode", "skor", "band", "kelengkapan"}
    areas = run_json(capsys, "kpis", "--db", str(db), "--level", level, *period, "--kpi", "skor")
    key = {"nasional": None, "provinsi": "kode_provinsi", "kabupaten_kota": "kode_kabupaten_kota"}
    for area in areas:
        mine = [r for r in libs if key[level] is None or r[key[level]] == area["kode"]]
        scored = [r["skor"] for r in mine if r["skor"] is not None]
        assert area["skor"] == pytest.approx(sum(scored) / len(scored), abs=0.01)
        bands = Counter(r["band"] for r in mine)
        for band in ("merah", "kuning", "hijau"):
            assert area[f"perpustakaan_{band}"] == bands[band]
        assert area["perpustakaan_tanpa_skor"] == bands[None]
        assert {"band", "perpustakaan_berskor", "porsi_berskor", "data_cukup"} <= set(area)
    # NTT (53) has one library, N, expected and scored; Lombok Tengah (5202) has C (never
    # reported) and J (scored): 1 of 2 expected is half, enough for a band
    if level == "kabupaten_kota":
        k5202 = next(a for a in areas if a["kode"] == "5202")
        assert k5202["perpustakaan_berskor"] == 1 and k5202["perpustakaan_diharapkan"] == 2
        assert k5202["porsi_berskor"] == pytest.approx(50.0) and k5202["band"] is not None


def test_kpis_filters_and_library_codes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(
        capsys,
        "kpis",
        "--db",
        str(db),
        "--level",
        "perpustakaan",
        "--period",
        "2024-02",
        "--provinsi",
        "52",
        "--jenis",
        "desa_kelurahan",
        "--kpi",
        "kunjungan",
    )
    assert [r["kode"] for r in rows] == ["A", "B", "C", "J"]
    assert rows[0]["kunjungan"] == 200 and rows[1]["kunjungan"] is None


def test_kpis_csv_and_xlsx(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "k.csv"
    argv = ["kpis", "--db", str(db), "--level", "kabupaten_kota", "--period", "2024"]
    assert main([*argv, "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["kode"] for r in rows] == ["5201", "5202", "5301"]
    xlsx = tmp_path / "k.xlsx"
    assert main([*argv, "--format", "xlsx", "--out", str(xlsx)]) == 0
    ws = load_workbook(xlsx).active
    assert ws.cell(row=1, column=1).value == "kode"


def test_bad_period_is_a_clean_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["kpis", "--db", str(db), "--level", "provinsi", "--period", "2024-Q7"])
    assert code == 2
    assert "2024-Q7" in capsys.readouterr().err


def test_priorities_and_quality_json_shape(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "priorities", "--db", str(db), "--period", "2024-02", "--window", "3")
    assert rows, "the small store has libraries that need reporting coaching"
    for r in rows:
        assert set(r) >= PRIORITY_KEYS
        assert r["tier"] in TIERS and r["quadrant"] in QUADRANTS
        for reason in r["reasons"]:
            assert set(reason) == {"rule", "text_id", "text_en", "values"}
    c = next(r for r in rows if r["kode"] == "C")
    assert c["tier"] == "pelaporan" and c["reasons"][0]["rule"] == "D"
    roll = run_json(
        capsys, "priorities", "--db", str(db), "--period", "2024-02", "--level", "provinsi"
    )
    assert {r["kode"] for r in roll} == {"52", "53"}
    assert all(set(r) >= PRIORITY_KEYS for r in roll)
    for r in roll:
        assert {"porsi_perlu", "batas_bawah", "jumlah_perlu", "basis"} <= set(r)
        assert {f"jumlah_{t}" for t in TIERS} <= set(r)
        assert (
            r["jumlah_perlu"]
            == r["jumlah_prioritas_1"] + r["jumlah_prioritas_2"] + r["jumlah_pelaporan"]
        )
        assert r["batas_bawah"] <= r["porsi_perlu"]
    assert [r["peringkat"] for r in roll] == [1, 2]
    assert roll[0]["batas_bawah"] >= roll[1]["batas_bawah"]
    kinerja = run_json(
        capsys,
        "priorities",
        "--db",
        str(db),
        "--period",
        "2024-02",
        "--level",
        "provinsi",
        "--basis",
        "kinerja",
    )
    assert all(
        r["jumlah_perlu"] == r["jumlah_prioritas_1"] + r["jumlah_prioritas_2"] for r in kinerja
    )
    q = run_json(capsys, "quality", "--db", str(db), "--period", "2024-02")
    assert set(q) >= {"periode", "kelengkapan", "nilai_verifikasi", "tidak_pernah_melapor"}
    assert {r["kode"] for r in q["tidak_pernah_melapor"]} == {"C", "P"}


# ------------------------------------------------------------------------------------------
# the demo

needs_places = pytest.mark.skipif(
    importlib.util.find_spec("kpi.places") is None,
    reason="kpi/places.py (the gazetteer the demo needs) is not there yet",
)


@needs_places
def test_demo_every_rule_flags_a_library(
    demo_store: Store, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpi import coaching

    frame = coaching.evaluate(demo_store)
    # R1, R4 and Q share one reason when they fire together: each rule it names counts
    hits = Counter(
        rule for rs in frame["reasons"] for r in rs for rule in r.get("rules", [r["rule"]])
    )
    for rule in coaching.RULES:
        assert hits[rule] >= 1, f"rule {rule} flags no library on the demo"
    assert set(frame["tier"].dropna()) == TIERS
    demo_store.close()

    rows = run_json(capsys, "priorities", "--db", str(demo_db))
    assert len(rows) == int(frame["tier"].notna().sum())
    assert all(set(r) >= PRIORITY_KEYS and r["tier"] in TIERS for r in rows)
    kab = run_json(capsys, "priorities", "--db", str(demo_db), "--level", "kabupaten_kota")
    assert len(kab) > 300 and all(set(r) >= PRIORITY_KEYS for r in kab)
    table = run_json(
        capsys, "kpis", "--db", str(demo_db), "--level", "provinsi", "--period", "2025"
    )
    assert len(table) == 34
    assert all({"kode", "nama", "tingkat", "skor", "band", "kelengkapan"} <= set(r) for r in table)
    q = run_json(capsys, "quality", "--db", str(demo_db))
    assert q["nilai_verifikasi"] and set(q["nilai_verifikasi"][0]) == {
        "kode",
        "periode",
        "kolom",
        "nilai",
        "alasan",
        "nilai_tipikal",
        "skor_z",
        "batch_id",
    }


def test_priorities_of_areas_as_a_workbook_in_words(demo_db: Path, tmp_path: Path) -> None:
    """--level provinsi --format xlsx: the areas' list with headers in words (English too)."""
    for lang, head in (
        ("id", "Perpustakaan perlu pembinaan"),
        ("en", "Libraries needing coaching"),
    ):
        out = tmp_path / f"prov_{lang}.xlsx"
        argv = ["priorities", "--db", str(demo_db), "--level", "provinsi", "--format", "xlsx"]
        assert main([*argv, "--out", str(out), "--lang", lang]) == 0
        ws = load_workbook(out).worksheets[0]
        header = [c.value for c in ws[1]]
        assert head in header and "jumlah_perlu" not in header
        assert ws.max_row == 35  # 34 provinces of the demo and the header
        assert isinstance(ws.cell(row=2, column=header.index(head) + 1).value, int)
