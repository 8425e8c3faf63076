"""AppTest of the Pengaturan page: live preview, save, validation, restore, targets, boundaries,
filters and language; and its figure builder on a small frame."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import app_test, assert_clean, metric_values, number
from streamlit.testing.v1 import AppTest

from kpi import boundaries, coaching, score
from kpi.store import Store, open_store
from kpi.ui import pengaturan

PAGE = "pages/pengaturan.py"


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    lang = params.pop("lang", None)
    return app_test(db, monkeypatch, PAGE, params=params, lang=lang)


def _chart_counts(at: AppTest, index: int = 0) -> dict[str, list[float]]:
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    return {trace["name"]: trace["x"] for trace in spec["data"]}


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table that has ``column`` (AppTest does not expose a dataframe's key)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with {column!r}")


def _store(db: Path) -> Store:
    return open_store(db)


def test_page_shows_settings_preview_and_targets(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    assert at.title[0].value == "Pengaturan"
    assert [t.label for t in at.tabs] == [
        "Skor dan aturan pembinaan",
        "Target",
        "Batas kabupaten/kota",
    ]
    # the widgets start from the stored settings
    assert at.number_input(key="pgw_bobot_informasi").value == 35
    assert at.number_input(key="pgw_batas_merah").value == 50
    assert at.number_input(key="pgw_tier_prioritas_1").value == 5
    assert at.multiselect(key="pgw_komponen_informasi").value == [
        "kunjungan_per_1000",
        "pinjaman_per_anggota",
        "kesiapan_tik",
        "pemanfaatan_tik",
    ]
    # nothing changed yet: no library moves, and the page says how to see an effect
    m = metric_values(at)
    assert m["Pindah pita"] == "0"
    assert m["Pindah tingkat"] == "0"
    assert any("Belum ada perubahan" in i.value for i in at.info)
    # the two preview charts: libraries per band and per tier, now and proposed
    assert len(at.get("plotly_chart")) == 2
    bands = _chart_counts(at, 0)
    assert set(bands) == {"Sekarang", "Usulan"} and bands["Sekarang"] == bands["Usulan"]
    assert sum(bands["Sekarang"]) == 3938  # every library of the demo, with or without a score
    # targets of the view's year: national first, one column per KPI
    table = _frame(at, "Wilayah")
    assert table.iloc[0]["Wilayah"] == "Nasional"
    # national + 34 provinces, each with its own figure's targets and the rate target of each
    # village library of the area (column jenis)
    assert len(table) == 70
    assert set(table["Berlaku untuk"]) == {
        "Angka wilayah itu",
        "Setiap Perpustakaan desa/kelurahan",
    }
    assert any("Impor data" in c.value for c in at.caption)
    # no boundaries yet
    assert any("Belum ada batas" in i.value for i in at.info)


def test_changing_a_weight_previews_then_saves(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    before = _store(demo_db).data_version()
    at.button(key="pg_save").click().run()  # nothing changed: nothing written
    assert any("Tidak ada perubahan" in i.value for i in at.info)
    assert _store(demo_db).data_version() == before
    at.number_input(key="pgw_bobot_informasi").set_value(60).run()
    # 60 + 40 + 25 = 125: no preview, a clear message instead
    assert any("harus 100, sekarang 125" in w.value for w in at.warning), at.warning
    at.number_input(key="pgw_bobot_pelibatan").set_value(15).run()
    assert_clean(at)
    m = metric_values(at)
    moved = number(m["Pindah pita"])
    assert moved > 0 and number(m["Pindah tingkat"]) > 0
    bands = _chart_counts(at, 0)
    assert bands["Sekarang"] != bands["Usulan"]
    assert sum(bands["Sekarang"]) == sum(bands["Usulan"])
    assert not _frame(at, "Dari").empty
    # preview only: the store is untouched
    assert score.get_settings(_store(demo_db))["bobot"]["informasi"] == 35
    assert _store(demo_db).data_version() == before

    at.button(key="pg_save").click().run()
    assert_clean(at)
    saved = score.get_settings(_store(demo_db))
    assert saved["bobot"] == {"informasi": 60, "pelibatan": 15, "advokasi": 25}
    assert _store(demo_db).data_version() > before  # every page's cache refreshes
    assert any("disimpan" in s.value for s in at.success)
    # the saved settings are now the current ones: nothing moves any more
    assert at.number_input(key="pgw_bobot_informasi").value == 60
    assert metric_values(at)["Pindah pita"] == "0"


def test_invalid_settings_are_not_saved(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch).run()
    at.number_input(key="pgw_batas_merah").set_value(85).run()  # above the yellow -> green edge
    at.number_input(key="pgw_tier_pantau").set_value(4).run()  # pantau 4 > prioritas_2 3
    assert any("Batas pita harus naik" in w.value for w in at.warning)
    before = _store(demo_db).data_version()
    at.button(key="pg_save").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "tidak disimpan" in errors and "Batas pita" in errors and "Batas tingkat" in errors
    assert _store(demo_db).data_version() == before
    assert _store(demo_db).get_setting(score.SETTINGS_KEY) is None


def test_a_band_edge_and_coaching_points_move_libraries(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    at.number_input(key="pgw_batas_merah").set_value(60).run()
    assert_clean(at)
    moves = _frame(at, "Dari")  # the band moves come first
    # raising the red edge only moves libraries from yellow to red
    assert moves.iloc[:, 0].tolist() == ["Kuning"] and moves.iloc[:, 1].tolist() == ["Merah"]
    band_moved = number(metric_values(at)["Pindah pita"])
    assert band_moved == number(moves.iloc[0, 2])
    at.number_input(key="pgw_Q_poin").set_value(0).run()
    assert_clean(at)
    tiers = _chart_counts(at, 1)
    assert tiers["Sekarang"] != tiers["Usulan"]


def test_restore_defaults_asks_then_restores(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(demo_db)
    changed = score.get_settings(store)
    changed["bobot"] = {"informasi": 50, "pelibatan": 30, "advokasi": 20}
    score.save_settings(store, changed)
    rules = coaching.get_settings(store)
    rules["R1"]["poin"] = 4
    coaching.save_settings(store, rules)

    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    assert at.number_input(key="pgw_bobot_informasi").value == 50
    assert at.number_input(key="pgw_R1_poin").value == 4
    at.button(key="pg_restore").click().run()
    assert any("Kembalikan semua pengaturan" in w.value for w in at.warning)
    assert score.get_settings(store)["bobot"]["informasi"] == 50  # not yet
    at.button(key="pg_restore_no").click().run()
    assert not any("Kembalikan semua pengaturan" in w.value for w in at.warning)
    at.button(key="pg_restore").click().run()
    at.button(key="pg_restore_yes").click().run()
    assert_clean(at)
    assert score.get_settings(store) == score.default_settings()
    assert coaching.get_settings(store) == coaching.default_settings()
    assert at.number_input(key="pgw_bobot_informasi").value == 35
    assert at.number_input(key="pgw_R1_poin").value == 2
    assert any("bawaan" in s.value for s in at.success)


def test_the_filter_changes_the_numbers(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch, provinsi="52").run()
    assert_clean(at)
    ntb = sum(_chart_counts(at, 0)["Sekarang"])
    assert 0 < ntb < 3938
    at.number_input(key="pgw_batas_hijau").set_value(70).run()
    assert_clean(at)
    assert 0 < number(metric_values(at)["Pindah pita"]) <= ntb


def test_english_labels(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch, lang="en").run()
    assert_clean(at)
    assert at.title[0].value == "Settings"
    assert "Change band" in metric_values(at)
    assert set(_chart_counts(at, 0)) == {"Now", "Proposed"}
    assert _frame(at, "Area").iloc[0]["Area"] == "National"
    assert at.button(key="pg_restore").label == "Restore defaults"


def test_targets_of_a_year_without_targets(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch).run()
    at.selectbox(key="pg_target_tahun").set_value(2018).run()
    assert_clean(at)
    assert any("Belum ada target untuk tahun 2018" in i.value for i in at.info)


def test_stored_boundaries_are_shown_and_deleted(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    square = [[[116.1, -8.6], [116.2, -8.6], [116.2, -8.5], [116.1, -8.5], [116.1, -8.6]]]
    report = boundaries.match_features(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"KDPKAB": "52.01"},
                    "geometry": {"type": "Polygon", "coordinates": square},
                }
            ],
        }
    )
    boundaries.save(_store(demo_db), report, "lobar.geojson")
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    assert any("1 kabupaten/kota dari lobar.geojson" in s.value for s in at.success)
    at.button(key="pg_batas_delete").click().run()
    assert_clean(at)
    assert boundaries.kabkota_geojson(_store(demo_db)) is None
    assert any("dihapus" in s.value for s in at.success)


def test_shift_bars_builder() -> None:
    counts = pd.DataFrame({"kini": [3, 1234], "baru": [5, 1232]}, index=["merah", "kuning"])
    labels = {"merah": "Merah", "kuning": "Kuning"}
    fig = pengaturan.shift_bars(counts, labels, {"merah": "#b2182b"}, "id", "Judul")
    now, new = fig.data
    assert (now.name, new.name) == ("Sekarang", "Usulan")
    assert list(now.y) == ["Merah", "Kuning"] and list(new.x) == [5, 1232]
    assert now.orientation == "h" and fig.layout.yaxis.autorange == "reversed"
    assert list(now.text) == ["3", "1.234"]
    assert list(new.marker.color) == ["#b2182b", pengaturan.NO_DATA_COLOUR]
    assert now.marker.pattern.shape == "/"  # "now" is told apart without colour
    assert fig.layout.separators == ",." and fig.layout.barmode == "group"
    en = pengaturan.shift_bars(counts, labels, {}, "en")
    assert en.data[0].name == "Now" and list(en.data[0].text) == ["3", "1,234"]


def test_an_empty_store_says_what_to_do(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.demo import clear_demo

    clear_demo(_store(demo_db))
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    infos = " ".join(i.value for i in at.info)
    assert "pratinjau muncul setelah data diimpor" in infos
    assert "Belum ada target" in infos
    assert not at.get("plotly_chart")
    # the settings can still be edited and saved before any data arrives
    at.number_input(key="pgw_R1_poin").set_value(3).run()
    at.button(key="pg_save").click().run()
    assert_clean(at)
    assert coaching.get_settings(_store(demo_db))["R1"]["poin"] == 3


def test_target_frame_one_row_per_place_and_what_it_applies_to() -> None:
    targets = pd.DataFrame(
        {
            "kpi": [
                "kunjungan",
                "kunjungan",
                "kegiatan_per_bulan",
                "kunjungan",
                "kegiatan_per_bulan",
            ],
            "tingkat": ["provinsi", "nasional", "provinsi", "provinsi", "provinsi"],
            "kode": ["52", "", "52", "11", "52"],
            "jenis": ["", "", "", "", "desa_kelurahan"],
            "nilai": [12000.0, 1234567.0, 4.25, 800.0, 2.5],
        }
    )
    names = {"52": "Nusa Tenggara Barat", "11": "Aceh"}
    table = pengaturan.target_frame(targets, "id", lambda k: names.get(k, k))
    assert table.columns.tolist() == [
        "Kode",
        "Wilayah",
        "Berlaku untuk",
        "Kunjungan",
        "Kegiatan per perpustakaan per bulan",
    ]
    assert table["Wilayah"].tolist() == [
        "Nasional",
        "Aceh",
        "Nusa Tenggara Barat",
        "Nusa Tenggara Barat",
    ]
    assert table["Berlaku untuk"].tolist() == [
        "Angka wilayah itu",
        "Angka wilayah itu",
        "Angka wilayah itu",
        "Setiap Perpustakaan desa/kelurahan",
    ]
    assert table["Kunjungan"].tolist() == ["1.234.567", "800", "12.000", "–"]
    assert table["Kegiatan per perpustakaan per bulan"].tolist() == ["–", "–", "4,25", "2,50"]


def test_unsaved_edits_warn_and_survive_leaving_the_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit cannot stop a user leaving the page: unsaved edits are said at the top of the
    page and in the sidebar of every page, and kept until saved or discarded."""
    at = _app(demo_db, monkeypatch).run()
    unsaved = "Ada perubahan pengaturan yang belum disimpan"
    assert not any(unsaved in w.value for w in at.warning)
    at.number_input(key="pgw_R1_poin").set_value(4).run()
    assert_clean(at)
    assert any(unsaved in w.value for w in at.main.warning)
    assert any("belum disimpan" in w.value for w in at.sidebar.warning)
    # another page: the sidebar still says so, with the way back
    at.switch_page("pages/ringkasan.py").run()
    assert_clean(at)
    assert any("belum disimpan" in w.value for w in at.sidebar.warning)
    assert any(x.proto.page.endswith("pengaturan") for x in at.sidebar.get("page_link"))
    at.switch_page(PAGE).run()
    assert at.number_input(key="pgw_R1_poin").value == 4  # the edit came back
    # discarding drops it: no warning, the stored value again
    at.button(key="pg_discard").click().run()
    assert_clean(at)
    assert not any("belum disimpan" in w.value for w in at.warning)
    assert at.number_input(key="pgw_R1_poin").value != 4
    assert coaching.get_settings(_store(demo_db))["R1"]["poin"] != 4


@pytest.mark.parametrize("changed", [False, True])
def test_the_stored_settings_tiers_are_the_evaluations_and_the_same_as_the_previews(
    demo_store: Store, changed: bool
) -> None:
    """Pengaturan reads the tiers under the stored settings from the coaching evaluation the
    other pages share (kpi.ui.data): the same table preview.tier_table computes, also after
    the stored settings were changed (a window of 6 months, other points and score bands)."""
    from kpi import preview
    from kpi.compute import Filters
    from kpi.scope import ask
    from kpi.ui.pengaturan import loads

    if changed:
        pembinaan = coaching.get_settings(demo_store)
        pembinaan["jendela_bulan"] = 6
        pembinaan["r4_persen_terbawah"] = 30
        coaching.save_settings(demo_store, pembinaan)
        skor = score.get_settings(demo_store)
        skor["bands"] = [
            {"id": "merah", "dari": 0, "sampai": 60},
            {"id": "kuning", "dari": 60, "sampai": 85},
            {"id": "hijau", "dari": 85, "sampai": 100},
        ]
        score.save_settings(demo_store, skor)
    stored = (
        preview.settings_key(score.get_settings(demo_store)),
        preview.settings_key(coaching.get_settings(demo_store)),
    )
    periode, fkey = "2025-01..2025-12", loads.filter_key(Filters())
    shared = loads._tiers(demo_store, periode, fkey, stored, stored)
    own = preview.tier_table(
        ask(demo_store, "perpustakaan", periode, Filters()),
        json.loads(stored[0]),
        json.loads(stored[1]),
    )
    pd.testing.assert_frame_equal(shared.reset_index(drop=True), own.reset_index(drop=True))
    assert shared["tier"].notna().any()
