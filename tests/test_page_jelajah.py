"""AppTest of the Jelajah KPI page through app.py on a copy of the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean, metric_values, paged_total, plotly_charts
from streamlit.testing.v1 import AppTest

PAGE = "pages/jelajah.py"
AGGREGATE_ID = "Nilai agregat"
AGGREGATE_EN = "Aggregate value"


def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test(db, monkeypatch, PAGE, timeout=60)


def _tab(at: AppTest, label: str, lang: str = "id") -> AppTest:
    """Open a tab (only the open tab is drawn) and run."""
    at.session_state[f"jelajah_tab_{lang}"] = label
    at.run()
    assert_clean(at)
    return at


def _spec(at: AppTest) -> dict:
    (chart,) = plotly_charts(at)
    return json.loads(chart.proto.spec)


def test_renders_the_ranking_trend_distribution_and_table(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    assert at.title[0].value == "Jelajah KPI"
    assert at.selectbox(key="jelajah_kpi").value == "kunjungan"
    assert at.selectbox(key="jelajah_tingkat").value == "provinsi"
    # the ranking first: one bar per province, highest first
    bars = _spec(at)["data"][0]
    assert bars["type"] == "bar" and len(bars["y"]) == 15  # top 15 of 34
    assert not at.dataframe  # the other tabs wait until opened
    lines = _spec(_tab(at, "Tren bulanan"))["data"]
    assert [tr["name"] for tr in lines] == ["Total dalam filter"]
    assert len(lines[0]["x"]) == 12  # the months of the period
    dist = _spec(_tab(at, "Sebaran"))["data"]
    assert [tr["type"] for tr in dist] == ["box", "histogram"]
    _tab(at, "Tabel")
    assert len(at.dataframe) == 1
    assert len(at.get("download_button")) == 2
    table = at.dataframe[0].value
    assert len(table) == 34  # every province of the demo
    assert "Kunjungan (orang)" in table.columns
    assert table["Profil"].str.fullmatch(r"profil\?kode=\d{2}&tingkat=provinsi").all()
    metrics = metric_values(at)
    assert metrics[AGGREGATE_ID] not in ("", "–")
    assert metrics["Kelengkapan laporan"].endswith("%")
    # the definition in words beside the charts
    assert any("kunjungan" in c.value.lower() for c in at.caption)
    # the national value is the sum of the provinces' values (a flow)
    total = float(metrics[AGGREGATE_ID].replace(".", "").replace(",", "."))
    assert total == pytest.approx(table["Kunjungan (orang)"].sum())
    # the ranking showed the table's first 15 (both highest first)
    assert list(table["Nama"][:15]) == bars["y"]


def test_changing_kpi_and_level_changes_the_table(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    before = metric_values(at)[AGGREGATE_ID]
    at.selectbox(key="jelajah_kpi").set_value("kunjungan_per_1000").run()
    assert_clean(at)
    after = metric_values(at)[AGGREGATE_ID]
    assert after != before and "," in after  # one decimal, Indonesian format
    at.selectbox(key="jelajah_tingkat").set_value("kabupaten_kota").run()
    assert_clean(at)
    assert len(_spec(at)["data"][0]["y"]) == 15  # the top 15 of 399
    _tab(at, "Tabel")
    assert paged_total(at) > 300
    assert len(at.dataframe[0].value) == 50  # a page of the table on screen
    search = next(w for w in at.text_input if w.key.startswith("jelajah_list_"))
    search.input("lombok").run()
    assert_clean(at)
    found = at.dataframe[0].value
    assert 0 < len(found) < 50 and found["Nama"].str.lower().str.contains("lombok").all()


def test_a_filter_changes_the_numbers(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _app(demo_db, monkeypatch).run()
    ntb = _app(demo_db, monkeypatch)
    ntb.query_params["provinsi"] = "52"
    ntb.session_state["jelajah_tab_id"] = "Tabel"
    ntb.run()
    assert_clean(ntb)
    assert len(ntb.dataframe[0].value) == 1  # only NTB at province level
    assert metric_values(ntb)[AGGREGATE_ID] != metric_values(whole)[AGGREGATE_ID]


def test_choosing_units_draws_their_lines(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _tab(_app(demo_db, monkeypatch), "Tren bulanan")
    units = at.multiselect(key="jelajah_units_provinsi")
    units.set_value(["52", "53"]).run()
    assert_clean(at)
    lines = [c.proto.spec for c in plotly_charts(at) if "lines+markers" in c.proto.spec]
    assert len(lines) == 1, "no line chart"
    names = [trace["name"] for trace in json.loads(lines[0])["data"]]
    assert sorted(names) == ["Nusa Tenggara Barat", "Nusa Tenggara Timur"]
    # the chosen units stay when the KPI changes
    at.selectbox(key="jelajah_kpi").set_value("kegiatan").run()
    assert_clean(at)
    assert at.multiselect(key="jelajah_units_provinsi").value == ["52", "53"]
    lines = [c.proto.spec for c in plotly_charts(at) if "lines+markers" in c.proto.spec]
    assert len(json.loads(lines[0])["data"]) == 2


def test_the_language_switch_changes_the_labels(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    at.session_state["lang"] = "en"
    at.session_state["jelajah_tab_en"] = "Table"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "KPI explorer"
    assert "Visits (people)" in at.dataframe[0].value.columns
    value = metric_values(at)[AGGREGATE_EN]
    assert "," in value and "." not in value  # 37,668,039: English thousands separator


def test_no_data_for_the_filter_says_what_to_do(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    at.query_params["jenis"] = "desa_kelurahan"  # replikasi is for kab/kota and provincial ones
    at.run()
    at.selectbox(key="jelajah_kpi").set_value("replikasi").run()
    assert_clean(at)
    assert not plotly_charts(at)
    assert any("Belum ada data" in i.value for i in at.info), [i.value for i in at.info]


def test_every_kpi_of_the_catalogue_renders(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.catalogue import catalogue

    at = _app(demo_db, monkeypatch).run()
    for kpi in catalogue().ids:
        at.selectbox(key="jelajah_kpi").set_value(kpi).run()
        assert_clean(at)
        has_chart = len(plotly_charts(at)) == 1
        has_empty_state = any("Belum ada data" in i.value for i in at.info)
        assert has_chart != has_empty_state, (
            kpi,
            len(plotly_charts(at)),
            [i.value for i in at.info],
        )


def test_a_single_month_at_library_level(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch)
    at.query_params["periode"] = "2025-08"
    at.query_params["kab"] = "5201"
    at.query_params["provinsi"] = "52"
    at.session_state["jelajah_tab_id"] = "Tabel"
    at.run()
    at.selectbox(key="jelajah_tingkat").set_value("perpustakaan").run()
    assert_clean(at)
    assert any("Agustus 2025" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert 0 < len(table) < 100  # the libraries of Kabupaten Lombok Barat
    assert table["Profil"].str.endswith("&tingkat=perpustakaan").all()
    assert "Jenis perpustakaan" in table.columns


def test_a_filter_with_no_library_says_what_to_do(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    at.query_params["provinsi"] = "52"
    at.query_params["jenis"] = "provinsi"
    at.query_params["dukungan"] = "bantuan_buku"  # NTB's provincial library has full support
    at.run()
    assert_clean(at)
    assert not plotly_charts(at)
    assert any("Belum ada data" in i.value for i in at.info), [i.value for i in at.info]


def test_a_shared_link_opens_the_same_kpi_and_level(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    at.selectbox(key="jelajah_kpi").set_value("kegiatan").run()
    at.selectbox(key="jelajah_tingkat").set_value("kabupaten_kota").run()
    assert at.query_params["jelajah_kpi"] == "kegiatan"
    assert at.query_params["jelajah_tingkat"] == "kabupaten_kota"
    # another page and back: the choice is still there
    at.switch_page("pages/ringkasan.py").run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.selectbox(key="jelajah_kpi").value == "kegiatan"
    assert at.selectbox(key="jelajah_tingkat").value == "kabupaten_kota"

    shared = _app(demo_db, monkeypatch)
    shared.query_params["jelajah_kpi"] = "kegiatan"
    shared.query_params["jelajah_tingkat"] = "kabupaten_kota"
    shared.session_state["jelajah_tab_id"] = "Tabel"
    shared.run()
    assert_clean(shared)
    assert shared.selectbox(key="jelajah_kpi").value == "kegiatan"
    assert shared.selectbox(key="jelajah_tingkat").value == "kabupaten_kota"
    assert "Kegiatan pelibatan masyarakat" in shared.dataframe[0].value.columns

    bad = _app(demo_db, monkeypatch)
    bad.query_params["jelajah_kpi"] = "=tidak_ada"
    bad.run()
    assert_clean(bad)
    assert bad.selectbox(key="jelajah_kpi").value == "kunjungan"


def test_a_table_beyond_pandas_styling_limit_still_shows(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program many times the demo's size would pass pandas' styling limit at library level:
    the table shows a page at a time (issue 15), styled whatever the number of libraries."""
    import pandas as pd

    at = _app(demo_db, monkeypatch)
    at.query_params["jelajah_tingkat"] = "perpustakaan"
    at.session_state["jelajah_tab_id"] = "Tabel"
    with pd.option_context("styler.render.max_elements", 1000):
        at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert paged_total(at) > 3000
    assert len(table) == 50  # a page of the table on screen, whatever the number of libraries
    assert table["Kunjungan (orang)"].dtype.kind == "f"


def test_a_shared_link_opens_the_same_tab_and_compared_units(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open tab and the compared units are in the URL (tab, banding): a fresh session
    opening the link sees the same lines."""
    at = _tab(_app(demo_db, monkeypatch), "Tren bulanan")
    assert at.query_params["tab"] == "lines"
    at.multiselect(key="jelajah_units_provinsi").set_value(["52", "53"]).run()
    assert at.query_params["banding"] == "52,53"
    _tab(at, "Peringkat")  # the first tab leaves the URL clean
    assert "tab" not in at.query_params

    shared = _app(demo_db, monkeypatch)
    shared.query_params["tab"] = "lines"
    shared.query_params["banding"] = "52,53,=tidak_ada"
    shared.run()
    assert_clean(shared)
    assert shared.multiselect(key="jelajah_units_provinsi").value == ["52", "53"]
    lines = [c.proto.spec for c in plotly_charts(shared) if "lines+markers" in c.proto.spec]
    assert len(json.loads(lines[0])["data"]) == 2
    # the tab's id is the same in English
    english = _app(demo_db, monkeypatch)
    english.query_params.update({"tab": "table", "lang": "en"})
    english.run()
    assert_clean(english)
    assert english.dataframe, "the table tab is not open"
