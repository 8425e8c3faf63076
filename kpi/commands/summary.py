"""python -m kpi summary --db PATH [--format json|table]"""

from __future__ import annotations

import argparse
import json

from kpi.store import Store, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="DuckDB file (default: TPBIS_DB or the user data folder)")
    p.add_argument("--format", choices=("json", "table"), default="table")


def run(args: argparse.Namespace) -> int:
    from kpi.summary import summary

    store = Store(resolve_db_path(args.db))
    try:
        result = summary(store)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 0
