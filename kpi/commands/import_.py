"""python -m kpi import FILE [FILE ...] --db PATH [--dry-run] [--json] [--lang id|en]
[--rejected-out FILE.xlsx]

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

from kpi.store import Store, StoreError, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="xlsx, xlsm, xls, ods or csv files")
    p.add_argument("--db", help="DuckDB file (default: TPBIS_DB or the user data folder)")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of messages")
    p.add_argument("--user", help="who imports (recorded in the batch)")
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


def report(
    plan: Any, batch_id: str | None, dry_run: bool, lang: str, counts: Any
) -> dict[str, Any]:
    def text(msg: Any) -> str | None:
        if msg is None:
            return None
        return msg.message_en if lang == "en" else msg.message_id

    col = "message_en" if lang == "en" else "message_id"
    issues = [
        {
            "file": r.file,
            "sheet": r.sheet,
            "row": int(r.row),
            "column": r.column,
            "value": r.value,
            "rule": r.rule,
            "message": getattr(r, col),
        }
        for r in plan.issues.itertuples(index=False)
    ]
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
                "sheets": [s.as_json(lang) for s in f.sheets],
            }
            for f in plan.files
        ],
        "issues": issues,
    }


def run(args: argparse.Namespace) -> int:
    from kpi.ingest import commit, plan_import
    from kpi.ingest.commit import current_user
    from kpi.ingest.messages import message
    from kpi.ingest.plan import FilePlan

    if args.rejected_out and not str(args.rejected_out).lower().endswith(".xlsx"):
        print("--rejected-out: the file name must end in .xlsx", file=sys.stderr)
        return 2
    files: list[tuple[str, bytes]] = []
    unreadable: list[str] = []
    for path in args.files:
        data = _read(path)
        if data is None:
            unreadable.append(path)
        else:
            files.append((Path(path).name, data))
    store = Store(resolve_db_path(args.db))
    try:
        plan = plan_import(store, files)
        for path in unreadable:
            plan.files.append(
                FilePlan(Path(path).name, "refused", message("tidak_ditemukan", nama=path))
            )
        batch_id = None
        counts: Any = plan
        if plan.importable and not args.dry_run and (plan.accepted or plan.rejected):
            result = commit(store, plan, user=args.user or current_user())
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
    if out.get("rejected_out"):
        w(f"rejected rows with their reasons: {out['rejected_out']}\n")
    mode = "dry run" if out["dry_run"] else f"batch {out['batch_id']}"
    w(
        f"{mode}: accepted {out['accepted']}, rejected {out['rejected']}, added {out['added']}, "
        f"changed {out['changed']}, unchanged {out['unchanged']}\n"
    )
