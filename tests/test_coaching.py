"""Coaching rules: each rule firing and not firing at its threshold, D silencing the others,
the quadrant, points and tiers, the roll-up, and the rule inputs computed from raw reports."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_compute import build_store

from kpi import coaching
from kpi.reasons import words
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
    assert words(d, "id") == "Perlu pembinaan pelaporan: 6 dari 12 bulan tidak dilaporkan"
    assert words(d, "en") == "Needs reporting coaching: 6 of 12 months not reported"
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
    # R1, R4 and Q read the same weak score: one reason, under the rule with the most points
    assert "R1" not in by and "R4" not in by
    weak = by["Q"]
    assert weak["rules"] == ["R1", "R4", "Q"]
    assert words(weak, "id") == (
        "Skor KPI 45,3: merah, 20% terbawah di Nusa Tenggara Barat, di bawah median sejawat "
        "(60) dan turun dari 65 setahun sebelumnya"
    )
    assert words(weak, "en") == (
        "KPI score 45.3: red, bottom 20% in Nusa Tenggara Barat, below the peer median (60) and "
        "down from 65 a year earlier"
    )
    assert weak["values"] == {
        "s": 45.3,
        "periode": "2025-01..2025-12",
        "band": "merah",
        "persentil": 10.0,
        "provinsi": "Nusa Tenggara Barat",
        "median": 60.0,
        "s_tahun_lalu": 65.0,
        "aturan": ["R1", "R4", "Q"],
        "poin": 3.0,
    }
    assert [r["rule"] for r in out["reasons"].iloc[0]] == ["Q", "R2", "R3"]
    assert words(by["R2"], "id") == "Capaian Kegiatan per perpustakaan per bulan 41% dari target"
    assert by["R2"]["values"] == {
        "kpi": "kegiatan_per_bulan",
        "p": 41.0,
        "aktual": 1.64,
        "target_prorata": 4.0,
        "periode": "2025-01..2025-12",
    }
    assert words(by["R3"], "id") == "Kunjungan turun 32,5% dibanding tahun lalu"
    assert words(by["R3"], "en") == "Visits down 32.5% on a year earlier"
    assert by["R3"]["values"]["kini"] == 202 and by["R3"]["values"]["lalu"] == 300
    # max(R1 2, R4 1, Q 3) + R2 2 + R3 2 (one weak score counts once, not 2 + 1 + 3)
    assert out["points"].iloc[0] == 3 + 2 + 2
    assert out["tier"].iloc[0] == "prioritas_1"


def test_one_weakness_counts_once() -> None:
    # R1 and R4 (score 45 red, bottom 10%, but higher than a year earlier: no Q)
    out = run(healthy(skor=45.0, band="merah", persentil_sejawat=0.1, skor_tahun_lalu=40.0))
    [weak] = out["reasons"].iloc[0]
    assert weak["rule"] == "R1" and weak["rules"] == ["R1", "R4"]
    assert words(weak, "en") == "KPI score 45: red, bottom 20% in Nusa Tenggara Barat"
    assert out["points"].iloc[0] == 2  # max(2, 1), not 3
    assert out["tier"].iloc[0] == "pantau"
    # R4 alone keeps its own point; with changed points the largest still wins
    out = run(healthy(persentil_sejawat=0.1))
    assert out["points"].iloc[0] == 1 and rules(out) == ["R4"]
    s = coaching.default_settings()
    s["R4"]["poin"] = 4
    out = run(
        healthy(skor=45.0, band="merah", persentil_sejawat=0.1, skor_tahun_lalu=40.0), settings=s
    )
    assert out["points"].iloc[0] == 4 and rules(out) == ["R4"]


def test_points_count_once_per_rule_and_tiers() -> None:
    two_kpis = [("kegiatan_per_bulan", 10.0, 0.4, 4.0), ("kunjungan_per_1000", 20.0, 2.0, 10.0)]
    out = run(healthy(capaian=two_kpis))
    assert rules(out) == ["R2", "R2"]
    assert out["points"].iloc[0] == 2 and out["tier"].iloc[0] == "pantau"
    out = run(healthy(skor=45.0, band="merah", persentil_sejawat=0.1, skor_tahun_lalu=40.0))
    assert out["points"].iloc[0] == 2 and out["tier"].iloc[0] == "pantau"  # R1 and R4: once
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
    # libraries needing coaching of any kind (P1, P2, pelaporan): 5201 1 of 3, 5202 2 of 4
    # (C and the silent D), 5203 2 of 6; ranked by the 90% Wilson lower bound:
    # 5202 18.2%, 5203 11.7%, 5201 7.8%
    assert kab["kode"].tolist() == ["5202", "5203", "5201"]
    assert kab["peringkat"].tolist() == [1, 2, 3]
    by = kab.set_index("kode")
    assert by.loc["5202", "jumlah_perlu"] == 2 and by.loc["5202", "porsi_perlu"] == 50.0
    assert by.loc["5202", "batas_bawah"] == pytest.approx(18.24, abs=0.01)
    assert by.loc["5203", "batas_bawah"] == pytest.approx(11.73, abs=0.01)
    assert by.loc["5201", "batas_bawah"] == pytest.approx(7.82, abs=0.01)
    k5201 = by.loc["5201"]
    assert k5201["jumlah_perpustakaan"] == 3
    assert k5201["jumlah_prioritas_1"] == 1 and k5201["porsi_prioritas"] == pytest.approx(100 / 3)
    assert k5201["sendiri_tier"] == "pantau"  # the kab/kota library's own tier
    assert by.loc["5202", "jumlah_pelaporan"] == 1
    # performance only (P1 + P2): 5203 2 of 6 (11.7%), 5201 1 of 3 (7.8%), 5202 1 of 4 (5.8%)
    kinerja = coaching.rollup(frame, "kabupaten_kota", basis="kinerja")
    assert kinerja["kode"].tolist() == ["5203", "5201", "5202"]
    assert kinerja.set_index("kode").loc["5202", "batas_bawah"] == pytest.approx(5.79, abs=0.01)
    # reporting only: 5202 1 of 4; the others 0 (ties: by code)
    assert coaching.rollup(frame, "kabupaten_kota", basis="pelaporan")["kode"].tolist() == [
        "5202",
        "5201",
        "5203",
    ]
    prov = coaching.rollup(frame, "provinsi")
    assert prov["jumlah_perpustakaan"].tolist() == [13]
    assert prov["jumlah_prioritas"].tolist() == [4]
    assert prov["jumlah_perlu"].tolist() == [5]


def test_wilson_lower_bound_by_hand() -> None:
    """2 of 3 must not outrank 40 of 60 (z = 1.6449 for 90%)."""
    z = 1.6448536269514722
    for k, n in ((2, 3), (40, 60)):
        p = k / n
        hand = (p + z * z / (2 * n) - z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (
            1 + z * z / n
        )
        assert coaching.wilson_lower(k, n) == pytest.approx(hand)
    assert coaching.wilson_lower(2, 3) == pytest.approx(0.2535, abs=1e-4)
    assert coaching.wilson_lower(40, 60) == pytest.approx(0.5613, abs=1e-4)
    assert coaching.wilson_lower(0, 5) == 0.0
    assert math.isnan(coaching.wilson_lower(0, 0))


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
    # every month closed (the closing of months has its own tests below)
    out = coaching.evaluate(raw_store, "2024-12", closed_until=date(2024, 12, 1))
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
    # kegiatan has its own minimum base (6, catalogue data): 6 activities a quarter, the
    # same a year earlier, give a growth of 0% (under one base of 30 for all it was empty)
    assert by.loc["L4", "kegiatan_lalu"] == 6 and by.loc["L4", "kegiatan_yoy"] == 0.0
    prio = coaching.priorities(out)
    assert prio["tier"].notna().all()


def test_rule_d_counts_only_closed_months(raw_store: Store) -> None:
    """In this program of four libraries, L2's silence makes November and December 75%
    complete, under 80% of the usual 100%: those months are still open, so rule D counts
    January to October (the score still reads the whole window)."""
    today = date(2026, 12, 1)
    from kpi import closing

    assert closing.last_closed(raw_store, today) == date(2024, 10, 1)
    out = coaching.evaluate(raw_store, "2024-12", today=today)
    by = out.set_index("kode")
    assert out.attrs["window_pelaporan"] == "2024-01..2024-10"
    assert by.loc["L2", "tier"] != "pelaporan"  # its silent months are open
    assert by.loc["L2", "bulan_diharapkan"] == 10 and by.loc["L2", "bulan_dilaporkan"] == 10
    assert by.loc["L3", "tier"] == "pelaporan"  # 7 of 10 closed months: 70%
    d = by.loc["L3", "reasons"][0]
    assert d["values"]["n"] == 3 and d["values"]["m"] == 10
    assert d["values"]["periode"] == "2024-01..2024-10"
    # a window with no closed month: rule D has nothing to count yet
    none = coaching.evaluate(raw_store, "2024-12", 3, today=today, closed_until=date(2024, 9, 1))
    assert not (none["tier"] == "pelaporan").any()
    assert none.attrs["window_pelaporan"] is None


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


def test_expected_months_start_at_the_first_report_for_rule_d_and_the_score(
    tmp_path: Path,
) -> None:
    """Issue 13, decision 6: a library that joined in 2024 and reported from March is expected
    from March (10 months in 2024), so it is scored and judged on reporting; one that joined in
    2024 and never reported is expected from January 2025 (nothing in 2024)."""
    libs = [
        ("N1", "Desa baru", "desa_kelurahan", "52", "5201", 2024, 1000, "penuh"),
        ("N2", "Desa senyap", "desa_kelurahan", "52", "5201", 2024, 1000, "penuh"),
        ("O1", "Desa lama", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ]
    reports = [
        dict(kode_perpustakaan="N1", periode=f"2024-{m:02d}-01", kunjungan=100, kegiatan=2)
        for m in range(3, 13)
        if m not in (5, 6, 7)  # 7 of its 10 expected months: 70%
    ] + [
        dict(kode_perpustakaan="O1", periode=f"2024-{m:02d}-01", kunjungan=100, kegiatan=2)
        for m in range(1, 13)
    ]
    s = build_store(tmp_path / "baru.duckdb", libs, reports)
    try:
        out = coaching.evaluate(s, "2024-12", closed_until=date(2024, 12, 1)).set_index("kode")
        assert out.loc["N1", "bulan_diharapkan"] == 10 and out.loc["N1", "bulan_dilaporkan"] == 7
        assert out.loc["N1", "kelengkapan"] == pytest.approx(70.0)
        assert out.loc["N1", "tier"] == "pelaporan"  # 70% < 80%, over its own expected months
        assert out.loc["N2", "bulan_diharapkan"] == 0 and out.loc["N2", "tier"] != "pelaporan"
        # the score over the same expected months: 7 of 10 is above the 50% minimum
        assert out.loc["N1", "skor"] == out.loc["N1", "skor"]  # a number, not empty
    finally:
        s.close()


def test_a_reason_of_rule_and_values_gets_its_words_at_the_edge() -> None:
    from kpi.reasons import words

    # what the domain carries: the rule and its numbers; the words come in the reader's language
    bare = {"rule": "D", "values": {"n": 1234, "m": 2000}}
    assert words(bare, "id") == "Perlu pembinaan pelaporan: 1.234 dari 2.000 bulan tidak dilaporkan"
    assert words(bare, "en") == "Needs reporting coaching: 1,234 of 2,000 months not reported"
    made = coaching.reason("D", {"n": 6, "m": 12})
    assert set(made) == {"rule", "values"}  # no words in the domain
    assert words(made, "en-GB") == "Needs reporting coaching: 6 of 12 months not reported"
