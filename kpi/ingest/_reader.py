"""Read a workbook's sheets with python-calamine, meant to run in a child process.

A damaged workbook can make a native reader abort the whole process or allocate without end
(a corrupt BIFF record length asked for 800 GB). read.py therefore runs this file as a script
in a child process with a memory limit and a timeout: the worst a file can do is be refused.

Protocol: the file's bytes on stdin; argv[1] the memory limit in MB; on stdout a pickle of
("ok", [(sheet name, rows, merged ranges), ...]) or ("refused", rule, detail).
This file imports nothing from the project, so the child starts in a fraction of a second.
"""

from __future__ import annotations

import io
import pickle
import sys
from typing import Any


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
    sheets: list[tuple[str, list[list[Any]], list[tuple[int, int, int, int]]]] = []
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
            sheets.append((meta.name, rows, merged))
    except Exception as exc:
        return _refusal(exc)
    finally:
        wb.close()
    return ("ok", sheets)


def main() -> None:
    limit = int(float(sys.argv[1]) * 1024 * 1024) if len(sys.argv) > 1 else 0
    try:
        import resource

        if limit > 0:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no rlimits here (Windows): the timeout stays
        pass
    data = sys.stdin.buffer.read()
    result = read_sheets(data)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
