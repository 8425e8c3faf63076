"""The settings preview: band and tier moves under candidate settings, computed by hand."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_compute import CIEL, LIBS, REPORTS, TARGETS, build_store

from kpi import coaching, preview, score
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store

VILLAGES = Filters(jenis="desa_kelurahan")
PERIOD = "2024-01..2024-02"


def skor_settings(**over: Any) -> dict[str, Any]:
    s = score.default_settings()
    s["komponen"] = {
        "informasi": ["kunjungan_per_1000"],
        "pelibatan": ["kegiatan_per_bulan"],
        "advokasi": ["replikasi_per_perpustakaan"],
    }
    s.update(over)
    return s


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = build_store(tmp_path / "kecil.duckdb", LIBS, REPORTS, TARGETS, CIEL)
    score.save_settings(s, skor_settings())
    yield s
    s.close()


# -- pure parts ----------------------------------------------------------------------------------


def test_moves_count_only_changed_pairs_in_band_order() -> None:
    before = ["merah", "kuning", "kuning", "hijau", None, "kuning"]
    after = ["kuning", "merah", "merah", "hijau", "merah", "kuning"]
    m = preview.moves(before, after, preview.BAND_ORDER, preview.NO_BAND)
    assert m.to_dict("records") == [
        {"dari": "merah", "ke": "kuning", "jumlah": 1},
        {"dari": "kuning", "ke": "merah", "jumlah": 2},
        {"dari": "tanpa_skor", "ke": "merah", "jumlah": 1},
    ]
    assert preview.moves(["a"], ["a"], ("a",), "-").empty


def test_counts_per_class_with_empty_values() -> None:
    values = ["merah", None, "hijau", "merah", math.nan]
    c = preview.counts(values, preview.BAND_ORDER, "tanpa_skor")
    assert c.to_dict() == {"merah": 2, "kuning": 0, "hijau": 1, "tanpa_skor": 2}


def test_band_edges_round_trip() -> None:
    bands = preview.bands_with_edges(40, 75)
    assert preview.band_edges({"bands": bands}) == (40.0, 75.0)
    assert [(b["dari"], b["sampai"]) for b in bands] == [(0, 40), (40, 75), (75, 100)]


def test_check_settings_lists_every_problem() -> None:
    s = skor_settings()
    p = coaching.default_settings()
    assert preview.check_settings(s, p) == []
    bad_s = skor_settings(
        bobot={"informasi": 50, "pelibatan": 30, "advokasi": 30},
        bands=preview.bands_with_edges(80, 50),
    )
    bad_p = copy.deepcopy(p)
    bad_p["tier"] = {"prioritas_1": 3, "prioritas_2": 3, "pantau": 1}
    bad_p["jendela_bulan"] = 5
    bad_p["R4"]["poin"] = -1
    keys = [x.key for x in preview.check_settings(bad_s, bad_p)]
    assert keys == ["bobot_jumlah", "batas_pita", "jendela", "poin", "tier"]
    assert preview.check_settings(bad_s, bad_p)[0].values == {"jumlah": 110.0}
    empty = skor_settings(komponen={"informasi": [], "pelibatan": ["x_tidak_ada"], "advokasi": []})
    keys = [x.key for x in preview.check_settings(empty, p)]
    assert keys == ["komponen_kosong", "komponen_tidak_dikenal", "komponen_kosong"]


# -- on a small store ----------------------------------------------------------------------------


def test_band_moves_by_hand(store: Store) -> None:
    # village scores over Jan-Feb 2024 (tests/test_score.py): A 60, B 100, N 33.3, J 62.5
    # (expected from its first report in February, scored on its visits); C none
    now = preview.band_table(
        ask(store, "perpustakaan", PERIOD, VILLAGES), score.get_settings(store)
    )
    assert dict(zip(now["kode"], now["band"], strict=True)) == {
        "A": "kuning",
        "B": "hijau",
        "C": None,
        "J": "kuning",
        "N": "merah",
    }
    # edges 30 / 50: A 60 and J 62.5 -> hijau, N 33.3 -> kuning, B stays hijau
    candidate = skor_settings(bands=preview.bands_with_edges(30, 50))
    p = preview.preview(
        ask(store, "perpustakaan", PERIOD, VILLAGES), candidate, coaching.get_settings(store)
    )
    assert p.libraries == 5
    assert p.band_moves().to_dict("records") == [
        {"dari": "merah", "ke": "kuning", "jumlah": 1},
        {"dari": "kuning", "ke": "hijau", "jumlah": 2},
    ]
    assert p.band_moved == 3
    assert p.band_counts()["baru"].to_dict() == {
        "merah": 0,
        "kuning": 1,
        "hijau": 3,
        "tanpa_skor": 1,
    }
    # nothing was saved
    assert score.get_settings(store) == skor_settings()


def test_same_settings_move_nothing_and_zero_points_clear_the_flags(store: Store) -> None:
    s, p = score.get_settings(store), coaching.get_settings(store)
    same = preview.preview(ask(store, "perpustakaan", "2024-02", None), s, p)
    assert same.band_moved == 0 and same.tier_moved == 0
    flagged = same.tiers["tier_kini"].isin(["prioritas_1", "prioritas_2", "pantau"])
    reporting = same.tiers["tier_kini"] == "pelaporan"
    no_points = copy.deepcopy(p)
    for rule in coaching.RULES[1:]:
        no_points[rule]["poin"] = 0
    cleared = preview.preview(ask(store, "perpustakaan", "2024-02", None), s, no_points)
    # every flag from points disappears; reporting coaching (rule D) has no points and stays
    assert cleared.tier_moved == int(flagged.sum())
    assert (cleared.tiers.loc[reporting.to_numpy(), "tier_baru"] == "pelaporan").all()
    assert set(cleared.tier_moves()["ke"]) <= {"tanpa_tanda"}


def test_candidate_scores_reach_the_coaching_rules(store: Store) -> None:
    # with every band edge at the top, every scored library is merah: rule R1 applies to all
    s = score.get_settings(store)
    p = coaching.get_settings(store)
    p["jendela_bulan"] = 3  # Dec 2023 - Feb 2024; rule D only for silence in February
    p["D"] = {"bulan_terakhir": 1, "kelengkapan_minimum": 0}
    red = skor_settings(bands=preview.bands_with_edges(99.98, 99.99))
    tiers = preview.tier_table(ask(store, "perpustakaan", "2024-02", None), red, p)
    base = preview.tier_table(ask(store, "perpustakaan", "2024-02", None), s, p)
    inputs = coaching.rule_inputs(store, pd.Timestamp("2024-02-01").date(), 3, None, settings=p)
    scored_not_d = [
        k
        for k, t in zip(base["kode"], base["tier"], strict=True)
        if t != "pelaporan" and k in set(inputs.loc[inputs["skor"].notna(), "kode"])
    ]
    assert scored_not_d  # the store has scored libraries outside rule D
    after = dict(zip(tiers["kode"], tiers["tier"], strict=True))
    for k in scored_not_d:
        assert after[k] is not None, k  # at least R1's 2 points: pantau or higher


def test_the_preview_matches_the_engine_after_saving(demo_store: Store) -> None:
    """The preview's rescoring of the coaching inputs gives exactly the tiers that the engine
    gives once the candidate settings are saved (on the demo: thousands of libraries)."""
    skor = score.get_settings(demo_store)
    skor["bobot"] = {"informasi": 60, "pelibatan": 15, "advokasi": 25}
    skor["bands"] = preview.bands_with_edges(55, 75)
    pembinaan = coaching.get_settings(demo_store)
    pembinaan["R4"]["poin"] = 2
    period = "2025-01..2025-12"
    p = preview.preview(ask(demo_store, "perpustakaan", period, None), skor, pembinaan)
    assert p.band_moved > 0 and p.tier_moved > 0

    score.save_settings(demo_store, skor)
    coaching.save_settings(demo_store, pembinaan)
    engine = coaching.evaluate(demo_store, "2025-12").set_index("kode")["tier"]
    bands = score.scored_table(demo_store, "perpustakaan", period, None, []).set_index("kode")
    got_tiers = p.tiers.set_index("kode")["tier_baru"]
    got_bands = p.bands.set_index("kode")["band_baru"]
    assert got_tiers.fillna("-").to_dict() == engine.reindex(got_tiers.index).fillna("-").to_dict()
    assert (
        got_bands.fillna("-").to_dict()
        == bands["band"].reindex(got_bands.index).fillna("-").to_dict()
    )
    # with a geographic filter too (the engine's peers ignore it)
    ntb = Filters(provinsi="52")
    moved_ntb = preview.preview(
        ask(demo_store, "perpustakaan", period, ntb), score.default_settings(), pembinaan
    )
    # and after saving, the same candidate moves nothing
    again = preview.preview(ask(demo_store, "perpustakaan", period, None), skor, pembinaan)
    assert again.band_moved == 0 and again.tier_moved == 0

    score.save_settings(demo_store, score.default_settings())
    engine_ntb = coaching.evaluate(demo_store, "2025-12", filters=ntb).set_index("kode")["tier"]
    got_ntb = moved_ntb.tiers.set_index("kode")["tier_baru"]
    assert 0 < len(got_ntb) < len(got_tiers)
    assert sorted(got_ntb.index) == sorted(engine_ntb.index)
    assert got_ntb.fillna("-").to_dict() == engine_ntb.reindex(got_ntb.index).fillna("-").to_dict()


def test_the_minimum_scored_share_of_an_area_is_checked() -> None:
    s, p = skor_settings(), coaching.default_settings()
    assert preview.check_settings(dict(s, porsi_berskor_minimum=50), p) == []
    keys = [x.key for x in preview.check_settings(dict(s, porsi_berskor_minimum=120), p)]
    assert keys == ["porsi_berskor"]
