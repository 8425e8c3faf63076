"""Step 4, parse values: the data rows under the header, column by column, into typed values.

Blank rows, a numbering row under the header ("(1) (2) (3)"), notes and JUMLAH / TOTAL rows are
left out (counted, not errors). Every cell that does not parse is an issue on that cell; the row
it is on is rejected later, with its full original content kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any

import numpy as np

from kpi.ingest import values as v
from kpi.ingest.header import HeaderResult
from kpi.ingest.kinds import COLUMNS
from kpi.ingest.messages import Message, message
from kpi.ingest.read import LONG_CELL_CHARS, RawSheet
from kpi.ingest.vocab import (
    Unplaced,
    ValueMapping,
    cell_text,
    choice_parser,
    map_distinct,
    mapping_key,
    vocabulary_of,
    with_mapping,
)

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
    # notes: what the importer read for the analyst (a level inferred, a name settled by the
    # other columns): shown in the report, never a reason to reject a row
    notes: list[CellIssue] = field(default_factory=list)
    # values of vocabulary columns that could not be placed, once per distinct value
    unplaced: list[tuple[str, Unplaced]] = field(default_factory=list)
    # cells over the csv module's field limit: (data row, column)
    long_cells: set[tuple[int, str]] = field(default_factory=set)


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


def _row_kinds(rows: list[list[Any]], start: int) -> list[str]:
    """``[_row_kind(r) for r in rows[start:]]``, deciding the common row (its first four cells
    filled) from properties of its first three cells, each distinct text judged once; any
    other row goes through ``_row_kind`` itself."""
    lead: dict[str, tuple[bool, bool, bool]] = {}  # first cell: fast test, total, numbering
    later: dict[str, tuple[bool, bool, bool]] = {}  # 2nd / 3rd: no total initial, total, ...
    out: list[str] = []
    append = out.append
    for i in range(start, len(rows)):
        r = rows[i]
        if len(r) < 4:
            append(_row_kind(r))
            continue
        a, b, c, d = r[0], r[1], r[2], r[3]
        if (
            d is None
            or d == ""
            or a is None
            or a == ""
            or b is None
            or b == ""
            or c is None
            or c == ""
            or (isinstance(a, float) and a != a)
        ):
            append(_row_kind(r))
            continue
        if type(a) is str:
            pa = lead.get(a)
            if pa is None:
                fast = a[:1] not in _TOTAL_INITIALS and not _NUMBERING.match(a)
                pa = lead[a] = (fast, _is_total_word(a), _numbering_like(a))
        else:
            pa = _NOT_TEXT
        pb = _later_props(b, later) if type(b) is str else _NOT_TEXT_LATER
        pc = _later_props(c, later) if type(c) is str else _NOT_TEXT_LATER
        if pa[0] and pb[0] and pc[0]:
            append("data")  # _row_kind's fast path
        elif pa[1] or pb[1] or pc[1]:
            append("total")
        elif not (
            (pa[2] if type(a) is str else _numbering_like(a))
            and (pb[2] if type(b) is str else _numbering_like(b))
            and (pc[2] if type(c) is str else _numbering_like(c))
        ):
            append("data")  # not a numbering row: one of its first cells is no number
        else:
            append(_row_kind(r))
    return out


# the properties of a first, and of a second or third, cell that is not text (its numbering
# test is made on the cell itself)
_NOT_TEXT = (False, False, False)
_NOT_TEXT_LATER = (True, False, False)


def _later_props(cell: str, seen: dict[str, tuple[bool, bool, bool]]) -> tuple[bool, bool, bool]:
    """For a row's 2nd or 3rd cell, text: (no total initial, a total word, numbering-like)."""
    found = seen.get(cell)
    if found is None:
        found = seen[cell] = (
            cell[:1] not in _TOTAL_INITIALS,
            _is_total_word(cell),
            _numbering_like(cell),
        )
    return found


def _is_total_word(cell: Any) -> bool:
    """_row_kind_slow's test of one of a row's first three cells for a total."""
    if isinstance(cell, str) and len(cell) < 40:
        f = v.fold(cell)
        return f in TOTAL_WORDS or f.startswith(("jumlah ", "total ", "grand total"))
    return False


def _numbering_like(cell: Any) -> bool:
    """_row_kind_slow's test of a cell of a numbering row ("(1)", 2, "3")."""
    return bool(
        (isinstance(cell, str) and _NUMBERING.match(cell.strip()))
        or (isinstance(cell, float | int) and not isinstance(cell, bool) and 0 < cell < 100)
    )


def _note_prefix(row: list[Any]) -> bool:
    filled = [c for c in row if c != "" and c is not None]
    return (
        bool(filled) and isinstance(filled[0], str) and v.fold(filled[0]).startswith(NOTE_PREFIXES)
    )


def extract(sheet: RawSheet, header: HeaderResult) -> ParsedSheet:
    """The data rows under the header, raw, column by column."""
    mapping = header.mapping()
    start = header.first_data_row
    skipped = 0
    rows = sheet.rows
    kinds = _row_kinds(rows, start)
    last_data = next((j for j in range(len(kinds) - 1, -1, -1) if kinds[j] == "data"), -1)
    left_out: set[int] = set()  # rows (of the file, 0-based) that are not data
    for j in [j for j, kind in enumerate(kinds) if kind != "data"]:
        kind, i = kinds[j], start + j
        # a numbering row only just under the header, a long one-cell note only below the
        # data: elsewhere such a row is data (and is rejected if it is incomplete)
        if (kind == "numbering" and j > 1) or (
            kind == "note" and j < last_data and not _note_prefix(rows[i])
        ):
            continue
        left_out.add(i)
        if kind != "blank":
            skipped += 1
    end = start + len(kinds)
    del kinds
    if left_out:
        raw_index = [i for i in range(start, end) if i not in left_out]
    else:
        raw_index = list(range(start, end))
    file_rows = [i + 1 for i in raw_index]
    if raw_index and raw_index[-1] - raw_index[0] == len(raw_index) - 1:
        selected = rows[raw_index[0] : raw_index[-1] + 1]  # no row left out between
    else:
        selected = [rows[i] for i in raw_index]
    ragged = len(set(map(len, selected))) > 1  # csv rows can be ragged
    raw: dict[str, list[Any]] = {}
    width = len(selected[0]) if selected else 0
    # most of the sheet's columns mapped: turned into columns at once, a cell at a time
    columns = None
    if not ragged and 2 * len(mapping) >= width > 0:
        columns = list(zip(*selected, strict=True))
    for col, idx in mapping.items():
        if columns is not None:
            raw[col] = list(columns[idx]) if idx < width else [None] * len(selected)
        elif ragged:
            raw[col] = [r[idx] if idx < len(r) else None for r in selected]
        else:
            raw[col] = (
                list(map(itemgetter(idx), selected))
                if selected and idx < len(selected[0])
                else [None] * len(selected)
            )
    headers = {c.column: c.header for c in header.columns if c.column}
    long_cells: set[tuple[int, str]] = set()
    if sheet.long_cells:
        position = {r: j for j, r in enumerate(raw_index)}
        column_at = {idx: col for col, idx in mapping.items()}
        for r, c in sheet.long_cells:
            if r in position and c in column_at:
                long_cells.add((position[r], column_at[c]))
    return ParsedSheet(
        file_rows=file_rows,
        raw_index=raw_index,
        columns={},
        raw=raw,
        skipped_rows=skipped,
        headers=headers,
        long_cells=long_cells,
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


def _month_or_period(value: Any) -> Any:
    month = v.parse_month(value)
    if month is not v.INVALID:
        return month
    return v.parse_period(value)  # a date (the first of the month) or INVALID


def _cell_parser(col: str, type_: str, choices: tuple[str, ...], mapping: ValueMapping) -> Any:
    vocab = vocabulary_of(type_, choices)
    if type_ == "choice":
        if vocab is None:
            return lambda c: v.parse_text(c) if v.parse_text(c) in choices else v.INVALID
        fn = choice_parser(vocab)
    elif col == "bulan":  # a month, or a whole period written in the month column
        fn = _month_or_period
    else:
        fn = _PARSERS[type_]
    return with_mapping(vocab, fn, mapping) if vocab else fn


def parse_columns(
    kind: str, parsed: ParsedSheet, values: ValueMapping | None = None
) -> ParsedSheet:
    """Parse every mapped column with its type; cells that fail become issues.

    Each distinct cell value is parsed once. ``values``: the analyst's mapping of written
    values of vocabulary columns (saved ones and those chosen in the import page)."""
    specs = {c.name: c for c in COLUMNS[kind]}
    mapping = values or {}
    long_by_col: dict[str, list[int]] = {}
    for i, col in parsed.long_cells:
        long_by_col.setdefault(col, []).append(i)
    for col, cells in parsed.raw.items():
        spec = specs[col]
        fn = _cell_parser(col, spec.type, spec.choices, mapping)
        too_long = sorted(long_by_col.get(col, ()))
        if too_long and spec.type != "text":  # a name or an address may be long; nothing else
            cells = list(cells)
            for i in too_long:
                n = len(str(cells[i]))
                msg = message("terlalu_panjang", panjang=f"{n:,}", batas=f"{LONG_CELL_CHARS:,}")
                parsed.issues.append(CellIssue(i, col, cells[i], msg))
                cells[i] = None
        if spec.type in ("count", "number", "score"):
            out, invalid = _numbers_fast(cells, fn)
        else:
            out, invalid = _by_distinct(cells, fn)
        bad = [i for i, value in enumerate(out) if value is v.INVALID] if invalid else []
        if bad:
            rule = _RULE_OF_TYPE.get(spec.type, "pilihan")
            vocab = vocabulary_of(spec.type, spec.choices)
            shown = ", ".join(spec.choices)
            unplaced: dict[str, Unplaced] = {}
            for i in bad:
                text = v.parse_text(cells[i])
                msg = message(rule, nilai=text, pilihan=shown)
                parsed.issues.append(CellIssue(i, col, cells[i], msg))
                out[i] = None
                if vocab:
                    written = cell_text(cells[i])
                    key = mapping_key(written)
                    entry = unplaced.get(key)
                    if entry is None:
                        entry = unplaced[key] = Unplaced(vocab, key, written)
                    entry.rows.append(i)
            parsed.unplaced.extend((col, u) for u in unplaced.values())
        if spec.type == "count":
            out = _counts_fast(col, out, cells, parsed)
        parsed.columns[col] = out
    return parsed


# cell types whose values are hashable and never equal to a value of another of these types,
# except the numbers (1 == 1.0 == True): a column holding one kind of number at most can be
# parsed by its distinct values as they are
_PLAIN_TYPES = frozenset({str, float, int, bool, date, datetime, time, type(None)})
_NUMBER_TYPES = frozenset({float, int, bool})


def _plain(types: set[type]) -> bool:
    return types <= _PLAIN_TYPES and len(types & _NUMBER_TYPES) <= 1


def _by_distinct(cells: list[Any], fn: Any) -> tuple[list[Any], bool]:
    """``map_distinct(cells, fn)`` and whether any value is INVALID (True: perhaps)."""
    types = set(map(type, cells))
    if not _plain(types):
        return map_distinct(cells, fn), True
    table = {c: fn(c) for c in dict.fromkeys(cells)}
    return list(map(table.__getitem__, cells)), any(x is v.INVALID for x in table.values())


def _numbers_fast(cells: list[Any], fn: Any) -> tuple[list[Any], bool]:
    """``_numbers(cells, fn)`` and whether any value is INVALID (True: perhaps)."""
    types = set(map(type, cells))
    if types == {float}:
        return list(cells), False
    if not _plain(types):
        return _numbers(cells, fn), True
    table = {c: fn(c) for c in dict.fromkeys(cells) if type(c) is not float}
    if float in types:  # no key of the table equals a float: each float is kept as it is
        out = list(map(table.get, cells, cells))
    else:
        out = list(map(table.__getitem__, cells))
    return out, any(x is v.INVALID for x in table.values())


def _counts_fast(col: str, out: list[Any], cells: list[Any], parsed: ParsedSheet) -> list[Any]:
    """``_counts``, checked at once with numpy; a column with a negative, fractional or
    infinite number (or one too large for 64 bits) goes through ``_counts`` itself."""
    try:
        arr = np.array(out, dtype=float)  # None: NaN
    except (TypeError, ValueError):
        return _counts(col, out, cells, parsed)
    empty = np.isnan(arr)
    present = arr[~empty]
    if present.size and not (
        present.min() >= 0 and present.max() < 2.0**53 and (present == np.floor(present)).all()
    ):
        return _counts(col, out, cells, parsed)
    result: list[Any] = np.where(empty, 0.0, arr).astype(np.int64).tolist()
    for i in np.flatnonzero(empty).tolist():
        result[i] = None
    return result


def _numbers(cells: list[Any], fn: Any) -> list[Any]:
    """Numeric cells as they are; text and empty cells parsed once per distinct value."""
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for c in cells:
        if type(c) is float:
            append(c)
            continue
        key = (type(c), c)
        try:
            append(cache[key])
        except KeyError:
            append(cache.setdefault(key, fn(c)))
        except TypeError:  # an unhashable cell
            append(fn(c))
    return out


def _counts(col: str, out: list[Any], cells: list[Any], parsed: ParsedSheet) -> list[Any]:
    """Counts are whole and not negative (each distinct number is checked once)."""
    whole: dict[float, int | None] = {}
    bad: set[float] = set()
    result: list[Any] = []
    append = result.append
    for x in out:
        if x is None:
            append(None)
            continue
        try:
            append(whole[x])
        except KeyError:
            n = int(x) if math.isfinite(x) else None
            if n is None or x < 0 or x != n:
                bad.add(x)
                n = None
            whole[x] = n
            append(n)
    if bad or any(x != x for x in whole):  # NaN never equals its own key
        for i, x in enumerate(out):
            if x is None or not (x in bad or x != x):
                continue
            if x == x:  # an empty (NaN) cell is not reported; inf is not a count
                rule = "negatif" if x < 0 else "pecahan"
                parsed.issues.append(CellIssue(i, col, cells[i], message(rule, nilai=cells[i])))
            result[i] = None
    return result
