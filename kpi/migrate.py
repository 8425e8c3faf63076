"""Move an embedded DuckDB store into an empty PostgreSQL store: ``python -m kpi migrate-to-pg``.

Every table of the file (the register, reports, targets, self-assessments, context, batches with
their history and archived files, rejected rows, settings, mappings, users, grants, the audit
trail, the regions and the markers in meta) is copied, as it is, in ONE PostgreSQL transaction
under the store's write lock: the new store holds all of it or nothing. The target must be
empty (no row but its regions and version markers; checked inside that transaction), so a
second run, or a store already in use, is refused and left untouched. The file is only read
(opened read-only; an older schema is upgraded first, as any command does).

Each table goes by COPY: DuckDB writes it as CSV, PostgreSQL reads it into the same columns
(numbers as DuckDB prints them, which read back to the same value); the archived files
(BLOB) go row by row. Afterwards every table's row count is compared with the file's.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.pgsnapshot import columns_of
from kpi.pgsql import SCHEMA_CHANGED, PgCursor, safe_url
from kpi.store import Store, StoreError, is_db_url

# meta keys of the PostgreSQL engine itself (its versions), not copied from the file
_PG_META = ("schema_version", "write_version", "data_version")
_PG_META_PREFIX = "table_version:"
_REGIONS = "wilayah"  # filled by the PostgreSQL store's first migration: replaced by the file's


@dataclass
class MoveResult:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables(cur: Any) -> list[str]:
    return [
        str(r[0])
        for r in cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]


def _not_empty(cur: PgCursor, tables: list[str]) -> list[str]:
    """The target's tables that hold rows of their own (its regions and versions aside)."""
    out = []
    for table in tables:
        if table in (_REGIONS, "meta"):
            continue
        if cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]:
            out.append(table)
    if cur.execute(
        "SELECT count(*) FROM meta WHERE key NOT IN (?, ?, ?) AND NOT starts_with(key, ?)",
        [*_PG_META, _PG_META_PREFIX],
    ).fetchall()[0][0]:
        out.append("meta")
    return out


def move_to_pg(source: str | os.PathLike[str], url: str) -> MoveResult:
    """Copy the DuckDB file ``source`` into the empty PostgreSQL store ``url`` (see the module
    docstring); raises StoreError, in both languages, for what a user can act on."""
    shown = safe_url(url)
    path = Path(source).expanduser()
    if not is_db_url(url):
        raise StoreError(
            f"Tujuan --to harus URL PostgreSQL (postgresql://PENGGUNA@HOST:5432/NAMA_DB), "
            f"bukan {url}.",
            f"The target --to must be a PostgreSQL URL (postgresql://USER@HOST:5432/DBNAME), "
            f"not {url}.",
        )
    if is_db_url(str(source)) or not path.is_file():
        raise StoreError(
            f"Berkas DuckDB {source} tidak ada. Sebutkan berkas basis data tertanam dengan "
            "--from (lihat python -m kpi summary untuk berkas bawaan).",
            f"The DuckDB file {source} does not exist. Name the embedded database file with "
            "--from (python -m kpi summary shows the default one).",
        )
    from kpi.pgstore import PgStore

    src = Store(path, read_only=True)
    try:
        target = PgStore(url, listen=False)  # makes the schema (the same migrations)
        try:
            if src.schema_version() != target.schema_version():
                raise StoreError(
                    f"Versi skema berkas {path} ({src.schema_version()}) berbeda dari "
                    f"PostgreSQL {shown} ({target.schema_version()}). Perbarui aplikasi.",
                    f"The schema version of the file {path} ({src.schema_version()}) differs "
                    f"from PostgreSQL {shown} ({target.schema_version()}). Update the app.",
                )
            result = MoveResult(source=str(path), target=shown)
            with tempfile.TemporaryDirectory(prefix="tpbis-move-") as tmp:
                _copy_all(src, target, Path(tmp), result)
            _check_counts(src, target, result)
            return result
        finally:
            target.close()
    finally:
        src.close()


def _copy_all(src: Store, target: Any, tmp: Path, result: MoveResult) -> None:
    scur = src.cursor()
    tables = _tables(scur)
    # one transaction, under the store's write lock; the data version is the file's (exports
    # name it), so the write does not raise it
    with target.write(bump=False) as cur:
        assert isinstance(cur, PgCursor)
        full = _not_empty(cur, tables)
        if full:
            raise StoreError(
                f"PostgreSQL {target.path} tidak kosong (tabel {', '.join(full)} berisi data). "
                "Pindahkan hanya ke basis data baru yang kosong (createdb NAMA_BARU); tidak ada "
                "yang diubah.",
                f"PostgreSQL {target.path} is not empty (the tables {', '.join(full)} hold "
                "data). Move only into a new, empty database (createdb NEW_NAME); nothing was "
                "changed.",
            )
        cur.touched.add(SCHEMA_CHANGED)  # every snapshot of this store is rebuilt whole
        for table in tables:
            columns = columns_of(scur, table)
            names = [c for c, _ in columns]
            quoted = ", ".join(f'"{c}"' for c in names)
            if table == "meta":
                rows = scur.execute("SELECT key, value FROM meta").fetchall()
                from kpi.queries.meta import put_meta

                kept = [
                    (k, v)
                    for k, v in rows
                    if k not in _PG_META and not str(k).startswith(_PG_META_PREFIX)
                ]
                for key, value in kept:
                    put_meta(cur, str(key), str(value))
                version = dict(rows).get("data_version")
                if version is not None:
                    put_meta(cur, "data_version", str(version))
                result.rows[table] = len(kept)
                continue
            if table == _REGIONS:
                cur.execute(f'DELETE FROM "{table}"')
            if any(t == "BLOB" for _, t in columns):  # archived files: megabytes a row
                marks = ", ".join("?" for _ in names)
                n = 0
                for row in scur.execute(f'SELECT {quoted} FROM "{table}"').fetchall():
                    cur.execute(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', list(row))
                    n += 1
                result.rows[table] = n
                continue
            csv = tmp / f"{table}.csv"
            scur.execute(
                f"COPY (SELECT {quoted} FROM \"{table}\") TO '{csv}' (FORMAT csv, HEADER false)"
            )
            with (
                cur.conn.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN (FORMAT csv)') as cp,
                open(csv, "rb") as fh,
            ):
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
            csv.unlink()
            result.rows[table] = int(
                scur.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            )


def _check_counts(src: Store, target: Any, result: MoveResult) -> None:
    """Every table holds as many rows in PostgreSQL as in the file (read from PostgreSQL)."""
    import psycopg

    with psycopg.connect(target.url) as conn:
        for table, n in result.rows.items():
            if table == "meta":
                continue
            got = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            if got is None or int(got[0]) != n:
                raise StoreError(
                    f"Setelah dipindahkan, tabel {table} berisi {got[0] if got else 0} baris "
                    f"di PostgreSQL, bukan {n}.",
                    f"After the move, the table {table} holds {got[0] if got else 0} rows in "
                    f"PostgreSQL, not {n}.",
                )
