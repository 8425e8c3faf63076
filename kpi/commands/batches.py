"""python -m kpi batches --db PATH [--format json|table]: the import batches, newest first."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from kpi.commands._store import add_db_argument, add_format_argument, emit, on_store
from kpi.ingest.history import list_batches


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    add_format_argument(p)


def _table(rows: list[dict[str, Any]]) -> Iterator[str]:
    yield (
        f"{'batch_id':<32} {'created_at':<19} {'accepted':>8} {'rejected':>8} {'added':>7} "
        f"{'changed':>7} {'undone':>6}  files"
    )
    for r in rows:
        yield (
            f"{r['batch_id']:<32} {r['created_at']:<19} {r['accepted']:>8} {r['rejected']:>8} "
            f"{r['added']:>7} {r['changed']:>7} {'yes' if r['undone'] else 'no':>6}  "
            f"{', '.join(r['files'])}"
        )


def run(args: argparse.Namespace) -> int:
    rows = on_store(args.db, list_batches)
    return emit(args.format == "json", rows, lambda: _table(rows))
