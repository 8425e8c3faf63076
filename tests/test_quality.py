"""Data quality: values to verify (modified z-score on median and MAD), completeness, never
reported, each figure computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_compute import build_store

from kpi import quality
from kpi.store import Store

L1 = [100, 110, 90, 100, 105, 10000, 95, 100, 100, 110, 90, 100]
OTHERS = {"L2": 100, "L3": 100, "L4": 120, "L5": 80}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    libs = [
        (k, f"Desa {k}", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh")
        for k in ["L1", *OTHERS, "S", "Z"]
    ]
    reports: list[dict[str, Any]] = []
    for m in range(1, 13):
        periode = f"2024-{m:02d}-01"
        reports.append(dict(kode_perpustakaan="L1", periode=periode, kunjungan=L1[m - 1]))
        for k, v in OTHERS.items():
            reports.append(dict(kode_perpustakaan=k, periode=periode, kunjungan=v))
    # S has a short history: its December value is judged against its peers only
    reports.append(dict(kode_perpustakaan="S", periode="2024-12-01", kunjungan=5000))
    s = build_store(tmp_path / "mutu.duckdb", libs, reports)
    yield s
    s.close()


def test_values_to_verify(store: Store) -> None:
    v = quality.values_to_verify(store, "2024-01..2024-12")
    assert list(v.columns[:9]) == [
        "kode",
        "periode",
        "kolom",
        "nilai",
        "alasan",
        "nilai_tipikal",
        "skor_z",
        "skor_z_sendiri",
        "skor_z_sejawat",
    ]
    found = {(r["kode"], r["periode"]): r for r in v.to_dict("records")}
    assert set(found) == {("L1", "2024-06"), ("S", "2024-12")}
    spike = found[("L1", "2024-06")]
    assert spike["alasan"] == "keduanya"  # far from its own history and from its peers
    # own history: median 100, MAD 5 -> 0.6745 * 9900 / 5
    assert spike["nilai"] == 10000 and spike["nilai_tipikal"] == 100
    assert spike["skor_z"] == pytest.approx(0.6745 * 9900 / 5)
    # June peers: 10000, 100, 100, 120, 80 -> median 100, MAD 20
    assert spike["skor_z_sejawat"] == pytest.approx(0.6745 * 9900 / 20)
    assert spike["batch_id"] == "b1" and spike["kolom"] == "kunjungan"
    short = found[("S", "2024-12")]
    # December peers: 100, 100, 100, 120, 80, 5000 -> median 100, MAD 10
    assert short["alasan"] == "sejawat"  # a history of one month: its peers decide
    assert short["nilai_tipikal"] == 100
    assert short["skor_z"] == pytest.approx(0.6745 * 4900 / 10)
    assert pd.isna(short["skor_z_sendiri"]) and pd.isna(short["median_sendiri"])


def test_threshold_is_a_parameter(store: Store) -> None:
    # L1's 110 in February: 0.6745 * 10 / 5 = 1.349 against its own history; 0.67 against its
    # peers: far from its own history is enough (or, not and)
    v = quality.values_to_verify(store, "2024-01..2024-12", threshold=1.3)
    feb = v[(v["kode"] == "L1") & (v["periode"] == "2024-02")].iloc[0]
    assert feb["alasan"] == "riwayat" and feb["skor_z"] == pytest.approx(0.6745 * 10 / 5)
    assert feb["skor_z_sejawat"] == pytest.approx(0.6745 * 10 / 10)
    v = quality.values_to_verify(store, "2024-01..2024-12", threshold=1.35)
    assert ("L1", "2024-02") not in set(zip(v["kode"], v["periode"], strict=True))
    v = quality.values_to_verify(store, "2024-06")
    assert len(v) == 1  # a month period checks the 12 months ending at it


H = [150, 155, 145, 150, 152, 148, 150, 153, 147, 150, 151, 910]
B = [5000, 5100, 4900, 5000, 5050, 4950, 5000, 5100, 4900, 5000, 5050, 4950]
PEERS = {"P1": 100, "P2": 130, "P3": 150, "P4": 170, "P5": 200}
DECEMBER = {"P1": 100, "P2": 500, "P3": 900, "P4": 1300, "P5": 1700}


def test_far_from_own_history_or_from_peers(tmp_path: Path) -> None:
    """910 visits against an own median of 150 is listed although its peers' December varies
    as much; a library always ~50 times its peers is listed as far from its peers."""
    libs = [(k, k, "desa_kelurahan", "52", "5201", 2022, 1000, "penuh") for k in ["H", "B", *PEERS]]
    reports: list[dict[str, Any]] = []
    for m in range(1, 13):
        periode = f"2024-{m:02d}-01"
        reports.append(dict(kode_perpustakaan="H", periode=periode, kunjungan=H[m - 1]))
        reports.append(dict(kode_perpustakaan="B", periode=periode, kunjungan=B[m - 1]))
        for k, value in PEERS.items():
            shown = DECEMBER[k] if m == 12 else value
            reports.append(dict(kode_perpustakaan=k, periode=periode, kunjungan=shown))
    s = build_store(tmp_path / "verif.duckdb", libs, reports)
    try:
        v = quality.values_to_verify(s, "2024-01..2024-12")
    finally:
        s.close()
    found = {(r["kode"], r["periode"]): r for r in v.to_dict("records")}
    assert set(found) == {("H", "2024-12")} | {("B", f"2024-{m:02d}") for m in range(1, 13)}
    h = found[("H", "2024-12")]
    # own: median 150, deviations 0 0 0 0 1 2 2 3 3 5 5 760 -> MAD 2; December among peers
    # (100, 500, 900, 910, 1300, 1700, 4950) it is the median itself
    assert h["alasan"] == "riwayat"
    assert h["nilai_tipikal"] == 150 and h["median_sendiri"] == 150
    assert h["skor_z"] == pytest.approx(0.6745 * 760 / 2)
    assert h["skor_z_sejawat"] == 0 and h["median_sejawat"] == 910
    b = found[("B", "2024-06")]
    # June: 100, 130, 150, 170, 200, 148, 4950 -> median 150, MAD 20; own: median 5000, MAD 50
    assert b["alasan"] == "sejawat"
    assert b["nilai_tipikal"] == 150 and b["median_sejawat"] == 150
    assert b["skor_z"] == pytest.approx(0.6745 * 4800 / 20)
    assert b["skor_z_sendiri"] == pytest.approx(0.6745 * -50 / 50)
    # far from their own history first, then far from their peers only
    assert v["alasan"].tolist()[0] == "riwayat"


def test_completeness_and_never_reported(store: Store) -> None:
    c = quality.completeness(store, "provinsi", "2024-01..2024-12").iloc[0]
    # 7 libraries x 12 months expected; 5 x 12 + 1 reported
    assert c["bulan_diharapkan"] == 84 and c["bulan_dilaporkan"] == 61
    assert c["kelengkapan"] == pytest.approx(100 * 61 / 84)
    assert c["ketepatan"] == 0  # no submission dates
    assert quality.never_reported(store)["kode"].tolist() == ["Z"]
