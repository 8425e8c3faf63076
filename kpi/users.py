"""Users and their grants: add, list, disable and enable, grant roles and areas, reset passwords.

Every change needs the right to manage users (``Action.USERS``; the local operator has it), is
checked and written in one transaction, and is an audit event with what it was before and what
it is after. Passwords are taken in clear only to be hashed (kpi.auth); nothing here returns or
records them. Once a user exists at least one enabled administrator must remain: disabling or
demoting the last one is refused (nobody could manage users in the app any more).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb

from kpi import audit, auth
from kpi.access import (
    CAPTURE,
    VIEW,
    Action,
    Principal,
    load_principal,
    local_operator,
    parse_areas,
    require,
    role_ids,
    role_label,
)
from kpi.queries import regions
from kpi.queries import users as q
from kpi.store import Store, StoreError

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(StoreError):
    """A user change that cannot be made (Indonesian and English)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_name(name: str) -> str:
    norm = auth.normalise_name(name)
    if not NAME_RE.match(norm):
        raise UserError(
            f"Nama pengguna '{name}' tidak sah: 1-64 huruf kecil, angka, titik, garis bawah, "
            "tanda hubung atau @, diawali huruf atau angka.",
            f"The user name '{name}' is not valid: 1-64 lower-case letters, digits, dots, "
            "underscores, hyphens or @, starting with a letter or digit.",
        )
    return norm


def _check_role(role: str) -> str:
    if role not in role_ids():
        raise UserError(
            f"Peran '{role}' tidak dikenal; pilih salah satu: {', '.join(role_ids())}.",
            f"Unknown role '{role}'; choose one of: {', '.join(role_ids())}.",
        )
    return role


def _check_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    mail = str(email).strip().lower()
    if not EMAIL_RE.match(mail):
        raise UserError(f"E-mail '{email}' tidak sah.", f"The e-mail '{email}' is not valid.")
    return mail


def _missing(name: str) -> UserError:
    return UserError(f"Pengguna {name} tidak ada.", f"The user {name} does not exist.")


def _state(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
    """What an audit event says a user was (or is): role, e-mail, areas, disabled."""
    p = load_principal(cur, name, allow_disabled=True)
    if p is None:
        return None
    return {
        "peran": p.role,
        "email": p.email,
        "lihat": list(p.view),
        "input": list(p.capture),
        "nonaktif": q.is_disabled(cur, name),
    }


def _taken(name: str) -> UserError:
    return UserError(f"Pengguna {name} sudah ada.", f"The user {name} already exists.")


def _mail_taken(mail: str) -> UserError:
    return UserError(
        f"E-mail {mail} sudah dipakai pengguna lain.",
        f"The e-mail {mail} already belongs to another user.",
    )


def _last_admin(name: str) -> UserError:
    return UserError(
        f"{name} adalah administrator aktif terakhir: tambahkan atau aktifkan administrator lain "
        "lebih dulu.",
        f"{name} is the last enabled administrator: add or enable another administrator first.",
    )


def _managed(store: Store, actor: Principal | None, name: str) -> tuple[Principal, str]:
    """The actor (default the local operator), who must have the right to manage users, and
    the name of the user they change, normalised."""
    actor = actor or local_operator()
    name = auth.normalise_name(name)
    require(store, actor, Action.USERS, objek=name)
    return actor, name


def _areas(store: Store, values: str | Sequence[str] | None, *, view: bool) -> tuple[str, ...]:
    codes = parse_areas(store, values)
    # a view area "nasional" is the whole country, which no view area already says
    return () if view and codes == ("nasional",) else codes


def add_user(
    store: Store,
    name: str,
    role: str,
    *,
    view: str | Sequence[str] | None = None,
    capture: str | Sequence[str] | None = None,
    email: str | None = None,
    password: str | None = None,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> Principal:
    """A new user. Without a password the user signs in only through single sign-on, by its
    e-mail (which is then required)."""
    actor = actor or local_operator()
    require(store, actor, Action.USERS, objek=str(name))
    name, role, mail, views, captures = check_new_user(
        store, name, role, email=email, view=view, capture=capture, sso_only=password is None
    )
    digest = None
    if password is not None:
        auth.check_password_rules(name, password, auth.get_settings(store))
        digest = auth.hash_password(password)
    when = now or _now()
    with store.write() as cur:
        if q.exists(cur, name):
            raise _taken(name)
        if mail and q.email_taken(cur, mail):
            raise _mail_taken(mail)
        q.insert_user(cur, name, role, mail, digest, when)
        q.replace_areas(cur, name, VIEW, views)
        q.replace_areas(cur, name, CAPTURE, captures)
        after = _state(cur, name)
        audit.record(
            cur,
            actor,
            "user.add",
            objek=name,
            wilayah=[*views, *captures],
            rincian={"sesudah": after, "sso_saja": digest is None},
            now=now,
        )
    return Principal(name, role, views, captures, mail)


def check_new_user(
    store: Store,
    name: str,
    role: str,
    *,
    email: str | None = None,
    view: str | Sequence[str] | None = None,
    capture: str | Sequence[str] | None = None,
    sso_only: bool = False,
) -> tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]]:
    """Everything of a new user but its password, checked (so that a form or a prompt asks
    for the password only when the rest is right): name, role, e-mail, view and capture
    areas in canonical form; UserError (or StoreError for an area) saying what is wrong."""
    name = _check_name(name)
    role = _check_role(role)
    mail = _check_email(email)
    views = _areas(store, view, view=True)
    captures = _areas(store, capture, view=False)
    if sso_only and mail is None:
        raise UserError(
            "Beri kata sandi, atau e-mail untuk masuk lewat single sign-on.",
            "Give a password, or an e-mail to sign in through single sign-on.",
        )
    if q.exists(store.cursor(), name):
        raise _taken(name)
    return name, role, mail, views, captures


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user with role, e-mail, areas, state and sign-in counters (never a hash)."""
    users, areas = q.listing(store)
    by_user: dict[tuple[str, str], list[str]] = {}
    for n, j, k in areas.itertuples(index=False, name=None):
        by_user.setdefault((str(n), str(j)), []).append(str(k))
    out = []
    for r in users.itertuples(index=False):
        out.append(
            {
                "name": r.nama,
                "role": r.peran,
                "role_label": role_label(r.peran, "en"),
                "email": r.email if isinstance(r.email, str) else None,
                "view": by_user.get((r.nama, VIEW), []),
                "capture": by_user.get((r.nama, CAPTURE), []),
                "disabled": bool(r.nonaktif),
                "failed_attempts": int(r.gagal),
                "locked_until": _iso(r.terkunci_sampai),
                "created_at": _iso(r.dibuat_pada),
                "last_login": _iso(r.terakhir_masuk),
                "password": bool(r.punya_sandi),
            }
        )
    return out


def _iso(value: Any) -> str | None:
    if value is None or str(value) in ("NaT", "None"):
        return None
    return value.isoformat(sep=" ", timespec="seconds")


def get_user(store: Store, name: str) -> Principal | None:
    """The enabled user ``name`` as a principal, else None."""
    return load_principal(store.cursor(), auth.normalise_name(name))


def set_disabled(
    store: Store,
    name: str,
    disabled: bool = True,
    *,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> None:
    """Disable (or enable again) a user; a disabled user cannot sign in or act."""
    actor, name = _managed(store, actor, name)
    with store.write() as cur:
        before = _state(cur, name)
        if before is None:
            raise _missing(name)
        last = disabled and before["peran"] == "admin" and not before["nonaktif"]
        if last and q.enabled_admins(cur) <= 1:
            raise _last_admin(name)
        q.set_disabled(cur, name, disabled, now or _now())
        audit.record(
            cur,
            actor,
            "user.disable" if disabled else "user.enable",
            objek=name,
            rincian={"sebelum": before, "sesudah": _state(cur, name)},
            now=now,
        )


def grant(
    store: Store,
    name: str,
    *,
    role: str | None = None,
    view: str | Sequence[str] | None = None,
    capture: str | Sequence[str] | None = None,
    email: str | None = None,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> Principal:
    """Change a user's role, view areas, capture areas or e-mail; each one given replaces the
    old one (an empty ``view`` is the whole country, an empty ``capture`` none)."""
    actor, name = _managed(store, actor, name)
    role = _check_role(role) if role is not None else None
    views = _areas(store, view, view=True) if view is not None else None
    captures = _areas(store, capture, view=False) if capture is not None else None
    mail = _check_email(email) if email is not None else None
    with store.write() as cur:
        before = _state(cur, name)
        if before is None:
            raise _missing(name)
        demoted = role is not None and role != "admin" and before["peran"] == "admin"
        if demoted and not before["nonaktif"] and q.enabled_admins(cur) <= 1:
            raise _last_admin(name)
        if role is not None:
            q.set_role(cur, name, role)
        if email is not None:
            if mail and q.email_taken(cur, mail, by_other_than=name):
                raise _mail_taken(mail)
            q.set_email(cur, name, mail)
        if views is not None:
            q.replace_areas(cur, name, VIEW, views)
        if captures is not None:
            q.replace_areas(cur, name, CAPTURE, captures)
        q.set_changed(cur, name, now or _now())
        after = _state(cur, name)
        assert after is not None
        audit.record(
            cur,
            actor,
            "user.grant",
            objek=name,
            wilayah=[*before["lihat"], *before["input"], *after["lihat"], *after["input"]],
            rincian={"sebelum": before, "sesudah": after},
            now=now,
        )
        found = load_principal(cur, name, allow_disabled=True)
    assert found is not None
    return found


def reset_password(
    store: Store,
    name: str,
    password: str,
    *,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> None:
    """An administrator sets a new password for a user; the lock and the failure count go."""
    actor, name = _managed(store, actor, name)
    auth.check_password_rules(name, password, auth.get_settings(store))
    digest = auth.hash_password(password)
    when = now or _now()
    with store.write(bump=False) as cur:
        row = q.lock_state(cur, name)
        if row is None:
            raise _missing(name)
        q.set_password(cur, name, digest, when, unlock=True)
        audit.record(
            cur,
            actor,
            "password.reset",
            objek=name,
            rincian={"terkunci_sampai_sebelum": row[1], "gagal_sebelum": int(row[0])},
            now=now,
        )


def area_choices(store: Store) -> list[tuple[str, str]]:
    """Every province and kab/kota of the store's regions as (code, name), provinces first, each
    followed by its kab/kota (the choices of the Pengguna page's area fields)."""
    frame = regions.provinces_and_kabkota(store)
    return [(str(k), str(n)) for k, n in frame.itertuples(index=False, name=None)]
