"""Exports never produce a formula: risky text is text in xlsx and prefixed in csv."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
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
