"""Named writes (and the reads that go with them) of the store's key-value tables (meta,
settings), in SQL that both engines run (INSERT ... ON CONFLICT), on a cursor inside the
caller's transaction."""

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


def meta_value(cur: Any, key: str) -> str | None:
    """meta[key] as the cursor's transaction sees it (None: not set)."""
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def delete_meta(cur: Any, key: str) -> None:
    cur.execute("DELETE FROM meta WHERE key = ?", [key])


def setting_json(cur: Any, key: str) -> str | None:
    """settings[key] (JSON text) as the cursor's transaction sees it (None: not set)."""
    row = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def delete_setting(cur: Any, key: str) -> None:
    cur.execute("DELETE FROM settings WHERE key = ?", [key])


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
