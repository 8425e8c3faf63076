"""The KPI explorer's builders on small frames: no Streamlit run needed."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi import export
from kpi.catalogue import PILLARS, catalogue
from kpi.ui import jelajah

CAT = catalogue()
KUNJ = CAT["kunjungan"]  # decimals 0, unit orang
RATE = CAT["kunjungan_per_1000"]  # decimals 1


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": ["52", "53", "11", "12"],
            "nama": ["NTB", "NTT", "Aceh", "Sumut"],
            "tingkat": "provinsi",
            "perpustakaan": [10, 8, 5, 3],
            "bulan_dilaporkan": [100.0, 40.0, 60.0, 0.0],
            "bulan_diharapkan": [120.0, 96.0, 60.0, 36.0],
            "kelengkapan_laporan": [83.3333, 41.6667, 100.0, 0.0],
            "kunjungan": [1200.0, 350.5, 9000.0, math.nan],
            "kunjungan__perpustakaan": [9, 4, 5, 0],
            "skor": [81.0, 45.2, math.nan, math.nan],
            "band": ["hijau", "merah", None, None],
        }
    )


def test_kpi_choices_are_grouped_by_pillar() -> None:
    ids = jelajah.kpi_choices(CAT)
    assert sorted(ids) == sorted(CAT.ids)
    pillars = [CAT[i].pillar for i in ids]
    order = [PILLARS.index(p) for p in pillars]
    assert order == sorted(order)
    assert ids.index("kunjungan") < ids.index("kegiatan") < ids.index("advokasi")


def test_labels_follow_the_language() -> None:
    assert jelajah.kpi_label(KUNJ, "id") == "Layanan informasi · Kunjungan"
    assert jelajah.kpi_label(KUNJ, "en") == "Information services · Visits"
    assert jelajah.unit_label(RATE, "en") == "per 1,000 population"
    assert jelajah.value_header(KUNJ, "en") == "Visits (people)"
    assert jelajah.value_header(RATE, "en") == "Monthly visits per 1,000 population"
    assert jelajah.value_header(CAT["cakupan_anggota"], "id") == "Cakupan keanggotaan (%)"
    # loans per member are per month (issue 13): the same for any period length
    assert (
        jelajah.value_header(CAT["pinjaman_per_anggota"], "id") == "Pinjaman per anggota per bulan"
    )
    assert jelajah.band_label("merah", "en") == "Red"
    assert jelajah.band_label(None, "id").startswith("Tanpa skor")
    # an area with a score from too few of its libraries has no band
    assert jelajah.band_label(None, "id", 58.5) == "Data belum cukup"
    assert jelajah.band_label(None, "en", float("nan")).startswith("No score")
    assert jelajah.band_css("Merah", "id") == "background-color: #b2182b; color: #ffffff"
    assert jelajah.band_css("Yellow", "en").startswith("background-color: #f2c94c")
    assert jelajah.band_css("Tanpa skor (perlu pembinaan pelaporan)", "id") == ""


def test_ranking_bars_sorted_and_cut_to_n() -> None:
    fig = jelajah.ranking_bars(_table(), KUNJ, "id", n=2)
    bar = fig.data[0]
    assert list(bar.y) == ["Aceh", "NTB"]  # highest first, no-value unit left out
    assert list(bar.x) == [9000.0, 1200.0]
    assert list(bar.text) == ["9.000", "1.200"]
    assert fig.layout.separators == ",."
    low = jelajah.ranking_bars(_table(), KUNJ, "en", n=2, lowest=True)
    assert list(low.data[0].y) == ["NTT", "NTB"]
    assert list(low.data[0].text)[1] == "1,200"
    assert low.layout.separators == ".,"
    assert [c[0] for c in low.data[0].customdata] == ["Red", "Green"]


def test_trend_lines_one_per_unit_with_gaps_kept() -> None:
    series = pd.DataFrame(
        {
            "periode": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01", "2025-02-01"]),
            "kode": ["52", "52", "53", "53"],
            "nama": ["NTB", "NTB", "NTT", "NTT"],
            "nilai": [10.0, math.nan, 5.0, 6.0],
        }
    )
    fig = jelajah.trend_lines(series, RATE, "id")
    assert [tr.name for tr in fig.data] == ["NTB", "NTT"]
    assert math.isnan(list(fig.data[0].y)[1])  # a month without a report stays empty
    assert fig.data[0].connectgaps is False
    assert fig.layout.yaxis.tickformat == ",.1f"


def test_distribution_counts_only_units_with_a_value() -> None:
    fig = jelajah.distribution(_table(), KUNJ, "en")
    box, hist = fig.data
    assert sorted(hist.x) == [350.5, 1200.0, 9000.0]
    assert sorted(box.x) == [350.5, 1200.0, 9000.0]


def test_table_frame_numbers_stay_numbers_and_bands_are_named() -> None:
    table = jelajah.table_frame(_table(), KUNJ, "en")
    assert list(table.columns) == [
        "Code",
        "Name",
        "Visits (people)",
        "Reporting completeness (%)",
        "Libraries with a value",
        "Libraries in the filter",
        "TPBIS KPI score",
        "Band",
    ]
    assert list(table["Name"]) == ["Aceh", "NTB", "NTT", "Sumut"]  # highest first, empty last
    assert table["Visits (people)"].iloc[0] == 9000.0
    assert list(table.iloc[:, -1])[:3] == ["No score (needs reporting coaching)", "Green", "Red"]
    assert list(table["Libraries with a value"]) == [5, 9, 4, 0]
    formats = jelajah.table_formats(table, KUNJ, "en")
    assert formats["Visits (people)"](9000.0) == "9,000"
    id_table = jelajah.table_frame(_table(), KUNJ, "id")
    id_formats = jelajah.table_formats(id_table, KUNJ, "id")
    assert id_formats["Kunjungan (orang)"](9000.0) == "9.000"
    assert id_formats["Kelengkapan laporan (%)"](83.3333) == "83,3"
    assert id_formats["Kelengkapan laporan (%)"](math.nan) == "–"


def test_exports_are_formula_safe() -> None:
    frame = _table().assign(nama=["=HYPERLINK(1)", "NTT", "Aceh", "Sumut"])
    table = jelajah.table_frame(frame, KUNJ, "id")
    wb = load_workbook(io.BytesIO(jelajah.xlsx_bytes({"Jelajah": table})))
    cells = [c.value for c in wb["Jelajah"]["B"]]
    assert "=HYPERLINK(1)" in cells
    ws = wb["Jelajah"]
    cell = next(c for c in ws["B"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"  # text, never a formula
    assert "'=HYPERLINK(1)" in export.csv_string(table)


def test_ranking_without_scores_leaves_the_band_out() -> None:
    fig = jelajah.ranking_bars(_table().drop(columns=["skor", "band"]), KUNJ, "id", n=3)
    bar = fig.data[0]
    assert list(bar.y) == ["Aceh", "NTB", "NTT"]
    assert bar.customdata is None
    assert "Pita" not in bar.hovertemplate


def test_a_kept_styler_renders_once_and_sends_the_same_table() -> None:
    """The library table's Styler is rendered once and kept: Streamlit receives the same
    display values and styles as from a fresh Styler, run after run."""
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    shown = jelajah.table_frame(_table(), KUNJ, "id")

    def styled() -> object:
        s = shown.style.set_uuid("t").format(jelajah.table_formats(shown, KUNJ, "id"), na_rep="–")
        return s.map(lambda v: jelajah.band_css(v, "id"), subset=["Pita"])

    fresh = ArrowData()
    marshall_styler(fresh, styled(), "t")
    assert b"1.200" in fresh.styler.display_values  # Indonesian thousands
    keeper = styled()
    rendered: list[int] = []
    translate = keeper._translate
    keeper._translate = lambda *a, **k: (rendered.append(1), translate(*a, **k))[1]
    jelajah.kept_styler(keeper)
    for _ in range(3):
        kept = ArrowData()
        marshall_styler(kept, keeper, "t")
        assert kept.styler.display_values == fresh.styler.display_values
        assert kept.styler.styles == fresh.styler.styles
    assert len(rendered) == 1  # three runs, one rendering


def test_a_table_too_large_to_style_shows_numbers_with_column_formats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond pandas' styling limit the table is shown as numbers with column formats (no
    error): the KPI's decimals, thousands grouped in English only."""
    frame = jelajah.table_frame(_table(), KUNJ, "en")
    assert jelajah._styles_whole(frame)
    monkeypatch.setattr(pd, "get_option", lambda name: 10)  # a limit below this table
    assert not jelajah._styles_whole(frame)
    en = jelajah._plain_formats(frame, KUNJ, "en")
    assert en[jelajah.value_header(KUNJ, "en")]["type_config"]["format"] == "%,.0f"
    assert en["TPBIS KPI score"]["type_config"]["format"] == "%,.1f"
    id_frame = jelajah.table_frame(_table(), KUNJ, "id")
    id_ = jelajah._plain_formats(id_frame, KUNJ, "id")
    assert id_[jelajah.value_header(KUNJ, "id")]["type_config"]["format"] == "%.0f"


def test_a_national_spread_sends_its_summary_not_every_value() -> None:
    """Beyond BOX_POINTS_MAX units the box is its five numbers and the histogram its bins, so
    the figure's size does not grow with the number of libraries (issue 15)."""
    from kpi.ui.charts import BOX_POINTS_MAX, box_summary

    assert box_summary(pd.Series([1, 2, 3, 4, 100])) == {
        "q1": [2.0],
        "median": [3.0],
        "q3": [4.0],
        "lowerfence": [1.0],  # 1.5 IQR (3) around the quartiles: -1 .. 7
        "upperfence": [4.0],
        "mean": [22.0],
    }
    n = BOX_POINTS_MAX * 20
    big = pd.DataFrame(
        {"kode": [str(i) for i in range(n)], "nama": "x", "kunjungan": [i % 200 for i in range(n)]}
    )
    fig = jelajah.distribution(big, KUNJ, "id")
    box, bars = fig.data
    assert (box.type, bars.type) == ("box", "bar")
    assert box.x is None and list(box.median) == [99.5]
    assert sum(bars.y) == n and len(bars.y) <= 80
    assert len(fig.to_json()) < 20_000
