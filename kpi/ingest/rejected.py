"""The rejected rows as an Excel file: the analyst's own columns plus the reason, to fix and
upload again. From a dry run's plan, or later from a committed batch (table rejected_row)."""

from __future__ import annotations

import io
import json

import pandas as pd

from kpi import export
from kpi.queries import batches
from kpi.store import Store

REASON_COLUMN = {"id": "alasan_ditolak", "en": "reason_rejected"}


def rejected_frames(
    issues: pd.DataFrame, rows: pd.DataFrame, lang: str = "id"
) -> dict[str, pd.DataFrame]:
    """Per file and sheet: the original rows with a reason column (all reasons of a row)."""
    if rows.empty:
        return {}
    col = "message_en" if lang == "en" else "message_id"
    reasons = (
        issues.assign(text=issues["column"].astype(str) + ": " + issues[col].astype(str))
        .groupby(["file", "sheet", "row"])["text"]
        .agg("; ".join)
    )
    out: dict[str, pd.DataFrame] = {}
    for (file, sheet), part in rows.groupby(["file", "sheet"], sort=False):
        records = []
        for r in part.sort_values("row").itertuples(index=False):
            original = json.loads(r.data) if isinstance(r.data, str) else {}
            records.append(
                {
                    **original,
                    REASON_COLUMN[lang]: reasons.get((file, sheet, r.row), ""),
                    "baris_asal" if lang == "id" else "source_row": int(r.row),
                }
            )
        out[_sheet_title(str(file), str(sheet), out)] = pd.DataFrame(records)
    return out


def _sheet_title(file: str, sheet: str, taken: dict[str, pd.DataFrame]) -> str:
    base = sheet if sheet != "csv" else file.rsplit(".", 1)[0]
    title = "".join(c for c in base if c not in "[]:*?/\\").strip("'")[:28] or "Ditolak"
    n, candidate = 2, title
    while candidate.lower() in (t.lower() for t in taken):
        candidate, n = f"{title[:25]} {n}", n + 1
    return candidate


def to_excel(frames: dict[str, pd.DataFrame]) -> bytes:
    """The workbook through the project's one formula-safe writer (kpi.export): a cell such as
    ``=cmd|' /C calc'!A0`` from a hostile file stays text, never a live formula."""
    buf = io.BytesIO()
    export.write_xlsx(frames or {"Ditolak": pd.DataFrame({"": []})}, buf)
    return buf.getvalue()


def plan_rejected_excel(issues: pd.DataFrame, rows: pd.DataFrame, lang: str = "id") -> bytes:
    return to_excel(rejected_frames(issues, rows, lang))


def batch_rejected_excel(store: Store, batch_id: str, lang: str = "id") -> bytes:
    stored = batches.rejected_rows(store, batch_id)
    rows = stored[["file", "sheet", "row", "data"]].drop_duplicates(["file", "sheet", "row"])
    return to_excel(rejected_frames(stored, rows, lang))
