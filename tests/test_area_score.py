"""An area's score is the mean of its scored libraries' scores (issue 13, decision 1), with the
libraries per band and without a score beside it, and no band with too few scored libraries."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from test_compute import build_store

from kpi import compute, score
from kpi.compute import Filters
from kpi.scope import ask

PER = "2024-01..2024-02"
LIBS = [
    ("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("B", "Desa B", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("C", "Desa C", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("D", "Desa D", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),  # silent
    ("E", "Desa E", "desa_kelurahan", "52", "5202", 2022, 1000, "penuh"),
    ("F", "Desa F", "desa_kelurahan", "52", "5202", 2022, 1000, "penuh"),  # silent
    ("G", "Desa G", "desa_kelurahan", "52", "5202", 2022, 1000, "penuh"),  # silent
    ("H", "Desa H", "desa_kelurahan", "52", "5202", 2024, 1000, "penuh"),  # joined: not expected
]
PER_MONTH = {"A": 4, "B": 2, "C": 1, "E": 3}
# every village library's target: 4 activities a month
TARGETS = [("kegiatan_per_bulan", "nasional", "", 2024, 4.0, "desa_kelurahan")]


def settings() -> dict[str, Any]:
    s = score.default_settings()
    s["komponen"] = {"informasi": [], "pelibatan": ["kegiatan_per_bulan"], "advokasi": []}
    s["bobot"] = {"informasi": 0, "pelibatan": 100, "advokasi": 0}
    return s


@pytest.fixture
def store(tmp_path: Path):
    reports = [
        dict(kode_perpustakaan=k, periode=f"2024-{m:02d}-01", kegiatan=n)
        for k, n in PER_MONTH.items()
        for m in (1, 2)
    ]
    s = build_store(tmp_path / "area.duckdb", LIBS, reports, TARGETS)
    yield s
    s.close()


def by_kode(frame) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    return {str(r["kode"]): r for r in frame.to_dict("records")}


def test_area_score_is_the_mean_of_its_libraries(store) -> None:  # noqa: ANN001
    libs = by_kode(score.scored_table(store, "perpustakaan", PER, None, [], settings=settings()))
    # A 4/4 -> 100, B 50, C 25, E 75; D, F, G never reported; H not expected yet
    assert [libs[k]["skor"] for k in "ABCE"] == pytest.approx([100.0, 50.0, 25.0, 75.0])
    assert all(math.isnan(libs[k]["skor"]) for k in "DFGH")
    kab = by_kode(score.scored_table(store, "kabupaten_kota", PER, None, [], settings=settings()))
    k1 = kab["5201"]
    assert k1["skor"] == pytest.approx((100 + 50 + 25) / 3)
    assert k1["skor_pelibatan"] == pytest.approx((100 + 50 + 25) / 3)
    counts = [k1[f"perpustakaan_{b}"] for b in ("merah", "kuning", "hijau", "tanpa_skor")]
    assert counts == [1, 1, 1, 1]
    assert (k1["perpustakaan_berskor"], k1["perpustakaan_diharapkan"]) == (3, 4)
    assert k1["porsi_berskor"] == pytest.approx(75.0) and k1["band"] == "kuning"
    # Lombok Tengah: 1 of its 3 expected libraries scored (H is not expected yet): a score,
    # no band ("data belum cukup")
    k2 = kab["5202"]
    assert k2["skor"] == pytest.approx(75.0)
    assert (k2["perpustakaan_berskor"], k2["perpustakaan_diharapkan"]) == (1, 3)
    assert not k2["data_cukup"] and k2["band"] is None
    assert k2["perpustakaan_tanpa_skor"] == 3
    prov = score.scored_table(store, "provinsi", PER, None, [], settings=settings()).iloc[0]
    assert prov["skor"] == pytest.approx((100 + 50 + 25 + 75) / 4)
    assert prov["band"] == "kuning" and prov["perpustakaan_berskor"] == 4
    # the aggregate's own rate would have scored it differently: (8+4+2+6) / 8 months = 2.5
    agg = compute.aggregate(ask(store, "provinsi", PER, kpis=["kegiatan_per_bulan"])).iloc[0]
    assert agg["kegiatan_per_bulan"] == pytest.approx(2.5)
    nat = score.scored_table(store, "nasional", PER, None, [], settings=settings()).iloc[0]
    assert nat["skor"] == pytest.approx(prov["skor"])


def test_the_minimum_share_is_a_setting_and_filters_choose_the_libraries(store) -> None:  # noqa: ANN001
    s = settings()
    s["porsi_berskor_minimum"] = 30
    kab = by_kode(score.scored_table(store, "kabupaten_kota", PER, None, [], settings=s))
    assert kab["5202"]["band"] == "kuning"  # 33% is enough now
    only = score.scored_table(
        store, "kabupaten_kota", PER, Filters(kabupaten_kota="5201"), [], settings=settings()
    )
    assert only["kode"].tolist() == ["5201"]
    assert only["skor"].iat[0] == pytest.approx(175 / 3)
