"""Step 6, plan (the dry run): what an import would add, change, leave unchanged or reject.

``plan_import`` reads, maps, parses and validates every file and compares the accepted rows with
the store, and writes nothing. Its result is data: per file and sheet the detected kind, header
row, mapping and counts; the issues as a frame; the accepted records per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from kpi import gcpause
from kpi.ingest import header as hdr
from kpi.ingest.capture import capture_issues
from kpi.ingest.messages import RefusalError, message
from kpi.ingest.parse import extract, parse_columns
from kpi.ingest.read import (
    Workbook,
    read_file,
)
from kpi.ingest.validate import Reference, name_key, validate
from kpi.ingest.values import month_names
from kpi.ingest.vocab import ValueMapping, merged, saved_value_mappings
from kpi.settings import import_limits
from kpi.store import DATA_TABLE_KEYS, Store

if TYPE_CHECKING:
    from kpi.access import CaptureScope

from kpi.ingest.plan_steps import (
    _already_imported,
    _notes,
    _reject_duplicates,
    _reports,
    _table_plans,
    _unplaced,
)
from kpi.ingest.planned import ISSUE_COLUMNS as ISSUE_COLUMNS
from kpi.ingest.planned import (
    KIND_ORDER,
    FilePlan,
    Plan,
    SheetPlan,
    _SheetWork,
    saved_mappings,
    table_columns,
)
from kpi.ingest.planned import SHOWN_VALUE_CHARS as SHOWN_VALUE_CHARS
from kpi.ingest.planned import UNPLACED_COLUMNS as UNPLACED_COLUMNS
from kpi.ingest.planned import TablePlan as TablePlan
from kpi.ingest.planned import delete_mapping as delete_mapping
from kpi.ingest.planned import list_mappings as list_mappings
from kpi.ingest.planned import save_mapping as save_mapping


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
    with gcpause.paused(), ThreadPoolExecutor(1, thread_name_prefix="impor-baca") as pool:
        # the files are read (each in its child process) while this thread gets the
        # reference, the mappings and the vocabularies ready, and then parses each file read
        reads = [
            pool.submit(read_file, name, data, limits.max_mb, limits.max_unzipped_mb)
            for name, data in files
        ]
        try:
            return _plan(store, files, reads, manual, kinds, values, today, progress, capture)
        finally:
            for r in reads:
                r.cancel()


def _plan(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    reads: list[Future[Workbook]],
    manual: dict[tuple[str, str], dict[str, str]] | None,
    kinds: dict[tuple[str, str], str] | None,
    values: ValueMapping | None,
    today: date | None,
    progress: Callable[[float, str], None] | None,
    capture: CaptureScope | None,
) -> Plan:
    saved = saved_mappings(store)
    value_mapping = merged(saved_value_mappings(store), values)
    syn = hdr.load_synonyms()
    month_names()  # the vocabularies, loaded once per process
    ref = Reference.from_store(store, today)
    file_plans: list[FilePlan] = []
    work: list[_SheetWork] = []
    for n, (name, data) in enumerate(files):
        if progress:
            progress(n / max(len(files), 1) * 0.6, name)
        fp = FilePlan(file=name, status="ok", size_bytes=len(data), content=data)
        file_plans.append(fp)
        try:
            wb: Workbook = reads[n].result()
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
