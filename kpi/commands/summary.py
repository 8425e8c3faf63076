"""python -m kpi summary --db PATH [--format json|table]"""

from __future__ import annotations

import argparse
import json

from kpi.commands._store import add_db_argument, on_store


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--format", choices=("json", "table"), default="table")


def run(args: argparse.Namespace) -> int:
    from kpi.summary import summary

    result = on_store(args.db, summary)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 0
