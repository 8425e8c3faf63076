"""Exports to xlsx and csv that never produce a formula.

A text cell that begins with =, +, - or @ (or a tab or carriage return, which some programs strip
before reading the rest) is written as text: in xlsx as a string cell with the quote prefix, never
as a formula; in csv prefixed with an apostrophe, so that spreadsheet programs show it as text.
Numbers stay numbers (a negative number is not text and is written as a number).

This module is the one writer of every xlsx and csv the project produces (page downloads, command
line outputs, the rejected rows, the template): nothing else calls ``to_excel``, ``to_csv`` or
writes cells itself. A text longer than an Excel cell holds (32,767 characters) is not cut
silently: the cell keeps its beginning and says, in the cell, how long the text was and that the
csv export holds it whole.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from kpi.reasons import words
from kpi.vocab import RULES

RISKY_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_PREFIXES)


def csv_text(value: Any) -> Any:
    """A cell value as written to csv: risky text gets a leading apostrophe."""
    return "'" + value if is_risky(value) else value


def plain(value: Any) -> Any:
    """A cell value for a file: empty for NaN/None, JSON for lists and mappings."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return plain(value.item())
        except (ValueError, AttributeError):
            return value
    return value


def write_csv(frame: pd.DataFrame, out: str | Path | IO[str]) -> None:
    """Write a frame as UTF-8 csv, with risky text cells prefixed by an apostrophe."""
    if isinstance(out, str | Path):
        with Path(out).open("w", encoding="utf-8", newline="") as fh:
            write_csv(frame, fh)
        return
    writer = csv.writer(out)
    writer.writerow([csv_text(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for v in row:
            p = plain(v)
            cells.append("" if p is None else csv_text(p))
        writer.writerow(cells)


def csv_string(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    write_csv(frame, buf)
    return buf.getvalue()


XLSX_CELL_LIMIT = 32_767  # characters an Excel cell holds
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fits_cell(text: str) -> str:
    """The text as an Excel cell can hold it: whole, or its beginning and a visible note."""
    if len(text) <= XLSX_CELL_LIMIT:
        return text
    note = (
        f" …[TERPOTONG / CUT: {len(text)} karakter / characters; sel Excel memuat / an Excel "
        f"cell holds {XLSX_CELL_LIMIT}; ekspor csv memuat teks utuh / the csv export holds it "
        "whole]"
    )
    return text[: XLSX_CELL_LIMIT - len(note)] + note


def blank(v: Any) -> bool:
    """No value: None, NaN or pandas' NA (an empty cell)."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def put_cell(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write one value into a worksheet cell: text is always a string cell (never a formula),
    risky text gets Excel's quote prefix, and text too long for a cell says so in the cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    v = plain(value)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)
    cell = ws.cell(row=row, column=col)
    if isinstance(v, date | datetime | int | float | bool) or v is None:
        if isinstance(v, float) and not math.isfinite(v):
            v = None  # Excel has no infinity: an empty cell, never a broken file
        cell.value = v
        return cell
    text = _fits_cell(str(v))
    cell.value = text
    # openpyxl would store "=..." as a formula: force a plain string cell
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
    return cell


_put = put_cell


def sheet_title(name: str, taken: list[str] | None = None) -> str:
    """A name Excel accepts for a sheet (31 characters, none of []:*?/\\), unique in ``taken``."""
    title = "".join(c for c in name if c not in "[]:*?/\\").strip("'")[:31] or "Sheet"
    n, candidate = 2, title
    while taken and candidate.lower() in (t.lower() for t in taken):
        candidate, n = f"{title[:27]} {n}", n + 1
    return candidate


def write_xlsx(sheets: Mapping[str, pd.DataFrame], out: str | Path | IO[bytes]) -> None:
    """Write one sheet per frame; every text cell is a string cell, never a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=sheet_title(str(name), wb.sheetnames))
        for j, c in enumerate(frame.columns, start=1):
            _put(ws, 1, j, str(c))
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, v in enumerate(row, start=1):
                _put(ws, i, j, v)
        ws.freeze_panes = "A2"
    wb.save(out)


def settings_frame(settings: Mapping[str, Any], prefix: str = "") -> pd.DataFrame:
    """Nested settings as rows of (setting, value), e.g. ('pembinaan.R3.basis_minimum', 30)."""
    rows: list[tuple[str, Any]] = []

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, Mapping):
            for k, v in obj.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(obj, list) and obj and all(isinstance(x, Mapping) for x in obj):
            for i, x in enumerate(obj):
                walk(x, f"{path}[{i}]")
        else:
            value = json.dumps(obj, ensure_ascii=False) if isinstance(obj, list) else obj
            rows.append((path, value))

    walk(settings, prefix)
    return pd.DataFrame(rows, columns=["pengaturan", "nilai"])


def priorities_frame(rows: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """The priority list flattened for a spreadsheet: one row per location, each reason in its
    own column (text in ``lang``) with its numbers beside it, and all reasons in one cell."""
    out = rows.drop(columns=[c for c in ("reasons",) if c in rows.columns]).copy()
    rules = list(RULES)
    reasons = rows["reasons"] if "reasons" in rows.columns else pd.Series([[]] * len(rows))
    out["alasan"] = [" | ".join(words(r, lang) for r in (rs or [])) for rs in reasons]
    for rule in rules:
        texts, values = [], []
        for rs in reasons:
            hit = [r for r in (rs or []) if r["rule"] == rule]
            texts.append("; ".join(words(r, lang) for r in hit) or None)
            values.append(
                json.dumps([r["values"] for r in hit], ensure_ascii=False) if hit else None
            )
        out[f"alasan_{rule}"] = texts
        out[f"angka_{rule}"] = values
    return out


def write_priorities_xlsx(
    rows: pd.DataFrame,
    settings: Mapping[str, Any],
    out: str | Path | IO[bytes],
    lang: str = "id",
    contacts: pd.DataFrame | None = None,
) -> None:
    """The priority list for field teams, with a second sheet holding the settings used."""
    from kpi import i18n

    table = priorities_frame(rows, lang)
    if contacts is not None and len(contacts):
        table = table.merge(contacts, on="kode", how="left")
    write_xlsx(
        {
            i18n.t("coaching.export.sheet_daftar", lang): table,
            i18n.t("coaching.export.sheet_pengaturan", lang): settings_frame(settings),
        },
        out,
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN -> None, numpy scalars -> Python, integral floats of
    count columns kept as floats unless the caller converts them."""
    out: list[dict[str, Any]] = []
    cols = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        rec: dict[str, Any] = {}
        for c, v in zip(cols, row, strict=True):
            if isinstance(v, list | dict):
                rec[c] = v
                continue
            p = plain(v)
            if isinstance(p, datetime | date):
                p = p.isoformat()
            rec[c] = p
        out.append(rec)
    return out


def write_json(data: Any, out: str | Path | None) -> None:
    """JSON to a file, or to standard output when ``out`` is None."""
    import sys

    text = json.dumps(data, ensure_ascii=False, default=str)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


# ---------------------------------------------------------------------------------------------
# The areas' coaching list (kab/kota or provinces, kpi.rollup.rollup's rows) for people: headers
# in words of the language, numbers as numbers with formats, the area library's reasons as
# sentences, widths, a frozen header and an autofilter; every cell through put_cell.

# (column, width, number format or None); "porsi_*" and "batas_bawah" are percents 0-100
AREA_COLUMNS: tuple[tuple[str, float, str | None], ...] = (
    ("peringkat", 9, "0"),
    ("kode", 9, None),
    ("nama", 30, None),
    ("provinsi", 22, None),
    ("jumlah_perpustakaan", 13, "#,##0"),
    ("jumlah_perlu", 13, "#,##0"),
    ("porsi_perlu", 12, "0.0"),
    ("batas_bawah", 14, "0.0"),
    ("jumlah_prioritas_1", 12, "#,##0"),
    ("jumlah_prioritas_2", 12, "#,##0"),
    ("jumlah_pelaporan", 13, "#,##0"),
    ("jumlah_pantau", 11, "#,##0"),
    ("sendiri_nama", 30, None),
    ("sendiri_tier", 18, None),
    ("sendiri_points", 9, "0"),
    ("sendiri_alasan", 60, None),
    ("kontak_nama", 20, None),
    ("kontak_telepon", 16, None),
    ("kontak_email", 24, None),
)


def areas_frame(
    rows: pd.DataFrame, level: str, lang: str = "id", contacts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The areas as written: one row per area (kpi.rollup.rollup's columns), the tier in words,
    the area library's reasons as sentences joined by "; ", contacts by the area's code."""
    from kpi import i18n

    out = pd.DataFrame(index=rows.index)
    for col, _, _ in AREA_COLUMNS:
        if col in rows.columns:
            out[col] = rows[col]
    if level == "provinsi":
        out = out.drop(columns=["provinsi"], errors="ignore")
    if "sendiri_tier" in out.columns:
        out["sendiri_tier"] = [
            i18n.t(f"tier.{v}", lang) if isinstance(v, str) and v else None
            for v in out["sendiri_tier"]
        ]
    reasons = rows["sendiri_reasons"] if "sendiri_reasons" in rows.columns else None
    if reasons is not None:
        out["sendiri_alasan"] = [
            "; ".join(words(r, lang) for r in rs) if isinstance(rs, list) and rs else None
            for rs in reasons
        ]
    if contacts is not None and len(contacts) and "kode" in contacts.columns:
        keep = [
            c for c in ("kode", "kontak_nama", "kontak_telepon", "kontak_email") if c in contacts
        ]
        out = out.merge(contacts[keep].drop_duplicates("kode"), on="kode", how="left")
    order = [c for c, _, _ in AREA_COLUMNS if c in out.columns]
    return out[order].reset_index(drop=True)


def write_areas_xlsx(
    rows: pd.DataFrame,
    level: str,
    out: str | Path | IO[bytes],
    lang: str = "id",
    settings: Mapping[str, Any] | None = None,
    contacts: pd.DataFrame | None = None,
) -> int:
    """The areas' coaching list (``level``: provinsi or kabupaten_kota) for people, then the
    settings used; English throughout when ``lang`` is en. Returns the number of areas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from kpi import i18n

    lang = i18n.norm_lang(lang)
    frame = areas_frame(rows, level, lang, contacts)
    spec = {c: (w, f) for c, w, f in AREA_COLUMNS}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(i18n.t(f"export.area.sheet.{level}", lang))
    fill = PatternFill("solid", fgColor="DCE6F1")
    for j, col in enumerate(frame.columns, start=1):
        cell = put_cell(ws, 1, j, i18n.t(f"export.area.col.{col}", lang))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = spec[col][0]
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, (col, v) in enumerate(zip(frame.columns, row, strict=True), start=1):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            cell = put_cell(ws, i, j, v)
            fmt = spec[col][1]
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
    ws.freeze_panes = "D2"
    ws.row_dimensions[1].height = 42
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    rules = wb.create_sheet(sheet_title(i18n.t("lapangan.sheet.settings", lang), wb.sheetnames))
    for j, key in enumerate(("lapangan.settings.key", "lapangan.settings.value"), start=1):
        put_cell(rules, 1, j, i18n.t(key, lang)).font = Font(bold=True)
    for i, (k, v) in enumerate(
        settings_frame(settings or {}).itertuples(index=False, name=None), start=2
    ):
        put_cell(rules, i, 1, k)
        put_cell(rules, i, 2, v)
    rules.column_dimensions["A"].width = 44
    rules.column_dimensions["B"].width = 40
    wb.save(out)
    return len(frame)
