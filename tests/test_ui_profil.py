"""The Profil page's figure builders on small frames (no Streamlit run needed)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from kpi.palette import TIER_COLOURS
from kpi.periods import Period
from kpi.ui import profil
from kpi.ui.charts import BAND_COLOURS


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "periode": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
            "kunjungan": [10.0, math.nan, 30.0],
            "perpustakaan_melapor": [1, 0, 1],
        }
    )


@pytest.mark.parametrize(("lang", "separators"), [("id", ",."), ("en", ".,")])
def test_trends_figure_keeps_gaps_and_shades_the_period_in_every_panel(
    lang: str, separators: str
) -> None:
    series = _series()
    series["kegiatan"] = [1.0, 2.0, 3.0]
    period = Period("rentang", date(2025, 2, 1), date(2025, 3, 1))
    titles = {"kunjungan": "Kunjungan", "kegiatan": "Kegiatan"}
    fig = profil.trends_figure(series, titles, lang, period)
    visits, activities = fig.data
    assert visits.y[0] == 10.0 and math.isnan(visits.y[1])  # a gap, not 0
    assert visits.connectgaps is False
    assert list(activities.y) == [1.0, 2.0, 3.0]
    assert (visits.xaxis, activities.xaxis) == ("x", "x2")  # a panel each
    assert [a.text for a in fig.layout.annotations] == ["Kunjungan", "Kegiatan"]
    assert fig.layout.separators == separators
    shades = fig.layout.shapes
    assert len(shades) == 2 and {s.xref for s in shades} == {"x", "x2"}
    for shade in shades:
        assert pd.Timestamp(shade.x0) < pd.Timestamp("2025-02-01")
        assert pd.Timestamp(shade.x1) > pd.Timestamp("2025-03-01")
    assert not profil.trends_figure(series, titles, lang).layout.shapes
    four = profil.trends_figure(series.assign(a=1.0, b=2.0), {**titles, "a": "A", "b": "B"}, lang)
    assert len(four.data) == 4 and four.data[3].xaxis == "x4" and four.layout.height == 500


def test_band_counts_figure_names_every_band_in_its_colour() -> None:
    labels = {"merah": "Merah", "kuning": "Kuning", "hijau": "Hijau", "tanpa_skor": "Tanpa skor"}
    counts = {"merah": 3, "kuning": 1200, "hijau": 0, "tanpa_skor": 2}
    fig = profil.band_counts_figure(counts, labels, "id")
    assert [t.name for t in fig.data] == [
        "Merah: 3",
        "Kuning: 1.200",
        "Hijau: 0",
        "Tanpa skor: 2",
    ]
    assert [t.marker.color for t in fig.data[:3]] == [
        BAND_COLOURS["merah"],
        BAND_COLOURS["kuning"],
        BAND_COLOURS["hijau"],
    ]
    assert [t.x[0] for t in fig.data] == [3, 1200, 0, 2]
    assert fig.layout.barmode == "stack"
    en = profil.band_counts_figure(counts, labels, "en")
    assert en.data[1].name == "Kuning: 1,200"


def test_peer_figure_separates_the_place_from_its_peers() -> None:
    table = pd.DataFrame(
        {
            "kode": ["a", "b", "c", "d"],
            "nama": ["A", "B", "C", "D"],
            "skor": [50.0, 70.0, math.nan, 90.0],
        }
    )
    fig = profil.peer_figure(table, "a", "skor", "Skor", "Desa A", "id")
    box, own = fig.data
    assert box.type == "box" and sorted(box.x) == [70.0, 90.0]  # peers with a value, not "a"
    assert list(box.text) == ["B", "D"]
    assert own.type == "scatter" and list(own.x) == [50.0] and own.name == "Desa A"
    no_value = profil.peer_figure(table, "c", "skor", "Skor", "Desa C", "id")
    assert len(no_value.data) == 1 and sorted(no_value.data[0].x) == [50.0, 70.0, 90.0]


def test_funnel_figure_shows_values_in_the_language() -> None:
    fig = profil.funnel_figure([2571.0, 100.0, math.nan], ["Appeal", "Ask", "Act"], "id")
    (trace,) = fig.data
    assert trace.type == "funnel"
    assert list(trace.y) == ["Appeal", "Ask", "Act"]
    assert list(trace.x) == [2571.0, 100.0, 0]
    assert list(trace.text) == ["2.571", "100", "–"]  # a missing stage is a dash, not 0
    assert len(trace.marker.color) == 3


def test_ciel_figure_closes_the_radar_and_draws_the_score_ring() -> None:
    dims = {"kreativitas": 60.0, "inovasi": 50.0, "kewirausahaan": math.nan, "kepemimpinan": 70.0}
    labels = {k: k.title() for k in dims}
    names = {"ciel": "Indeks CIEL", "skor": "Skor KPI TPBIS"}
    fig = profil.ciel_figure(dims, labels, 42.0, names, "id")
    radar, ring = fig.data
    assert list(radar.r) == [60.0, 50.0, 0.0, 70.0, 60.0]  # closed polygon
    assert list(radar.theta)[0] == list(radar.theta)[-1] == "Kreativitas"
    assert radar.name == "Indeks CIEL"
    assert set(ring.r) == {42.0} and ring.name == "Skor KPI TPBIS"
    assert tuple(fig.layout.polar.radialaxis.range) == (0, 100)
    assert len(profil.ciel_figure(dims, labels, None, names, "id").data) == 1


def test_tier_history_figure_stacks_tiers_by_window_end() -> None:
    history = pd.DataFrame(
        {
            "akhir": [date(2025, 9, 1), date(2025, 12, 1)],
            "jumlah_pelaporan": [1, 0],
            "jumlah_prioritas_1": [2, 3],
            "jumlah_prioritas_2": [0, 1],
            "jumlah_pantau": [4, 4],
            "jumlah_tanpa_tanda": [5, 4],
        }
    )
    labels = {t: t.upper() for t in TIER_COLOURS}
    fig = profil.tier_history_figure(history, labels, "id")
    assert [t.name for t in fig.data] == [
        "PELAPORAN",
        "PRIORITAS_1",
        "PRIORITAS_2",
        "PANTAU",
        "TANPA_TANDA",
    ]
    assert list(fig.data[0].x) == ["September 2025", "Desember 2025"]
    assert list(fig.data[1].y) == [2, 3]
    assert fig.data[1].marker.color == TIER_COLOURS["prioritas_1"]
    assert fig.layout.barmode == "stack"


def test_band_badge_names_the_band_in_its_colour() -> None:
    red = profil.band_badge("merah", "Merah (< 50)")
    assert BAND_COLOURS["merah"] in red and "Merah (&lt; 50)" in red  # escaped, never markup
    assert "#1f1f1f" in profil.band_badge("kuning", "Kuning")  # dark text on yellow
    assert profil.NO_SCORE in profil.band_badge(None, "Tanpa skor")


def test_an_unknown_code_is_quoted_as_code_not_markdown() -> None:
    text = profil.unknown_message("perpustakaan", "DES-1`[x](http://e.vil)", "id")
    assert text.startswith("Tidak ada perpustakaan dengan kode `DES-1[x](http://e.vil)`")
    en = profil.unknown_message("kabupaten_kota", "9999", "en")
    assert en.startswith("There is no regency/city with code `9999`")
    assert len(profil.unknown_message("perpustakaan", "x" * 500, "id")) < 250


def test_stage_bars_count_each_stage_and_say_it_per_100_of_the_first() -> None:
    fig = profil.stage_bars(
        [2571.0, 100.0, math.nan], ["Appeal", "Ask", "Act"], [100.0, 3.9, math.nan], "Appeal", "id"
    )
    bar = fig.data[0]
    assert list(bar.x) == ["Appeal", "Ask", "Act"]
    assert list(bar.y) == [2571.0, 100.0, 0.0]  # a stage without a value stands at 0
    assert bar.text[0] == "2.571"  # the base stage: its count only
    assert bar.text[1].startswith("100<br>") and "3,9" in bar.text[1] and "Appeal" in bar.text[1]
    assert bar.text[2] == "–"  # no count, so no ratio beside it
    en = profil.stage_bars([2571.0, 100.0], ["Appeal", "Ask"], [100.0, 3.9], "Appeal", "en")
    assert en.data[0].text[0] == "2,571" and "3.9" in en.data[0].text[1]


def test_the_profile_workbooks_of_an_area_read_in_words(demo_store) -> None:  # noqa: ANN001
    """The field list of a library's kab/kota (kpi.lapangan) and a province's kab/kota ranked
    (kpi.export.write_areas_xlsx), as the Profil page's buttons make them."""
    import io

    import openpyxl

    from kpi.compute import Filters
    from kpi.ui.profil import unduhan

    library = {
        "tingkat": "perpustakaan",
        "kode": "DES-3506232008",
        "nama": "Perpustakaan Desa Selodono",
        "kode_kabupaten_kota": "3506",
        "kabupaten_kota": "Kabupaten Kediri",
        "kode_provinsi": "35",
        "provinsi": "Jawa Timur",
    }
    area = unduhan.area_of(library)
    assert (area["tingkat"], area["kode"]) == ("kabupaten_kota", "3506")
    data = unduhan.field_workbook(
        demo_store, area, "2025-12", Filters(provinsi="35", kabupaten_kota="3506"), "en"
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[1]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows and "Selodono" in " ".join(str(r.get(head[1])) for r in rows)
    assert not any(str(h).startswith(("kode", "tier", "alasan_")) for h in head)

    prov = unduhan.areas_workbook(demo_store, "2025-12", Filters(provinsi="35"), "id")
    ws = openpyxl.load_workbook(io.BytesIO(prov)).worksheets[0]
    head = [c.value for c in ws[1]]
    assert ws.title == "Kab-kota perlu pembinaan" and "Perpustakaan perlu pembinaan" in head
    codes = [r[head.index("Kode wilayah")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert codes and all(str(c).startswith("35") for c in codes)


def test_thousands_of_peers_are_drawn_as_their_box() -> None:
    from kpi.ui.charts import BOX_POINTS_MAX

    n = BOX_POINTS_MAX + 2  # the place and one peer more than drawn one by one
    table = pd.DataFrame(
        {"kode": [f"k{i}" for i in range(n)], "nama": "Desa", "skor": [float(i) for i in range(n)]}
    )
    fig = profil.peer_figure(table, "k0", "skor", "Skor", "Desa A", "id")
    box, own = fig.data
    assert box.boxpoints is False and box.x is None
    assert list(box.median) == [n / 2]  # the median of the peers' 1 .. n-1
    assert list(own.x) == [0.0]
    assert len(fig.to_json()) < 10_000
