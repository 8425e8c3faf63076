"""The overview's figures, on a two-library store computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi import overview
from kpi.periods import parse_period
from kpi.store import Store


@pytest.fixture
def store(tmp_store: Store) -> Store:
    with tmp_store.write() as cur:
        cur.execute(
            """
            INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, kode_wilayah,
                kode_provinsi, kode_kabupaten_kota, tahun_bergabung, penduduk)
            VALUES ('A', 'Perpustakaan A', 'desa_kelurahan', '5201011001', '52', '5201', 2022,
                    1000),
                   ('B', 'Perpustakaan B', 'desa_kelurahan', '5201011004', '52', '5201', 2022,
                    1000)
            """
        )
        cur.execute(
            """
            INSERT INTO laporan_bulanan (kode_perpustakaan, periode, kunjungan, kegiatan,
                peserta)
            VALUES ('A', DATE '2024-01-01', 100, 2, 40), ('B', DATE '2024-01-01', 50, 1, 20),
                   ('A', DATE '2025-01-01', 120, 3, 45)
            """
        )
    return tmp_store


def test_headline_kpis_compare_like_for_like(store: Store) -> None:
    h = {x.kpi: x for x in overview.headline_kpis(store, parse_period("2025-01"))}
    # value: what was reported in January 2025 (A only)
    assert h["kunjungan"].nilai == 120
    # change: only A reported in both Januaries: 120 against 100
    assert h["kunjungan"].perubahan == pytest.approx(20.0)
    assert h["kunjungan"].poin is False
    # kegiatan's base (2) is under the minimum base of 30: no change shown
    assert h["kegiatan"].nilai == 3
    assert h["kegiatan"].perubahan is None
    assert h["peserta"].perubahan == pytest.approx(100 * (45 - 40) / 40)
    # completeness: 1 of 2 expected reports now, 2 of 2 a year earlier: -50 points
    assert h["kelengkapan"].nilai == pytest.approx(50.0)
    assert h["kelengkapan"].nilai_lalu == pytest.approx(100.0)
    assert h["kelengkapan"].perubahan == pytest.approx(-50.0)
    assert h["kelengkapan"].poin is True


def test_band_distribution_counts_libraries_without_a_score() -> None:
    libs = pd.DataFrame({"band": ["merah", "hijau", None, "hijau", None]})
    rows = overview.band_distribution(libs).to_dict("records")
    assert [r["jumlah"] for r in rows] == [1, 0, 2, 2]
    assert [r["porsi"] for r in rows] == [20.0, 0.0, 40.0, 40.0]
    assert pd.isna(rows[3]["band"])


def test_province_ranking_leaves_out_unscored() -> None:
    prov = pd.DataFrame(
        {
            "kode": ["11", "12", "13", "14"],
            "nama": ["A", "B", "C", "D"],
            "skor": [50.0, None, 90.0, 70.0],
            "band": ["kuning", None, "hijau", "kuning"],
        }
    )
    best, worst = overview.province_ranking(prov, n=2)
    # three ranked provinces: one best and one weakest, never the same province in both
    assert list(best["kode"]) == ["13"]
    assert list(worst["kode"]) == ["11"]


def test_province_ranking_needs_three_areas_with_a_band() -> None:
    prov = pd.DataFrame(
        {
            "kode": ["11", "12", "13"],
            "nama": ["A", "B", "C"],
            # B has a score from too few libraries: no band ("data belum cukup")
            "skor": [50.0, 95.0, 90.0],
            "band": ["kuning", None, "hijau"],
        }
    )
    best, worst = overview.province_ranking(prov)
    assert best.empty and worst.empty  # two ranked areas: no best and weakest tables
    one = overview.province_ranking(prov.iloc[[2]])
    assert one[0].empty and one[1].empty  # one province loaded: it is neither
    six = pd.DataFrame(
        {
            "kode": [f"{i}" for i in range(11, 17)],
            "nama": list("ABCDEF"),
            "skor": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            "band": ["merah"] * 4 + ["kuning"] * 2,
        }
    )
    best, worst = overview.province_ranking(six)
    assert list(best["kode"]) == ["16", "15", "14"] and list(worst["kode"]) == ["11", "12", "13"]
