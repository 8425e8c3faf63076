"""Targets apply to what they name (issue 13, decision 4): an area's target to the area's
aggregate; a library's benchmark only from a target naming it or its level (column jenis) in
its kab/kota, province or nationally; the importer and the template take the optional column;
an older file gains the column when it is opened."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import ingest_fixtures as fx
import openpyxl
import pandas as pd
import pytest
from test_compute import build_store

from kpi import coaching, compute, score, targets
from kpi.scope import ask
from kpi.store import SCHEMA_VERSION, Store, migrate

LIBS = [
    ("D1", "Desa 1", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("D2", "Desa 2", "desa_kelurahan", "53", "5301", 2022, 1000, "penuh"),
    ("K1", "Kab 1", "kabupaten_kota", "52", "5201", 2022, 50000, "penuh"),
    ("K2", "Kab 2", "kabupaten_kota", "53", "5301", 2022, 50000, "penuh"),
    ("P1", "Prov 1", "provinsi", "52", None, 2022, 900000, "penuh"),
]


def reports() -> list[dict[str, object]]:
    out = []
    per_month = {"D1": 2, "D2": 3, "K1": 15, "K2": 12, "P1": 20}
    for m in (1, 2):
        for k, n in per_month.items():
            out.append(dict(kode_perpustakaan=k, periode=f"2024-{m:02d}-01", kegiatan=n))
    return out


TARGETS = [
    # the aggregate of NTB and of the nation (no jenis)
    ("kegiatan_per_bulan", "provinsi", "52", 2024, 4.1),
    ("kegiatan_per_bulan", "nasional", "", 2024, 5.0),
    # each village library of NTB; each kab/kota library nationally
    ("kegiatan_per_bulan", "provinsi", "52", 2024, 2.5, "desa_kelurahan"),
    ("kegiatan_per_bulan", "nasional", "", 2024, 10.0, "kabupaten_kota"),
    # one library named by its code
    ("kegiatan_per_bulan", "perpustakaan", "K2", 2024, 24.0),
]


@pytest.fixture
def store(tmp_path: Path):
    s = build_store(tmp_path / "target.duckdb", LIBS, reports(), TARGETS)
    yield s
    s.close()


def test_targets_apply_to_what_they_name(store: Store) -> None:
    libs = compute.aggregate(
        ask(store, "perpustakaan", "2024-01..2024-02", kpis=["kegiatan_per_bulan"])
    )
    t = targets.resolve_targets(store, libs, "perpustakaan", ["kegiatan_per_bulan"], 2024)
    got = t["kegiatan_per_bulan"].to_dict()
    assert got["D1"] == 2.5  # NTB's village libraries
    assert math.isnan(got["D2"])  # no target names NTT's villages or villages nationally
    assert got["K1"] == 10.0  # kab/kota libraries nationally
    assert got["K2"] == 24.0  # its own target comes first
    assert math.isnan(got["P1"])  # NTB's own 4.1 names the province's aggregate, not P1
    prov = compute.aggregate(
        ask(store, "provinsi", "2024-01..2024-02", kpis=["kegiatan_per_bulan"])
    )
    pt = targets.resolve_targets(store, prov, "provinsi", ["kegiatan_per_bulan"], 2024)
    assert pt["kegiatan_per_bulan"].to_dict()["52"] == 4.1
    assert math.isnan(pt["kegiatan_per_bulan"].to_dict()["53"])
    nat = compute.aggregate(ask(store, "nasional", "2024-01..2024-02", kpis=["kegiatan_per_bulan"]))
    assert targets.resolve_targets(store, nat, "nasional", ["kegiatan_per_bulan"], 2024).iloc[
        0, 0
    ] == pytest.approx(5.0)


def test_a_library_without_a_target_is_benchmarked_against_its_peers(store: Store) -> None:
    s = score.default_settings()
    s["komponen"] = {"informasi": [], "pelibatan": ["kegiatan_per_bulan"], "advokasi": []}
    s["bobot"] = {"informasi": 0, "pelibatan": 100, "advokasi": 0}
    t = score.scored_table(store, "perpustakaan", "2024-01..2024-02", None, [], settings=s)
    by = t.set_index("kode")["skor_pelibatan"].to_dict()
    assert by["D1"] == pytest.approx(100 * 2 / 2.5)  # its target
    # D2: its peers' P90 among village libraries (2 and 3): 2 + 0.9 * 1 = 2.9; 3 is above it
    assert by["D2"] == 100.0
    assert by["K1"] == 100.0  # 15 against the 10 naming kab/kota libraries: capped at 100
    assert by["K2"] == pytest.approx(100 * 12 / 24)
    assert by["P1"] == pytest.approx(100.0)  # its peers: itself (P90 of one value)


def test_r2_uses_only_targets_that_apply(store: Store) -> None:
    out = coaching.evaluate(store, "2024-02", 3, closed_until=None)
    capaian = out.set_index("kode")["capaian"].to_dict()
    # D1: 2 against 2.5 (80%), K1 15 against 10 (150%), K2 12 against 24 (50%); D2 and P1 none
    assert [(k, round(p, 1)) for k, p, _, _ in capaian["D1"]] == [("kegiatan_per_bulan", 80.0)]
    assert [(k, round(p, 1)) for k, p, _, _ in capaian["K2"]] == [("kegiatan_per_bulan", 50.0)]
    assert capaian["D2"] == [] and capaian["P1"] == []
    r2 = {
        k
        for k, rs in zip(out["kode"], out["reasons"], strict=True)
        for r in rs
        if r["rule"] == "R2"
    }
    assert r2 == {"K2"}


def test_the_migration_keeps_old_targets_as_area_targets(tmp_path: Path) -> None:
    path = tmp_path / "lama.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=2)
    con.execute("INSERT INTO target VALUES ('kunjungan', 'provinsi', '52', 2024, 1200, 'b1')")
    con.close()
    s = Store(path)
    try:
        assert s.schema_version() == SCHEMA_VERSION
        rows = s.query("SELECT kpi, tingkat, kode, tahun, jenis, nilai FROM target")
        assert rows.to_dict("records") == [
            {
                "kpi": "kunjungan",
                "tingkat": "provinsi",
                "kode": "52",
                "tahun": 2024,
                "jenis": "",
                "nilai": 1200.0,
            }
        ]
        # the same target for the province's village libraries is a second row, not a change
        with s.write() as cur:
            cur.execute(
                "INSERT INTO target (kpi, tingkat, kode, tahun, jenis, nilai) "
                "VALUES ('kunjungan', 'provinsi', '52', 2024, 'desa_kelurahan', 100)"
            )
        assert s.scalar("SELECT count(*) FROM target") == 2
    finally:
        s.close()


def test_the_importer_reads_the_optional_jenis_column(tmp_store: Store) -> None:
    from kpi.ingest import commit, plan_import

    fx.seed_register(tmp_store)
    sheet = [
        ["KPI", "Tingkat", "Kode", "Tahun", "Nilai", "Jenis"],
        ["kegiatan_per_bulan", "provinsi", "32", 2024, 4.0, None],
        ["kegiatan_per_bulan", "provinsi", "32", 2024, 3.5, "Desa"],
        ["Kegiatan per perpustakaan per bulan", "nasional", None, 2024, 9, "kab/kota"],
        ["kegiatan_per_bulan", "nasional", None, 2024, 2, "kota besar"],
    ]
    plan = plan_import(tmp_store, [("target.xlsx", fx.workbook({"Target": sheet}))])
    assert plan.files[0].sheets[0].kind == "target"
    assert plan.accepted == 3 and plan.rejected == 1
    bad = plan.issues.iloc[0]
    assert (bad["file"], bad["sheet"], bad["row"], bad["column"]) == (
        "target.xlsx",
        "Target",
        5,
        "Jenis",
    )
    commit(tmp_store, plan)
    stored = tmp_store.query("SELECT tingkat, kode, jenis, nilai FROM target ORDER BY nilai")
    assert stored.to_dict("records") == [
        {"tingkat": "provinsi", "kode": "32", "jenis": "desa_kelurahan", "nilai": 3.5},
        {"tingkat": "provinsi", "kode": "32", "jenis": "", "nilai": 4.0},
        {"tingkat": "nasional", "kode": "", "jenis": "kabupaten_kota", "nilai": 9.0},
    ]
    libs = pd.DataFrame(
        {
            "kode": ["P-001", "3201"],
            "jenis": ["desa_kelurahan", "kabupaten_kota"],
            "kode_provinsi": ["32", "32"],
            "kode_kabupaten_kota": ["3201", "3201"],
        }
    )
    t = targets.resolve_targets(tmp_store, libs, "perpustakaan", ["kegiatan_per_bulan"], 2024)
    assert t["kegiatan_per_bulan"].tolist() == [3.5, 9.0]
    # a sheet without the column still imports (jenis is optional): the area's own target
    plain = [["kpi", "tingkat", "kode", "tahun", "nilai"], ["kunjungan", "provinsi", "32", 2024, 5]]
    plan = plan_import(tmp_store, [("lama.xlsx", fx.workbook({"T": plain}))])
    assert plan.rejected == 0 and plan.accepted == 1
    commit(tmp_store, plan)
    assert tmp_store.scalar("SELECT jenis FROM target WHERE kpi = 'kunjungan'") == ""


def test_the_template_has_the_jenis_column_with_its_choices() -> None:
    from io import BytesIO

    from kpi.ingest.template import build_template

    wb = openpyxl.load_workbook(BytesIO(build_template()))
    ws = wb["target"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "jenis"
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"provinsi,kabupaten_kota,desa_kelurahan"' in lists
