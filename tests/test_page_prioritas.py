"""AppTest of the Prioritas pembinaan page on the demo: metrics per tier, the ranked list with
reasons, the area roll-up and the quadrant chart; the window, level, tier and rule controls; the
sidebar's province filter; the language switch; the empty states.

Streamlit's caches live as long as the test process and the app's store is cached by its path,
so every test runs on a database path of its own (the ``demo_db`` fixture copies the demo).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import (
    app_test,
    assert_clean,
    metric_values,
    number,
    paged_total,
    plotly_charts,
)
from streamlit.testing.v1 import AppTest

PAGE = "pages/prioritas.py"


def _open(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, str] | None = None,
    lang: str | None = None,
) -> AppTest:
    return app_test(db, monkeypatch, PAGE, params=params, lang=lang).run()


def _table(at: AppTest):
    """The table on screen: a page of the list (issue 15: the browser gets a page of rows)."""
    return at.dataframe[0].value


def test_page_shows_tiers_list_areas_and_quadrant(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(demo_db, monkeypatch)
    assert_clean(at)
    assert at.title[0].value == "Prioritas pembinaan"
    metrics = metric_values(at)
    for label in ("Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau"):
        assert label in metrics, metrics
    evaluated = number(metrics["Perpustakaan dinilai"])
    assert evaluated == 3938  # every partner library of the demo
    flagged = sum(
        number(metrics[k]) for k in ("Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau")
    )
    assert 0 < flagged < evaluated
    assert any("(12 bulan)" in c.value for c in at.caption)

    table = _table(at)
    # by default the list holds the libraries needing coaching: Pantau on request (issue 14)
    needing = flagged - number(metrics["Pantau"])
    assert paged_total(at) == needing
    assert len(table) == min(50, needing)  # one page of it on screen
    assert table["no"].tolist() == list(range(1, len(table) + 1))
    # the field teams' order: tier by tier, the most points first within a tier (first page
    # and last page of the list)
    order = ["Prioritas 1", "Prioritas 2", "Pembinaan pelaporan"]
    assert table["tier"].iloc[0] == order[0]
    for _, part in table.groupby("tier"):
        assert part["points"].is_monotonic_decreasing
    last = -(-needing // 50)
    at.number_input(key="prio_list_page").set_value(last).run()
    assert_clean(at)
    tail = _table(at)
    assert tail["tier"].iloc[-1] == order[-1]
    assert tail["no"].iloc[-1] == needing
    assert set(tail["tier"]) <= set(order)
    table = _table(at)
    assert table["reasons"].str.len().gt(0).all()  # every flagged library says why
    assert table["profil"].iloc[0].startswith("profil?kode=")
    assert "tingkat=perpustakaan" in table["profil"].iloc[0]
    assert not table["skor"].str.contains(r"\d\.\d", regex=True).any()  # 32,9 not 32.9

    charts = plotly_charts(at)
    assert len(charts) == 2  # the area ranking and the quadrant chart
    assert len(at.get("download_button")) == 1
    assert len(at.get("page_link")) >= 1  # the top priority areas link to their profiles

    at.multiselect(key="prio_tiers").set_value([]).run()  # empty: every flagged library
    assert_clean(at)
    assert paged_total(at) == flagged
    assert at.number_input(key="prio_list_page").value == 1  # a new filter: back to page 1
    at.number_input(key="prio_list_page").set_value(-(-flagged // 50)).run()
    assert _table(at)["tier"].iloc[-1] == "Pantau"


def test_window_level_tier_and_rule_controls(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(demo_db, monkeypatch)
    assert_clean(at)
    p1_12 = metric_values(at)["Prioritas 1"]

    at.radio(key="prio_window").set_value(3).run()
    assert_clean(at)
    assert any("(3 bulan)" in c.value for c in at.caption)
    assert metric_values(at)["Prioritas 1"] != p1_12

    at.multiselect(key="prio_tiers").set_value(["prioritas_1"]).run()
    assert_clean(at)
    table = _table(at)
    assert set(table["tier"]) == {"Prioritas 1"}
    assert paged_total(at) == number(metric_values(at)["Prioritas 1"])

    at.multiselect(key="prio_tiers").set_value([]).run()  # empty: every tier
    at.multiselect(key="prio_rules").set_value(["R5"]).run()
    assert_clean(at)
    table = _table(at)
    assert len(table) > 0
    assert table["reasons"].str.contains("Tidak ada kegiatan pelibatan").all()

    at.multiselect(key="prio_rules").set_value([]).run()
    at.radio(key="prio_level").set_value("kabupaten_kota").run()
    assert_clean(at)
    areas = _table(at)
    assert {"share", "prioritas_1", "own_tier"} <= set(areas.columns)
    assert areas["no"].tolist() == sorted(areas["no"].tolist())  # in the roll-up's ranking
    assert areas["profil"].iloc[0].startswith("profil?kode=")
    assert "tingkat=kabupaten_kota" in areas["profil"].iloc[0]
    assert "%" in areas["share"].iloc[0]

    at.radio(key="prio_level").set_value("provinsi").run()
    assert_clean(at)
    provinces = _table(at)
    assert 0 < len(provinces) <= 38
    assert "provinsi" not in provinces.columns


def test_province_filter_changes_the_numbers(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(demo_db, monkeypatch, params={"provinsi": "52"})
    assert_clean(at)
    evaluated = number(metric_values(at)["Perpustakaan dinilai"])
    assert 0 < evaluated < 3938
    table = _table(at)
    assert set(table["provinsi"]) == {"Nusa Tenggara Barat"}


def test_english_labels_and_numbers(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _open(demo_db, monkeypatch, lang="en")
    assert_clean(at)
    assert at.title[0].value == "Coaching priorities"
    metrics = metric_values(at)
    assert {"Priority 1", "Priority 2", "Reporting coaching", "Monitor"} <= set(metrics)
    assert metrics["Libraries evaluated"] == "3,938"
    table = _table(at)
    assert table["tier"].iloc[0] == "Priority 1"
    assert table["reasons"].str.contains("KPI score").any()
    assert not table["reasons"].str.contains("Skor KPI").any()
    assert "lang=en" in table["profil"].iloc[0]


def test_no_library_in_the_filter_says_what_to_do(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the demo's provincial library of Nusa Tenggara Barat joined in 2019, not in 2022
    params = {"provinsi": "52", "jenis": "provinsi", "angkatan": "2022"}
    at = _open(demo_db, monkeypatch, params=params)
    assert_clean(at)
    assert [i.value for i in at.info] == [
        "Tidak ada perpustakaan mitra untuk filter ini. Ubah filter di bilah samping."
    ]
    assert not plotly_charts(at)
    assert not at.dataframe


def test_empty_store_says_what_to_do(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.demo import clear_demo
    from kpi.store import Store

    store = Store(demo_db)
    clear_demo(store)
    store.close()
    at = _open(demo_db, monkeypatch)
    assert_clean(at)
    assert len(at.info) == 1
    assert "Impor" in at.info[0].value
    assert not plotly_charts(at)
    assert not at.metric


def test_areas_rank_by_at_least_and_switch_basis(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leadership's ranking counts silent libraries (Pembinaan pelaporan), ranks by the lower
    bound of the share ("sekurang-kurangnya X%"), and can switch to performance or reporting."""
    at = _open(demo_db, monkeypatch)
    assert_clean(at)
    at.radio(key="prio_level").set_value("provinsi").run()
    at.radio(key="prio_area_level").set_value("provinsi").run()
    areas = _table(at)
    assert {"at_least", "share", "concerned", "prioritas_1", "prioritas_2", "pelaporan"} <= set(
        areas.columns
    )
    assert areas["at_least"].iloc[0].startswith("sekurang-kurangnya ")
    bounds = [float(x.split()[-1].rstrip("%").replace(",", ".")) for x in areas["at_least"]]
    assert bounds == sorted(bounds, reverse=True)
    # the demo's province whose libraries largely stopped reporting leads the list
    assert areas["nama"].iloc[0] == "Sulawesi Selatan"
    assert (
        areas["concerned"] == areas["prioritas_1"] + areas["prioritas_2"] + areas["pelaporan"]
    ).all()
    links = [p.label for p in at.get("page_link")]
    assert links and links[0].startswith("1. Sulawesi Selatan: sekurang-kurangnya")

    at.radio(key="prio_basis").set_value("kinerja").run()
    assert_clean(at)
    kinerja = _table(at)
    assert (kinerja["concerned"] == kinerja["prioritas_1"] + kinerja["prioritas_2"]).all()
    assert kinerja["nama"].iloc[0] != "Sulawesi Selatan"
    at.radio(key="prio_basis").set_value("pelaporan").run()
    assert_clean(at)
    assert (_table(at)["concerned"] == _table(at)["pelaporan"]).all()


def test_list_pages_searches_and_sorts_on_the_server(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is sent a page at a time; search (name or code), sort and the page are done by
    the server, and the download keeps the whole filtered list (issue 15)."""
    at = _open(demo_db, monkeypatch)
    assert_clean(at)
    needing = paged_total(at)
    first = _table(at)
    at.button(key="prio_list_next").click().run()
    assert_clean(at)
    second = _table(at)
    assert second["no"].iloc[0] == 51
    assert not set(second["nama"]) & set(first["nama"]) or len(second) < 50
    assert at.number_input(key="prio_list_page").value == 2

    name = str(first["nama"].iloc[3])
    at.text_input(key="prio_list_search").input(name.upper()).run()
    assert_clean(at)
    found = _table(at)
    assert name in set(found["nama"])
    assert found["nama"].str.lower().str.contains(name.lower(), regex=False).all()
    assert at.number_input(key="prio_list_page").value == 1  # a new search starts at page 1

    at.text_input(key="prio_list_search").input("").run()
    at.selectbox(key="prio_list_sort").set_value("points").run()
    at.toggle(key="prio_list_desc").set_value(True).run()
    assert_clean(at)
    by_points = _table(at)
    assert by_points["points"].is_monotonic_decreasing
    at.toggle(key="prio_list_desc").set_value(False).run()
    assert _table(at)["points"].is_monotonic_increasing
    assert paged_total(at) == needing  # sorting keeps every row
    assert len(at.get("download_button")) == 1


def test_list_choices_live_in_the_url(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared link opens the list as it was: level, tiers, rules and page (kpi.ui.filters)."""
    params = {"tier": "prioritas_2", "aturan": "R5", "halaman": "2"}
    at = _open(demo_db, monkeypatch, params=params)
    assert_clean(at)
    assert at.multiselect(key="prio_tiers").value == ["prioritas_2"]
    assert at.multiselect(key="prio_rules").value == ["R5"]
    table = _table(at)
    assert set(table["tier"]) == {"Prioritas 2"}
    if paged_total(at) > 50:
        assert at.number_input(key="prio_list_page").value == 2
    assert at.query_params["tier"] in ("prioritas_2", ["prioritas_2"])

    at.multiselect(key="prio_tiers").set_value(["prioritas_1", "pelaporan"]).run()
    assert_clean(at)
    assert at.query_params["tier"] in ("prioritas_1,pelaporan", ["prioritas_1,pelaporan"])
    at.radio(key="prio_level").set_value("provinsi").run()
    assert at.query_params["tingkat_daftar"] in ("provinsi", ["provinsi"])

    # a value no list offers is dropped, not an error
    bad = _open(demo_db, monkeypatch, params={"tier": "<b>x</b>,pantau", "tingkat_daftar": "zz"})
    assert_clean(bad)
    assert bad.multiselect(key="prio_tiers").value == ["pantau"]
    assert bad.radio(key="prio_level").value == "perpustakaan"
