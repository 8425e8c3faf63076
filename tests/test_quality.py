"""Data quality: values to verify (modified z-score on median and MAD), completeness, never
reported, each figure computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    assert list(v.columns[:7]) == [
        "kode",
        "periode",
        "kolom",
        "nilai",
        "nilai_tipikal",
        "skor_z",
        "skor_z_sejawat",
    ]
    found = {(r["kode"], r["periode"]): r for r in v.to_dict("records")}
    assert set(found) == {("L1", "2024-06"), ("S", "2024-12")}
    spike = found[("L1", "2024-06")]
    # own history: median 100, MAD 5 -> 0.6745 * 9900 / 5
    assert spike["nilai"] == 10000 and spike["nilai_tipikal"] == 100
    assert spike["skor_z"] == pytest.approx(0.6745 * 9900 / 5)
    # June peers: 10000, 100, 100, 120, 80 -> median 100, MAD 20
    assert spike["skor_z_sejawat"] == pytest.approx(0.6745 * 9900 / 20)
    assert spike["batch_id"] == "b1" and spike["kolom"] == "kunjungan"
    short = found[("S", "2024-12")]
    # December peers: 100, 100, 100, 120, 80, 5000 -> median 100, MAD 10
    assert short["nilai_tipikal"] == 100
    assert short["skor_z"] == pytest.approx(0.6745 * 4900 / 10)


def test_threshold_is_a_parameter(store: Store) -> None:
    # L1's 110 in February: 0.6745 * 10 / 5 = 1.349 against its own history
    v = quality.values_to_verify(store, "2024-01..2024-12", threshold=1.3)
    assert ("L1", "2024-02") not in set(zip(v["kode"], v["periode"], strict=True))  # peers: 0.67
    v = quality.values_to_verify(store, "2024-06")
    assert len(v) == 1  # a month period checks the 12 months ending at it


def test_completeness_and_never_reported(store: Store) -> None:
    c = quality.completeness(store, "provinsi", "2024-01..2024-12").iloc[0]
    # 7 libraries x 12 months expected; 5 x 12 + 1 reported
    assert c["bulan_diharapkan"] == 84 and c["bulan_dilaporkan"] == 61
    assert c["kelengkapan"] == pytest.approx(100 * 61 / 84)
    assert c["ketepatan"] == 0  # no submission dates
    assert quality.never_reported(store)["kode"].tolist() == ["Z"]
