"""python -m kpi summary --db PATH [--format json|table]"""

from __future__ import annotations

import argparse

from kpi.commands._store import add_db_argument, add_format_argument, emit, on_store


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    add_format_argument(p)


def run(args: argparse.Namespace) -> int:
    from kpi.summary import summary

    result = on_store(args.db, summary)
    return emit(args.format == "json", result, lambda: (f"{k:>16}: {v}" for k, v in result.items()))
