"""Coaching rules: each rule firing and not firing at its threshold, D silencing the others,
the quadrant, points and tiers, the roll-up, and the rule inputs computed from raw reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_compute import build_store

from kpi import coaching
from kpi.store import Store

SETTINGS = coaching.default_settings()
END = date(2025, 12, 1)


def healthy(**over: Any) -> dict[str, Any]:
    """A library that no rule flags; each test changes one figure."""
    row: dict[str, Any] = {
        "kode": "X",
        "nama": "Desa X",
        "jenis": "desa_kelurahan",
        "kode_provinsi": "52",
        "provinsi": "Nusa Tenggara Barat",
        "kode_kabupaten_kota": "5201",
        "kabupaten_kota": "Kabupaten Lombok Barat",
        "bulan_diharapkan": 12,
        "bulan_dilaporkan": 12,
        "kelengkapan": 100.0,
        "diharapkan_akhir": 2,
        "dilaporkan_akhir": 2,
        "skor": 70.0,
        "band": "kuning",
        "skor_tahun_lalu": 65.0,
        "median_sejawat": 60.0,
        "persentil_sejawat": 0.5,
        "bulan_tanpa_kegiatan": 0,
        "ciel": 50.0,
        "bulan_melapor": 24,
        "kunjungan_yoy": 5.0,
        "kunjungan_kini": 315.0,
        "kunjungan_lalu": 300.0,
        "kegiatan_yoy": 0.0,
        "kegiatan_kini": 40.0,
        "kegiatan_lalu": 40.0,
        "capaian": [],
    }
    row.update(over)
    return row


def run(*rows: dict[str, Any], settings: dict[str, Any] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame.attrs.update({"end": END, "window": "2025-01..2025-12", "r3": ["kunjungan", "kegiatan"]})
    return coaching.apply_rules(frame, settings or SETTINGS)


def rules(out: pd.DataFrame, i: int = 0) -> list[str]:
    return [r["rule"] for r in out["reasons"].iloc[i]]


def test_healthy_library_has_no_flag() -> None:
    out = run(healthy())
    assert out["tier"].iloc[0] is None
    assert out["points"].iloc[0] == 0
    assert out["quadrant"].iloc[0] == "teladan"
    assert rules(out) == []


@pytest.mark.parametrize(
    ("over", "fires"),
    [
        ({"kelengkapan": 79.99, "bulan_dilaporkan": 10}, True),
        ({"kelengkapan": 80.0, "bulan_dilaporkan": 10}, False),
        ({"dilaporkan_akhir": 0}, True),
        ({"dilaporkan_akhir": 1}, False),
        ({"diharapkan_akhir": 0, "dilaporkan_akhir": 0}, False),  # nothing expected yet
    ],
)
def test_rule_d_threshold(over: dict[str, Any], fires: bool) -> None:
    out = run(healthy(**over))
    assert (out["tier"].iloc[0] == "pelaporan") is fires
    assert ("D" in rules(out)) is fires


def test_rule_d_silences_the_others() -> None:
    out = run(
        healthy(
            kelengkapan=50.0,
            bulan_dilaporkan=6,
            skor=20.0,
            band="merah",
            bulan_tanpa_kegiatan=6,
            ciel=90.0,
            persentil_sejawat=0.1,
        )
    )
    assert out["tier"].iloc[0] == "pelaporan"
    assert out["points"].iloc[0] == 0
    assert out["quadrant"].iloc[0] is None
    [d] = out["reasons"].iloc[0]
    assert d["rule"] == "D"
    assert d["text_id"] == "Perlu pembinaan pelaporan: 6 dari 12 bulan tidak dilaporkan"
    assert d["text_en"] == "Needs reporting coaching: 6 of 12 months not reported"
    assert d["values"]["n"] == 6 and d["values"]["m"] == 12 and d["values"]["kelengkapan"] == 50


@pytest.mark.parametrize(
    ("rule", "fire", "hold"),
    [
        (
            "R1",
            {"skor": 49.999, "band": "merah", "median_sejawat": 40.0},
            {"skor": 50.0, "band": "kuning", "median_sejawat": 40.0},
        ),
        (
            "R2",
            {"capaian": [("kegiatan_per_bulan", 59.9, 2.4, 4.0)]},
            {"capaian": [("kegiatan_per_bulan", 60.0, 2.4, 4.0)]},
        ),
        ("R3", {"kunjungan_yoy": -20.0}, {"kunjungan_yoy": -19.9}),
        ("R4", {"persentil_sejawat": 0.2}, {"persentil_sejawat": 0.21}),
        ("R5", {"bulan_tanpa_kegiatan": 3}, {"bulan_tanpa_kegiatan": 2}),
        ("R6", {"ciel": 100.0}, {"ciel": 99.9}),  # score 70: gap 30 fires, 29.9 does not
        ("Q", {"skor": 55.0, "skor_tahun_lalu": 56.0}, {"skor": 55.0, "skor_tahun_lalu": 55.0}),
    ],
)
def test_each_rule_at_its_threshold(rule: str, fire: dict[str, Any], hold: dict[str, Any]) -> None:
    points = {"R1": 2, "R2": 2, "R3": 2, "R4": 1, "R5": 2, "R6": 1, "Q": 3}[rule]
    fired = run(healthy(**fire))
    assert rule in rules(fired)
    assert fired["points"].iloc[0] == points
    assert fired["tier"].iloc[0] == coaching.tier_of(points, SETTINGS)
    held = run(healthy(**hold))
    assert rule not in rules(held)


def test_reason_texts_and_numbers() -> None:
    out = run(
        healthy(
            skor=45.26,
            band="merah",
            kunjungan_yoy=-32.5,
            kunjungan_kini=202.0,
            kunjungan_lalu=300.0,
            capaian=[("kegiatan_per_bulan", 41.0, 1.64, 4.0)],
            persentil_sejawat=0.1,
        )
    )
    by = {r["rule"]: r for r in out["reasons"].iloc[0]}
    assert by["R1"]["text_id"] == "Skor KPI 45,3 (merah)"
    assert by["R1"]["text_en"] == "KPI score 45.3 (red)"
    assert by["R2"]["text_id"] == "Capaian Kegiatan per perpustakaan per bulan 41% dari target"
    assert by["R2"]["values"] == {
        "kpi": "kegiatan_per_bulan",
        "p": 41.0,
        "aktual": 1.64,
        "target_prorata": 4.0,
        "periode": "2025-01..2025-12",
    }
    assert by["R3"]["text_id"] == "Kunjungan turun 32,5% dibanding tahun lalu"
    assert by["R3"]["text_en"] == "Visits down 32.5% on a year earlier"
    assert by["R3"]["values"]["kini"] == 202 and by["R3"]["values"]["lalu"] == 300
    assert by["R4"]["text_id"] == "Skor di 20% terbawah Nusa Tenggara Barat"  # the setting's 20
    # R1 2 + R2 2 + R3 2 + R4 1 + Q 3 (45.25 below the median 60 and below 65 a year earlier)
    assert out["points"].iloc[0] == 10
    assert out["tier"].iloc[0] == "prioritas_1"


def test_points_count_once_per_rule_and_tiers() -> None:
    two_kpis = [("kegiatan_per_bulan", 10.0, 0.4, 4.0), ("kunjungan_per_1000", 20.0, 2.0, 10.0)]
    out = run(healthy(capaian=two_kpis))
    assert rules(out) == ["R2", "R2"]
    assert out["points"].iloc[0] == 2 and out["tier"].iloc[0] == "pantau"
    out = run(healthy(skor=45.0, band="merah", persentil_sejawat=0.1, skor_tahun_lalu=40.0))
    assert out["points"].iloc[0] == 3 and out["tier"].iloc[0] == "prioritas_2"
    assert coaching.tier_of(5, SETTINGS) == "prioritas_1"
    assert coaching.tier_of(4, SETTINGS) == "prioritas_2"
    assert coaching.tier_of(1, SETTINGS) == "pantau"
    assert coaching.tier_of(0, SETTINGS) is None


def test_growth_not_judged_for_new_libraries() -> None:
    out = run(healthy(kunjungan_yoy=-50.0, skor=40.0, band="merah", bulan_melapor=5))
    assert "R3" not in rules(out) and "Q" not in rules(out)
    assert out["quadrant"].iloc[0] is None
    out = run(healthy(kunjungan_yoy=-50.0, bulan_melapor=6))
    assert "R3" in rules(out)


@pytest.mark.parametrize(
    ("x", "y", "quadrant"),
    [
        (10.0, 5.0, "teladan"),
        (0.0, 0.0, "teladan"),
        (10.0, -5.0, "waspada"),
        (-10.0, 5.0, "berkembang"),
        (-10.0, -0.1, "prioritas"),
        (None, 1.0, None),
    ],
)
def test_quadrant(x: float | None, y: float | None, quadrant: str | None) -> None:
    assert coaching.quadrant_of(x, y) == quadrant


def test_thresholds_are_settings() -> None:
    s = coaching.default_settings()
    s["R5"]["bulan_berturut"] = 4
    s["R1"]["poin"] = 5
    assert "R5" not in rules(run(healthy(bulan_tanpa_kegiatan=3), settings=s))
    out = run(healthy(skor=40.0, band="merah", skor_tahun_lalu=30.0), settings=s)
    assert out["points"].iloc[0] == 5 and out["tier"].iloc[0] == "prioritas_1"


def test_rollup_ranks_by_share_then_count() -> None:
    def lib(kode: str, kab: str, tier: str | None, jenis: str = "desa_kelurahan") -> dict[str, Any]:
        return {
            "kode": kode,
            "nama": kode,
            "jenis": jenis,
            "kode_provinsi": "52",
            "provinsi": "Nusa Tenggara Barat",
            "kode_kabupaten_kota": kab,
            "kabupaten_kota": f"Kab {kab}",
            "tier": tier,
            "points": {None: 0, "pantau": 1, "prioritas_2": 3, "prioritas_1": 5, "pelaporan": 0}[
                tier
            ],
            "quadrant": None,
            "reasons": [],
        }

    frame = pd.DataFrame(
        [
            lib("K1", "5201", "pantau", "kabupaten_kota"),
            lib("A", "5201", "prioritas_1"),
            lib("B", "5201", None),
            lib("C", "5202", "prioritas_2"),
            lib("D", "5202", "pelaporan"),
            lib("E", "5202", None),
            lib("F", "5202", None),
            lib("G", "5203", "prioritas_1"),
            lib("H", "5203", "prioritas_2"),
            lib("I", "5203", None),
            lib("J", "5203", None),
            lib("L", "5203", None),
            lib("M", "5203", None),
        ]
    )
    kab = coaching.rollup(frame, "kabupaten_kota")
    # 5203: 2 of 6 (33.3%, 2 libraries); 5201: 1 of 3 (33.3%, 1); 5202: 1 of 4 (25%)
    assert kab["kode"].tolist() == ["5203", "5201", "5202"]
    assert kab["peringkat"].tolist() == [1, 2, 3]
    k5201 = kab.set_index("kode").loc["5201"]
    assert k5201["jumlah_perpustakaan"] == 3
    assert k5201["jumlah_prioritas_1"] == 1 and k5201["porsi_prioritas"] == pytest.approx(100 / 3)
    assert k5201["sendiri_tier"] == "pantau"  # the kab/kota library's own tier
    assert kab.set_index("kode").loc["5202", "jumlah_pelaporan"] == 1
    prov = coaching.rollup(frame, "provinsi")
    assert prov["jumlah_perpustakaan"].tolist() == [13]
    assert prov["jumlah_prioritas"].tolist() == [4]


# ------------------------------------------------------------------------------------------
# rule inputs from raw reports


def months(year: int) -> list[str]:
    return [f"{year}-{m:02d}-01" for m in range(1, 13)]


@pytest.fixture
def raw_store(tmp_path: Path) -> Iterator[Store]:
    libs = [
        (f"L{i}", f"Desa {i}", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh")
        for i in range(1, 5)
    ]
    reports: list[dict[str, Any]] = []
    for m in months(2023):
        for i in range(1, 5):
            reports.append(dict(kode_perpustakaan=f"L{i}", periode=m, kunjungan=100, kegiatan=2))
    for j, m in enumerate(months(2024), start=1):
        # L1: visits fall 30% in Q4, no activity June to August
        reports.append(
            dict(
                kode_perpustakaan="L1",
                periode=m,
                kunjungan=70 if j >= 10 else 100,
                kegiatan=0 if j in (6, 7, 8) else 2,
            )
        )
        if j <= 10:  # L2 is silent in the last two months
            reports.append(dict(kode_perpustakaan="L2", periode=m, kunjungan=100, kegiatan=2))
        if j not in (2, 3, 4):  # L3 misses three months: 75%
            reports.append(dict(kode_perpustakaan="L3", periode=m, kunjungan=100, kegiatan=2))
        reports.append(dict(kode_perpustakaan="L4", periode=m, kunjungan=100, kegiatan=2))
    s = build_store(tmp_path / "aturan.duckdb", libs, reports)
    yield s
    s.close()


def test_rule_inputs_and_rules_from_reports(raw_store: Store) -> None:
    out = coaching.evaluate(raw_store, "2024-12")
    by = out.set_index("kode")
    assert out.attrs["window"] == "2024-01..2024-12"
    assert by.loc["L1", "kunjungan_kini"] == 210 and by.loc["L1", "kunjungan_lalu"] == 300
    assert by.loc["L1", "kunjungan_yoy"] == pytest.approx(-30.0)
    assert by.loc["L1", "bulan_tanpa_kegiatan"] == 3
    assert {"R3", "R5"} <= {r["rule"] for r in by.loc["L1", "reasons"]}
    assert by.loc["L2", "tier"] == "pelaporan"  # nothing in the last 2 months
    assert by.loc["L2", "kelengkapan"] == pytest.approx(100 * 10 / 12)
    assert by.loc["L3", "tier"] == "pelaporan"  # 75% < 80%
    assert by.loc["L3", "reasons"][0]["values"]["n"] == 3
    assert by.loc["L4", "tier"] != "pelaporan"
    # the kegiatan base (6 a quarter) is under the minimum base: no growth figure
    assert pd.isna(by.loc["L4", "kegiatan_yoy"])
    prio = coaching.priorities(out)
    assert prio["tier"].notna().all()


def test_settings_are_stored_and_restorable(raw_store: Store) -> None:
    from kpi import score

    s = coaching.get_settings(raw_store)
    assert s == coaching.default_settings()
    coaching.save_settings(raw_store, {"R5": {"bulan_berturut": 4}, "jendela_bulan": 6})
    changed = coaching.get_settings(raw_store)
    assert changed["R5"] == {"bulan_berturut": 4, "poin": 2}  # merged rule by rule
    assert changed["jendela_bulan"] == 6
    out = coaching.evaluate(raw_store, "2024-12")
    assert out.attrs["window"] == "2024-07..2024-12"
    assert "R5" not in {r["rule"] for rs in out["reasons"] for r in rs}
    score.restore_defaults(raw_store)
    assert coaching.get_settings(raw_store) == coaching.default_settings()
