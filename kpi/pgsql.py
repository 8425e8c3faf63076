"""PostgreSQL for the store's write code: the DuckDB-dialect SQL of kpi's writes turned into
psycopg's (placeholders, type names), ``PgCursor`` (what the write code calls on a DuckDB
cursor, over a psycopg transaction), frames copied in by COPY, and connection errors a user can
act on (kpi.pgstore is the engine that uses them)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd
import psycopg

from kpi.storebase import StoreError

SCHEMA_CHANGED = "*"
_WRITTEN = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE|"
    r"DROP\s+TABLE(?:\s+IF\s+EXISTS)?|CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+\"?(\w+)",
    re.I,
)


def safe_url(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(str(url))
    if parts.password is None:
        return str(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def explain_pg_error(exc: BaseException, url: str) -> StoreError | None:
    """A PostgreSQL failure a user can act on, as a StoreError naming the URL (no password)."""
    if isinstance(exc, StoreError):
        return exc
    if not isinstance(exc, psycopg.Error):
        return None
    shown = safe_url(url)
    text = str(exc).strip()
    low = text.lower()
    detail = text.splitlines()[0][:300] if text else type(exc).__name__
    if "password authentication failed" in low or "no password supplied" in low:
        return StoreError(
            f"Masuk ke PostgreSQL {shown} ditolak: nama pengguna atau kata sandi salah "
            "(periksa URL di --db atau TPBIS_DB).",
            f"PostgreSQL {shown} refused the login: wrong user name or password (check the "
            "URL in --db or TPBIS_DB).",
        )
    if "does not exist" in low and "database" in low:
        return StoreError(
            f"Basis data PostgreSQL {shown} tidak ada. Buat dulu (createdb), lalu coba lagi.",
            f"The PostgreSQL database {shown} does not exist. Create it first (createdb), "
            "then try again.",
        )
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(
            f"PostgreSQL {shown} tidak dapat dihubungi ({detail}). Periksa bahwa server "
            "berjalan dan alamat serta porta di URL benar.",
            f"PostgreSQL {shown} cannot be reached ({detail}). Check that the server is "
            "running and the URL's host and port are right.",
        )
    return None


# -- SQL from the write code (DuckDB dialect) to PostgreSQL -------------------------------------

_DOUBLE = re.compile(r"\bDOUBLE\b(?!\s+PRECISION)")
_BLOB = re.compile(r"\bBLOB\b")


def to_pg_sql(sql: str) -> str:
    """``?`` and ``$name`` placeholders to psycopg's, ``%`` doubled, DuckDB type names mapped
    (DOUBLE, BLOB). String literals and quoted names are kept as they are (but their ``%``)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
            continue
        if ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        elif ch == "$" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1 : j]})s")
            i = j
            continue
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    return _BLOB.sub("BYTEA", _DOUBLE.sub("DOUBLE PRECISION", text))


_PG_TYPES = {
    "VARCHAR": "TEXT",
    "BOOLEAN": "BOOLEAN",
    "TINYINT": "SMALLINT",
    "SMALLINT": "SMALLINT",
    "INTEGER": "INTEGER",
    "BIGINT": "BIGINT",
    "HUGEINT": "NUMERIC",
    "UTINYINT": "SMALLINT",
    "USMALLINT": "INTEGER",
    "UINTEGER": "BIGINT",
    "UBIGINT": "NUMERIC",
    "FLOAT": "REAL",
    "DOUBLE": "DOUBLE PRECISION",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "TIMESTAMP_NS": "TIMESTAMP",
    "TIMESTAMP_MS": "TIMESTAMP",
    "TIMESTAMP_S": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "BLOB": "BYTEA",
}


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "NUMERIC")
    return _PG_TYPES.get(duck_type, "TEXT")


class PgCursor:
    """What the write code calls on a DuckDB cursor, over a psycopg connection in a
    transaction (see the module's docstring)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._cur = psycopg.ClientCursor(conn)
        self.touched: set[str] = set()  # tables written (SCHEMA_CHANGED: a table's shape)

    def _note(self, sql: str) -> None:
        for verb, table in _WRITTEN.findall(sql):
            word = verb.split()[0].upper()
            self.touched.add(SCHEMA_CHANGED if word in ("ALTER", "CREATE") else table.lower())

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> PgCursor:
        if params is None:
            params = []
        elif not isinstance(params, dict):
            params = list(params)
        self._note(sql)
        self._cur.execute(to_pg_sql(sql), params)  # type: ignore[call-overload]
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone() if self._cur.description else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description else []

    def df(self) -> pd.DataFrame:
        names = [d.name for d in self._cur.description or []]
        return pd.DataFrame(self.fetchall(), columns=names)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """The frame as a TEMP table ``name`` (dropped at the end of the transaction), its
        column types as DuckDB reads the frame (the same as the embedded engine's)."""
        copy_frame(self.conn, name, frame, temp=True)

    def unregister(self, name: str) -> None:
        self._cur.execute(f'DROP TABLE IF EXISTS "{name}"')

    def close(self) -> None:
        self._cur.close()


def copy_frame(conn: psycopg.Connection[Any], name: str, frame: pd.DataFrame, temp: bool) -> None:
    """A pandas frame into a (new) PostgreSQL table, by COPY (DuckDB writes the CSV)."""
    duck = duckdb.connect()
    try:
        duck.register("frame_src", frame)
        described = duck.execute("DESCRIBE SELECT * FROM frame_src").fetchall()
        cols = ", ".join(f'"{c}" {_pg_type(str(t))}' for c, t, *_ in described)
        kind = "TEMP TABLE" if temp else "TABLE"
        suffix = " ON COMMIT DROP" if temp else ""
        with conn.cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
            cur.execute(f'CREATE {kind} "{name}" ({cols}){suffix}')
            if frame.empty:
                return
            with tempfile.TemporaryDirectory(prefix="tpbis-copy-") as tmp:
                path = Path(tmp) / "rows.csv"
                duck.execute(
                    f"COPY (SELECT * FROM frame_src) TO '{path}' (FORMAT csv, HEADER false)"
                )
                with (
                    cur.copy(f'COPY "{name}" FROM STDIN (FORMAT csv)') as copy,
                    open(path, "rb") as fh,
                ):
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
    finally:
        duck.close()
