"""Rates that mean the same for any period and any area (issue 13, decisions 7, 8 and 10):
the budget per capita per year from the calendar years a period covers, loans per member per
month, populations counted once at area level, and each KPI's own minimum base for growth."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_compute import build_store

from kpi import compute
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store

LIBS = [
    ("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("B", "Desa B", "desa_kelurahan", "52", "5201", 2022, 2000, "penuh"),
    ("K", "Kab", "kabupaten_kota", "52", "5201", 2022, 50000, "penuh"),
    ("P", "Prov", "provinsi", "52", None, 2022, 900000, "penuh"),
    # a kab/kota library without a population covers nobody
    ("L", "Kab tanpa penduduk", "kabupaten_kota", "53", "5301", 2022, None, "penuh"),
    ("N", "Desa N", "desa_kelurahan", "53", "5301", 2022, 500, "penuh"),
]


def reports() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for m in range(1, 13):
        periode = f"2024-{m:02d}-01"
        # A: the budget once a year (October), every month reported; 50 loans, 100 members
        out.append(
            dict(
                kode_perpustakaan="A",
                periode=periode,
                anggaran_daerah=500_000 if m == 10 else 0,
                peminjaman=50,
                anggota_total=100,
                kunjungan=100,
            )
        )
        # B: visits every month; its budget is reported in March only
        out.append(
            dict(
                kode_perpustakaan="B",
                periode=periode,
                kunjungan=200,
                anggaran_daerah=300_000 if m == 3 else None,
            )
        )
        out.append(dict(kode_perpustakaan="N", periode=periode, kunjungan=10))
    # K: visits in January and February only
    for m in (1, 2):
        out.append(dict(kode_perpustakaan="K", periode=f"2024-{m:02d}-01", kunjungan=1000))
    # 2025: A reports January to March with a budget of 0 so far (its year does not count)
    for m in (1, 2, 3):
        out.append(dict(kode_perpustakaan="A", periode=f"2025-{m:02d}-01", anggaran_daerah=0))
    # L reports visits but has no population
    out.append(dict(kode_perpustakaan="L", periode="2024-01-01", kunjungan=400))
    return out


@pytest.fixture
def store(tmp_path: Path):
    s = build_store(tmp_path / "rates.duckdb", LIBS, reports())
    yield s
    s.close()


def lib(store: Store, period: str, kpi: str, kode: str) -> float:
    t = compute.aggregate(ask(store, "perpustakaan", period, kpis=[kpi])).set_index("kode")
    return float(t.loc[kode, kpi])


@pytest.mark.parametrize("period", ["2024-Q3", "2024", "2024-10", "2024-07..2025-06"])
def test_budget_per_capita_per_year_from_calendar_years(store: Store, period: str) -> None:
    # A's 2024 budget, 500,000 for 1,000 people, whatever part of the year the period is; in
    # 2024-07..2025-06, 2025 has no budget yet (0 over 3 months reported): one year
    assert lib(store, period, "anggaran_per_kapita", "A") == pytest.approx(500.0)


def test_budget_of_a_year_not_reported_yet_is_empty(store: Store) -> None:
    assert math.isnan(lib(store, "2025-Q1", "anggaran_per_kapita", "A"))
    # B reported its budget in one month only, and it is above 0: the year counts
    assert lib(store, "2024-Q4", "anggaran_per_kapita", "B") == pytest.approx(150.0)


@pytest.mark.parametrize("period", ["2024-01", "2024-Q1", "2024-S2", "2024"])
def test_loans_per_member_are_per_month(store: Store, period: str) -> None:
    # 50 loans a month for 100 members: 0.5 for a month, a quarter, a semester or a year
    assert lib(store, period, "pinjaman_per_anggota", "A") == pytest.approx(0.5)


def test_populations_are_counted_once_at_area_level(store: Store) -> None:
    per = "2024-01..2024-02"
    prov = compute.aggregate(ask(store, "provinsi", per, kpis=["kunjungan_per_1000"])).set_index(
        "kode"
    )
    # NTB: P serves the whole province (900,000); visits of A, B, K in the two months
    assert prov.loc["52", "kunjungan_per_1000"] == pytest.approx(
        1000 * (2 * 100 + 2 * 200 + 2 * 1000) / (900_000 * 2)
    )
    # NTT: L has no population, so it covers nobody and adds no population; N adds its own
    # (L's visits have no population beside them: left out)
    assert prov.loc["53", "kunjungan_per_1000"] == pytest.approx(1000 * 20 / (500 * 2))
    kab = compute.aggregate(
        ask(store, "kabupaten_kota", per, kpis=["kunjungan_per_1000"])
    ).set_index("kode")
    # Lombok Barat: K serves the kab/kota; P is not in a kab/kota
    assert kab.loc["5201", "kunjungan_per_1000"] == pytest.approx(
        1000 * (2 * 100 + 2 * 200 + 2 * 1000) / (50_000 * 2)
    )
    # only the village libraries (a filter): nobody covers them, each population once
    desa = compute.aggregate(
        ask(store, "provinsi", per, Filters(jenis="desa_kelurahan"), ["kunjungan_per_1000"])
    ).set_index("kode")
    assert desa.loc["52", "kunjungan_per_1000"] == pytest.approx(
        1000 * (2 * 100 + 2 * 200) / (1000 * 2 + 2000 * 2)
    )
    # a library alone keeps its own population
    assert lib(store, per, "kunjungan_per_1000", "K") == pytest.approx(1000 * 2000 / (50_000 * 2))


def test_budget_and_coverage_count_the_population_once(store: Store) -> None:
    t = compute.aggregate(
        ask(store, "provinsi", "2024", kpis=["anggaran_per_kapita", "cakupan_anggota"])
    ).set_index("kode")
    # NTB's 2024 budgets (A 500,000 and B 300,000) for the province's 900,000 people, one year
    assert t.loc["52", "anggaran_per_kapita"] == pytest.approx(800_000 / 900_000)
    # members: A's 100 at the year's end, for the province's 900,000
    assert t.loc["52", "cakupan_anggota"] == pytest.approx(100 * 100 / 900_000)


def test_growth_uses_each_kpis_own_minimum_base(tmp_path: Path) -> None:
    libs = [("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh")]
    reps = []
    for y, n in ((2023, 2), (2024, 1)):
        for m in (10, 11, 12):
            reps.append(
                dict(kode_perpustakaan="A", periode=f"{y}-{m:02d}-01", kegiatan=n, kunjungan=9 * n)
            )
    s = build_store(tmp_path / "g.duckdb", libs, reps)
    try:
        g = compute.growth(ask(s, "perpustakaan", "2024-12")).set_index("kode").loc["A"]
        # kegiatan: 3 against 6, at kegiatan's base of 6: -50%; kunjungan: 27 against 54 is
        # above kunjungan's base of 30: -50%
        assert g["kegiatan__lalu"] == 6 and g["kegiatan"] == pytest.approx(-50.0)
        assert g["kunjungan__lalu"] == 54 and g["kunjungan"] == pytest.approx(-50.0)
        # one base for all, as before: 30 switches kegiatan off
        g30 = (
            compute.growth(ask(s, "perpustakaan", "2024-12"), min_base=30)
            .set_index("kode")
            .loc["A"]
        )
        assert math.isnan(g30["kegiatan"]) and g30["kunjungan"] == pytest.approx(-50.0)
    finally:
        s.close()
