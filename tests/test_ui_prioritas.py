"""The coaching-priorities page's builders on small hand-made frames: filters, the tables as shown,
the quadrant chart, the area ranking and the Excel export (opened again with openpyxl)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kpi import coaching
from kpi.store import Store
from kpi.ui import prioritas as ui

WEAK = {
    "R1": {"band": "merah"},
    "R4": {"persentil": 10.0, "provinsi": "NTB"},
    "Q": {"median": 55.0, "s_tahun_lalu": 45.0},
}
POINTS = {r: float(coaching.default_settings()[r]["poin"]) for r in coaching.RULES[1:]}


def _lib(kode: str, kab: str, tier: str | None, points: float, rules: list[str], **over: Any):
    # R1, R4 and Q make one reason, as coaching.apply_rules gives them
    weak = {r: WEAK[r] for r in rules if r in WEAK}
    reasons = (
        [coaching.weak_score_reason(weak, 40.0, POINTS, "2025-01..2025-12", 20)] if weak else []
    )
    reasons += [
        coaching.reason(r, {"s": 40, "n": 3, "p": 30, "provinsi": "NTB"})
        for r in rules
        if r not in WEAK
    ]
    row: dict[str, Any] = {
        "kode": kode,
        "nama": f"Perpustakaan {kode}",
        "tingkat": "perpustakaan",
        "jenis": "desa_kelurahan",
        "kode_provinsi": kab[:2],
        "provinsi": {"52": "Nusa Tenggara Barat", "51": "Bali"}[kab[:2]],
        "kode_kabupaten_kota": kab,
        "kabupaten_kota": f"Kabupaten {kab}",
        "bulan_diharapkan": 12.0,
        "bulan_dilaporkan": 12.0,
        "kelengkapan": 100.0,
        "skor": 40.0,
        "band": "merah",
        "skor_tahun_lalu": 45.0,
        "median_sejawat": 55.0,
        "tier": tier,
        "points": points,
        "quadrant": "prioritas",
        "reasons": reasons,
    }
    row.update(over)
    return row


@pytest.fixture
def frame() -> pd.DataFrame:
    """Five libraries in three kab/kota of two provinces, one of them the kab/kota library."""
    rows = [
        _lib("DES-1", "5201", "prioritas_1", 6, ["R1", "R5", "Q"], skor=32.94),
        _lib("DES-2", "5201", None, 0, [], skor=70.0, quadrant="teladan", skor_tahun_lalu=60.0),
        _lib("DES-3", "5202", "prioritas_2", 3, ["Q"], skor=50.0, skor_tahun_lalu=52.5),
        _lib(
            "DES-4",
            "5202",
            "pelaporan",
            0,
            ["D"],
            skor=None,
            band=None,
            quadrant=None,
            kelengkapan=50.0,
        ),
        _lib("KAB-5101", "5101", "pantau", 2, ["R5"], jenis="kabupaten_kota", quadrant="waspada"),
    ]
    return pd.DataFrame(rows)


def test_filter_libraries_by_tier_and_any_chosen_rule(frame: pd.DataFrame) -> None:
    rows = coaching.priorities(frame)
    assert ui.filter_libraries(rows)["kode"].tolist() == ["DES-1", "DES-3", "DES-4", "KAB-5101"]
    assert ui.filter_libraries(rows, ["prioritas_2", "pantau"])["kode"].tolist() == [
        "DES-3",
        "KAB-5101",
    ]
    assert ui.filter_libraries(rows, rules=["R5"])["kode"].tolist() == ["DES-1", "KAB-5101"]
    assert ui.filter_libraries(rows, rules=["R5", "D"])["kode"].tolist() == [
        "DES-1",
        "DES-4",
        "KAB-5101",
    ]
    assert ui.filter_libraries(rows, ["prioritas_1"], ["D"]).empty


def test_area_list_chooses_areas_and_keeps_their_counts(frame: pd.DataFrame) -> None:
    rows = coaching.priorities(frame)
    roll = coaching.rollup(frame, "kabupaten_kota")
    # needing coaching: 5202 2 of 2 (Prioritas 2 and the silent DES-4), 5201 1 of 2, 5101 none
    assert roll["kode"].tolist() == ["5202", "5201", "5101"]
    only_r5 = ui.area_list(roll, rows, "kabupaten_kota", [], ["R5"])
    assert only_r5["kode"].tolist() == ["5201", "5101"]
    assert only_r5["jumlah_perpustakaan"].tolist() == [2, 1]  # all libraries, not only matches
    assert ui.area_list(roll, rows, "kabupaten_kota", ["pelaporan"], [])["kode"].tolist() == [
        "5202"
    ]
    assert len(ui.area_list(roll, rows, "kabupaten_kota", [], [])) == 3


def test_library_table_in_words_and_the_language_numbers(frame: pd.DataFrame) -> None:
    rows = coaching.priorities(frame)
    table = ui.library_table(rows, "id", "2025-01..2025-12")
    assert table["no"].tolist() == [1, 2, 3, 4]
    assert table["tier"].tolist() == ["Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau"]
    assert table["points"].tolist() == [6, 3, 0, 2]
    assert table["skor"].tolist() == ["32,9", "50,0", "–", "40,0"]
    assert table["quadrant"].tolist()[:3] == ["IV Prioritas", "IV Prioritas", ""]
    assert table["reasons"].iloc[0] == (
        "Skor KPI 40: merah, di bawah median sejawat (55) dan turun dari 45 setahun sebelumnya"
        " · Tidak ada kegiatan pelibatan selama 3 bulan"
    )
    assert table["jenis"].iloc[3] == "Perpustakaan kab/kota"
    assert table["profil"].iloc[0] == (
        "profil?kode=DES-1&tingkat=perpustakaan&periode=2025-01..2025-12&lang=id"
    )
    en = ui.library_table(rows, "en")
    assert en["tier"].iloc[0] == "Priority 1"
    assert en["reasons"].iloc[1] == (
        "KPI score 40: below the peer median (55) and down from 45 a year earlier"
    )
    assert en["profil"].iloc[1] == "profil?kode=DES-3&tingkat=perpustakaan&lang=en"


def test_area_table(frame: pd.DataFrame) -> None:
    roll = coaching.rollup(frame, "kabupaten_kota")
    table = ui.area_table(roll, "kabupaten_kota", "id")
    assert table["no"].tolist() == [1, 2, 3]
    # 2 of 2, 1 of 2, 0 of 1; their 90% Wilson lower bounds 42.5%, 12.1%, 0%
    assert table["share"].tolist() == ["100,0%", "50,0%", "0,0%"]
    assert table["at_least"].tolist() == [
        "sekurang-kurangnya 42,5%",
        "sekurang-kurangnya 12,1%",
        "sekurang-kurangnya 0,0%",
    ]
    assert table["concerned"].tolist() == [2, 1, 0]
    assert table["prioritas_2"].tolist() == [1, 0, 0] and table["pelaporan"].tolist() == [1, 0, 0]
    assert table["libraries"].tolist() == [2, 2, 1]
    # only 5101 has its own (kab/kota) library, in the Pantau tier
    assert table["own_tier"].tolist() == ["", "", "Pantau"]
    assert table["own_reasons"].tolist()[2] == "Tidak ada kegiatan pelibatan selama 3 bulan"
    assert table["profil"].iloc[0] == "profil?kode=5202&tingkat=kabupaten_kota&lang=id"
    prov = ui.area_table(coaching.rollup(frame, "provinsi"), "provinsi", "en")
    assert "provinsi" not in prov.columns
    assert prov["nama"].tolist() == ["Nusa Tenggara Barat", "Bali"]
    assert prov["share"].tolist() == ["75.0%", "0.0%"]  # 3 of 4 (P1, P2, reporting)
    assert prov["at_least"].iloc[0].startswith("at least ")
    # performance only: the silent library does not count
    kinerja = ui.area_table(coaching.rollup(frame, "provinsi", "kinerja"), "provinsi", "en")
    assert kinerja["share"].tolist() == ["50.0%", "0.0%"]


def test_quadrant_chart_places_points_by_hand(frame: pd.DataFrame) -> None:
    fig = ui.quadrant_chart(frame, "id")
    names = [t.name for t in fig.data]
    # one trace per tier present among the placed libraries; DES-4 (reporting) has no quadrant
    assert names == ["Prioritas 1", "Prioritas 2", "Pantau", "Tanpa tanda"]
    p1 = fig.data[0]
    assert list(p1.x) == pytest.approx([32.94 - 55.0])  # score minus the peer median
    assert list(p1.y) == pytest.approx([32.94 - 45.0])  # change on a year earlier
    assert p1.marker.symbol == "diamond" and p1.marker.color == "#b2182b"
    assert "Perpustakaan DES-1" in p1.hovertext[0]
    assert "Skor 32,9" in p1.hovertext[0] and "-12,1 poin" in p1.hovertext[0]
    assert "IV Prioritas" in p1.hovertext[0]
    unflagged = fig.data[3]
    assert list(unflagged.x) == pytest.approx([15.0]) and list(unflagged.y) == pytest.approx([10.0])
    assert "+10,0 poin" in unflagged.hovertext[0]
    labels = {a.text for a in fig.layout.annotations}
    assert labels == {
        "<b>I Teladan</b>",
        "<b>II Waspada</b>",
        "<b>III Berkembang</b>",
        "<b>IV Prioritas</b>",
    }
    # symmetric axes: each quadrant sits in its own corner
    assert fig.layout.xaxis.range[0] == -fig.layout.xaxis.range[1]
    assert fig.layout.separators == ",."
    en = ui.quadrant_chart(frame, "en")
    assert [t.name for t in en.data][0] == "Priority 1"
    assert en.layout.separators == ".,"
    assert "IV Priority" in en.data[0].hovertext[0]


def test_area_bars_rank_from_the_top(frame: pd.DataFrame) -> None:
    roll = coaching.rollup(frame, "kabupaten_kota")
    fig = ui.area_bars(roll, "id")
    assert [t.name for t in fig.data] == [
        "Prioritas 1",
        "Prioritas 2",
        "Pembinaan pelaporan",
        "Sekurang-kurangnya (batas bawah)",
    ]
    # areas where no library needs coaching are left out; the first-ranked is drawn on top
    assert list(fig.data[0].y) == [
        "Kabupaten 5201 (Nusa Tenggara Barat)",
        "Kabupaten 5202 (Nusa Tenggara Barat)",
    ]
    assert list(fig.data[0].x) == [50.0, 0.0]
    assert list(fig.data[1].x) == [0.0, 50.0]
    assert list(fig.data[2].x) == [0.0, 50.0]
    assert list(fig.data[3].x) == pytest.approx([12.09, 42.50], abs=0.01)
    assert "1 dari 2 perpustakaan" in fig.data[1].customdata[1]
    one = ui.area_bars(roll, "id", top=1)
    assert list(one.data[0].y) == ["Kabupaten 5202 (Nusa Tenggara Barat)"]
    kinerja = ui.area_bars(
        coaching.rollup(frame, "kabupaten_kota", "kinerja"), "en", basis="kinerja"
    )
    assert [t.name for t in kinerja.data][:2] == ["Priority 1", "Priority 2"]
    assert len(kinerja.data) == 3


def _cells(ws) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _no_formula(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def test_export_of_the_library_list(frame: pd.DataFrame) -> None:
    frame.loc[0, "nama"] = '=HYPERLINK("http://x")'  # a name that a spreadsheet would run
    rows = coaching.priorities(frame)
    contacts = pd.DataFrame({"kode": ["DES-1", "DES-9"], "kontak_telepon": ["+62 812", "0813"]})
    settings = {"jendela": "2025-01..2025-12", "pembinaan": coaching.default_settings()}
    data = ui.export_xlsx(ui.export_table(rows, "perpustakaan", "id"), settings, "id", contacts)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Prioritas pembinaan", "Pengaturan aturan"]
    _no_formula(wb)
    cells = _cells(wb["Prioritas pembinaan"])
    head, body = cells[0], cells[1:]
    assert len(body) == 4  # one row per flagged library
    col = {name: i for i, name in enumerate(head)}
    assert [r[col["kode"]] for r in body] == ["DES-1", "DES-3", "DES-4", "KAB-5101"]
    assert body[0][col["nama"]] == '=HYPERLINK("http://x")'  # text, not a formula
    assert body[0][col["tier"]] == "Prioritas 1 (kunjungan lapangan)"
    assert body[0][col["points"]] == 6
    assert body[0][col["quadrant"]] == "Prioritas"
    assert body[0][col["alasan_R5"]] == "Tidak ada kegiatan pelibatan selama 3 bulan"
    assert '"n": 3' in body[0][col["angka_R5"]]
    assert body[2][col["alasan_D"]].startswith("Perlu pembinaan pelaporan")
    assert body[0][col["kontak_telepon"]] == "+62 812"
    assert body[1][col["kontak_telepon"]] is None
    settings_rows = {r[0]: r[1] for r in _cells(wb["Pengaturan aturan"])[1:]}
    assert settings_rows["jendela"] == "2025-01..2025-12"
    assert settings_rows["pembinaan.R1.poin"] == 2


def test_export_of_the_area_list_with_the_area_library_contacts(frame: pd.DataFrame) -> None:
    roll = coaching.rollup(frame, "kabupaten_kota")
    contacts = pd.DataFrame({"kode": ["KAB-5101"], "kontak_email": ["dinas@example.id"]})
    own = ui.area_contacts(contacts, roll)
    assert own.to_dict("records") == [{"kode": "5101", "kontak_email": "dinas@example.id"}]
    data = ui.export_xlsx(ui.export_table(roll, "kabupaten_kota", "en"), {}, "en", own)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Coaching priorities", "Rule settings"]
    _no_formula(wb)
    cells = _cells(wb["Coaching priorities"])
    col = {name: i for i, name in enumerate(cells[0])}
    body = cells[1:]
    assert [r[col["kode"]] for r in body] == ["5202", "5201", "5101"]
    assert [r[col["peringkat"]] for r in body] == [1, 2, 3]
    assert body[0][col["porsi_prioritas"]] == 50.0
    assert body[0][col["porsi_perlu"]] == 100.0 and body[0][col["batas_bawah"]] == 42.5
    assert body[0][col["jumlah_pelaporan"]] == 1
    assert body[2][col["tier"]] == "Monitor"
    assert body[2][col["kontak_email"]] == "dinas@example.id"
    assert body[0][col["tier"]] is None


def test_export_of_the_demo_list_opens_with_openpyxl(demo_store: Store) -> None:
    evaluated = coaching.evaluate(demo_store, "2025-12", 12)
    rows = coaching.priorities(evaluated)
    settings = {"jendela": evaluated.attrs["window"], "pembinaan": evaluated.attrs["settings"]}
    data = ui.export_xlsx(ui.export_table(rows, "perpustakaan", "id"), settings, "id")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    _no_formula(wb)
    ws = wb["Prioritas pembinaan"]
    assert ws.max_row == len(rows) + 1
    head = [c.value for c in ws[1]]
    assert {"kode", "tier", "points", "alasan", "alasan_R1", "angka_R1"} <= set(head)


def test_every_string_of_the_page_exists_in_both_languages() -> None:
    import re
    from pathlib import Path

    from kpi import i18n

    source = "\n".join(
        f.read_text(encoding="utf-8") for f in sorted(Path(ui.__file__).parent.glob("*.py"))
    )
    keys = set(re.findall(r"[\"'](prioritas\.[a-z_.0-9]+[a-z0-9_])[\"']", source))
    keys |= {f"prioritas.rule.{r}" for r in coaching.RULES}
    keys |= {f"prioritas.level.{v}" for v in ui.LEVELS}
    keys |= {f"prioritas.col.{v}" for v in ui.AREA_LEVELS}
    keys |= {f"prioritas.tier_help.{v}" for v in ui.TIERS}
    for b in ui.BASES:
        keys |= {f"prioritas.basis.{b}", f"prioritas.col.share.{b}", f"prioritas.areas_none.{b}"}
    keys |= {f"tier.{v}" for v in (*ui.TIERS, ui.NO_FLAG)}
    keys |= {f"coaching.tier.{v}" for v in ui.TIERS}
    keys |= {f"coaching.quadrant.{v}" for v in coaching.QUADRANTS}
    assert len(keys) > 60
    for lang in i18n.LANGS:
        missing = sorted(k for k in keys if k not in i18n.strings(lang))
        assert not missing, (lang, missing)


def test_a_national_quadrant_counts_libraries_per_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond QUADRANT_POINTS_MAX libraries the chart draws one marker per tier and cell of the
    plane (issue 15): its size no longer grows with the number of libraries."""
    from kpi.ui.prioritas import figures

    monkeypatch.setattr(figures, "QUADRANT_POINTS_MAX", 3)
    frame = pd.DataFrame(
        {
            "nama": ["A", "B", "C", "D"],
            "skor": [40.0, 40.4, 70.0, 41.0],
            "median_sejawat": [50.0, 50.0, 50.0, 50.0],
            "skor_tahun_lalu": [45.0, 45.0, 60.0, 45.0],
            "quadrant": ["prioritas", "prioritas", "teladan", "prioritas"],
            "tier": ["prioritas_1", "prioritas_1", None, "prioritas_2"],
        }
    )
    fig = figures.quadrant_chart(frame, "id")
    assert [t.name for t in fig.data] == ["Prioritas 1", "Prioritas 2", "Tanpa tanda"]
    p1, p2, none = fig.data
    # A (-10, -5) and B (-9.6, -4.6) share the cell around (-10, -4) of 2 points; C and D alone
    assert (list(p1.x), list(p1.y)) == ([-10.0], [-4.0])
    assert p1.hovertext[0] == "2 perpustakaan di sekitar (-10,0; -4,0)"
    assert (list(p2.x), list(p2.y), list(none.x), list(none.y)) == ([-8.0], [-4.0], [20.0], [10.0])
    assert p1.marker.size[0] > p2.marker.size[0]  # two libraries draw larger than one


def test_the_page_area_download_is_the_area_list_in_words(frame: pd.DataFrame) -> None:
    """The Prioritas page's kab/kota download is kpi.export.write_areas_xlsx's list, as the
    command line writes it: English headers and tiers in an English file, no code names."""
    roll = coaching.rollup(frame, "kabupaten_kota")
    contacts = pd.DataFrame({"kode": ["KAB-5101"], "kontak_email": ["dinas@example.id"]})
    data = ui.areas_xlsx(roll, "kabupaten_kota", {}, "en", ui.area_contacts(contacts, roll))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    _no_formula(wb)
    cells = _cells(wb.worksheets[0])
    assert wb.sheetnames == ["Regencies needing coaching", "Rule settings"]
    head, *body = cells
    col = {name: i for i, name in enumerate(head)}
    assert not any(str(h).startswith(("kode", "tier", "jumlah_", "sendiri_")) for h in head)
    assert [r[col["Area code"]] for r in body] == ["5202", "5201", "5101"]
    assert [r[col["Rank"]] for r in body] == [1, 2, 3]
    # 5202: both libraries need coaching; Wilson's lower bound of 2/2 at z = 1.645 is 42.5 %
    assert body[0][col["Share needing coaching (%)"]] == 100
    assert round(body[0][col["Lower bound of the share, used to rank (%)"]], 1) == 42.5
    assert body[2][col["Area library's coaching tier"]] == "Monitor"
    assert body[2][col["Area library's reasons"]].startswith("No community engagement")
    assert body[2][col["Email"]] == "dinas@example.id"
