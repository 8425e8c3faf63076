"""The import batches (import_batch, import_file) and their rejected rows (rejected_row): what
each batch brought, the files already committed, what a batch refused; and the writes of an
import's commit, of its undo and of the demo's batch (kpi.ingest.commit, kpi.ingest.undo,
kpi.demo), each on the cursor of the caller's write transaction. Table names come from the
schema (DATA_TABLE_KEYS), column names from the store's own columns."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.store import Store

if TYPE_CHECKING:
    import duckdb


def list_batches(store: Store) -> list[dict[str, Any]]:
    frame = store.query(
        """
        SELECT b.batch_id, b.created_at, b.pengguna, b.sumber, b.status, b.undone_at,
               b.accepted, b.rejected, b.added, b.changed, b.unchanged,
               coalesce(list(f.file_name ORDER BY f.file_no)
                        FILTER (WHERE f.file_name IS NOT NULL), []) AS files
        FROM import_batch b LEFT JOIN import_file f USING (batch_id)
        GROUP BY ALL ORDER BY b.created_at DESC
        """
    )
    out = []
    for r in frame.itertuples(index=False):
        out.append(
            {
                "batch_id": r.batch_id,
                "created_at": r.created_at.isoformat(sep=" ", timespec="seconds"),
                # None when unknown: the app has no login yet (the command line records the
                # login name of whoever runs it)
                "user": r.pengguna if isinstance(r.pengguna, str) and r.pengguna else None,
                "source": r.sumber,
                "files": [str(x) for x in r.files],
                "accepted": int(r.accepted or 0),
                "rejected": int(r.rejected or 0),
                "added": int(r.added or 0),
                "changed": int(r.changed or 0),
                "unchanged": int(r.unchanged or 0),
                "undone": r.status == "undone",
                "undone_at": None
                if r.undone_at is None or str(r.undone_at) == "NaT"
                else r.undone_at.isoformat(sep=" ", timespec="seconds"),
            }
        )
    return out


def committed_checksums(store: Store, checksums: list[str]) -> pd.DataFrame:
    """checksum, batch_id, created_at of the committed imports of files with these checksums,
    newest first."""
    return store.query(
        "SELECT f.checksum, b.batch_id, b.created_at FROM import_file f "
        "JOIN import_batch b USING (batch_id) WHERE b.status = 'committed' AND b.sumber = 'impor' "
        "AND list_contains(?, f.checksum) ORDER BY b.created_at DESC",
        [checksums],
    )


def rejected_rows(store: Store, batch_id: str) -> pd.DataFrame:
    """The rows a batch refused, each issue a row: file, sheet, row, column, value, rule,
    message_id, message_en, data (the row as read)."""
    return store.query(
        "SELECT file_name AS file, sheet, baris AS row, kolom AS column, nilai AS value, "
        "aturan AS rule, pesan_id AS message_id, pesan_en AS message_en, data_baris AS data "
        "FROM rejected_row WHERE batch_id = ? ORDER BY file_name, sheet, baris",
        [batch_id],
    )


def batch_areas(
    cur: duckdb.DuckDBPyConnection, batch_ids: list[str]
) -> set[tuple[str, str | None]]:
    """(table, area) of every row the batches wrote or replaced, as the store holds them."""
    rows = cur.execute(
        """
        SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan_riwayat
            WHERE diganti_oleh IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'laporan_bulanan', p.kode_wilayah FROM laporan_bulanan t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'penilaian_mandiri', p.kode_wilayah FROM penilaian_mandiri t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'target', CASE t.tingkat WHEN 'nasional' THEN ''
                                 WHEN 'perpustakaan' THEN p.kode_wilayah ELSE t.kode END
            FROM target t LEFT JOIN perpustakaan p
              ON t.tingkat = 'perpustakaan' AND p.kode_perpustakaan = t.kode
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'indikator_konteks', kode_wilayah FROM indikator_konteks
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        """,
        {"b": list(batch_ids)},
    ).fetchall()
    return {(str(k), None if a is None else str(a)) for k, a in rows}


# -- writing a batch -------------------------------------------------------------------------------


def insert_batch(
    cur: duckdb.DuckDBPyConnection,
    batch_id: str,
    created_at: datetime,
    user: str | None,
    source: str,
    counts: tuple[int, int, int],
    note: str | None,
) -> None:
    """A committed batch of ``source`` (impor, demo); ``counts``: accepted, rejected, added."""
    cur.execute(
        "INSERT INTO import_batch (batch_id, created_at, pengguna, sumber, status, accepted, "
        "rejected, added, catatan) VALUES (?, ?, ?, ?, 'committed', ?, ?, ?, ?)",
        [batch_id, created_at, user, source, *counts, note],
    )


def delete_batch(cur: duckdb.DuckDBPyConnection, batch_id: str) -> None:
    cur.execute("DELETE FROM import_batch WHERE batch_id = ?", [batch_id])


def set_counts(
    cur: duckdb.DuckDBPyConnection, batch_id: str, added: int, changed: int, unchanged: int
) -> None:
    cur.execute(
        "UPDATE import_batch SET added = ?, changed = ?, unchanged = ? WHERE batch_id = ?",
        [added, changed, unchanged, batch_id],
    )


def archived(cur: duckdb.DuckDBPyConnection, checksum: str) -> bool:
    """A file with these bytes is archived already (an earlier batch keeps its content)."""
    row = cur.execute(
        "SELECT count(*) FROM import_file WHERE checksum = ? AND content IS NOT NULL",
        [checksum],
    ).fetchall()[0]
    return bool(row[0])


def add_file(
    cur: duckdb.DuckDBPyConnection,
    batch_id: str,
    file_no: int,
    name: str,
    checksum: str,
    size: int,
    content: bytes | None,
) -> None:
    """One file of the batch (``content`` None: archived by an earlier batch)."""
    cur.execute(
        "INSERT INTO import_file VALUES (?, ?, ?, ?, ?, ?)",
        [batch_id, file_no, name, checksum, size, content],
    )


def insert_frame(
    cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, by_name: bool = True
) -> None:
    """The rows of ``frame`` into the store table ``table``: its columns by name, or (not
    ``by_name``) in the table's own order."""
    cols = f" ({', '.join(frame.columns)})" if by_name else ""
    picked = ", ".join(frame.columns) if by_name else "*"
    cur.register("frame_rows", frame)
    try:
        cur.execute(f"INSERT INTO {table}{cols} SELECT {picked} FROM frame_rows")
    finally:
        cur.unregister("frame_rows")


def add_rejected(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """The rejected rows of a batch, the frame's columns in the table's order."""
    insert_frame(cur, "rejected_row", frame, by_name=False)


def merge_rows(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    cols: Collection[str],
    keys: Sequence[str],
    frame: pd.DataFrame,
    merged: Callable[[str], str],
    batch_id: str,
    now: datetime,
) -> tuple[int, int, int]:
    """Lay ``frame`` over ``table`` (the select ``merged(source)`` flags each row _is_new or
    _is_changed): a changed row's stored version moves to the _riwayat twin, replaced by
    ``batch_id`` at ``now``. (added, changed, unchanged)."""
    names = ", ".join(cols)
    cur.register("commit_src", frame)
    try:
        cur.execute("DROP TABLE IF EXISTS commit_merged")
        cur.execute(f"CREATE TEMP TABLE commit_merged AS {merged('commit_src')}")
    finally:
        cur.unregister("commit_src")
    row = cur.execute(
        "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE _is_changed), "
        "count(*) FILTER (WHERE NOT _is_new AND NOT _is_changed) FROM commit_merged"
    ).fetchall()[0]
    assert row is not None
    join = " AND ".join(f"e.{k} = m.{k}" for k in keys)
    e_names = ", ".join(f"e.{c}" for c in cols)
    cur.execute(
        f"INSERT INTO {table}_riwayat ({names}, batch_id, diganti_oleh, diganti_pada) "
        f"SELECT {e_names}, e.batch_id, ?, ? FROM {table} e JOIN commit_merged m ON {join} "
        f"WHERE m._is_changed",
        [batch_id, now],
    )
    cur.execute(f"DELETE FROM {table} e USING commit_merged m WHERE {join} AND m._is_changed")
    cur.execute(
        f"INSERT INTO {table} ({names}, batch_id) SELECT {names}, ? FROM commit_merged "
        f"WHERE _is_new OR _is_changed",
        [batch_id],
    )
    cur.execute("DROP TABLE commit_merged")
    return int(row[0]), int(row[1]), int(row[2])


# -- undoing a batch -------------------------------------------------------------------------------


def batch_state(cur: duckdb.DuckDBPyConnection, batch_id: str) -> tuple[Any, ...] | None:
    """status, sumber, created_at of the batch (None: no such batch)."""
    return cur.execute(
        "SELECT status, sumber, created_at FROM import_batch WHERE batch_id = ?", [batch_id]
    ).fetchone()


def replaced_by(cur: duckdb.DuckDBPyConnection, table: str, batch_id: str) -> set[str]:
    """The committed batches that replaced rows of ``batch_id`` in ``table``."""
    rows = cur.execute(
        f"SELECT DISTINCT r.diganti_oleh FROM {table}_riwayat r JOIN import_batch b "
        "ON b.batch_id = r.diganti_oleh WHERE r.batch_id = ? AND b.status = 'committed'",
        [batch_id],
    ).fetchall()
    return {str(r[0]) for r in rows}


def using_added_libraries(cur: duckdb.DuckDBPyConnection, table: str, batch_id: str) -> set[str]:
    """The other batches whose rows of ``table`` refer to a library ``batch_id`` added."""
    rows = cur.execute(
        f"""
        SELECT DISTINCT t.batch_id FROM {table} t
        JOIN perpustakaan p ON p.kode_perpustakaan = t.kode_perpustakaan
        WHERE p.batch_id = $b AND t.batch_id IS DISTINCT FROM $b
          AND NOT EXISTS (SELECT 1 FROM perpustakaan_riwayat r
                          WHERE r.diganti_oleh = $b
                            AND r.kode_perpustakaan = p.kode_perpustakaan)
        """,
        {"b": batch_id},
    ).fetchall()
    return {str(r[0]) for r in rows}


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] != "batch_id"]


def take_back(cur: duckdb.DuckDBPyConnection, table: str, batch_id: str) -> tuple[int, int]:
    """Remove the rows of ``table`` that ``batch_id`` wrote and restore those it replaced:
    (removed, restored)."""
    names = ", ".join(_columns(cur, table))
    n = cur.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id])
    removed = int(n.fetchall()[0][0])
    cur.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    n = cur.execute(f"SELECT count(*) FROM {table}_riwayat WHERE diganti_oleh = ?", [batch_id])
    restored = int(n.fetchall()[0][0])
    cur.execute(
        f"INSERT INTO {table} ({names}, batch_id) SELECT {names}, batch_id "
        f"FROM {table}_riwayat WHERE diganti_oleh = ?",
        [batch_id],
    )
    cur.execute(f"DELETE FROM {table}_riwayat WHERE diganti_oleh = ?", [batch_id])
    return removed, restored


def mark_undone(cur: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """The committed batch is undone now: how many batches were marked (1, or 0 when it was
    not committed any more)."""
    return len(
        cur.execute(
            "UPDATE import_batch SET status = 'undone', undone_at = now() "
            "WHERE batch_id = ? AND status = 'committed' RETURNING batch_id",
            [batch_id],
        ).fetchall()
    )


def file_names(cur: duckdb.DuckDBPyConnection, batch_id: str) -> tuple[str, ...]:
    """The names of the batch's files, in their order."""
    rows = cur.execute(
        "SELECT file_name FROM import_file WHERE batch_id = ? ORDER BY file_no", [batch_id]
    ).fetchall()
    return tuple(str(r[0]) for r in rows)


# -- the demo's batches ----------------------------------------------------------------------------

_DEMO_BATCHES = "SELECT batch_id FROM import_batch WHERE sumber = 'demo'"


def committed_demo_batches(cur: duckdb.DuckDBPyConnection) -> list[str]:
    rows = cur.execute(f"{_DEMO_BATCHES} AND status = 'committed'").fetchall()
    return [str(r[0]) for r in rows]


def delete_demo_rows(cur: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    """Every row of the demo's batches out of ``tables`` and their _riwayat twins; the demo's
    committed batches are undone."""
    for table in tables:
        cur.execute(f"DELETE FROM {table} WHERE batch_id IN ({_DEMO_BATCHES})")
        cur.execute(f"DELETE FROM {table}_riwayat WHERE batch_id IN ({_DEMO_BATCHES})")
    cur.execute(
        "UPDATE import_batch SET status = 'undone', undone_at = now() "
        f"WHERE batch_id IN ({_DEMO_BATCHES}) AND status = 'committed'"
    )
