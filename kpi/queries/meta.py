"""Named writes of the store's key-value tables (meta, settings), in SQL that both engines
run (INSERT ... ON CONFLICT), on a write cursor inside the caller's transaction."""

from __future__ import annotations

from typing import Any


def put_meta(cur: Any, key: str, value: str) -> None:
    """meta[key] = value (a DuckDB cursor or kpi.pgstore.PgCursor, in a write transaction)."""
    cur.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def put_meta_now(cur: Any, key: str) -> None:
    """meta[key] = the current time as text (a marker such as demo_dibersihkan)."""
    cur.execute(
        "INSERT INTO meta VALUES (?, CAST(now() AS VARCHAR)) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key],
    )


def put_setting(cur: Any, key: str, value_json: str) -> None:
    """settings[key] = value_json (JSON text), stamped with the current time."""
    cur.execute(
        "INSERT INTO settings VALUES (?, ?, now()) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value, updated_at = excluded.updated_at",
        [key, value_json],
    )


def mark_demo_cleared(cur: Any) -> None:
    """The demo was cleared (or never wanted): the app does not load it into an empty store
    (Store.should_load_demo), in the caller's write."""
    put_meta_now(cur, "demo_dibersihkan")
