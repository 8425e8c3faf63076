"""Exports never produce a formula: risky text is text in xlsx and prefixed in csv."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi import export

RISKY = ["=SUM(A1:A9)", "+62 812 3456", "-1+2", "@cmd", '=HYPERLINK("http://x")']


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nama": [*RISKY, "Perpustakaan Desa Sukamaju"],
            "nilai": [1, -5, 2.5, None, 0, 7],
            "reasons": [[{"rule": "R1"}]] * 6,
        }
    )


def test_csv_prefixes_risky_text_and_keeps_numbers() -> None:
    text = export.csv_string(frame())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["nama", "nilai", "reasons"]
    assert [r[0] for r in rows[1:6]] == ["'" + t for t in RISKY]
    assert rows[6][0] == "Perpustakaan Desa Sukamaju"
    assert float(rows[2][1]) == -5  # a negative number is a number, not prefixed text
    assert rows[4][1] == ""  # empty stays empty
    assert rows[1][2] == '[{"rule": "R1"}]'


def test_xlsx_writes_text_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    export.write_xlsx({"Daftar": frame()}, path)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(path)["Daftar"]
    for i, t in enumerate(RISKY, start=2):
        cell = ws.cell(row=i, column=1)
        assert cell.value == t
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert ws.cell(row=3, column=2).value == -5
    assert ws.cell(row=3, column=2).data_type == "n"


def test_priorities_xlsx_has_settings_sheet(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {
            "kode": ["=1+1"],
            "nama": ["@Desa"],
            "tier": ["prioritas_1"],
            "points": [5],
            "reasons": [
                [
                    {
                        "rule": "R1",
                        "text_id": "Skor KPI 40 (merah)",
                        "text_en": "KPI score 40 (red)",
                        "values": {"s": 40},
                    },
                    {
                        "rule": "Q",
                        "text_id": "Skor rendah dan menurun",
                        "text_en": "x",
                        "values": {},
                    },
                ]
            ],
        }
    )
    settings = {"jendela": "2025-01..2025-12", "pembinaan": {"R3": {"basis_minimum": 30}}}
    path = tmp_path / "p.xlsx"
    export.write_priorities_xlsx(rows, settings, path, "id")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Prioritas pembinaan", "Pengaturan aturan"]
    daftar = wb["Prioritas pembinaan"]
    header = [c.value for c in daftar[1]]
    values = dict(zip(header, [c.value for c in daftar[2]], strict=True))
    assert values["kode"] == "=1+1" and daftar.cell(row=2, column=1).data_type == "s"
    assert values["alasan"] == "Skor KPI 40 (merah) | Skor rendah dan menurun"
    assert values["alasan_R1"] == "Skor KPI 40 (merah)"
    assert values["angka_R1"] == '[{"s": 40}]'
    pengaturan = {
        r[0]: r[1] for r in wb["Pengaturan aturan"].iter_rows(min_row=2, values_only=True)
    }
    assert pengaturan["pembinaan.R3.basis_minimum"] == 30
    assert pengaturan["jendela"] == "2025-01..2025-12"


def _area_rows() -> pd.DataFrame:
    """Two kab/kota as kpi.rollup.rollup gives them: 3 of 4 and 1 of 5 need coaching."""
    return pd.DataFrame(
        {
            "peringkat": [1, 2],
            "kode": ["5201", "5202"],
            "nama": ['=HYPERLINK("http://x")', "Kabupaten Lombok Tengah"],
            "provinsi": ["Nusa Tenggara Barat"] * 2,
            "jumlah_perpustakaan": [4, 5],
            "jumlah_perlu": [3, 1],
            "porsi_perlu": [75.0, 20.0],
            "batas_bawah": [35.123, 4.5],
            "jumlah_prioritas_1": [2, 0],
            "jumlah_prioritas_2": [1, 0],
            "jumlah_pelaporan": [0, 1],
            "jumlah_pantau": [1, 2],
            "sendiri_nama": ["Perpustakaan Kab 5201", None],
            "sendiri_tier": ["prioritas_2", None],
            "sendiri_points": [3.0, None],
            "sendiri_reasons": [[{"rule": "D", "values": {"n": 3, "m": 12}}], None],
        }
    )


@pytest.mark.parametrize(
    ("lang", "sheet", "head", "tier"),
    [
        ("id", "Kab-kota perlu pembinaan", "Porsi perlu pembinaan (%)", "Prioritas 2"),
        ("en", "Regencies needing coaching", "Share needing coaching (%)", "Priority 2"),
    ],
)
def test_the_areas_workbook_reads_in_words(
    tmp_path: Path, lang: str, sheet: str, head: str, tier: str
) -> None:
    from kpi import export

    path = tmp_path / f"areas_{lang}.xlsx"
    assert (
        export.write_areas_xlsx(_area_rows(), "kabupaten_kota", path, lang, {"jendela": "x"}) == 2
    )
    wb = load_workbook(path)
    assert wb.sheetnames[0] == sheet
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    assert head in header and not any("_" in str(h) for h in header)  # no code names
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    first = rows[0]
    # numbers stay numbers, with formats; percents as 0-100 with one decimal shown
    share = header.index(head) + 1
    assert first[head] == 75.0 and ws.cell(row=2, column=share).number_format == "0.0"
    assert isinstance(first[header[4]], int)
    # words, never JSON; a name that looks like a formula stays text
    assert tier in first.values()
    reason = [v for v in first.values() if isinstance(v, str) and "3" in v and "12" in v]
    assert reason and not any(str(v).startswith(("[", "{")) for v in first.values() if v)
    assert ws.cell(row=2, column=3).data_type == "s" and ws.cell(row=2, column=3).quotePrefix
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(header)).column_letter}3"
    assert ws.freeze_panes == "D2"
    if lang == "en":
        assert "merah" not in " ".join(str(v) for r in rows for v in r.values())
