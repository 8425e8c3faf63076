"""Monthly KPI series (kpi.trend) on a small hand-built store, every figure computed by hand."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from kpi import compute, trend
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store, migrate

WILAYAH = [
    ("52", "provinsi", "Nusa Tenggara Barat", None),
    ("5201", "kabupaten_kota", "Kabupaten Lombok Barat", "52"),
    ("53", "provinsi", "Nusa Tenggara Timur", None),
    ("5301", "kabupaten_kota", "Kabupaten Kupang", "53"),
]
LIBS = [
    # kode, nama, jenis, provinsi, kab/kota, tahun_bergabung, penduduk, dukungan
    ("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("B", "Desa B", "desa_kelurahan", "52", "5201", 2022, 3000, "penuh"),
    ("N", "Desa N", "desa_kelurahan", "53", "5301", 2021, 500, "penuh"),
]
REPORTS: list[dict[str, Any]] = [
    {"kode_perpustakaan": "A", "periode": "2023-12-01", "mitra_baru": 3},
    {"kode_perpustakaan": "A", "periode": "2024-01-01", "kunjungan": 100, "mitra_baru": 1},
    {"kode_perpustakaan": "A", "periode": "2024-02-01", "kunjungan": 200},
    {"kode_perpustakaan": "B", "periode": "2024-01-01", "kunjungan": 300},
    {"kode_perpustakaan": "B", "periode": "2024-03-01", "kunjungan": 60, "mitra_baru": 2},
    {"kode_perpustakaan": "N", "periode": "2024-02-01", "kunjungan": 50},
]
Q1 = "2024-01..2024-03"
JAN, FEB, MAR = (pd.Timestamp(f"2024-0{m}-01") for m in (1, 2, 3))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "trend.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    for row in WILAYAH:
        con.execute("INSERT INTO wilayah VALUES (?, ?, ?, ?, NULL, NULL)", list(row))
    con.close()
    s = Store(path)
    cols = (
        "kode_perpustakaan, nama_perpustakaan, jenis, kode_provinsi, kode_kabupaten_kota, "
        "tahun_bergabung, penduduk, jenis_dukungan"
    )
    with s.write() as cur:
        for lib in LIBS:
            cur.execute(f"INSERT INTO perpustakaan ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", lib)
        for rep in REPORTS:
            names = list(rep)
            cur.execute(
                f"INSERT INTO laporan_bulanan ({', '.join(names)}, batch_id) "
                f"VALUES ({', '.join('?' for _ in names)}, 'b1')",
                [rep[c] for c in names],
            )
    yield s
    s.close()


def _values(frame: pd.DataFrame, kode: str) -> dict[pd.Timestamp, float]:
    rows = frame[frame["kode"] == kode]
    return dict(zip(rows["periode"], rows["nilai"], strict=True))


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


def test_a_ratio_is_a_ratio_of_sums_each_month(store: Store) -> None:
    out = trend.monthly(ask(store, "provinsi", Q1, kpis=["kunjungan_per_1000"]))
    assert list(out.columns) == list(trend.COLUMNS)
    ntb = _values(out, "52")
    # Jan: 1000 x (100 + 300) / (1000 x 1 + 3000 x 1); Feb: only A; Mar: only B
    assert ntb[JAN] == pytest.approx(100.0)
    assert ntb[FEB] == pytest.approx(200.0)
    assert ntb[MAR] == pytest.approx(20.0)
    ntt = _values(out, "53")
    assert math.isnan(ntt[JAN]) and math.isnan(ntt[MAR])  # no report: empty, never 0
    assert ntt[FEB] == pytest.approx(100.0)  # 1000 x 50 / 500
    assert set(out["nama"]) == {"Nusa Tenggara Barat", "Nusa Tenggara Timur"}


def test_completeness_beside_every_month(store: Store) -> None:
    out = trend.monthly(ask(store, "provinsi", Q1, kpis=["kunjungan"])).set_index(
        ["kode", "periode"]
    )
    assert out.loc[("52", JAN), "kelengkapan_laporan"] == pytest.approx(100.0)  # A and B
    assert out.loc[("52", FEB), "kelengkapan_laporan"] == pytest.approx(50.0)  # A only
    assert out.loc[("53", JAN), "kelengkapan_laporan"] == pytest.approx(0.0)
    assert out.loc[("52", JAN), "perpustakaan_nilai"] == 2
    assert out.loc[("52", MAR), "perpustakaan_nilai"] == 1
    assert out.loc[("52", JAN), "perpustakaan"] == 2


def test_the_level_total_follows_the_filters(store: Store) -> None:
    total = trend.monthly(ask(store, "nasional", Q1, kpis=["kunjungan"]))
    assert list(total["periode"]) == [JAN, FEB, MAR]
    assert list(total["nilai"]) == [400.0, 250.0, 60.0]
    assert list(total["nama"]) == ["Indonesia"] * 3
    ntb = trend.monthly(ask(store, "nasional", Q1, Filters(provinsi="52"), ["kunjungan"]))
    assert list(ntb["nilai"]) == [400.0, 200.0, 60.0]


def test_a_cumulative_kpi_runs_over_the_history_to_each_month(store: Store) -> None:
    out = trend.monthly(ask(store, "perpustakaan", Q1, kpis=["kemitraan"]), units=["A", "B"])
    assert set(out["kode"]) == {"A", "B"}
    a = _values(out, "A")
    assert [a[m] for m in (JAN, FEB, MAR)] == [4.0, 4.0, 4.0]  # 3 in Dec 2023 + 1 in Jan
    b = _values(out, "B")
    assert math.isnan(b[JAN]) and math.isnan(b[FEB])  # nothing reported yet
    assert b[MAR] == 2.0
    assert set(out["nama"]) == {"Desa A", "Desa B"}


def test_each_month_equals_the_kpi_table_of_that_month(store: Store) -> None:
    for kpi in ("kunjungan_per_1000", "kemitraan", "anggota", "kelengkapan"):
        out = trend.monthly(ask(store, "kabupaten_kota", Q1, kpis=[kpi]))
        for month in ("2024-01", "2024-02", "2024-03"):
            table = compute.aggregate(ask(store, "kabupaten_kota", month, None, [kpi]))
            got = out[out["periode"] == pd.Timestamp(f"{month}-01")].set_index("kode")["nilai"]
            for kode, value in zip(table["kode"], table[kpi].astype(float), strict=True):
                assert _same(float(got[kode]), value), (kpi, month, kode)


def test_unknown_level_or_kpi_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="level"):
        trend.monthly(ask(store, "desa", Q1, kpis=["kunjungan"]))
    with pytest.raises(ValueError, match="unknown KPI"):
        trend.monthly(ask(store, "provinsi", Q1, kpis=["tidak_ada"]))


def test_several_kpis_in_one_statement(store: Store) -> None:
    wide = trend.monthly_wide(ask(store, "nasional", Q1, kpis=["kunjungan", "kelengkapan"]))
    assert list(wide["periode"]) == [JAN, FEB, MAR]
    # visits: January A 100 + B 300; February A 200 + N 50; March B 60
    assert list(wide["kunjungan"]) == [400.0, 250.0, 60.0]
    # completeness: 3 libraries expected every month (joined 2021/2022); 2, 2 and 1 reported
    assert wide["kelengkapan"].tolist() == pytest.approx([200 / 3, 200 / 3, 100 / 3])
    # the same values as the one-KPI series
    one = trend.monthly(ask(store, "nasional", Q1, kpis=["kunjungan"]))
    assert one["nilai"].tolist() == wide["kunjungan"].tolist()
