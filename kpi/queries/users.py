"""Reads and writes of the users (pengguna), their areas (pengguna_wilayah) and their linked
identities (identitas). A check that guards a write runs on the cursor of the caller's write
transaction; the listing reads run on the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.store import Store

if TYPE_CHECKING:
    import duckdb

_ENABLED_ADMINS = "SELECT count(*) FROM pengguna WHERE peran = 'admin' AND NOT nonaktif"


def _first(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the query's first row (a count or a value of an existing user)."""
    return cur.execute(sql, list(params)).fetchall()[0][0]


# -- who a user is -------------------------------------------------------------------------------


def user_row(cur: duckdb.DuckDBPyConnection, name: str) -> tuple[Any, ...] | None:
    """nama, peran, email, nonaktif of the user ``name`` (None: no such user)."""
    return cur.execute(
        "SELECT nama, peran, email, nonaktif FROM pengguna WHERE nama = ?", [name]
    ).fetchone()


def user_areas(cur: duckdb.DuckDBPyConnection, name: str) -> list[tuple[Any, ...]]:
    """(jenis, kode) of every area granted to ``name``, by code."""
    return cur.execute(
        "SELECT jenis, kode FROM pengguna_wilayah WHERE nama = ? ORDER BY kode", [name]
    ).fetchall()


def is_disabled(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    """The existing user ``name`` is disabled."""
    return bool(_first(cur, "SELECT nonaktif FROM pengguna WHERE nama = ?", [name]))


def exists(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(_first(cur, "SELECT count(*) FROM pengguna WHERE nama = ?", [name]))


def any_user(store: Store) -> bool:
    """The store holds a user (even a disabled one)."""
    return bool(store.scalar("SELECT count(*) FROM pengguna"))


def enabled_admins(cur: duckdb.DuckDBPyConnection) -> int:
    """How many administrators are enabled."""
    return int(_first(cur, _ENABLED_ADMINS))


def email_taken(
    cur: duckdb.DuckDBPyConnection, mail: str, by_other_than: str | None = None
) -> bool:
    """A user (other than ``by_other_than``) has the e-mail ``mail`` (lower case)."""
    if by_other_than is None:
        return bool(_first(cur, "SELECT count(*) FROM pengguna WHERE lower(email) = ?", [mail]))
    sql = "SELECT count(*) FROM pengguna WHERE lower(email) = ? AND nama <> ?"
    return bool(_first(cur, sql, [mail, by_other_than]))


def names_with_email(cur: duckdb.DuckDBPyConnection, mail: str) -> list[str]:
    """The users whose e-mail is ``mail`` (lower case)."""
    rows = cur.execute("SELECT nama FROM pengguna WHERE lower(email) = ?", [mail]).fetchall()
    return [str(r[0]) for r in rows]


def listing(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every user (nama, peran, email, nonaktif, gagal, terkunci_sampai, dibuat_pada,
    terakhir_masuk, punya_sandi; never a hash) by name, and every granted area (nama, jenis,
    kode) by name and code."""
    users = store.query(
        "SELECT nama, peran, email, nonaktif, gagal, terkunci_sampai, dibuat_pada, "
        "terakhir_masuk, sandi_hash IS NOT NULL AS punya_sandi FROM pengguna ORDER BY nama"
    )
    areas = store.query("SELECT nama, jenis, kode FROM pengguna_wilayah ORDER BY nama, kode")
    return users, areas


# -- changing a user ------------------------------------------------------------------------------


def insert_user(
    cur: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    mail: str | None,
    digest: str | None,
    when: datetime,
) -> None:
    """A new user, created and changed ``when`` (its password too, when it has one)."""
    cur.execute(
        "INSERT INTO pengguna (nama, peran, email, sandi_hash, dibuat_pada, diubah_pada, "
        "sandi_diubah_pada) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, role, mail, digest, when, when, when if digest else None],
    )


def replace_areas(
    cur: duckdb.DuckDBPyConnection, name: str, kind: str, codes: Sequence[str]
) -> None:
    """The areas of ``kind`` granted to ``name`` are now ``codes``."""
    cur.execute("DELETE FROM pengguna_wilayah WHERE nama = ? AND jenis = ?", [name, kind])
    for code in codes:
        cur.execute("INSERT INTO pengguna_wilayah VALUES (?, ?, ?)", [name, kind, code])


def set_disabled(cur: duckdb.DuckDBPyConnection, name: str, disabled: bool, when: datetime) -> None:
    cur.execute(
        "UPDATE pengguna SET nonaktif = ?, diubah_pada = ? WHERE nama = ?",
        [disabled, when, name],
    )


def set_role(cur: duckdb.DuckDBPyConnection, name: str, role: str) -> None:
    cur.execute("UPDATE pengguna SET peran = ? WHERE nama = ?", [role, name])


def set_email(cur: duckdb.DuckDBPyConnection, name: str, mail: str | None) -> None:
    cur.execute("UPDATE pengguna SET email = ? WHERE nama = ?", [mail, name])


def set_changed(cur: duckdb.DuckDBPyConnection, name: str, when: datetime) -> None:
    cur.execute("UPDATE pengguna SET diubah_pada = ? WHERE nama = ?", [when, name])


def set_password(
    cur: duckdb.DuckDBPyConnection, name: str, digest: str, when: datetime, *, unlock: bool
) -> None:
    """A new password hash, set ``when``; ``unlock`` (an administrator's reset): the lock and
    the failure count go too."""
    cleared = "gagal = 0, terkunci_sampai = NULL, " if unlock else ""
    cur.execute(
        f"UPDATE pengguna SET sandi_hash = ?, {cleared}sandi_diubah_pada = ?, diubah_pada = ? "
        "WHERE nama = ?",
        [digest, when, when, name],
    )


# -- signing in ----------------------------------------------------------------------------------


def sign_in_row(cur: duckdb.DuckDBPyConnection, name: str) -> tuple[Any, ...] | None:
    """sandi_hash, nonaktif, terkunci_sampai, peran of the user ``name`` (None: unknown)."""
    return cur.execute(
        "SELECT sandi_hash, nonaktif, terkunci_sampai, peran FROM pengguna WHERE nama = ?",
        [name],
    ).fetchone()


def lock_state(cur: duckdb.DuckDBPyConnection, name: str) -> tuple[Any, ...] | None:
    """gagal, terkunci_sampai of the user ``name`` (None: unknown)."""
    return cur.execute(
        "SELECT gagal, terkunci_sampai FROM pengguna WHERE nama = ?", [name]
    ).fetchone()


def locked_until(cur: duckdb.DuckDBPyConnection, name: str) -> datetime | None:
    """Until when the existing user ``name`` is locked (None: not locked)."""
    value: datetime | None = _first(
        cur, "SELECT terkunci_sampai FROM pengguna WHERE nama = ?", [name]
    )
    return value


def count_failure(cur: duckdb.DuckDBPyConnection, name: str) -> int:
    """One more failed attempt in a row: how many there are now."""
    sql = "UPDATE pengguna SET gagal = gagal + 1 WHERE nama = ? RETURNING gagal"
    return int(_first(cur, sql, [name]))


def lock(cur: duckdb.DuckDBPyConnection, name: str, until: datetime) -> None:
    """Locked until ``until``, the failure count back to 0."""
    cur.execute("UPDATE pengguna SET gagal = 0, terkunci_sampai = ? WHERE nama = ?", [until, name])


def unlock(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    cur.execute("UPDATE pengguna SET gagal = 0, terkunci_sampai = NULL WHERE nama = ?", [name])


def set_hash(cur: duckdb.DuckDBPyConnection, name: str, digest: str) -> None:
    """The same password hashed anew (parameters raised since)."""
    cur.execute("UPDATE pengguna SET sandi_hash = ? WHERE nama = ?", [digest, name])


def set_last_login(cur: duckdb.DuckDBPyConnection, name: str, when: datetime) -> None:
    cur.execute("UPDATE pengguna SET terakhir_masuk = ? WHERE nama = ?", [when, name])


# -- single sign-on identities --------------------------------------------------------------------


def identity_user(cur: duckdb.DuckDBPyConnection, provider: str, subject: str) -> str | None:
    """The user the identity (provider, subject) is linked to (None: not linked)."""
    row = cur.execute(
        "SELECT nama FROM identitas WHERE penyedia = ? AND subjek = ?", [provider, subject]
    ).fetchone()
    return None if row is None else str(row[0])


def link_identity(
    cur: duckdb.DuckDBPyConnection,
    provider: str,
    subject: str,
    mail: str | None,
    name: str,
    when: datetime,
) -> None:
    """The identity (provider, subject) signs in as ``name`` from now on (linked ``when``)."""
    cur.execute(
        "INSERT INTO identitas VALUES (?, ?, ?, ?, ?, ?)",
        [provider, subject, mail, name, when, when],
    )


def identity_signed_in(
    cur: duckdb.DuckDBPyConnection, provider: str, subject: str, mail: str | None, when: datetime
) -> None:
    """The identity signed in ``when`` (its e-mail updated when it carries one)."""
    cur.execute(
        "UPDATE identitas SET terakhir_masuk = ?, email = coalesce(?, email) "
        "WHERE penyedia = ? AND subjek = ?",
        [when, mail, provider, subject],
    )
