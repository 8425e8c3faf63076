"""The Kualitas data page: its builders on small frames, and AppTest runs of app.py on a copy of
the demo database."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import app_test, assert_clean, metric_values, paged_total, plotly_charts
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from kpi import export
from kpi.ui import kualitas
from kpi.ui.charts import BAND_COLOURS
from kpi.ui.jelajah import xlsx_bytes

PAGE = "pages/kualitas.py"


# ---------------------------------------------------------------------------------------------
# builders


def _areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": ["52", "53", "11"],
            "nama": ["NTB", "NTT", "Aceh"],
            "tingkat": "provinsi",
            "perpustakaan": [10, 8, 5],
            "perpustakaan_melapor": [9, 4, 5],
            "bulan_dilaporkan": [100.0, 40.0, 57.0],
            "bulan_diharapkan": [120.0, 96.0, 60.0],
            "kelengkapan": [83.3333, 41.6667, 95.0],
            "ketepatan": [70.0, 20.0, 90.0],
        }
    )


def test_completeness_chart_lowest_first_named_by_rule_d() -> None:
    fig = kualitas.completeness_chart(_areas(), "id")
    below, above, timely = fig.data
    assert below.name == "Kelengkapan di bawah 80%" and list(below.y) == ["NTT"]
    assert below.marker.color == BAND_COLOURS["merah"]
    assert above.name == "Kelengkapan 80% atau lebih" and list(above.y) == ["NTB", "Aceh"]
    assert above.marker.color == BAND_COLOURS["hijau"]
    assert list(timely.y) == ["NTT", "NTB", "Aceh"]
    assert list(timely.x) == [20.0, 70.0, 90.0]
    assert list(fig.layout.yaxis.categoryarray) == ["NTT", "NTB", "Aceh"]
    assert [s.x0 for s in fig.layout.shapes] == [80]
    assert fig.layout.separators == ",."
    limited = kualitas.completeness_chart(_areas(), "en", limit=2)
    assert list(limited.data[2].y) == ["NTT", "NTB"]
    assert limited.data[0].name == "Completeness under 80%"


def test_completeness_table_lowest_first_with_profile_links() -> None:
    table = kualitas.completeness_table(_areas(), "provinsi", "en")
    assert list(table["Name"]) == ["NTT", "NTB", "Aceh"]
    assert table["Completeness (%)"].iloc[0] == pytest.approx(41.6667)
    assert table["Profile"].iloc[0] == "profil?kode=53&tingkat=provinsi"
    fmt = kualitas.formats(table, "en", kualitas.NUMBER_DECIMALS)
    assert fmt["Completeness (%)"](41.6667) == "41.7"
    id_table = kualitas.completeness_table(_areas(), "provinsi", "id")
    id_fmt = kualitas.formats(id_table, "id", kualitas.NUMBER_DECIMALS)
    assert id_fmt["Bulan diharapkan"](1200.0) == "1.200"


def test_verify_table_names_month_and_column_in_the_language() -> None:
    frame = pd.DataFrame(
        {
            "kode": ["DES-1"],
            "periode": ["2025-08"],
            "kolom": ["kunjungan"],
            "nilai": [9000.0],
            "alasan": ["riwayat"],
            "nilai_tipikal": [120.0],
            "skor_z": [45.3],
            "skor_z_sendiri": [45.3],
            "skor_z_sejawat": [math.nan],
            "median_sendiri": [120.0],
            "median_sejawat": [math.nan],
            "batch_id": ["b7"],
        }
    )
    id_table = kualitas.verify_table(frame, {"DES-1": "Desa Satu"}, "id")
    assert id_table.iloc[0].to_dict() == {
        "Kode": "DES-1",
        "Nama": "Desa Satu",
        "Bulan": "Agustus 2025",
        "Kolom": "Kunjungan",
        "Nilai": 9000.0,
        "Nilai tipikal": 120.0,
        "Alasan": "Jauh dari riwayatnya sendiri (median 120,0)",
        "Skor z terhadap riwayatnya": 45.3,
        "Skor z terhadap sejawat": pytest.approx(math.nan, nan_ok=True),
        "Batch impor": "b7",
        "Profil": "profil?kode=DES-1&tingkat=perpustakaan",
    }
    en_table = kualitas.verify_table(frame.assign(kolom="mitra_baru"), {}, "en")
    assert en_table["Reason"].iloc[0] == "Far from its own history (median 120.0)"
    peers = frame.assign(alasan="sejawat", median_sejawat=300.0)
    assert kualitas.verify_table(peers, {}, "en")["Reason"].iloc[0] == (
        "Far from its peers that month (median 300.0)"
    )
    assert en_table["Month"].iloc[0] == "August 2025"
    assert en_table["Column"].iloc[0] == "New partnerships"


def test_never_table_and_its_downloads_are_formula_safe() -> None:
    frame = pd.DataFrame(
        {
            "kode": ["DES-1", "KAB-5201"],
            "nama": ["=cmd|' /C calc'!A0", "Kab Lombok Barat"],
            "jenis": ["desa_kelurahan", "kabupaten_kota"],
            "kode_provinsi": ["52", "52"],
            "kode_kabupaten_kota": ["5201", "5201"],
            "tahun_bergabung": [2021, 2019],
            "batch_id": ["b1", "b1"],
        }
    )
    table = kualitas.never_table(frame, {"52": "NTB", "5201": "Lombok Barat"}, "id")
    assert list(table["Provinsi"]) == ["NTB", "NTB"]
    assert list(table["Jenis perpustakaan"]) == [
        "Perpustakaan desa/kelurahan",
        "Perpustakaan kab/kota",
    ]
    ws = load_workbook(io.BytesIO(xlsx_bytes({"x": table})))["x"]
    cell = ws["B2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"
    assert "'=cmd" in export.csv_string(table)


# ---------------------------------------------------------------------------------------------
# the page


def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test(db, monkeypatch, PAGE, timeout=60)


def _chart(at: AppTest) -> dict:
    charts = plotly_charts(at)
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _open_tab(at: AppTest, label: str, lang: str = "id") -> AppTest:
    at.session_state[f"kualitas_tab_{lang}"] = label
    at.run()
    assert_clean(at)
    return at


def test_page_shows_completeness_never_reported_and_values_to_verify(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    assert_clean(at)
    assert at.title[0].value == "Kualitas data"
    m = metric_values(at)
    assert m["Kelengkapan laporan"].endswith("%") and m["Ketepatan waktu"].endswith("%")
    never = int(m["Belum pernah melapor"])
    assert never > 0
    # the first tab: the province chart, 34 bars split at 80%, timeliness markers, lowest first
    spec = _chart(at)
    bars = [tr for tr in spec["data"] if tr["type"] == "bar"]
    assert sum(len(tr["y"]) for tr in bars) == 34
    (area,) = (d.value for d in at.dataframe)
    assert len(area) == 34
    assert list(area["Kelengkapan (%)"]) == sorted(area["Kelengkapan (%)"])
    assert len(at.get("download_button")) == 2
    # values to verify wait for their tab (their query is the slow one)
    assert "Nilai perlu verifikasi" not in metric_values(at)

    _open_tab(at, "Belum pernah melapor")
    (never_t,) = (d.value for d in at.dataframe)
    assert paged_total(at) == never  # a page of them on screen (issue 15)
    assert len(never_t) == min(50, never)
    assert never_t["Profil"].str.startswith("profil?kode=").all()
    assert len(at.get("download_button")) == 2
    assert not plotly_charts(at)

    _open_tab(at, "Nilai perlu verifikasi")
    verify = int(metric_values(at)["Nilai perlu verifikasi"].replace(".", ""))
    (verify_t,) = (d.value for d in at.dataframe)
    # far from their own history or from their peers: the page shows the first 500, the
    # most suspicious first (far from both, then from their own history), and says so
    assert verify > kualitas.VERIFY_SHOWN and paged_total(at) == kualitas.VERIFY_SHOWN
    assert len(verify_t) == 50  # a page of them on screen (issue 15)
    assert any("500 nilai pertama" in c.value for c in at.caption)
    assert verify_t["Alasan"].iloc[0].startswith("Jauh dari riwayatnya")
    assert verify_t["Nama"].notna().all()
    assert any("bukan alasan pembinaan" in i.value for i in at.info)
    assert len(at.get("download_button")) == 2
    # narrowed to one column
    at.multiselect(key="kualitas_verify_columns").set_value(["kunjungan"]).run()
    assert_clean(at)
    (visits,) = (d.value for d in at.dataframe)
    assert 0 < paged_total(at) <= kualitas.VERIFY_SHOWN
    assert set(visits["Kolom"]) == {"Kunjungan"}
    # narrowed to one reason: far from their own history only
    at.multiselect(key="kualitas_verify_reasons").set_value(["riwayat"]).run()
    assert_clean(at)
    (own,) = (d.value for d in at.dataframe)
    assert 0 < len(own) < verify
    assert own["Alasan"].str.startswith("Jauh dari riwayatnya sendiri").all()


def test_kabupaten_kota_level_lists_all_and_charts_the_lowest(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    at.radio(key="kualitas_level").set_value("kabupaten_kota").run()
    assert_clean(at)
    assert paged_total(at) == 399
    first = at.dataframe[0].value
    assert len(first) == 50
    kode = str(first["Kode"].iloc[7])
    at.text_input(key="kualitas_area_table_search").input(kode).run()  # a code
    assert_clean(at)
    assert kode in at.dataframe[0].value["Kode"].tolist()
    assert paged_total(at) < 5
    spec = _chart(at)
    bars = [tr for tr in spec["data"] if tr["type"] == "bar"]
    assert sum(len(tr["y"]) for tr in bars) == kualitas.CHART_LIMIT


def test_a_filter_changes_the_numbers(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = metric_values(_app(demo_db, monkeypatch).run())
    at = _app(demo_db, monkeypatch)
    at.query_params["provinsi"] = "53"
    at.run()
    assert_clean(at)
    ntb = metric_values(at)
    assert ntb["Kelengkapan laporan"] != whole["Kelengkapan laporan"]
    assert int(ntb["Belum pernah melapor"]) < int(whole["Belum pernah melapor"])
    assert len(at.dataframe[0].value) == 1
    _open_tab(at, "Belum pernah melapor")
    assert (at.dataframe[0].value["Provinsi"] == "Nusa Tenggara Timur").all()


def test_the_language_switch_changes_the_labels(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    at.session_state["lang"] = "en"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Data quality"
    assert "Reporting completeness" in metric_values(at)
    assert "Completeness (%)" in at.dataframe[0].value.columns
    names = {tr.get("name") for tr in _chart(at)["data"]}
    assert "Completeness under 80%" in names or "Completeness 80% or more" in names
    _open_tab(at, "Values to verify", "en")
    assert any("not coaching reasons" in i.value for i in at.info)
    assert "Values to verify" in metric_values(at)


def test_a_filter_where_every_library_reported_says_so(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    at.query_params["provinsi"] = "52"  # every NTB library of the demo has reported
    at.run()
    assert_clean(at)
    assert metric_values(at)["Belum pernah melapor"] == "0"
    _open_tab(at, "Belum pernah melapor")
    assert any("sudah pernah melapor" in s.value for s in at.success)
    assert len(at.dataframe) == 0  # no empty never-reported table


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
    assert any("longgarkan filter" in i.value for i in at.info), [i.value for i in at.info]
    assert metric_values(at)["Belum pernah melapor"] == "0"


def test_the_area_level_is_kept_in_the_url(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch)
    at.query_params["kualitas_level"] = "kabupaten_kota"
    at.run()
    assert_clean(at)
    assert at.radio(key="kualitas_level").value == "kabupaten_kota"
    assert paged_total(at) == 399
    at.radio(key="kualitas_level").set_value("provinsi").run()
    assert at.query_params["kualitas_level"] == "provinsi"


def test_the_open_tab_is_in_the_url(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _app(demo_db, monkeypatch)
    shared.query_params["tab"] = "never"
    shared.run()
    assert_clean(shared)
    assert shared.session_state["kualitas_tab_id"] == "Belum pernah melapor"
    shared.session_state["kualitas_tab_id"] = "Nilai perlu verifikasi"
    shared.run()
    assert shared.query_params["tab"] == "verify"
