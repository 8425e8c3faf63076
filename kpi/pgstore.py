"""The PostgreSQL store engine: PostgreSQL is the system of record, a local DuckDB file the
snapshot every read runs on (see kpi.store for the interface both engines share).

- Writes: ``PgStore.write()`` opens one PostgreSQL transaction (psycopg 3) and yields a
  ``PgCursor``, an adapter that takes what the write code calls on a DuckDB cursor: ``execute``
  with ``?`` / ``$name`` placeholders, ``fetchone`` / ``fetchall`` / ``df``, and
  ``register(name, frame)`` (the frame copied into a TEMP table of that name, dropped at commit).
  Every writer of every process takes one advisory lock for the whole store
  (``pg_advisory_xact_lock(WRITE_LOCK)``), so writes are serialised across servers as the
  single-writer lock serialises them in one process. The data version is bumped in the same
  transaction and announced with ``NOTIFY tpbis_data, '<version>'``.
- Reads: query / scalar / cursor / snapshot run on a read-only DuckDB file built from
  PostgreSQL (each table COPY'd out as CSV, loaded by DuckDB into a file made by the same
  migrations as the embedded store), written to a new file and swapped in under a lock whenever
  PostgreSQL's write version changes: synchronously after this process's own commit, and from
  other processes through a LISTEN thread with a polling fallback (every ``POLL_SECONDS``).
  The engine's SQL stays DuckDB SQL.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import psycopg
from psycopg import sql

from kpi.pgsql import SCHEMA_CHANGED as SCHEMA_CHANGED
from kpi.pgsql import PgCursor as PgCursor
from kpi.pgsql import copy_frame as copy_frame
from kpi.pgsql import explain_pg_error as explain_pg_error
from kpi.pgsql import safe_url as safe_url
from kpi.pgsql import to_pg_sql as to_pg_sql
from kpi.schema import DATA_TABLE_KEYS, MIGRATIONS, SCHEMA_VERSION
from kpi.storebase import Store, StoreError

CHANNEL = "tpbis_data"  # NOTIFY channel: the payload is the new write version
WRITE_LOCK = 1_717_017  # pg_advisory_xact_lock key held by every write transaction
POLL_SECONDS = 2.0
# a replaced snapshot stays open this long for the readers still on it, then is closed
RETIRE_SECONDS = 60.0
SNAPSHOT_DIR_ENV = "TPBIS_SNAPSHOT_DIR"
# meta keys: data_version (page caches key on it, bumped by writes that pages show),
# write_version (bumped by every write: a snapshot is rebuilt when it changes) and, per table,
# TABLE_VERSION_PREFIX + table (the write version that last changed it: a rebuild copies only
# the tables changed since the snapshot it replaces, into a copy of that snapshot's file)
WRITE_VERSION_KEY = "write_version"
TABLE_VERSION_PREFIX = "table_version:"
# tables a rebuild brings up to date batch by batch instead of copying them whole (see
# _sync_batches): the data tables and their history, keyed rows replaced by a commit and put
# back by an undo; and the tables only ever appended to, one batch's rows at a time
BATCH_APPENDED = ("import_file", "rejected_row")
BATCH_SYNCED = frozenset(
    [*DATA_TABLE_KEYS, *(f"{t}_riwayat" for t in DATA_TABLE_KEYS), *BATCH_APPENDED]
)

# -- the store ---------------------------------------------------------------------------------


class _Generation:
    """One snapshot file opened read-only, and the write version it holds."""

    def __init__(self, path: Path, versions: dict[str, str]) -> None:
        self.path = path
        self.versions = versions  # PostgreSQL's meta rows of versions when it was built
        self.version = int(versions.get(WRITE_VERSION_KEY, 0))
        self.data_version = int(versions.get("data_version", 0))
        self.con = duckdb.connect(str(path), read_only=True)


class PgStore(Store):
    """A store in PostgreSQL, read through a local DuckDB snapshot (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        snapshot_dir: str | os.PathLike[str] | None = None,
        listen: bool = True,
    ) -> None:
        self.url = str(path)
        self.path = safe_url(self.url)  # type: ignore[assignment]  # caches key on str(path)
        self.read_only = read_only
        self._write_lock = threading.RLock()
        self._swap_lock = threading.Lock()
        self._rebuild_lock = threading.Lock()
        self._local = threading.local()
        self._closed = threading.Event()
        self._gen: _Generation | None = None
        self._retired: list[tuple[float, _Generation]] = []
        self._counter = 0
        self.last_rebuild_seconds: float | None = None
        self.last_synced: frozenset[str] = frozenset()  # tables the last rebuild synced by batch
        chosen = snapshot_dir or os.environ.get(SNAPSHOT_DIR_ENV)
        if chosen:
            base = Path(chosen)
            base.mkdir(parents=True, exist_ok=True)
            self._own_dir = False
        else:
            base = Path(tempfile.mkdtemp(prefix="tpbis-snapshot-"))
            self._own_dir = True
        self.snapshot_dir = base
        try:
            with self._connect() as conn:
                self._migrate(conn)
        except psycopg.Error as exc:
            raise self._explain(exc) from exc
        self.refresh(force=True)
        self._listener: threading.Thread | None = None
        if listen:
            self._listener = threading.Thread(
                target=self._listen, name="tpbis-pg-listen", daemon=True
            )
            self._listener.start()

    # -- PostgreSQL ------------------------------------------------------------------------------
    def _connect(self, autocommit: bool = False) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, autocommit=autocommit, connect_timeout=10)
        except psycopg.Error as exc:
            raise self._explain(exc) from exc

    def _explain(self, exc: BaseException) -> StoreError:
        known = explain_pg_error(exc, self.url)
        if known is not None:
            return known
        shown = safe_url(self.url)
        return StoreError(
            f"Basis data PostgreSQL {shown} gagal: {str(exc)[:300]}",
            f"The PostgreSQL database {shown} failed: {str(exc)[:300]}",
        )

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        """The same migrations as the embedded file (kpi.schema), one transaction each, under
        the write lock (two servers starting at once migrate once)."""
        with conn.transaction():
            cur = PgCursor(conn)
            cur.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])
            current = self._schema_version_pg(cur)
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"Basis data {self.path} versi skema {current} lebih baru dari aplikasi ini "
                    f"({SCHEMA_VERSION}). Perbarui aplikasi.",
                    f"The database {self.path} has schema version {current}, newer than this "
                    f"app ({SCHEMA_VERSION}). Update the app.",
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                with conn.transaction():
                    MIGRATIONS[version - 1](cur)  # type: ignore[arg-type]
                    _put_meta(cur, "schema_version", str(version))
            if current < SCHEMA_VERSION:  # every snapshot built before is rebuilt whole
                _put_meta(
                    cur, TABLE_VERSION_PREFIX + SCHEMA_CHANGED, str(_bump(cur, WRITE_VERSION_KEY))
                )
            if not cur.execute("SELECT count(*) FROM wilayah").fetchall()[0][0]:
                from kpi import places

                frame = places.wilayah_frame()[
                    ["kode", "tingkat", "nama", "kode_induk", "latitude", "longitude"]
                ]
                cur.register("wilayah_src", frame)
                cur.execute(
                    "INSERT INTO wilayah SELECT kode, tingkat, nama, kode_induk, "
                    "latitude, longitude FROM wilayah_src"
                )
                _bump(cur, WRITE_VERSION_KEY)  # the data version stays as an embedded file's

    @staticmethod
    def _schema_version_pg(cur: PgCursor) -> int:
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
            "AND table_schema = current_schema()"
        ).fetchall()[0][0]
        if not exists:
            return 0
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One PostgreSQL transaction under the store-wide advisory lock: all or nothing. The
        write version (and with ``bump`` the data version) rises in it and is NOTIFY'd; this
        process's snapshot is rebuilt before the block returns (it sees its own write)."""
        if self.read_only:
            raise StoreError("Basis data dibuka hanya-baca.", "The database is open read-only.")
        with self._write_lock:
            conn = self._connect()
            try:
                try:
                    with conn.transaction():
                        cur = PgCursor(conn)
                        cur.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])
                        yield cur  # type: ignore[misc]
                        touched = set(cur.touched)
                        if bump:
                            _bump(cur, "data_version")
                        version = _bump(cur, WRITE_VERSION_KEY)
                        for table in sorted(touched):
                            _put_meta(cur, TABLE_VERSION_PREFIX + table, str(version))
                        cur.execute(f"NOTIFY {CHANNEL}, '{int(version)}'")
                except psycopg.Error as exc:
                    known = explain_pg_error(exc, self.url)
                    if known is not None and isinstance(exc, psycopg.OperationalError):
                        raise known from exc
                    raise
            finally:
                conn.close()
        self.refresh()

    # -- the snapshot ------------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild the snapshot when PostgreSQL's write version differs from it (``force``:
        always): only the tables written since the current snapshot, into a copy of its file
        (every table after a change of schema). True when a new snapshot was swapped in."""
        with self._rebuild_lock:
            if self._closed.is_set():
                return False
            t0 = time.perf_counter()
            conn = self._connect()
            try:
                with conn.transaction():
                    # one consistent state of every table, the versions included
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    versions = _version_rows(conn)
                    gen = self._gen
                    if not force and gen is not None and gen.versions == versions:
                        return False
                    only: set[str] | None = None
                    if not force and gen is not None:
                        only = {"meta"} | {
                            k[len(TABLE_VERSION_PREFIX) :]
                            for k, v in versions.items()
                            if k.startswith(TABLE_VERSION_PREFIX) and gen.versions.get(k) != v
                        }
                        if SCHEMA_CHANGED in only or _mostly(gen, only - BATCH_SYNCED):
                            only = None  # a whole new file is quicker than a copy and changes
                    path = self._build(conn, only, gen)
            except psycopg.Error as exc:
                raise self._explain(exc) from exc
            finally:
                conn.close()
            self._swap(_Generation(path, versions))
            self.last_rebuild_seconds = time.perf_counter() - t0
            return True

    def _build(
        self, conn: psycopg.Connection[Any], only: set[str] | None, gen: _Generation | None
    ) -> Path:
        with self._swap_lock:
            self._counter += 1
            n = self._counter
        path = self.snapshot_dir / f"snapshot-{os.getpid()}-{n}.duckdb"
        for stale in (path, path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        if only is not None and gen is not None:
            shutil.copyfile(gen.path, path)  # read-only file: its bytes are the whole state
        duck = duckdb.connect(str(path))
        try:
            if only is None:  # the embedded schema, by the same migrations (meta comes next)
                for step in MIGRATIONS:
                    step(duck)
            tables = [
                str(r[0])
                for r in duck.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'main' ORDER BY table_name"
                ).fetchall()
            ]
            with tempfile.TemporaryDirectory(prefix="tpbis-snap-") as tmp:
                synced: set[str] = set()
                if only is not None and "import_batch" in only:  # batches came or went
                    synced = _sync_batches(conn, duck, only & BATCH_SYNCED, Path(tmp))
                self.last_synced = frozenset(synced)
                for table in tables:
                    if only is not None and (table not in only or table in synced):
                        continue
                    _copy_table(conn, duck, table, Path(tmp) / f"{table}.csv")
            duck.execute("CHECKPOINT")
        finally:
            duck.close()
        return path

    def _swap(self, gen: _Generation) -> None:
        """The new snapshot for every read from now on; the old one stays open for the reads
        still on it (a thread inside ``snapshot()``) and is closed RETIRE_SECONDS later."""
        with self._swap_lock:
            old, self._gen = self._gen, gen
            if old is not None:
                self._retired.append((time.monotonic(), old))
            self._reap()

    def _reap(self, *, everything: bool = False) -> None:
        """Close and remove the snapshots retired long enough ago (under the swap lock)."""
        now = time.monotonic()
        keep: list[tuple[float, _Generation]] = []
        for when, old in self._retired:
            if not everything and now - when < RETIRE_SECONDS:
                keep.append((when, old))
                continue
            with suppress(duckdb.Error):
                old.con.close()
            for p in (old.path, old.path.with_suffix(".duckdb.wal")):
                with suppress(OSError):
                    p.unlink(missing_ok=True)
        self._retired = keep

    def _listen(self) -> None:
        """LISTEN for other processes' commits; poll every POLL_SECONDS whatever happens."""
        conn: psycopg.Connection[Any] | None = None
        while not self._closed.is_set():
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                    conn.execute(f"LISTEN {CHANNEL}")
                for _ in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                    pass
                if not self._closed.is_set():
                    self.refresh()
                    with self._swap_lock:
                        self._reap()
            except Exception:  # the server away for a while: keep trying, reads go on
                if conn is not None:
                    with suppress(Exception):
                        conn.close()
                conn = None
                self._closed.wait(POLL_SECONDS)
        if conn is not None:
            conn.close()

    # -- reads -----------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the current snapshot (a newer snapshot from the next call
        on, unless the thread is inside a ``snapshot()`` block)."""
        gen = self._gen
        assert gen is not None
        cur = getattr(self._local, "cursor", None)
        inside = int(getattr(self._local, "snapshot_depth", 0)) > 0
        if cur is not None and (inside or getattr(self._local, "gen", None) is gen):
            return cur  # type: ignore[no-any-return]
        cur = gen.con.cursor()
        self._local.cursor = cur
        self._local.gen = gen
        return cur

    def data_version(self) -> int:
        gen = self._gen
        return gen.data_version if gen is not None else 0

    def write_version(self) -> int:
        """PostgreSQL's write version the current snapshot holds."""
        gen = self._gen
        return gen.version if gen is not None else 0

    def schema_version(self) -> int:
        with self._connect() as conn:
            return self._schema_version_pg(PgCursor(conn))

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.join(timeout=POLL_SECONDS + 1)
        with self._rebuild_lock, self._swap_lock:
            gen, self._gen = self._gen, None
            if gen is not None:
                self._retired.append((0.0, gen))
            self._reap(everything=True)
        self._local = threading.local()
        if self._own_dir:
            shutil.rmtree(self.snapshot_dir, ignore_errors=True)

    def _ensure_regions(self) -> None:  # done in _migrate, in PostgreSQL
        return None


def pg_versions(url: str) -> tuple[int, int]:
    """(write_version, data_version) as PostgreSQL holds them now (no snapshot involved)."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        return _versions(conn)


def _versions(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    rows = _version_rows(conn)
    return int(rows.get(WRITE_VERSION_KEY, 0)), int(rows.get("data_version", 0))


def _version_rows(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """meta's version rows: data_version, write_version and the tables' versions."""
    return dict(
        conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('data_version', %s) OR starts_with(key, %s)",
            [WRITE_VERSION_KEY, TABLE_VERSION_PREFIX],
        ).fetchall()
    )


def _mostly(gen: _Generation, tables: set[str]) -> bool:
    """The tables hold a third or more of the snapshot's rows (then rebuilding all is quicker
    than copying the file and replacing them)."""
    sizes = dict(
        gen.con.cursor()
        .execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main'"
        )
        .fetchall()
    )
    total = sum(int(v or 0) for v in sizes.values())
    return total > 0 and 3 * sum(int(sizes.get(t) or 0) for t in tables) >= total


def _put_meta(cur: PgCursor, key: str, value: str) -> None:
    from kpi.queries.meta import put_meta

    put_meta(cur, key, value)  # type: ignore[arg-type]


def _bump(cur: PgCursor, key: str) -> int:
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    value = (int(row[0]) if row else 0) + 1
    _put_meta(cur, key, str(value))
    return value


def _copy_table(
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


def _columns_of(duck: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
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
    ``into`` with the snapshot's column types (CSV as _copy_table; row by row with a BLOB)."""
    described = _columns_of(duck, table)
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


def _sync_batches(
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
        names = [c for c, _ in _columns_of(duck, table)]
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
