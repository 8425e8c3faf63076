"""Skor KPI TPBIS: band edges, sub-scores, weights, settings, and the score on a small store."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_compute import CIEL, LIBS, REPORTS, TARGETS, build_store

from kpi import score
from kpi.catalogue import Band, CatalogueError
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store

BANDS = (Band("merah", 0, 50), Band("kuning", 50, 80), Band("hijau", 80, 100))


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "merah"),
        (49.999, "merah"),
        (50, "kuning"),
        (79.999, "kuning"),
        (80, "hijau"),
        (100, "hijau"),
        (None, None),
        (math.nan, None),
        (100.001, None),
        (-0.1, None),
    ],
)
def test_band_edges(value: float | None, band: str | None) -> None:
    assert score.band_of(value, BANDS) == band


def settings(**over: Any) -> dict[str, Any]:
    s = score.default_settings()
    s["komponen"] = {
        "informasi": ["kunjungan_per_1000"],
        "pelibatan": ["kegiatan_per_bulan"],
        "advokasi": ["replikasi_per_perpustakaan"],
    }
    s.update(over)
    return s


def test_subscores_cap_and_missing() -> None:
    values = pd.DataFrame({"k": [50.0, 200.0, None, 10.0]})
    bench = pd.DataFrame({"k": [100.0, 100.0, 100.0, 0.0]})
    sub = score.subscores(values, bench, ["k"])
    assert sub["k"].iloc[0] == pytest.approx(50.0)
    assert sub["k"].iloc[1] == 100.0  # capped
    assert math.isnan(sub["k"].iloc[2])  # no value: left out
    assert math.isnan(sub["k"].iloc[3])  # no usable benchmark: left out


def test_combine_renormalises_weights_and_needs_completeness() -> None:
    s = settings()
    subs = pd.DataFrame(
        {
            "kunjungan_per_1000": [100.0, 100.0, 60.0],
            "kegiatan_per_bulan": [25.0, None, 60.0],
            "replikasi_per_perpustakaan": [None, None, 60.0],
        }
    )
    out = score.combine(subs, pd.Series([100.0, 50.0, 49.9]), s)
    # informasi 100 (35), pelibatan 25 (40), no advokasi: (35*100 + 40*25) / 75
    assert out["skor"].iloc[0] == pytest.approx(60.0)
    assert out["band"].iloc[0] == "kuning"
    # only informasi exists: the score is that pillar
    assert out["skor"].iloc[1] == pytest.approx(100.0)
    assert out["band"].iloc[1] == "hijau"
    # under half of the expected months: no score, no band
    assert math.isnan(out["skor"].iloc[2]) and out["band"].iloc[2] is None


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = build_store(tmp_path / "kecil.duckdb", LIBS, REPORTS, TARGETS, CIEL)
    yield s
    s.close()


def rows(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["kode"]): r for r in frame.to_dict("records")}


def test_library_scores_by_hand(store: Store) -> None:
    t = rows(
        score.scored_table(store, "perpustakaan", "2024-01..2024-02", None, [], settings=settings())
    )
    # kunjungan_per_1000 among village libraries: A 150, J 87.5, N 100 -> P90 = 100 + 0.8 * 50
    p90 = 140.0
    # kegiatan_per_bulan has targets naming village libraries: NTB's 4.0 for A and B, the
    # national 2.0 for N (NTB's own 3.0 names the province's aggregate, no library)
    a = t["A"]
    assert a["skor_informasi"] == pytest.approx(100.0)  # 150 / 140 capped at 100
    assert a["skor_pelibatan"] == pytest.approx(100 * 1.0 / 4.0)
    assert math.isnan(a["skor_advokasi"])  # replication is not a village KPI
    assert a["skor"] == pytest.approx((35 * 100 + 40 * 25) / 75)
    assert a["band"] == "kuning"
    n = t["N"]
    assert n["skor_informasi"] == pytest.approx(100 * 100 / p90)
    assert n["skor_pelibatan"] == 0
    assert n["skor"] == pytest.approx(35 * (100 * 100 / p90) / 75)
    assert n["band"] == "merah"
    assert t["B"]["skor"] == pytest.approx(100.0)  # 4.0 against 4.0, completeness exactly 50%
    assert t["B"]["band"] == "hijau"
    assert math.isnan(t["C"]["skor"]) and t["C"]["band"] is None  # never reported
    # J joined in 2024 and reported February: expected from that month, so it is scored on
    # its visits alone (87.5 against 140)
    assert t["J"]["bulan_diharapkan"] == 1
    assert t["J"]["skor"] == pytest.approx(100 * 87.5 / p90)


def test_geographic_filter_does_not_change_a_score(store: Store) -> None:
    all_ = rows(
        score.scored_table(store, "perpustakaan", "2024-01..2024-02", None, [], settings=settings())
    )
    only = rows(
        score.scored_table(
            store,
            "perpustakaan",
            "2024-01..2024-02",
            Filters(provinsi="53"),
            [],
            settings=settings(),
        )
    )
    assert set(only) == {"N"}
    assert only["N"]["skor"] == pytest.approx(all_["N"]["skor"])


def test_areas_count_libraries_per_band(store: Store) -> None:
    t = rows(
        score.scored_table(
            store, "kabupaten_kota", "2024-01..2024-02", None, [], settings=settings()
        )
    )
    kab = t["5201"]  # A kuning, B hijau, K hijau
    assert (kab["perpustakaan_merah"], kab["perpustakaan_kuning"], kab["perpustakaan_hijau"]) == (
        0,
        1,
        2,
    )
    assert kab["perpustakaan_tanpa_skor"] == 0
    assert t["5202"]["perpustakaan_tanpa_skor"] == 1  # C never reported; J is scored


def test_settings_change_and_restore(store: Store) -> None:
    assert score.get_settings(store)["bobot"]["pelibatan"] == 40
    s = score.get_settings(store)
    s["bobot"] = {"informasi": 50, "pelibatan": 50, "advokasi": 0}
    s["bands"] = [
        {"id": "merah", "dari": 0, "sampai": 40},
        {"id": "kuning", "dari": 40, "sampai": 70},
        {"id": "hijau", "dari": 70, "sampai": 100},
    ]
    score.save_settings(store, s)
    assert score.get_settings(store)["bobot"]["pelibatan"] == 50
    assert score.band_of(45, score.bands_of(score.get_settings(store))) == "kuning"
    bad = dict(
        s,
        bands=[
            {"id": "merah", "dari": 0, "sampai": 60},
            {"id": "hijau", "dari": 50, "sampai": 100},
        ],
    )
    with pytest.raises(CatalogueError, match="overlap"):
        score.save_settings(store, bad)
    score.restore_defaults(store)
    assert score.get_settings(store) == score.default_settings()


def test_ciel_gap(store: Store) -> None:
    gap = rows(score.ciel_gap(ask(store, "perpustakaan", "2024-01..2024-02")))
    # A's CIEL from 2023-S2 is 65; its score with the default components is whatever the
    # table says: the gap is their difference
    table = rows(score.scored_table(store, "perpustakaan", "2024-01..2024-02", None, []))
    assert gap["A"]["ciel"] == pytest.approx(65.0)
    assert gap["A"]["selisih"] == pytest.approx(65.0 - table["A"]["skor"])
    assert set(gap) == {"A"}


def _add_village_library(store: Store, kode: str, kode_wilayah: str) -> None:
    """A village library of Lombok Barat (NTB) that joined in 2022, with no report yet."""
    with store.write() as cur:
        cur.execute(
            "INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, kode_wilayah, "
            "kode_provinsi, kode_kabupaten_kota, tahun_bergabung, penduduk) VALUES "
            "(?, ?, 'desa_kelurahan', ?, '52', '5201', 2022, 1000)",
            [kode, kode, kode_wilayah],
        )


def test_area_band_counts_follow_a_new_data_version(tmp_store: Store) -> None:
    """The libraries' scores behind band counts are reused only within one data version."""

    _add_village_library(tmp_store, "A", "5201011001")
    first = score.scored_table(tmp_store, "provinsi", "2024", Filters(), [])
    assert int(first["perpustakaan_tanpa_skor"].iat[0]) == 1
    _add_village_library(tmp_store, "B", "5201011004")
    again = score.scored_table(tmp_store, "provinsi", "2024", Filters(), [])
    assert int(again["perpustakaan_tanpa_skor"].iat[0]) == 2


def test_library_scores_asked_at_once_by_two_threads_are_computed_once(
    tmp_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page computes the KPI tables while the coaching evaluation runs beside it; both need
    the libraries' scores of the same period: the second caller waits for the first's table."""
    import threading
    import time

    _add_village_library(tmp_store, "A", "5201011001")
    score.clear_caches()
    calls: list[str] = []
    real = score.aggregate

    def slow_aggregate(*args: Any, **kwargs: Any) -> pd.DataFrame:
        calls.append(args[0].level)  # the question (kpi.scope.Question) asked
        time.sleep(0.3)  # long enough for the other thread to ask meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(score, "aggregate", slow_aggregate)
    results: list[pd.DataFrame] = []

    def ask() -> None:
        results.append(score.scored_table(tmp_store, "perpustakaan", "2024", Filters(), []))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["perpustakaan"]
    assert len(results) == 2
    pd.testing.assert_frame_equal(results[0], results[1])
    score.clear_caches()


@pytest.mark.parametrize("periode", ["2025-01..2025-12", "2024-Q2"])
def test_a_places_libraries_come_from_the_table_of_all_places_unchanged(
    demo_store: Store, periode: str
) -> None:
    """A library's score does not depend on the geographic filter, so a place's libraries are
    taken from the scored table kept for all places: the same frame, column order included,
    as computing the place alone."""
    s = score.get_settings(demo_store)
    comps = score.component_ids(s)
    filters = [
        Filters(provinsi="11"),
        Filters(kabupaten_kota="7371"),
        Filters(provinsi="73", jenis="desa_kelurahan"),
        Filters(provinsi="32", tahun_bergabung=2019),
    ]
    for f in filters:
        for kpis in ([], ["kelengkapan"], comps[:2], [comps[3], "kelengkapan", comps[0]]):
            score.clear_caches()
            kept = score.scored_table(demo_store, "perpustakaan", periode, f, kpis)
            alone = score._scored(
                demo_store,
                "perpustakaan",
                score.parse_period(periode),
                f,
                kpis,
                s,
                True,
                score.catalogue(),
            )
            assert len(alone) > 0
            pd.testing.assert_frame_equal(kept, alone)
    score.clear_caches()
