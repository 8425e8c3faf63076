"""python -m kpi batches --db PATH [--format json|table]: the import batches, newest first."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kpi.store import Store, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="DuckDB file (default: TPBIS_DB or the user data folder)")
    p.add_argument("--format", choices=("json", "table"), default="table")


def list_batches(store: Store) -> list[dict[str, Any]]:
    frame = store.query(
        """
        SELECT b.batch_id, b.created_at, b.pengguna, b.sumber, b.status, b.undone_at,
               b.accepted, b.rejected, b.added, b.changed, b.unchanged,
               coalesce(list(f.file_name ORDER BY f.file_no)
                        FILTER (WHERE f.file_name IS NOT NULL), []) AS files
        FROM import_batch b LEFT JOIN import_file f USING (batch_id)
        GROUP BY ALL ORDER BY b.created_at DESC
        """
    )
    out = []
    for r in frame.itertuples(index=False):
        out.append(
            {
                "batch_id": r.batch_id,
                "created_at": r.created_at.isoformat(sep=" ", timespec="seconds"),
                "user": r.pengguna,
                "source": r.sumber,
                "files": [str(x) for x in r.files],
                "accepted": int(r.accepted or 0),
                "rejected": int(r.rejected or 0),
                "added": int(r.added or 0),
                "changed": int(r.changed or 0),
                "unchanged": int(r.unchanged or 0),
                "undone": r.status == "undone",
                "undone_at": None
                if r.undone_at is None or str(r.undone_at) == "NaT"
                else r.undone_at.isoformat(sep=" ", timespec="seconds"),
            }
        )
    return out


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_db_path(args.db))
    try:
        rows = list_batches(store)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(
        f"{'batch_id':<32} {'created_at':<19} {'accepted':>8} {'rejected':>8} {'added':>7} "
        f"{'changed':>7} {'undone':>6}  files"
    )
    for r in rows:
        print(
            f"{r['batch_id']:<32} {r['created_at']:<19} {r['accepted']:>8} {r['rejected']:>8} "
            f"{r['added']:>7} {r['changed']:>7} {'yes' if r['undone'] else 'no':>6}  "
            f"{', '.join(r['files'])}"
        )
    return 0
