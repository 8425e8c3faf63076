"""Step 6, plan (the dry run): what an import would add, change, leave unchanged or reject.

``plan_import`` reads, maps, parses and validates every file and compares the accepted rows with
the store, and writes nothing. Its result is data: per file and sheet the detected kind, header
row, mapping and counts; the issues as a frame; the accepted records per table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi.ingest import header as hdr
from kpi.ingest.capture import capture_issues
from kpi.ingest.messages import Message, RefusalError, message
from kpi.ingest.parse import CellIssue, ParsedSheet, extract, parse_columns
from kpi.ingest.read import (
    RawSheet,
    Workbook,
    read_file,
)
from kpi.ingest.validate import Reference, Validated, name_key, validate
from kpi.ingest.vocab import ValueMapping, merged, saved_value_mappings
from kpi.settings import import_limits
from kpi.store import DATA_TABLE_KEYS, Store

if TYPE_CHECKING:
    from kpi.access import CaptureScope

ISSUE_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "message_id", "message_en"]
# values of vocabulary columns that could not be placed, once per file, sheet, column and value
UNPLACED_COLUMNS = ["vocab", "key", "written", "column", "header", "file", "sheet", "rows", "first"]
# a value from a file is shown in the report up to this many characters (the row keeps it all)
SHOWN_VALUE_CHARS = 200
# the order sheets are validated in: the register first, so reports can name its libraries
KIND_ORDER = {
    "perpustakaan": 0,
    "laporan_bulanan": 1,
    "target": 1,
    "penilaian_mandiri": 1,
    "indikator_konteks": 1,
}


@dataclass
class SheetPlan:
    file: str
    sheet: str
    kind: str | None
    header_row: int
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped_rows: int = 0  # totals, notes, numbering rows left out
    skipped: Message | None = None
    header: hdr.HeaderResult | None = None

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        reason = None
        if self.skipped is not None:
            reason = self.skipped.message_en if lang == "en" else self.skipped.message_id
        return {
            "sheet": self.sheet,
            "kind": self.kind,
            "header_row": self.header_row,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped_reason": reason,
        }


@dataclass
class FilePlan:
    file: str
    status: str  # "ok" or "refused"
    message: Message | None = None
    sheets: list[SheetPlan] = field(default_factory=list)
    checksum: str = ""
    size_bytes: int = 0
    content: bytes = b""
    format: str = ""
    # the same bytes were committed before: (batch id, when), and how many of this file's
    # records a later import has changed since (importing again would put them back)
    already: tuple[str, str] | None = None
    already_changed: int = 0

    def already_message(self) -> Message | None:
        if self.already is None:
            return None
        batch, when = self.already
        if self.already_changed:
            return message(
                "sudah_diimpor_berubah", batch=batch, tanggal=when, n=self.already_changed
            )
        return message("sudah_diimpor", batch=batch, tanggal=when)


@dataclass
class TablePlan:
    table: str
    # accepted records: the table's columns, _p_<column> ("provided by the sheet"), _file, _sheet,
    # _row (where the record comes from), _rn (its position) and _status (baru, berubah, sama)
    frame: pd.DataFrame
    provided: list[str]
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class Plan:
    files: list[FilePlan]
    issues: pd.DataFrame
    rejected_rows: pd.DataFrame  # file, sheet, row, data (JSON of the original row)
    tables: dict[str, TablePlan]
    accepted: int = 0
    rejected: int = 0
    # what the importer read for the analyst (same columns as issues): never a rejection
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    # values it could not place, for mapping by hand (UNPLACED_COLUMNS)
    unplaced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPLACED_COLUMNS))

    @property
    def added(self) -> int:
        return sum(t.added for t in self.tables.values())

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables.values())

    @property
    def importable(self) -> bool:
        """At least one file was read and one sheet recognised."""
        return any(f.status == "ok" and any(s.kind for s in f.sheets) for f in self.files)

    def exit_status(self) -> int:
        if not self.importable:
            return 2
        refused = any(f.status == "refused" for f in self.files)
        return 1 if self.rejected or refused else 0


@dataclass
class _SheetWork:
    file: FilePlan
    plan: SheetPlan
    raw: RawSheet
    parsed: ParsedSheet
    validated: Validated | None = None
    bad_rows: set[int] = field(default_factory=set)


def table_columns(store: Store, table: str) -> dict[str, str]:
    """column -> SQL type of a data table, batch_id left out."""
    frame = store.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    )
    return {
        c: t
        for c, t in zip(frame["column_name"], frame["data_type"], strict=True)
        if c != "batch_id"
    }


def saved_mappings(store: Store) -> dict[str, tuple[str, dict[str, str]]]:
    frame = store.query("SELECT tanda, jenis_sheet, pemetaan FROM pemetaan_kolom")
    return {
        str(t): (str(k), json.loads(m))
        for t, k, m in zip(frame["tanda"], frame["jenis_sheet"], frame["pemetaan"], strict=True)
    }


def save_mapping(store: Store, signature: str, kind: str, mapping: dict[str, str]) -> None:
    """Remember a sheet shape's mapping ({header: column, "" to ignore}) for the next file."""
    with store.write() as cur:
        cur.execute(
            "INSERT OR REPLACE INTO pemetaan_kolom VALUES (?, ?, ?, now())",
            [signature, kind, json.dumps(mapping, ensure_ascii=False)],
        )


def list_mappings(store: Store) -> list[dict[str, Any]]:
    """The saved column mappings, newest first: signature, kind, {header: column}, when."""
    frame = store.query(
        "SELECT tanda, jenis_sheet, pemetaan, created_at FROM pemetaan_kolom "
        "ORDER BY created_at DESC, tanda"
    )
    return [
        {
            "signature": str(t),
            "kind": str(k),
            "mapping": json.loads(m),
            "created_at": c.isoformat(sep=" ", timespec="seconds") if c is not None else "",
        }
        for t, k, m, c in frame.itertuples(index=False, name=None)
    ]


def delete_mapping(store: Store, signature: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_kolom WHERE tanda = ?", [signature])


def plan_import(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    *,
    manual: dict[tuple[str, str], dict[str, str]] | None = None,
    kinds: dict[tuple[str, str], str] | None = None,
    values: ValueMapping | None = None,
    today: date | None = None,
    progress: Callable[[float, str], None] | None = None,
    capture: CaptureScope | None = None,
) -> Plan:
    """The dry run. ``manual``/``kinds``: per (file, sheet), the analyst's mapping and kind;
    ``values``: the analyst's meaning of written values ({vocabulary: {key: value}}), laid over
    the saved value mappings; ``capture``: what the importing user may write
    (``Principal.capture_scope()``; rows outside it are rejected with that reason)."""
    limits = import_limits(store)
    max_mb, max_unzipped = limits.max_mb, limits.max_unzipped_mb
    saved = saved_mappings(store)
    value_mapping = merged(saved_value_mappings(store), values)
    syn = hdr.load_synonyms()
    ref = Reference.from_store(store, today)
    file_plans: list[FilePlan] = []
    work: list[_SheetWork] = []
    for n, (name, data) in enumerate(files):
        if progress:
            progress(n / max(len(files), 1) * 0.6, name)
        fp = FilePlan(file=name, status="ok", size_bytes=len(data), content=data)
        file_plans.append(fp)
        try:
            wb: Workbook = read_file(name, data, max_mb, max_unzipped)
        except RefusalError as exc:
            fp.status, fp.message = "refused", exc.msg
            continue
        except Exception as exc:  # any other failure to read is a damaged file, not a crash
            fp.status, fp.message = "refused", message("rusak", detail=str(exc)[:200])
            continue
        fp.checksum, fp.format = wb.checksum, wb.format
        for raw in wb.sheets:
            key = (name, raw.name)
            head = hdr.find_header(raw, syn, saved, (manual or {}).get(key), (kinds or {}).get(key))
            sp = SheetPlan(name, raw.name, head.kind, head.header_row, header=head)
            fp.sheets.append(sp)
            if not any(any(c not in (None, "") for c in r) for r in raw.rows):
                sp.skipped = message("sheet_kosong")
                continue
            if head.kind is None:
                if head.near_kind and head.missing:
                    sp.skipped = message(
                        "sheet_kolom_wajib", jenis=head.near_kind, kolom=", ".join(head.missing)
                    )
                else:
                    sp.skipped = message("sheet_tanpa_judul")
                continue
            parsed = parse_columns(head.kind, extract(raw, head), value_mapping)
            sp.rows, sp.skipped_rows = len(parsed.file_rows), parsed.skipped_rows
            work.append(_SheetWork(fp, sp, raw, parsed))
        if not any(s.kind for s in fp.sheets):
            fp.status, fp.message = "refused", message("tidak_dikenali")
    if progress:
        progress(0.7, "")
    # the register's areas before this import (a library moved by it is judged by both)
    restricted = capture is not None and not capture.everything
    stored = {k: lib.kode_wilayah for k, lib in ref.libraries.items()} if restricted else {}
    # validate: the register first, and its good rows join the reference for the reports
    for w in sorted(work, key=lambda w: KIND_ORDER[w.plan.kind or ""]):
        w.validated = validate(w.plan.kind or "", w.parsed, ref, w.raw.name)
        if restricted:
            assert capture is not None
            w.validated.issues.extend(
                capture_issues(w.plan.kind or "", w.validated, w.parsed, ref, capture, stored)
            )
        w.bad_rows = {c.row for c in w.validated.issues}
        if w.plan.kind == "perpustakaan":
            rec = w.validated.records
            for i in range(len(w.parsed.file_rows)):
                if i not in w.bad_rows:
                    ref.add_library(
                        rec["kode_perpustakaan"][i],
                        rec["nama_perpustakaan"][i],
                        rec["kode_wilayah"][i] or "",
                        rec.get("penduduk", [None] * (i + 1))[i],
                    )
                else:  # reports naming it are told why, not "unknown library"
                    where = (w.file.file, w.raw.name, w.parsed.file_rows[i])
                    if rec["kode_perpustakaan"][i]:
                        ref.rejected.setdefault(rec["kode_perpustakaan"][i], where)
                    if rec["nama_perpustakaan"][i]:
                        ref.rejected_names.setdefault(name_key(rec["nama_perpustakaan"][i]), where)
    _reject_duplicates(work)
    tables = _table_plans(store, work)
    issues, rejected_rows = _reports(work)
    accepted = rejected = 0
    for w in work:
        w.plan.rejected = len(w.bad_rows)
        w.plan.accepted = w.plan.rows - w.plan.rejected
        accepted += w.plan.accepted
        rejected += w.plan.rejected
    plan = Plan(
        file_plans,
        issues,
        rejected_rows,
        tables,
        accepted,
        rejected,
        notes=_notes(work),
        unplaced=_unplaced(work),
    )
    diff(store, plan)
    _already_imported(store, plan)
    if progress:
        progress(1.0, "")
    return plan


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
    frame = store.query(
        "SELECT f.checksum, b.batch_id, b.created_at FROM import_file f "
        "JOIN import_batch b USING (batch_id) WHERE b.status = 'committed' AND b.sumber = 'impor' "
        "AND list_contains(?, f.checksum) ORDER BY b.created_at DESC",
        [sums],
    )
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


def merged_select(
    table: str,
    cols: dict[str, str],
    src: str = "src",
    extra: str = "",
    present: Any = None,
) -> str:
    """The import's rows laid over the stored ones: a column the sheet did not provide keeps
    its stored value. Adds _is_new and _is_changed. ``present``: the columns the import's frame
    holds (default: all); the others are the stored values (NULL for a new row)."""
    keys = DATA_TABLE_KEYS[table]
    if present is not None:
        have = set(present)
        absent = {c: t for c, t in cols.items() if c not in have}
        cols = {c: t for c, t in cols.items() if c in have}
    else:
        absent = {}
    on = " AND ".join(f"e.{k} = CAST(n.{k} AS {cols[k]})" for k in keys)
    merged = ", ".join(
        [
            f"CASE WHEN n._p_{c} OR e.{keys[0]} IS NULL THEN CAST(n.{c} AS {t}) ELSE e.{c} END "
            f"AS {c}"
            for c, t in cols.items()
        ]
        + [f"e.{c} AS {c}" for c in absent]
    )
    changed = " OR ".join(
        f"(n._p_{c} AND CAST(n.{c} AS {t}) IS DISTINCT FROM e.{c})"
        for c, t in cols.items()
        if c not in keys
    )
    return (
        f"SELECT {merged}, {extra + ', ' if extra else ''}e.{keys[0]} IS NULL AS _is_new, "
        f"(e.{keys[0]} IS NOT NULL AND ({changed or 'false'})) AS _is_changed "
        f"FROM {src} n LEFT JOIN {table} e ON {on}"
    )


def diff(store: Store, plan: Plan) -> None:
    """Count what each table's records would add, change or leave unchanged (reads only)."""
    cur = store.cursor()
    for tp in plan.tables.values():
        cols = table_columns(store, tp.table)
        name = f"plan_src_{tp.table}"
        cur.register(name, tp.frame)
        try:
            res = cur.execute(
                f"SELECT _rn, _is_new, _is_changed "
                f"FROM ({merged_select(tp.table, cols, name, 'n._rn', tp.frame.columns)}) "
                "ORDER BY _rn"
            ).fetchnumpy()
        finally:
            cur.unregister(name)
        is_new = np.asarray(res["_is_new"], dtype=bool)
        is_changed = np.asarray(res["_is_changed"], dtype=bool)
        # per record: what the commit would do with it
        tp.frame["_status"] = np.where(is_new, "baru", np.where(is_changed, "berubah", "sama"))
        tp.added, tp.changed = int(is_new.sum()), int(is_changed.sum())
        tp.unchanged = len(tp.frame) - tp.added - tp.changed
