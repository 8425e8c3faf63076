"""The engine-neutral store: what every engine offers the rest of the code (kpi.store for the
embedded DuckDB file, kpi.pgstore for PostgreSQL), and the choice of engine by the ``--db``
value. ``kpi.store`` re-exports all of it; import from there.

An engine implements ``cursor()`` (this thread's read cursor), ``write()`` (one write
transaction yielding a cursor that takes DuckDB-dialect SQL with ``?`` parameters),
``data_version()``, ``schema_version()`` and ``close()``; the reads and helpers below are
written on those.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kpi.queries.meta import put_setting


class StoreError(RuntimeError):
    """A store problem that a user can act on (message in Indonesian and English)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en


def newer_schema(current: int, known: int, name_id: str, name_en: str) -> StoreError:
    """The store (``name_id`` / ``name_en``, as a sentence names it) has schema version
    ``current``, newer than ``known``, this app's: it is not read, the app wants updating."""
    return StoreError(
        f"{name_id} versi skema {current} lebih baru dari aplikasi ini ({known}). "
        "Perbarui aplikasi.",
        f"{name_en} has schema version {current}, newer than this app ({known}). Update the app.",
    )


class DbUrl(str):
    """A PostgreSQL URL where a file path was expected: ``resolve()`` and ``expanduser()``
    leave it as it is, so callers that resolve a path need no change."""

    def resolve(self) -> DbUrl:
        return self

    def expanduser(self) -> DbUrl:
        return self


def is_db_url(value: object) -> bool:
    """A postgresql:// (or postgres://) URL rather than a file path."""
    return str(value).startswith(("postgresql://", "postgres://"))


# engine name -> a function giving its class (registered by kpi.store, imported when first used)
ENGINES: dict[str, Callable[[], type[Store]]] = {}


class Store:
    """A store on either engine: ``Store(path)`` is a ``kpi.store.DuckStore`` for a file and a
    ``kpi.pgstore.PgStore`` for a postgresql:// URL."""

    path: Path
    read_only: bool
    _local: threading.local

    def __new__(cls, path: str | os.PathLike[str], *args: Any, **kwargs: Any) -> Store:
        if cls is Store:
            cls = ENGINES["postgresql" if is_db_url(path) else "duckdb"]()
        return super().__new__(cls)

    # -- what each engine provides -------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def write(self, *, bump: bool = True) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        raise NotImplementedError

    def data_version(self) -> int:
        raise NotImplementedError

    def schema_version(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- reads -----------------------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read this thread's queries from one consistent state of the file.

        A figure built from several queries (a score and its benchmarks, the coaching rules)
        must not mix the data before and after a batch committed meanwhile: inside this block
        the thread's cursor holds one read transaction (DuckDB's MVCC snapshot). Nested blocks
        share the outer snapshot.
        """
        depth = getattr(self._local, "snapshot_depth", 0)
        if depth:
            self._local.snapshot_depth = depth + 1
            try:
                yield
            finally:
                self._local.snapshot_depth -= 1
            return
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        self._local.snapshot_depth = 1
        try:
            yield
        finally:
            self._local.snapshot_depth = 0
            cur.execute("ROLLBACK")  # nothing was written: end the read transaction

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read query with parameters and return a (small) frame."""
        return self.cursor().execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        row = self.cursor().execute(sql, params or []).fetchone()
        return row[0] if row else None

    # -- settings ------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        import json

        value = self.scalar("SELECT value FROM settings WHERE key = ?", [key])
        return json.loads(value) if value is not None else default

    def set_setting(self, key: str, value: Any) -> None:
        import json

        with self.write() as cur:
            put_setting(cur, key, json.dumps(value))

    def delete_setting(self, key: str) -> None:
        with self.write() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    # -- what is in it -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """No library and no report: the state in which the app loads the demo."""
        return not self.scalar(
            "SELECT (SELECT count(*) FROM perpustakaan) + (SELECT count(*) FROM laporan_bulanan)"
        )

    def should_load_demo(self) -> bool:
        """Empty and the demo was never cleared on purpose: the first start of a new store."""
        return self.is_empty() and self.get_meta("demo_dibersihkan") is None

    def has_demo(self) -> bool:
        return bool(
            self.scalar(
                "SELECT count(*) FROM import_batch WHERE sumber = 'demo' AND status = 'committed'"
            )
        )
