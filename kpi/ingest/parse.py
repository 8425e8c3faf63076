"""Step 4, parse values: the data rows under the header, column by column, into typed values.

Blank rows, a numbering row under the header ("(1) (2) (3)"), notes and JUMLAH / TOTAL rows are
left out (counted, not errors). Every cell that does not parse is an issue on that cell; the row
it is on is rejected later, with its full original content kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from kpi.ingest import values as v
from kpi.ingest.header import HeaderResult
from kpi.ingest.kinds import COLUMNS, ColumnSpec
from kpi.ingest.messages import Message, message
from kpi.ingest.read import RawSheet

TOTAL_WORDS = {
    "jumlah",
    "total",
    "jumlah total",
    "grand total",
    "sub total",
    "subtotal",
    "rata rata",
    "rerata",
    "average",
    "sum",
    "jumlah keseluruhan",
    "total keseluruhan",
}
NOTE_PREFIXES = ("catatan", "keterangan", "sumber", "note", "source", "ket ", "*")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass(frozen=True)
class CellIssue:
    row: int  # position among the sheet's data rows (0-based)
    column: str  # the kind's column
    value: Any
    msg: Message


@dataclass
class ParsedSheet:
    """The data rows of one sheet: file row numbers and parsed values per column."""

    file_rows: list[int]  # 1-based row in the analyst's file, per data row
    raw_index: list[int]  # 0-based index into RawSheet.rows, per data row
    columns: dict[str, list[Any]]  # column -> parsed value per data row (None: not reported)
    raw: dict[str, list[Any]]  # column -> the cell as read, per data row
    issues: list[CellIssue] = field(default_factory=list)
    skipped_rows: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as in the file


_TOTAL_INITIALS = frozenset("jJtTgGsSrRaA")


def _row_kind(row: list[Any]) -> str:
    """'data', 'blank', 'total', 'note' or 'numbering'."""
    filled = [c for c in row if c != "" and c is not None]
    if not filled:
        return "blank"
    first = filled[0]
    if (
        len(filled) > 3
        and type(first) is str
        and first[:1] not in _TOTAL_INITIALS
        and not _NUMBERING.match(first)
    ):
        second, third = filled[1], filled[2]
        if not (type(second) is str and second[:1] in _TOTAL_INITIALS) and not (
            type(third) is str and third[:1] in _TOTAL_INITIALS
        ):
            return "data"  # the common case, decided without folding any text
    return _row_kind_slow(filled)


def _row_kind_slow(filled: list[Any]) -> str:
    if all(isinstance(c, float) and math.isnan(c) for c in filled):
        return "blank"
    for cell in filled[:3]:
        if isinstance(cell, str) and len(cell) < 40:
            f = v.fold(cell)
            if f in TOTAL_WORDS or f.startswith(("jumlah ", "total ", "grand total")):
                return "total"
    if len(filled) == 1 and isinstance(filled[0], str):
        f = v.fold(filled[0])
        if f.startswith(NOTE_PREFIXES) or len(f) > 25 or filled[0].strip().startswith("*"):
            return "note"
    if len(filled) >= 3 and all(
        (isinstance(c, str) and _NUMBERING.match(c.strip()))
        or (isinstance(c, float | int) and not isinstance(c, bool) and 0 < c < 100)
        for c in filled
    ):
        nums = [int(str(c).strip("() ").split(".")[0]) for c in filled]
        if nums == list(range(nums[0], nums[0] + len(nums))):
            return "numbering"
    return "data"


def _note_prefix(row: list[Any]) -> bool:
    filled = [c for c in row if c != "" and c is not None]
    return (
        bool(filled) and isinstance(filled[0], str) and v.fold(filled[0]).startswith(NOTE_PREFIXES)
    )


def extract(sheet: RawSheet, header: HeaderResult) -> ParsedSheet:
    """The data rows under the header, raw, column by column."""
    mapping = header.mapping()
    start = header.first_data_row
    file_rows: list[int] = []
    raw_index: list[int] = []
    skipped = 0
    rows = sheet.rows
    kinds = [_row_kind(rows[i]) for i in range(start, len(rows))]
    data_at = [j for j, k in enumerate(kinds) if k == "data"]
    last_data = data_at[-1] if data_at else -1
    for j, kind in enumerate(kinds):
        i = start + j
        # a numbering row only just under the header, a long one-cell note only below the
        # data: elsewhere such a row is data (and is rejected if it is incomplete)
        if (kind == "numbering" and j > 1) or (
            kind == "note" and j < last_data and not _note_prefix(rows[i])
        ):
            kind = "data"
        if kind == "data":
            file_rows.append(i + 1)
            raw_index.append(i)
        elif kind != "blank":
            skipped += 1
    selected = [rows[i] for i in raw_index]
    width = max((len(r) for r in selected), default=0)
    if any(len(r) != width for r in selected):  # csv rows can be ragged
        selected = [list(r) + [None] * (width - len(r)) for r in selected]
    columns = list(zip(*selected, strict=True)) if selected else []
    raw: dict[str, list[Any]] = {}
    for col, idx in mapping.items():
        raw[col] = list(columns[idx]) if idx < width else [None] * len(selected)
    headers = {c.column: c.header for c in header.columns if c.column}
    return ParsedSheet(
        file_rows=file_rows,
        raw_index=raw_index,
        columns={},
        raw=raw,
        skipped_rows=skipped,
        headers=headers,
    )


_PARSERS = {
    "code": v.parse_code,
    "area_code": v.parse_area_code,
    "text": v.parse_text,
    "count": v.parse_number,
    "number": v.parse_number,
    "bool": v.parse_bool,
    "date": v.parse_date,
    "period": v.parse_period,
    "year": v.parse_year,
    "month": v.parse_month,
    "half_year": v.parse_half_year,
    "semester": v.parse_semester,
    "score": v.parse_number,
}
_RULE_OF_TYPE = {
    "area_code": "kode",
    "count": "angka",
    "number": "angka",
    "score": "angka",
    "bool": "ya_tidak",
    "date": "tanggal",
    "period": "periode",
    "year": "tahun",
    "month": "periode",
    "half_year": "periode",
    "semester": "periode",
}


def _choice(value: Any, spec: ColumnSpec) -> Any:
    s = v.parse_text(value)
    if s is None:
        return None
    f = v.fold(s).replace(" ", "_")
    aliases = {
        "kabupaten": "kabupaten_kota",
        "kota": "kabupaten_kota",
        "kab_kota": "kabupaten_kota",
        "kabupaten_kota": "kabupaten_kota",
        "desa": "desa_kelurahan",
        "kelurahan": "desa_kelurahan",
        "desa_kel": "desa_kelurahan",
        "prov": "provinsi",
        "province": "provinsi",
        "national": "nasional",
        "library": "perpustakaan",
        "full": "penuh",
        "replikasi": "replikasi_mandiri",
        "replication": "replikasi_mandiri",
        "book_aid": "bantuan_buku",
    }
    f = aliases.get(f, f)
    return f if f in spec.choices else v.INVALID


def _month_or_period(value: Any) -> Any:
    month = v.parse_month(value)
    if month is not v.INVALID:
        return month
    return v.parse_period(value)  # a date (the first of the month) or INVALID


def parse_columns(kind: str, parsed: ParsedSheet) -> ParsedSheet:
    """Parse every mapped column with its type; cells that fail become issues."""
    specs = {c.name: c for c in COLUMNS[kind]}
    for col, cells in parsed.raw.items():
        spec = specs[col]
        if spec.type == "choice":
            out = [_choice(c, spec) for c in cells]
        elif col == "bulan":  # a month, or a whole period written in the month column
            out = [_month_or_period(c) for c in cells]
        elif spec.type in ("count", "number", "score"):
            fn = _PARSERS[spec.type]
            # numeric cells need no parsing: only text and empty cells go through the parser
            out = [c if type(c) is float else fn(c) for c in cells]
        else:
            fn = _PARSERS[spec.type]
            out = [fn(c) for c in cells]
        rule = _RULE_OF_TYPE.get(spec.type, "pilihan")
        for i in [i for i, value in enumerate(out) if value is v.INVALID]:
            shown = v.parse_text(cells[i])
            msg = message(rule, nilai=shown, pilihan=", ".join(spec.choices))
            parsed.issues.append(CellIssue(i, col, cells[i], msg))
            out[i] = None
        if spec.type == "count":
            out = _counts(col, out, cells, parsed)
        parsed.columns[col] = out
    return parsed


def _counts(col: str, out: list[Any], cells: list[Any], parsed: ParsedSheet) -> list[Any]:
    """Counts are whole and not negative."""
    result: list[Any] = [None if x is None or not math.isfinite(x) else int(x) for x in out]
    for i, x in enumerate(out):
        if x is None or (x >= 0 and x == result[i]):
            continue
        rule = "negatif" if x < 0 else "pecahan"
        parsed.issues.append(CellIssue(i, col, cells[i], message(rule, nilai=cells[i])))
        result[i] = None
    return result
