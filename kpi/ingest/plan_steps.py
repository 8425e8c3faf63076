"""The dry run's steps after validation: the issue rows, values that could not be placed, files
already imported, duplicate rows, the rows per table and the report frames.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi.ingest.messages import message
from kpi.ingest.parse import CellIssue
from kpi.queries import batches
from kpi.store import DATA_TABLE_KEYS, Store

if TYPE_CHECKING:
    pass
from kpi.ingest.planned import (
    ISSUE_COLUMNS,
    SHOWN_VALUE_CHARS,
    UNPLACED_COLUMNS,
    Plan,
    TablePlan,
    _SheetWork,
    table_columns,
)


def _issue_row(w: _SheetWork, c: CellIssue) -> tuple[Any, ...]:
    return (
        w.file.file,
        w.raw.name,
        w.parsed.file_rows[c.row],
        w.parsed.headers.get(c.column, c.column),
        _shown(c.value)[:SHOWN_VALUE_CHARS],
        c.msg.rule,
        c.msg.message_id,
        c.msg.message_en,
    )


def _notes(work: list[_SheetWork]) -> pd.DataFrame:
    rows: list[Any] = []
    for w in work:
        found = list(w.parsed.notes) + (w.validated.notes if w.validated else [])
        rows.extend(_issue_row(w, c) for c in sorted(found, key=lambda c: c.row))
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    frame["row"] = frame["row"].astype("int64")
    return frame


def _unplaced(work: list[_SheetWork]) -> pd.DataFrame:
    rows = []
    for w in work:
        for col, u in w.parsed.unplaced:
            rows.append(
                (
                    u.vocab,
                    u.key,
                    u.written[:SHOWN_VALUE_CHARS],
                    col,
                    w.parsed.headers.get(col, col),
                    w.file.file,
                    w.raw.name,
                    len(u.rows),
                    w.parsed.file_rows[u.rows[0]],
                )
            )
    frame = pd.DataFrame(rows, columns=UNPLACED_COLUMNS)
    return frame.astype({"rows": "int64", "first": "int64"})


def _already_imported(store: Store, plan: Plan) -> None:
    """A file whose bytes match a committed batch is said so before the analyst commits."""
    sums = [f.checksum for f in plan.files if f.status == "ok" and f.checksum]
    if not sums:
        return
    frame = batches.committed_checksums(store, sums)
    first: dict[str, tuple[str, str]] = {}
    for checksum, batch, when in frame.itertuples(index=False, name=None):
        first.setdefault(str(checksum), (str(batch), f"{when:%Y-%m-%d %H:%M}"))
    for f in plan.files:
        if f.checksum in first:
            f.already = first[f.checksum]
            f.already_changed = sum(
                int(((tp.frame["_file"] == f.file) & (tp.frame["_status"] != "sama")).sum())
                for tp in plan.tables.values()
            )


def _reject_duplicates(work: list[_SheetWork]) -> None:
    """A key reported twice in one import: the first row stands, later ones are rejected."""
    if not _any_key_twice(work):
        return  # the common import: nothing to reject, no row to look at one by one
    seen: dict[str, dict[tuple[Any, ...], tuple[int, str]]] = {}
    for w in work:
        val = w.validated
        if val is None:
            continue
        keys = DATA_TABLE_KEYS[val.table]
        first = seen.setdefault(val.table, {})
        cols = [val.records[k] for k in keys]
        for j, row in enumerate(val.record_row):
            if row in w.bad_rows:
                continue
            key = tuple(c[j] for c in cols)
            if any(k is None for k in key):
                continue
            if key in first:
                baris, sheet = first[key]
                if (baris, sheet) == (w.parsed.file_rows[row], _where(w)):
                    continue
                val.issues.append(
                    CellIssue(
                        row,
                        keys[0],
                        key[0],
                        message("duplikat", baris_pertama=baris, sheet_pertama=sheet),
                    )
                )
                w.bad_rows.add(row)
            else:
                first[key] = (w.parsed.file_rows[row], _where(w))


def _any_key_twice(work: list[_SheetWork]) -> bool:
    """Whether some table's key (all of its parts given) is on two records of rows not yet
    rejected: only then has _reject_duplicates anything to do."""
    keys: dict[str, set[tuple[Any, ...]]] = {}
    for w in work:
        val = w.validated
        if val is None:
            continue
        n = len(val.record_row)
        cols = [val.records[k][:n] for k in DATA_TABLE_KEYS[val.table]]
        missing = {j for c in cols for j, x in enumerate(c) if x is None}
        if w.bad_rows:
            missing.update(j for j, r in enumerate(val.record_row) if r in w.bad_rows)
        found: Any = zip(*cols, strict=False)
        if missing:
            found = (k for j, k in enumerate(found) if j not in missing)
        seen = keys.setdefault(val.table, set())
        before = len(seen)
        seen.update(found)
        if len(seen) - before < n - len(missing):
            return True
    return False


def _where(w: _SheetWork) -> str:
    return f"{w.file.file}, sheet {w.raw.name}"


def _typed(values: list[Any], sql_type: str) -> Any:
    if sql_type in ("BIGINT", "INTEGER"):
        return pd.array(values, dtype="Int64")
    if sql_type == "DOUBLE":
        return pd.array(values, dtype="Float64")
    if sql_type == "BOOLEAN":
        return pd.array(values, dtype="boolean")
    if sql_type == "DATE":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    return pd.array([None if x is None else str(x) for x in values], dtype="object")


def _table_plans(store: Store, work: list[_SheetWork]) -> dict[str, TablePlan]:
    """The accepted records per table: the key columns and the columns some sheet provides
    (a column no sheet provides is left out, and keeps its stored value)."""
    parts: dict[str, list[tuple[_SheetWork, list[int]]]] = {}
    provided_all: dict[str, list[str]] = {}
    types: dict[str, dict[str, str]] = {}
    for w in work:
        val = w.validated
        if val is None:
            continue
        types.setdefault(val.table, table_columns(store, val.table))
        keep = [j for j, r in enumerate(val.record_row) if r not in w.bad_rows]
        if not keep:
            continue
        parts.setdefault(val.table, []).append((w, keep))
        prov = provided_all.setdefault(val.table, [])
        prov.extend(c for c in val.provided if c not in prov)
    out = {}
    for t, chosen in parts.items():
        cols = types[t]
        present = [c for c in cols if c in DATA_TABLE_KEYS[t] or c in provided_all[t]]
        frames = []
        for w, keep in chosen:
            val = w.validated
            assert val is not None
            all_kept = len(keep) == len(val.record_row)
            data: dict[str, Any] = {}
            for c in present:
                if c in val.records:
                    vals = val.records[c] if all_kept else [val.records[c][j] for j in keep]
                else:
                    vals = [None] * len(keep)
                data[c] = _typed(vals, cols[c])
            for c in present:
                data[f"_p_{c}"] = np.full(
                    len(keep), c in val.provided or c in DATA_TABLE_KEYS[t], dtype=bool
                )
            # where each record comes from, as the analyst sees it
            data["_file"] = pd.Categorical.from_codes(np.zeros(len(keep), "int8"), [w.file.file])
            data["_sheet"] = pd.Categorical.from_codes(np.zeros(len(keep), "int8"), [w.raw.name])
            rows = w.parsed.file_rows
            data["_row"] = np.fromiter(
                (rows[val.record_row[j]] for j in keep), dtype="int64", count=len(keep)
            )
            frames.append(pd.DataFrame(data, copy=False))
        if len(frames) == 1:
            frame = frames[0]
        else:
            frame = pd.concat(frames, ignore_index=True)
            for c in ("_file", "_sheet"):
                frame[c] = frame[c].astype(str)
        frame["_rn"] = np.arange(len(frame))
        out[t] = TablePlan(t, frame, provided_all[t])
    return out


def _reports(work: list[_SheetWork]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows: list[tuple[Any, ...]] = []
    rejected: list[tuple[Any, ...]] = []
    for w in work:
        if w.validated is None:
            continue
        fr = w.parsed.file_rows
        headers = [
            c.header or f"kolom_{c.index + 1}"
            for c in (w.plan.header.columns if w.plan.header else [])
        ]
        for c in sorted(w.validated.issues, key=lambda c: c.row):
            rows.append(_issue_row(w, c))
        for r in sorted(w.bad_rows):
            cells = w.raw.rows[w.parsed.raw_index[r]]
            original = {
                h: _shown(cells[i]) if i < len(cells) else "" for i, h in enumerate(headers)
            }
            rejected.append(
                (w.file.file, w.raw.name, fr[r], json.dumps(original, ensure_ascii=False))
            )
    issues = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    issues["row"] = issues["row"].astype("int64")
    rej = pd.DataFrame(rejected, columns=["file", "sheet", "row", "data"])
    return issues, rej


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
