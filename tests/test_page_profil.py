"""AppTest of the Profil page through app.py, on a copy of the demo.

The database copy is shared by the module's tests (none of them writes), so the engine's cached
results are computed once; every test builds its own AppTest with its own URL and language.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean, metric_values, plotly_charts
from streamlit.testing.v1 import AppTest

from kpi import compute, score
from kpi.compute import Filters
from kpi.periods import window
from kpi.scope import ask
from kpi.store import open_store
from kpi.ui import profil

PAGE = "pages/profil.py"
RUN_TIMEOUT = 120
LIBRARY = "DES-5202022012"  # Perpustakaan Desa Bonjeruk, Lombok Tengah (NTB): reports, no Aware
SECTIONS_ID = [
    "Rapor",
    "Tren 36 bulan sampai akhir periode",
    "Dibanding sejawat",
    "Corong 5A (MarkPlus)",
    "Penilaian mandiri CIEL dibanding skor terukur",
    "Riwayat tanda pembinaan",
    "Indikator konteks",
]


@pytest.fixture(scope="module")
def profil_db(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profil") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


def _open(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, str] | None = None,
    lang: str | None = None,
    complete: bool = True,
) -> AppTest:
    """The page at this URL; ``complete``: once the background flag history is in as well."""
    at = app_test(db, monkeypatch, PAGE, params=params, lang=lang, timeout=RUN_TIMEOUT)
    at.run()
    assert_clean(at)
    if complete:
        profil.wait_for_history()
        at.run()
        assert_clean(at)
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts)


def test_without_a_place_the_picker_opens_a_profile(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch)
    assert at.title[0].value == "Profil"
    assert len(plotly_charts(at)) == 0
    at.selectbox(key="profil_tingkat").set_value("provinsi").run()
    at.selectbox(key="profil_prov").set_value("52").run()
    at.button(key="profil_open").click().run()
    assert_clean(at)
    assert at.query_params["kode"] == ["52"] or at.query_params["kode"] == "52"
    assert at.title[0].value == "Profil: Nusa Tenggara Barat"
    assert [s.value for s in at.subheader] == [
        *SECTIONS_ID[:-1],
        "Perpustakaan mitra di wilayah ini",
        "Indikator konteks",
    ]


def test_the_picker_starts_at_the_sidebar_province_and_opens_a_library(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch, {"provinsi": "52"})
    assert at.selectbox(key="profil_prov").value == "52"
    assert at.button(key="profil_open").disabled  # no library chosen yet
    at.selectbox(key="profil_kab").set_value("5202").run()
    libs = at.selectbox(key="profil_lib").options
    # the kab/kota's own library and its village libraries, searchable by name and code
    assert len(libs) == 10 and all("-5202" in o for o in libs)
    assert "Dinas Perpustakaan Kabupaten Lombok Tengah (KAB-5202)" in libs
    at.selectbox(key="profil_lib").set_value(LIBRARY).run()
    at.button(key="profil_open").click().run()
    assert_clean(at)
    assert at.title[0].value == "Profil: Perpustakaan Desa Bonjeruk"


def test_a_library_profile_shows_every_section(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch, {"kode": LIBRARY, "tingkat": "perpustakaan"})
    assert at.title[0].value == "Profil: Perpustakaan Desa Bonjeruk"
    assert [s.value for s in at.subheader] == [*SECTIONS_ID, "Data register"]
    # the trends, the peers, the funnel and the CIEL radar
    assert len(plotly_charts(at)) == 4
    trends = at.get("plotly_chart")[0].proto.spec
    assert "Kunjungan" in trends and "Perpustakaan yang melapor" not in trends

    # the report card shows the engine's own score for the sidebar's default period
    store = open_store(profil_db)
    last = compute.last_month(store)
    assert last is not None
    table = score.kpi_table(ask(store, "perpustakaan", window(last, 12)))
    row = table[table["kode"] == LIBRARY].iloc[0]
    expected = f"{row['skor']:.1f}".replace(".", ",")
    assert metric_values(at)["Skor KPI TPBIS"] == expected

    text = _texts(at)
    assert "corong dimulai dari Appeal" in text  # this library reports no Aware
    # more participants than new members: not nested, so counts side by side, per 100 Appeal
    assert "tidak bersarang" in text and "per 100 Appeal" in text
    funnel_spec = at.get("plotly_chart")[2].proto.spec
    assert '"type":"bar"' in funnel_spec.replace(" ", "") and "funnel" not in funnel_spec
    assert "Batang dan rasio dari" in text  # the rows every bar and ratio come from
    assert "Alasan terakhir" in text

    # the earlier quarter ends are evaluated in the background; the next run shows all four
    profil.wait_for_history()
    at.run()
    assert_clean(at)
    history = at.dataframe[1].value
    assert list(history.iloc[:, 0]) == [
        "Desember 2024",
        "Maret 2025",
        "Juni 2025",
        "September 2025",
        "Desember 2025",
    ]
    assert "masih dinilai" not in _texts(at)
    assert "Indikator provinsi Nusa Tenggara Barat" in text
    assert metric_values(at)["PAR"] == "–" and metric_values(at)["BAR"] == "–"
    register = at.table[0].value
    assert LIBRARY in register.iloc[:, 1].tolist()


def test_area_profiles_count_libraries_per_band_and_tier(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a link without tingkat: a 4-digit Kemendagri code (dots allowed) is a kab/kota
    at = _open(profil_db, monkeypatch, {"kode": "52.02"})
    assert at.title[0].value == "Profil: Kabupaten Lombok Tengah"
    # band counts, trends, peers, funnel, CIEL, flag history
    assert len(plotly_charts(at)) == 6
    assert "**10** perpustakaan mitra" in _texts(at)
    assert "Sejawat: kabupaten/kota lain di Nusa Tenggara Barat." in _texts(at)
    assert not at.table  # no register for an area
    trends = at.get("plotly_chart")[1].proto.spec
    assert "Perpustakaan yang melapor" in trends and "Anggota baru" in trends  # an area's extras
    libs = at.dataframe[1].value
    assert len(libs) == 10
    assert libs["Profil"].str.startswith("profil?").all()
    assert "kode=DES-5202022012" in " ".join(libs["Profil"])
    scores = [float(v.replace(",", ".")) for v in libs["Skor KPI TPBIS"] if v != "–"]
    assert scores == sorted(scores) and len(scores) >= 2  # lowest score first
    peers = at.dataframe[0].value.set_index("Indikator")
    assert peers.loc["Kelengkapan laporan", "Nilai tempat ini"].endswith("%")  # a percent
    assert peers.loc["Skor KPI TPBIS", "Peringkat"].endswith("dari 8")  # the 8 kab/kota of NTB


def test_an_unknown_code_says_so_and_offers_the_picker(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch, {"kode": "DES-0000000000", "tingkat": "perpustakaan"})
    assert any("DES-0000000000" in w.value for w in at.warning)
    assert at.selectbox(key="profil_tingkat") is not None
    assert len(plotly_charts(at)) == 0


def test_places_without_libraries_or_reports_have_empty_states(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch, {"kode": "93", "tingkat": "provinsi"})  # Papua Selatan
    assert at.title[0].value == "Profil: Papua Selatan"
    assert any("belum punya perpustakaan mitra" in i.value for i in at.info)
    assert len(plotly_charts(at)) == 0

    never = "DES-1406032002"  # a partner library that never sent a report
    at = _open(profil_db, monkeypatch, {"kode": never, "tingkat": "perpustakaan"})
    assert metric_values(at)["Skor KPI TPBIS"] == "–"
    assert any("perlu pembinaan pelaporan" in w.value for w in at.warning)
    infos = " ".join(i.value for i in at.info)
    assert "Belum ada laporan bulanan" in infos
    assert "Tidak ada angka 5A" in infos


def test_a_filter_change_changes_the_numbers(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = {"kode": "52", "tingkat": "provinsi"}
    everyone = _open(profil_db, monkeypatch, place)
    villages = _open(profil_db, monkeypatch, {**place, "jenis": "desa_kelurahan"})
    assert "**58** perpustakaan mitra" in _texts(everyone)
    assert "**58** perpustakaan mitra" not in _texts(villages)
    assert metric_values(everyone)["Skor KPI TPBIS"] != metric_values(villages)["Skor KPI TPBIS"]

    earlier = _open(profil_db, monkeypatch, {**place, "periode": "2023"})
    # the same province over 2023: its own numbers (the pillar scores at least)
    assert metric_values(everyone) != metric_values(earlier)
    assert (
        metric_values(everyone)["Pelibatan masyarakat"]
        != metric_values(earlier)["Pelibatan masyarakat"]
    )
    assert any("Desember 2023" in c.value for c in earlier.caption)


def test_the_language_switch_changes_the_labels(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"kode": LIBRARY, "tingkat": "perpustakaan"}
    at_id = _open(profil_db, monkeypatch, params)
    at_en = _open(profil_db, monkeypatch, params, lang="en")
    assert at_en.title[0].value == "Profile: Perpustakaan Desa Bonjeruk"
    assert [s.value for s in at_en.subheader][:3] == [
        "Report card",
        "Trend over the 36 months to the period's end",
        "Compared with peers",
    ]
    skor_id, skor_en = (
        metric_values(at_id)["Skor KPI TPBIS"],
        metric_values(at_en)["TPBIS KPI score"],
    )
    assert skor_id.replace(",", ".") == skor_en and "," in skor_id
    assert "Creativity" not in _texts(at_id)
    assert "the funnel starts at Appeal" in _texts(at_en)


def test_a_provincial_library_among_provincial_libraries_with_its_flag_history(
    profil_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(profil_db, monkeypatch, {"kode": "PRV-52"})  # tingkat guessed: a library code
    assert at.title[0].value.startswith("Profil: Dinas Perpustakaan")
    assert "Sejawat: perpustakaan provinsi lain." in _texts(at)
    store = open_store(profil_db)
    last = compute.last_month(store)
    assert last is not None
    provincial = score.kpi_table(
        ask(store, "perpustakaan", window(last, 12), Filters(jenis="provinsi"))
    )
    assert len(provincial) == 34  # one per province in the demo
    rank = at.dataframe[0].value.iloc[0, 3]  # the score's rank, among those with a score
    assert rank.endswith(f"dari {int(provincial['skor'].notna().sum())}")
    history = at.dataframe[1].value
    assert len(history) == 5
    cells = history.astype(str).to_numpy().ravel().tolist()
    # a window with reporting coaching has no quadrant: a dash, never a key or "nan"
    assert not any("coaching." in c or c == "nan" for c in cells), cells


def test_an_empty_store_says_what_to_do(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.demo import clear_demo

    clear_demo(open_store(demo_db))
    at = _open(demo_db, monkeypatch, complete=False)
    assert any("Belum ada perpustakaan mitra" in i.value for i in at.info)
    at = _open(demo_db, monkeypatch, {"kode": "52"}, complete=False)
    assert at.title[0].value == "Profil: Nusa Tenggara Barat"  # the region exists, no partner
    assert any("belum punya perpustakaan mitra" in i.value for i in at.info)
    assert len(plotly_charts(at)) == 0
