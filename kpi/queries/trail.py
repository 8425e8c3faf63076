"""Reads and the one write of the audit trail's events (jejak_audit): an event is only ever
inserted, on the cursor of the write transaction of what it records (kpi.trail)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import duckdb

    from kpi.store import Store

# what the trail's readers see of an event (its hashes aside)
EVENT_COLUMNS = ["seq", "waktu", "pelaku", "peran", "aksi", "objek", "wilayah", "rincian"]


def last_event(cur: duckdb.DuckDBPyConnection) -> tuple[int, str] | None:
    """(seq, hash) of the last event written (None: the trail is empty)."""
    row = cur.execute("SELECT seq, hash FROM jejak_audit ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def insert_event(cur: duckdb.DuckDBPyConnection, values: Sequence[Any]) -> None:
    """Append one event: seq, waktu, pelaku, peran, aksi, objek, wilayah, rincian, hash_sebelum,
    hash."""
    cur.execute("INSERT INTO jejak_audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(values))


def events(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    user: str | None = None,
    aksi: str | None = None,
) -> pd.DataFrame:
    """The events of EVENT_COLUMNS in order: from ``since``, before ``until``, of the actor
    ``user``, of the action ``aksi`` or one under it (``import`` is every ``import.*``)."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if since is not None:
        where.append("waktu >= ?")
        params.append(since)
    if until is not None:
        where.append("waktu < ?")
        params.append(until)
    if user:
        where.append("pelaku = ?")
        params.append(user)
    if aksi:
        where.append("(aksi = ? OR starts_with(aksi, ?))")
        params.extend([aksi, aksi.rstrip(".") + "."])
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM jejak_audit WHERE {' AND '.join(where)} "
    sql += "ORDER BY seq"
    return store.query(sql, params)


def actors(store: Store) -> list[str]:
    """Everyone who appears in the trail as an actor, by name."""
    frame = store.query("SELECT DISTINCT pelaku FROM jejak_audit ORDER BY pelaku")
    return [str(x) for x in frame["pelaku"]]


def chain(cur: duckdb.DuckDBPyConnection, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Every event, whole (with its hashes), in order of seq, ``batch`` at a time."""
    cur.execute(
        "SELECT seq, waktu, pelaku, peran, aksi, objek, wilayah, rincian, hash_sebelum, hash "
        "FROM jejak_audit ORDER BY seq"
    )
    while rows := cur.fetchmany(batch):
        yield rows
