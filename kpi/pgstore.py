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

from kpi.pgsnapshot import BATCH_SYNCED, copy_table, sync_batches
from kpi.pgsql import SCHEMA_CHANGED as SCHEMA_CHANGED
from kpi.pgsql import PgCursor as PgCursor
from kpi.pgsql import copy_frame as copy_frame
from kpi.pgsql import explain_pg_error as explain_pg_error
from kpi.pgsql import safe_url as safe_url
from kpi.pgsql import to_pg_sql as to_pg_sql
from kpi.schema import MIGRATIONS, SCHEMA_VERSION
from kpi.storebase import Store, StoreError, newer_schema

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
                raise newer_schema(
                    current, SCHEMA_VERSION, f"Basis data {self.path}", f"The database {self.path}"
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
                    synced = sync_batches(conn, duck, only & BATCH_SYNCED, Path(tmp))
                self.last_synced = frozenset(synced)
                for table in tables:
                    if only is not None and (table not in only or table in synced):
                        continue
                    copy_table(conn, duck, table, Path(tmp) / f"{table}.csv")
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
