"""python -m kpi batches --db PATH [--format json|table]: the import batches, newest first."""

from __future__ import annotations

import argparse
import json

from kpi.commands._store import add_db_argument, on_store
from kpi.ingest.history import list_batches


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--format", choices=("json", "table"), default="table")


def run(args: argparse.Namespace) -> int:
    rows = on_store(args.db, list_batches)
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
