"""python -m kpi demo --db PATH [--scale N] [--seed S]"""

from __future__ import annotations

import argparse
import json

from kpi.store import Store, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="DuckDB file (default: TPBIS_DB or the user data folder)")
    p.add_argument("--scale", type=int, default=1, help="multiply the village libraries (bench)")
    p.add_argument("--seed", type=int, default=2018, help="random seed (same seed, same demo)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from kpi.demo import load_demo

    if args.scale < 1:
        raise SystemExit("--scale must be 1 or more")
    store = Store(resolve_db_path(args.db))
    try:
        result = load_demo(store, seed=args.seed, scale=args.scale)
    finally:
        store.close()
    if args.json:
        print(json.dumps(result.__dict__))
    else:
        print(
            f"demo {result.batch_id}: {result.libraries:,} libraries, "
            f"{result.monthly_rows:,} monthly rows in {result.seconds:.1f} s -> {store.path}"
        )
    return 0
