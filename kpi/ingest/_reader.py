"""Read a workbook's sheets with python-calamine, or a csv file, meant to run in a child process.

A damaged workbook can make a native reader abort the whole process or allocate without end
(a corrupt BIFF record length asked for 800 GB), and a csv of a million rows takes gigabytes as
Python lists. read.py therefore runs this file as a script in a child process with a memory limit
and a timeout: the worst a file can do is be refused, and the server only receives the rows.

Repeated text is sent once: every distinct string of a sheet is one object, which pickle writes
once, so the server holds a million-row csv as its row lists plus its distinct values.

Protocol: the file's bytes on stdin; argv[1] the memory limit in MB, argv[2] "workbook" (the
default) or "csv"; on stdout a pickle of ("ok", [(sheet name, rows, merged ranges, long cells),
...]) or ("refused", rule, detail). Long cells are (row, column) of csv fields longer than the
csv module's default field limit. This file imports nothing from the project, so the child starts
in a fraction of a second.
"""

from __future__ import annotations

import csv
import io
import pickle
import sys
from typing import Any

# the csv module's default field limit: a longer field is a problem of that cell, not of the file
LONG_CELL_CHARS = 131072


def _refusal(exc: BaseException) -> tuple[str, str, str]:
    text = str(exc)
    if type(exc).__name__ == "PasswordError" or "password" in text.lower():
        return ("refused", "berpassword", "")
    if "encrypt" in text.lower():
        return ("refused", "berpassword", "")
    return ("refused", "rusak", text[:200])


def read_sheets(data: bytes) -> tuple[Any, ...]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors for broken zips, XML and BIFF records
        return _refusal(exc)
    sheets: list[tuple[str, list[list[Any]], list[tuple[int, int, int, int]], list[Any]]] = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).split(".")[-1] not in ("WorkSheet", "Worksheet"):
                continue  # chart sheets, dialogs, macros
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                ranges = sheet.merged_cell_ranges or []
            except Exception:  # not every format knows merged cells
                ranges = []
            merged = [(a[0], a[1], b[0], b[1]) for a, b in ranges]
            sheets.append((meta.name, _shared(rows), merged, []))
    except Exception as exc:
        return _refusal(exc)
    finally:
        wb.close()
    return ("ok", sheets)


def _shared(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows with every distinct string as one object (pickle then writes it once)."""
    seen: dict[str, str] = {}
    keep = seen.setdefault
    return [[keep(c, c) if type(c) is str else c for c in row] for row in rows]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) that splits the first lines most evenly."""
    lines = [ln for ln in text[:65536].splitlines()[:60] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        for delim in (",", ";", "\t", "|"):
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
            wide = [c for c in counts if c >= 2]
            if not wide:
                continue
            modal = max(set(wide), key=wide.count)
            score = (sum(1 for c in counts if c == modal), modal)
            if score > best_score:
                best, best_score = delim, score
    finally:
        csv.field_size_limit(limit)
    return best


def read_csv_rows(data: bytes) -> tuple[Any, ...]:
    """("ok", [("csv", rows, [], long cells)]) or ("refused", "rusak", detail)."""
    text = decode_text(data)
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delim, text = first.strip()[4], rest  # Excel's "sep=;" hint line
    else:
        delim = sniff_delimiter(text)
    limit = csv.field_size_limit()
    long_cells: list[tuple[int, int]] = []
    try:
        try:
            csv.field_size_limit(LONG_CELL_CHARS)
            rows = _csv(text, delim)
        except csv.Error as exc:
            if "field limit" not in str(exc):
                raise
            # a field over the limit: read again without it, and name the long cells
            csv.field_size_limit(max(len(text) + 1, LONG_CELL_CHARS))
            rows = _csv(text, delim)
            long_cells = [
                (r, c)
                for r, row in enumerate(rows)
                for c, cell in enumerate(row)
                if len(cell) > LONG_CELL_CHARS
            ]
    except csv.Error as exc:
        return ("refused", "rusak", str(exc)[:200])
    finally:
        csv.field_size_limit(limit)
    return ("ok", [("csv", rows, [], long_cells)])


def _csv(text: str, delim: str) -> list[list[str]]:
    seen: dict[str, str] = {}
    keep = seen.setdefault
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    return [[keep(c, c) for c in row] for row in reader]


def main() -> None:
    import gc

    gc.disable()  # a sheet is a million cells and rows that hold no cycle: nothing to collect
    limit = int(float(sys.argv[1]) * 1024 * 1024) if len(sys.argv) > 1 else 0
    try:
        import resource

        if limit > 0:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no rlimits here (Windows): the timeout stays
        pass
    data = sys.stdin.buffer.read()
    mode = sys.argv[2] if len(sys.argv) > 2 else "workbook"
    result = read_csv_rows(data) if mode == "csv" else read_sheets(data)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
