"""The database file a command works on: ``--db`` (else TPBIS_DB, else the default), opened for
one piece of work and closed after it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

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
