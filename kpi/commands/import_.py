"""python -m kpi import FILE [FILE ...] --db PATH [--dry-run] [--json] [--lang id|en]
[--rejected-out FILE.xlsx] [--as NAME]

--as NAME imports as that user of the store: rows outside their capture areas (or of a kind
their role does not import) are rejected with that reason, and they are recorded as the actor
(a disabled user, or a role that imports nothing, is refused). Without it the operating-system
user imports, with every right.

--rejected-out writes the rejected rows with their reasons, the workbook the import page offers
for download (the analyst's own columns, a reason column, the source row), to fix and upload again.

Exit status: 0 everything accepted; 1 accepted rows landed (or would, in a dry run) but some
rows were rejected or a file was refused; 2 nothing could be imported.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from kpi.commands._actor import actor_for, add_as_argument
from kpi.commands._store import add_db_argument
from kpi.store import Store, StoreError, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="xlsx, xlsm, xls, ods or csv files")
    add_db_argument(p)
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of messages")
    p.add_argument("--user", help="who imports (recorded in the batch)")
    add_as_argument(p, "import")
    p.add_argument(
        "--rejected-out",
        metavar="FILE.xlsx",
        help="write the rejected rows with their reasons to this Excel file (as the page does)",
    )


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _size_mb(path: str) -> float | None:
    """The file's size, known before it is read (None when it cannot be opened)."""
    try:
        return Path(path).stat().st_size / 1024 / 1024
    except OSError:
        return None


def report(
    plan: Any, batch_id: str | None, dry_run: bool, lang: str, counts: Any
) -> dict[str, Any]:
    def text(msg: Any) -> str | None:
        if msg is None:
            return None
        return msg.message_en if lang == "en" else msg.message_id

    col = "message_en" if lang == "en" else "message_id"

    def rows(frame: Any) -> list[dict[str, Any]]:
        return [
            {
                "file": r.file,
                "sheet": r.sheet,
                "row": int(r.row),
                "column": r.column,
                "value": r.value,
                "rule": r.rule,
                "message": getattr(r, col),
            }
            for r in frame.itertuples(index=False)
        ]

    issues = rows(plan.issues)
    return {
        "batch_id": batch_id,
        "dry_run": dry_run,
        "accepted": plan.accepted,
        "rejected": plan.rejected,
        "added": counts.added,
        "changed": counts.changed,
        "unchanged": counts.unchanged,
        "files": [
            {
                "file": f.file,
                "status": f.status,
                "message": text(f.message),
                "already_imported": None
                if f.already is None
                else {
                    "batch_id": f.already[0],
                    "created_at": f.already[1],
                    "message": text(f.already_message()),
                },
                "sheets": [s.as_json(lang) for s in f.sheets],
            }
            for f in plan.files
        ],
        "issues": issues,
        # what the importer read for you (a level from the area code, a misspelt name settled)
        "notes": rows(plan.notes),
        # values it could not place: map them in the Import data page (or fix the file)
        "unplaced_values": [
            {
                "vocabulary": u.vocab,
                "value": u.written,
                "file": u.file,
                "sheet": u.sheet,
                "column": u.header,
                "rows": int(u.rows),
                "first_row": int(u.first),
            }
            for u in plan.unplaced.itertuples(index=False)
        ],
    }


def run(args: argparse.Namespace) -> int:
    from kpi.ingest import commit, plan_import
    from kpi.ingest.commit import current_user
    from kpi.ingest.messages import message
    from kpi.ingest.plan import FilePlan
    from kpi.ingest.read import DEFAULT_MAX_MB, SETTING_MAX_MB

    if args.rejected_out and not str(args.rejected_out).lower().endswith(".xlsx"):
        print("--rejected-out: the file name must end in .xlsx", file=sys.stderr)
        return 2
    from kpi.access import Action

    store = Store(resolve_db_path(args.db))
    files: list[tuple[str, bytes]] = []
    refused: list[FilePlan] = []
    try:
        actor = actor_for(store, args.as_user, Action.IMPORT, Action.TARGETS)
        scope = actor.capture_scope()
        if not scope.by_kind:  # an analyst without capture areas: nothing could land
            from kpi.access import refuse

            refuse(
                store,
                actor,
                Action.IMPORT,
                objek="import",
                detail=(
                    " (belum punya wilayah input; minta administrator: python -m kpi users "
                    "grant NAMA --capture KODE)",
                    " (no capture areas yet; ask an administrator: python -m kpi users grant "
                    "NAME --capture CODE)",
                ),
            )
        # a file over the size limit is refused from its size, before it is read
        max_mb = float(store.get_setting(SETTING_MAX_MB, DEFAULT_MAX_MB))
        for path in args.files:
            size = _size_mb(path)
            data = _read(path) if size is not None and size <= max_mb else None
            if size is not None and size > max_mb:
                msg = message("terlalu_besar", ukuran=f"{size:.1f}", batas=f"{max_mb:g}")
                refused.append(FilePlan(Path(path).name, "refused", msg))
            elif data is None:
                msg = message("tidak_ditemukan", nama=path)
                refused.append(FilePlan(Path(path).name, "refused", msg))
            else:
                files.append((Path(path).name, data))
        plan = plan_import(store, files, capture=None if actor.local else scope)
        plan.files.extend(refused)
        batch_id = None
        counts: Any = plan
        if plan.importable and not args.dry_run and (plan.accepted or plan.rejected):
            who = args.user or (current_user() if actor.local else actor.name)
            result = commit(store, plan, user=who, actor=actor)
            batch_id, counts = result.batch_id, result
    except StoreError:
        raise  # a message for the user, printed by the command line
    except Exception as exc:  # an unexpected failure: one line, nothing written
        logging.getLogger("tpbis").exception("import failed")
        print(f"Impor gagal / import failed: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.rejected_out:
        from kpi.ingest.rejected import plan_rejected_excel

        Path(args.rejected_out).write_bytes(
            plan_rejected_excel(plan.issues, plan.rejected_rows, args.lang)
        )
    out = report(plan, batch_id, args.dry_run, args.lang, counts)
    if args.rejected_out:
        out["rejected_out"] = str(args.rejected_out)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, default=str))
    else:
        _print_human(out)
    return plan.exit_status()


def _print_human(out: dict[str, Any]) -> None:
    w = sys.stdout.write
    for f in out["files"]:
        w(f"{f['file']}: {f['status']}" + (f" - {f['message']}" if f["message"] else "") + "\n")
        if f["already_imported"]:
            w(f"  {f['already_imported']['message']}\n")
        for s in f["sheets"]:
            if s["kind"]:
                w(
                    f"  [{s['sheet']}] {s['kind']}, header row {s['header_row']}: "
                    f"{s['rows']} rows, {s['accepted']} accepted, {s['rejected']} rejected\n"
                )
            else:
                w(f"  [{s['sheet']}] skipped: {s['skipped_reason']}\n")
    for i in out["issues"][:50]:
        w(f"  {i['file']} / {i['sheet']} row {i['row']}, {i['column']}: {i['message']}\n")
    if len(out["issues"]) > 50:
        w(f"  ... {len(out['issues']) - 50} more\n")
    for u in out["unplaced_values"][:20]:
        w(
            f"  ? {u['file']} / {u['sheet']}, {u['column']}: '{u['value']}' "
            f"({u['rows']} rows, first row {u['first_row']})\n"
        )
    if out["notes"]:
        w(f"  notes: {len(out['notes'])} (see --json)\n")
    if out.get("rejected_out"):
        w(f"rejected rows with their reasons: {out['rejected_out']}\n")
    mode = "dry run" if out["dry_run"] else f"batch {out['batch_id']}"
    w(
        f"{mode}: accepted {out['accepted']}, rejected {out['rejected']}, added {out['added']}, "
        f"changed {out['changed']}, unchanged {out['unchanged']}\n"
    )
