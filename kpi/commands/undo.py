"""python -m kpi undo BATCH_ID --db PATH [--as NAME]: remove what a batch added, restore what it
replaced. --as NAME undoes as that user: every row of the batch must lie in their areas."""

from __future__ import annotations

import argparse

from kpi.commands._actor import actor_for, add_as_argument
from kpi.commands._store import add_db_argument, emit, on_store
from kpi.store import Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("batch_id", metavar="BATCH_ID")
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_as_argument(p, "undo")


def run(args: argparse.Namespace) -> int:
    from kpi.access import Action
    from kpi.ingest import undo
    from kpi.ingest.undo import UndoResult

    def work(store: Store) -> UndoResult:
        actor = actor_for(store, args.as_user, Action.UNDO)
        return undo(store, args.batch_id, actor)  # StoreError -> exit 2 with the message

    result = on_store(args.db, work)
    lines = [
        f"{result.batch_id}: undone, {result.removed} rows removed, "
        f"{result.restored} earlier rows restored"
    ]
    if result.demo:
        lines.append("demo data cleared: the app will not load it again / data demo dihapus")
    return emit(args.json, result.__dict__, lambda: lines)
