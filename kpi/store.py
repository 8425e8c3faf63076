"""The store: the one module that owns the DuckDB file.

- the schema's migrations run (kpi.schema declares the tables; an older file is upgraded in
  place when it is opened);
- connections: one DuckDB database object per file and process, and a cursor per thread, because
  DuckDB connections must not be shared across threads;
- the single writer: every write goes through ``Store.write()``, which holds a process-wide lock
  around one transaction and bumps the data version that page caches key on.

Readers use ``Store.query()`` / ``Store.cursor()``; DuckDB's MVCC gives each of them a consistent
snapshot, so a reader sees the data before or after a write transaction, never between.

Two engines, one interface. ``--db`` / ``TPBIS_DB`` name either a DuckDB file (the default,
embedded) or a ``postgresql://user:password@host:port/dbname`` URL; ``Store(x)`` and
``open_store(x)`` give a ``kpi.pgstore.PgStore`` for a URL (PostgreSQL the system of record,
writes there in one transaction each, reads on a local read-only DuckDB snapshot of it).

For a server process (``python -m kpi serve``), the PostgreSQL side in short:

- open: ``open_store(url)``, with ``TPBIS_SNAPSHOT_DIR=/some/dir`` in the process's
  environment for where its snapshot files go (else a temp dir of its own, removed at close);
  or ``kpi.pgstore.PgStore(url, snapshot_dir=dir)``. Each process builds its own snapshot.
- the current data version: ``store.data_version()`` (the snapshot's, what the pages read;
  page caches key on it), ``store.write_version()`` (every write, bump or not);
  ``kpi.pgstore.pg_versions(url)`` reads both straight from PostgreSQL (meta keys
  ``data_version`` and ``write_version``).
- every commit sends ``NOTIFY tpbis_data, '<write_version>'`` (``kpi.pgstore.CHANNEL``); each
  store LISTENs on it in a thread and polls every 2 s besides, then rebuilds its snapshot.
  ``store.refresh()`` rebuilds now if PostgreSQL moved on.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb

from kpi.queries.meta import put_meta
from kpi.schema import DATA_TABLE_KEYS as DATA_TABLE_KEYS  # importable from here as before
from kpi.schema import MIGRATIONS, SCHEMA_VERSION
from kpi.storebase import ENGINES, newer_schema
from kpi.storebase import DbUrl as DbUrl
from kpi.storebase import Store as Store
from kpi.storebase import StoreError as StoreError
from kpi.storebase import is_db_url as is_db_url

DEFAULT_DB_ENV = "TPBIS_DB"


# What DuckDB says when another process holds the file's lock (and only then).
_LOCK_MARKERS = ("could not set lock on file", "conflicting lock is held")
# What it says when the file is damaged, cut short or not a database at all.
_DAMAGE_MARKERS = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt database file",
    "does not match stored checksum",
    "database has been invalidated",
    "failed to deserialize",
    "serialization error",
    "replaying wal",
    "wal file",
    "trying to read a database file with version number",
)
_LOCK_HOLDER = re.compile(r"conflicting lock is held in (.+?)(?:\. see also|$)", re.I | re.S)


def explain_error(exc: BaseException, path: str | os.PathLike[str]) -> StoreError | None:
    """A DuckDB failure a user can act on, as a StoreError naming the file and what to do:
    a damaged or unreadable file, or a file that another process holds. None for anything else.
    """
    if isinstance(exc, StoreError):
        return exc
    if is_db_url(path):
        from kpi.pgstore import explain_pg_error

        return explain_pg_error(exc, str(path))
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc)
    low = text.lower()
    detail = text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
    if any(m in low for m in _LOCK_MARKERS):
        found = _LOCK_HOLDER.search(text)
        holder = found.group(1).strip() if found else "?"
        return StoreError(
            f"Basis data {path} sedang dipakai proses lain ({holder}). Hentikan proses itu "
            "(misalnya aplikasi yang sedang berjalan) lalu coba lagi, atau pakai berkas lain "
            "(--db PATH atau TPBIS_DB).",
            f"The database {path} is held by another process ({holder}). Stop that process "
            "(for example a running app) and try again, or use another file "
            "(--db PATH or TPBIS_DB).",
        )
    if any(m in low for m in _DAMAGE_MARKERS):
        return StoreError(
            f"Berkas basis data {path} rusak atau tidak dapat dibaca ({detail}). Pulihkan "
            "salinan cadangan berkas itu, atau mulai dengan berkas lain (--db PATH atau "
            "TPBIS_DB; untuk aplikasi: streamlit run app.py -- --db PATH).",
            f"The database file {path} is damaged or unreadable ({detail}). Restore a backup "
            "copy of that file, or start with another file (--db PATH or TPBIS_DB; for the "
            "app: streamlit run app.py -- --db PATH).",
        )
    return None


def default_db_path() -> Path:
    """Where the store lives when neither --db nor TPBIS_DB says otherwise.

    Outside the repository, in the user's data folder, so a database file is never committed.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tpbis" / "tpbis.duckdb"


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--db on the command line, else the TPBIS_DB environment variable, else the default.
    A PostgreSQL URL comes back as a ``DbUrl`` (a str with Path's resolve / expanduser)."""
    value = cli_value or os.environ.get(DEFAULT_DB_ENV)
    if value and is_db_url(value):
        return DbUrl(str(value))  # type: ignore[return-value]
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DEFAULT_DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def schema_version_of(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file up to ``target``, one migration per transaction. Returns the old version."""
    current = schema_version_of(con)
    if current > SCHEMA_VERSION:
        raise newer_schema(current, SCHEMA_VERSION, "Berkas basis data", "The database file")
    for version in range(current + 1, target + 1):
        with transaction(con):
            MIGRATIONS[version - 1](con)
            put_meta(con, "schema_version", str(version))
    return current


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN, then COMMIT when the block ends, or ROLLBACK when it raises (the error goes on)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# ---------------------------------------------------------------------------------------------


class DuckStore(Store):
    """The embedded engine: one DuckDB file, a database object per process, a cursor per thread,
    one writer (``Store(path)`` for a file path is one)."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            known = explain_error(exc, self.path)
            if known is not None:
                raise known from exc
            raise StoreError(
                f"Basis data {self.path} tidak dapat dibuka: {exc}",
                f"The database {self.path} cannot be opened: {exc}",
            ) from exc
        self._write_lock = threading.RLock()
        self._local = threading.local()
        # another process may have written while no Store of this process held the file
        self._version = _memo_of(self.path)
        self._version.forget()
        try:
            if not read_only:
                with self._write_lock:
                    migrate(self._con)
                    self._ensure_regions()
            elif 0 < schema_version_of(self._con) < SCHEMA_VERSION:
                # reading the catalogue above also makes a damaged file say so now
                self._upgrade_then_reopen_read_only()
        except duckdb.Error as exc:
            self._con.close()
            known = explain_error(exc, self.path)
            if known is not None:
                raise known from exc
            raise

    def _upgrade_then_reopen_read_only(self) -> None:
        """A file of an older version opened to read (the command line): upgrade it first, as
        opening it to write would, then read it."""
        self._con.close()
        try:
            con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            raise StoreError(
                f"Basis data {self.path} perlu diperbarui ke versi skema {SCHEMA_VERSION}, "
                f"tetapi sedang dipakai proses lain: {exc}",
                f"The database {self.path} needs an upgrade to schema version "
                f"{SCHEMA_VERSION}, but another process holds it: {exc}",
            ) from exc
        try:
            migrate(con)
        finally:
            con.close()
        self._con = duckdb.connect(str(self.path), read_only=True)

    # -- connections ---------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's own cursor (DuckDB connections are not shared across threads)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction, under the process-wide writer lock: all or nothing.

        ``bump=False`` for writes no page shows from its caches (a sign-in's counters, an audit
        event of its own), so that they do not make every page cache miss."""
        if self.read_only:
            raise StoreError("Basis data dibuka hanya-baca.", "The database is open read-only.")
        with self._write_lock:
            cur = self._con.cursor()
            try:
                with transaction(cur):
                    yield cur
                    if bump:
                        cur.execute(
                            "INSERT INTO meta VALUES ('data_version', "
                            "CAST(COALESCE((SELECT CAST(value AS BIGINT) FROM meta "
                            "WHERE key = 'data_version'), 0) + 1 AS VARCHAR)) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                        )
            finally:
                if bump:  # committed or rolled back: the next reader asks the file again
                    self._version.forget()
                cur.close()

    def data_version(self) -> int:
        """Bumped by every committed write: page caches key on it.

        Every cached call of a page asks for it (tens of queries a page run): outside a
        snapshot it is remembered per file until a write of this process bumps it (this process
        is the file's only writer, DuckDB's lock sees to that). Inside a snapshot it is read
        from the snapshot's own state, which may be older."""
        in_snapshot = bool(getattr(self._local, "snapshot_depth", 0))
        if not in_snapshot:
            known = self._version.known()
            if known is not None:
                return known
        asked = self._version.generation()
        value = self.scalar("SELECT value FROM meta WHERE key = 'data_version'")
        version = int(value) if value is not None else 0
        if not in_snapshot:
            self._version.remember(version, asked)
        return version

    def schema_version(self) -> int:
        return schema_version_of(self.cursor())

    def close(self) -> None:
        self._version.forget()
        self._con.close()

    # -- regions -------------------------------------------------------------------------------
    def _ensure_regions(self) -> None:
        """Load the committed gazetteer into the region table the first time."""
        cur = self._con.cursor()
        try:
            n = cur.execute("SELECT count(*) FROM wilayah").fetchone()
            if n and n[0]:
                return
            from kpi import places

            frame = places.wilayah_frame()[
                ["kode", "tingkat", "nama", "kode_induk", "latitude", "longitude"]
            ]
            with transaction(cur):
                cur.register("wilayah_src", frame)
                cur.execute(
                    "INSERT INTO wilayah SELECT kode, tingkat, nama, kode_induk, "
                    "latitude, longitude FROM wilayah_src"
                )
                cur.unregister("wilayah_src")
        finally:
            cur.close()


P = ParamSpec("P")
R = TypeVar("R")


def consistent(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run a function of the store (its first argument) on one snapshot (see Store.snapshot)."""

    @functools.wraps(fn)
    def wrapper(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        with store.snapshot():
            return fn(store, *args, **kwargs)

    return wrapper


class _VersionMemo:
    """A file's data version as this process last read it, forgotten by each bumping write.

    One per file and process (two Store objects of one file share DuckDB's database object, so
    they share this too). A reader remembers what it read only if no write forgot the version
    since the reader asked: a value read just before a commit is never kept after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gen = 0
        self._value: int | None = None

    def known(self) -> int | None:
        return self._value

    def generation(self) -> int:
        return self._gen

    def remember(self, value: int, asked_at: int) -> None:
        with self._lock:
            if self._gen == asked_at:
                self._value = value

    def forget(self) -> None:
        with self._lock:
            self._gen += 1
            self._value = None


_memos: dict[str, _VersionMemo] = {}
_memos_lock = threading.Lock()


def _memo_of(path: Path) -> _VersionMemo:
    key = str(path.resolve())
    with _memos_lock:
        memo = _memos.get(key)
        if memo is None:
            memo = _memos[key] = _VersionMemo()
        return memo


_registry: dict[Path | str, Store] = {}
_registry_lock = threading.Lock()


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The process's Store for a file (one DuckDB database object per file and process) or a
    PostgreSQL URL (one PgStore, and so one snapshot, per URL and process)."""
    resolved = resolve_db_path(path).resolve()
    with _registry_lock:
        store = _registry.get(resolved)
        if store is None:
            store = Store(resolved)
            _registry[resolved] = store
        return store


def close_all() -> None:
    with _registry_lock:
        for store in _registry.values():
            store.close()
        _registry.clear()


def _postgresql() -> type[Store]:
    from kpi.pgstore import PgStore

    return PgStore


ENGINES["duckdb"] = lambda: DuckStore
ENGINES["postgresql"] = _postgresql
