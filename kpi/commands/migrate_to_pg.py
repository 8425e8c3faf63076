"""python -m kpi migrate-to-pg --from FILE --to postgresql://USER@HOST:5432/DBNAME [--json]"""

from __future__ import annotations

import argparse

from kpi.commands._store import emit


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        help="the embedded DuckDB file to move (it is only read)",
    )
    p.add_argument(
        "--to",
        dest="target",
        required=True,
        help="an EMPTY PostgreSQL database, postgresql://USER@HOST:5432/DBNAME",
    )
    p.add_argument("--json", action="store_true", help="print the rows copied as JSON")


def run(args: argparse.Namespace) -> int:
    from kpi.migrate import move_to_pg

    result = move_to_pg(args.source, args.target)

    def lines() -> list[str]:
        out = [f"{result.total:,} rows moved from {result.source} to {result.target}:"]
        out += [f"  {table}: {n:,}" for table, n in sorted(result.rows.items())]
        out.append(f"Next: run the app or the commands with --db {result.target}")
        return out

    data = {"source": result.source, "target": result.target, "rows": result.rows}
    return emit(args.json, data, lines)
