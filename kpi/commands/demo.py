"""python -m kpi demo --db PATH [--scale N] [--seed S]"""

from __future__ import annotations

import argparse

from kpi.commands._store import add_db_argument, emit, on_store
from kpi.store import resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--scale", type=int, default=1, help="multiply the village libraries (bench)")
    p.add_argument("--seed", type=int, default=2018, help="random seed (same seed, same demo)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from kpi.demo import load_demo

    if args.scale < 1:
        raise SystemExit("--scale must be 1 or more")
    result = on_store(args.db, lambda store: load_demo(store, seed=args.seed, scale=args.scale))
    line = (
        f"demo {result.batch_id}: {result.libraries:,} libraries, {result.monthly_rows:,} "
        f"monthly rows in {result.seconds:.1f} s -> {resolve_db_path(args.db)}"
    )
    return emit(args.json, result.__dict__, lambda: [line])
