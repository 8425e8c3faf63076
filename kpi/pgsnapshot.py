"""A PostgreSQL store's analytic DuckDB snapshot: tables copied from PostgreSQL (COPY ... TO
STDOUT), whole or, for the batch tables, batch by batch (kpi.pgstore decides which and swaps the
file in)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import psycopg
from psycopg import sql

from kpi.schema import DATA_TABLE_KEYS

# tables a rebuild brings up to date batch by batch instead of copying them whole (see
# _sync_batches): the data tables and their history, keyed rows replaced by a commit and put
# back by an undo; and the tables only ever appended to, one batch's rows at a time
BATCH_APPENDED = ("import_file", "rejected_row")
BATCH_SYNCED = frozenset(
    [*DATA_TABLE_KEYS, *(f"{t}_riwayat" for t in DATA_TABLE_KEYS), *BATCH_APPENDED]
)


def copy_table(
    conn: psycopg.Connection[Any], duck: duckdb.DuckDBPyConnection, table: str, path: Path
) -> None:
    """One table from PostgreSQL into the snapshot file: COPY ... TO STDOUT as CSV, then
    DuckDB's CSV reader with the snapshot's own column types (NULL unquoted, '' quoted). A table
    with a BLOB column (the archived import files, megabytes a row) goes row by row instead."""
    described = duck.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    names = [str(c) for c, _ in described]
    types = {str(c): str(t) for c, t in described}
    quoted = ", ".join(f'"{c}"' for c in names)
    if "BLOB" in types.values():
        duck.execute(f'DELETE FROM "{table}"')
        marks = ", ".join("?" for _ in names)
        with conn.cursor(name=f"snapshot_{table}") as cur:
            cur.itersize = 16
            cur.execute(f'SELECT {quoted} FROM "{table}"')
            while rows := cur.fetchmany(16):
                duck.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        return
    with (
        open(path, "wb") as fh,
        conn.cursor().copy(f'COPY (SELECT {quoted} FROM "{table}") TO STDOUT (FORMAT csv)') as copy,
    ):
        for chunk in copy:
            fh.write(chunk)
    # the table again, with the same columns and types but no key or index: a snapshot is
    # only read, and loading a table without its key is several times faster
    duck.execute(f'DROP TABLE "{table}"')
    columns = ", ".join(f"'{c}': '{types[c]}'" for c in names)
    if path.stat().st_size == 0:
        cols = ", ".join(f'"{c}" {types[c]}' for c in names)
        duck.execute(f'CREATE TABLE "{table}" ({cols})')
        return
    duck.execute(
        f'CREATE TABLE "{table}" AS SELECT * FROM read_csv(?, header = false, '
        f"columns = {{{columns}}}, allow_quoted_nulls = false, quote = '\"', escape = '\"', "
        "delim = ',', auto_detect = false, max_line_size = 67108864)",
        [str(path)],
    )


# -- a rebuild batch by batch ------------------------------------------------------------------


def columns_of(duck: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """A DuckDB table's columns and their types, in order."""
    return [
        (str(c), str(t))
        for c, t in duck.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _pull(
    conn: psycopg.Connection[Any],
    duck: duckdb.DuckDBPyConnection,
    table: str,
    where: sql.Composable,
    into: str,
    path: Path,
) -> int:
    """The rows of PostgreSQL's ``table`` that ``where`` picks, into a new DuckDB TEMP table
    ``into`` with the snapshot's column types (CSV as copy_table; row by row with a BLOB)."""
    described = columns_of(duck, table)
    names = [c for c, _ in described]
    cols = ", ".join(f'"{c}" {t}' for c, t in described)
    duck.execute(f'DROP TABLE IF EXISTS "{into}"')
    duck.execute(f'CREATE TEMP TABLE "{into}" ({cols})')
    select = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in names), sql.Identifier(table), where
    )
    if any(t == "BLOB" for _, t in described):
        marks = ", ".join("?" for _ in names)
        with conn.cursor(name=f"sync_{table}") as cur:
            cur.itersize = 16
            cur.execute(select)
            while rows := cur.fetchmany(16):
                duck.executemany(f'INSERT INTO "{into}" VALUES ({marks})', rows)
    else:
        with (
            open(path, "wb") as fh,
            conn.cursor().copy(sql.SQL("COPY ({}) TO STDOUT (FORMAT csv)").format(select)) as copy,
        ):
            for chunk in copy:
                fh.write(chunk)
        if path.stat().st_size:
            columns = ", ".join(f"'{c}': '{t}'" for c, t in described)
            duck.execute(
                f'INSERT INTO "{into}" SELECT * FROM read_csv(?, header = false, '
                f"columns = {{{columns}}}, allow_quoted_nulls = false, quote = '\"', "
                "escape = '\"', delim = ',', auto_detect = false, max_line_size = 67108864)",
                [str(path)],
            )
    row = duck.execute(f'SELECT count(*) FROM "{into}"').fetchone()
    return int(row[0]) if row else 0


def _batch_counts(
    conn: psycopg.Connection[Any], duck: duckdb.DuckDBPyConnection, table: str
) -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]:
    """Rows per batch (and, in a history table, per replacing batch) in PostgreSQL and in the
    snapshot: the check that a table synced batch by batch holds what PostgreSQL holds."""
    by = ["batch_id", "diganti_oleh"] if table.endswith("_riwayat") else ["batch_id"]
    keys = ", ".join(f'"{c}"' for c in by)
    query = f'SELECT {keys}, count(*) FROM "{table}" GROUP BY {keys}'
    pg = {tuple(r[:-1]): int(r[-1]) for r in conn.execute(query).fetchall()}  # type: ignore[arg-type]
    snap = {tuple(r[:-1]): int(r[-1]) for r in duck.execute(query).fetchall()}
    return pg, snap


def _batch_events(
    conn: psycopg.Connection[Any], duck: duckdb.DuckDBPyConnection
) -> list[tuple[str, str]] | None:
    """What happened to the batches since the snapshot, in order: ("commit", id) for a batch
    committed since, ("undo", id) for one the snapshot holds committed and PostgreSQL undone.
    None when something else happened (a batch gone, a status changed otherwise): then the
    tables are copied whole."""
    query = "SELECT batch_id, status, created_at, undone_at FROM import_batch"
    pg = {str(r[0]): r[1:] for r in conn.execute(query).fetchall()}
    snap = {str(r[0]): r[1:] for r in duck.execute(query).fetchall()}
    if set(snap) - set(pg):
        return None  # a batch deleted (the demo cleared or replaced)
    events: list[tuple[Any, str, str]] = []
    for batch, (status, created, undone) in pg.items():
        before = snap.get(batch)
        if before is None:
            if status == "committed":
                events.append((created, "commit", batch))
            elif status != "undone":
                return None
            # committed and undone since the snapshot: nothing of it is left to show
        elif before[0] != status:
            if before[0] == "committed" and status == "undone" and undone is not None:
                events.append((undone, "undo", batch))
            else:
                return None
    events.sort(key=lambda e: (e[0], e[1]))
    return [(kind, batch) for _, kind, batch in events]


def sync_batches(
    conn: psycopg.Connection[Any], duck: duckdb.DuckDBPyConnection, tables: set[str], tmp: Path
) -> set[str]:
    """Bring the snapshot's batch tables up to date by the batches committed and undone since
    it was built (its import_batch, not copied yet, is the one it was built with), instead of
    copying them whole (at scale 10 the monthly reports alone are 1.8 million rows, copied for
    an import of twenty). The tables synced are returned; each is checked against PostgreSQL
    (its rows per batch), and one that does not match is left out, to be copied whole.

    - a data table and its history, for a batch committed: its rows (PostgreSQL's rows of the
      batch) replace the snapshot's rows of the same keys; the history gains the rows that
      batch replaced (``diganti_oleh``);
    - for a batch undone: as kpi.ingest.undo does, on the snapshot's own rows: the batch's rows
      go, the history's rows it replaced come back and leave the history;
    - an append-only table (import_file, rejected_row): the rows of every batch whose count
      differs are replaced by PostgreSQL's.
    """
    if not tables:
        return set()
    events = _batch_events(conn, duck)
    if events is None:
        return set()
    synced: set[str] = set()
    families = [t for t in DATA_TABLE_KEYS if t in tables or f"{t}_riwayat" in tables]
    for table in families:
        history = f"{table}_riwayat"
        names = [c for c, _ in columns_of(duck, table)]
        quoted = ", ".join(f'"{c}"' for c in names)
        match = " AND ".join(f'"{table}"."{k}" = sync_rows."{k}"' for k in DATA_TABLE_KEYS[table])
        for kind, batch in events:
            if kind == "undo":
                duck.execute(f'DELETE FROM "{table}" WHERE batch_id = ?', [batch])
                duck.execute(
                    f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{history}" '
                    "WHERE diganti_oleh = ?",
                    [batch],
                )
                duck.execute(f'DELETE FROM "{history}" WHERE diganti_oleh = ?', [batch])
                continue
            by_batch = sql.SQL("batch_id = {}").format(sql.Literal(batch))
            if _pull(conn, duck, table, by_batch, "sync_rows", tmp / "sync.csv"):
                duck.execute(f'DELETE FROM "{table}" USING sync_rows WHERE {match}')
                duck.execute(f'INSERT INTO "{table}" SELECT * FROM sync_rows')
            by_replacer = sql.SQL("diganti_oleh = {}").format(sql.Literal(batch))
            if _pull(conn, duck, history, by_replacer, "sync_rows", tmp / "sync.csv"):
                duck.execute(f'INSERT INTO "{history}" SELECT * FROM sync_rows')
        duck.execute("DROP TABLE IF EXISTS sync_rows")
        for name in (table, history):
            pg, snap = _batch_counts(conn, duck, name)
            if pg == snap:
                synced.add(name)
    for table in (t for t in BATCH_APPENDED if t in tables):
        pg, snap = _batch_counts(conn, duck, table)
        for (batch,) in (k for k in set(pg) | set(snap) if pg.get(k) != snap.get(k)):
            duck.execute(f'DELETE FROM "{table}" WHERE batch_id = ?', [batch])
            by_batch = sql.SQL("batch_id = {}").format(sql.Literal(batch))
            if _pull(conn, duck, table, by_batch, "sync_rows", tmp / "sync.csv"):
                duck.execute(f'INSERT INTO "{table}" SELECT * FROM sync_rows')
        duck.execute("DROP TABLE IF EXISTS sync_rows")
        pg, snap = _batch_counts(conn, duck, table)
        if pg == snap:
            synced.add(table)
    return synced
