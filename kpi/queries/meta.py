"""The store's meta table, by name: the flags the store keeps about itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def mark_demo_cleared(cur: duckdb.DuckDBPyConnection) -> None:
    """The demo was cleared (or never wanted): the app does not load it into an empty store
    (Store.should_load_demo), in the caller's write."""
    cur.execute("INSERT OR REPLACE INTO meta VALUES ('demo_dibersihkan', CAST(now() AS VARCHAR))")
