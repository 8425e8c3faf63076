"""The database file a command works on: ``--db`` (else TPBIS_DB, else the default), opened for
one piece of work and closed after it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from kpi.store import Store, resolve_db_path

T = TypeVar("T")


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        help="DuckDB file or postgresql:// URL (default: TPBIS_DB or the user data folder)",
    )


def on_store(db: str | None, work: Callable[[Store], T], *, read_only: bool = False) -> T:
    """``work(store)`` on the file ``db`` names; the store is closed whatever happens."""
    store = Store(resolve_db_path(db), read_only=read_only)
    try:
        return work(store)
    finally:
        store.close()


def add_format_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("json", "table"), default="table")


def emit(as_json: bool, data: Any, lines: Callable[[], Iterable[str]]) -> int:
    """Print ``data`` as JSON, or the text ``lines()`` makes of it; the command's exit code (0)."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for line in lines():
            print(line)
    return 0
