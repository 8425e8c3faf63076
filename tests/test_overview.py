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


def _evaluated() -> pd.DataFrame:
    """Five libraries in two provinces, by hand: 11 has P1 (rules R1, R2), P2 (R2), none;
    12 has reporting (D) and Pantau (R3)."""
    from kpi.vocab import Tier

    def lib(kode, prov, kab, tier, points, rules):
        return {
            "kode": kode,
            "nama": f"Perpustakaan {kode}",
            "jenis": "desa_kelurahan",
            "kode_provinsi": prov,
            "provinsi": f"Provinsi {prov}",
            "kode_kabupaten_kota": kab,
            "kabupaten_kota": f"Kab {kab}",
            "tier": tier,
            "points": points,
            "quadrant": None,
            "reasons": [{"rule": r, "values": {}} for r in rules],
        }

    return pd.DataFrame(
        [
            lib("A", "11", "1101", Tier.PRIORITAS_1, 6.0, ["R1", "R2"]),
            lib("B", "11", "1101", Tier.PRIORITAS_2, 3.0, ["R2"]),
            lib("C", "11", "1102", None, 0.0, []),
            lib("D", "12", "1201", Tier.PELAPORAN, 0.0, ["D"]),
            lib("E", "12", "1201", Tier.PANTAU, 1.0, ["R3"]),
        ]
    )


def test_coaching_digest_counts_tiers_and_ranks_areas() -> None:
    from kpi.vocab import Level, Tier

    d = overview.coaching_digest(_evaluated(), Level.PROVINSI, n_areas=3, n_libraries=2)
    assert d.tiers == {
        Tier.PRIORITAS_1: 1,
        Tier.PRIORITAS_2: 1,
        Tier.PELAPORAN: 1,
        Tier.PANTAU: 1,
        Tier.TANPA_TANDA: 1,
    }
    assert d.evaluated == 5
    # 11: 2 of 3 need coaching (P1, P2); 12: 1 of 2 (reporting); Wilson's lower bound puts 11
    # first: z = 1.645; 2/3 -> (0.667 + 0.451 - 0.636) / 1.902 = 25.4%; 1/2 -> 12.1%
    assert list(d.areas["kode"]) == ["11", "12"]
    assert list(d.areas["batas_bawah"].round(1)) == [25.4, 12.1]
    assert list(d.areas["jumlah_perlu"]) == [2, 1]
    # main reasons: R2 in two libraries of 11, then R1 in one; 12: D (Pantau does not count)
    assert d.areas.loc[0, "alasan"] == [("R2", 2), ("R1", 1)]
    assert d.areas.loc[1, "alasan"] == [("D", 1)]
    # the libraries most in need, in the field teams' order: P1, then P2
    assert list(d.libraries["kode"]) == ["A", "B"]


def test_coaching_digest_by_kabkota_and_empty() -> None:
    from kpi.compute import Filters
    from kpi.vocab import Level

    assert overview.digest_level(Filters()) == Level.PROVINSI
    assert overview.digest_level(Filters(provinsi="11")) == Level.KABUPATEN_KOTA
    d = overview.coaching_digest(_evaluated(), Level.KABUPATEN_KOTA)
    # 1101: 2 of 2; 1201: 1 of 2; 1102 has none in need and is left out
    assert list(d.areas["kode"]) == ["1101", "1201"]
    empty = overview.coaching_digest(_evaluated().iloc[0:0], Level.PROVINSI)
    assert empty.evaluated == 0 and empty.areas.empty and empty.libraries.empty
