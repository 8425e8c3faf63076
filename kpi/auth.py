"""Signing in, as domain functions (no Streamlit): passwords, lockout, idle sessions, identities.

- Passwords are hashed with argon2id (argon2-cffi) and only the hash is stored; a password is
  never written to the store, the audit trail or a log, and no message repeats it.
- ``login_required``: the store holds at least one user. Until then the app runs as one local
  operator with every right (``kpi.access.local_operator``), and says so.
- ``authenticate``: checks a name and password. After ``max_attempts`` failures in a row
  (default 5) the account is locked for ``lock_minutes`` (default 15); a locked account says so
  and until when. The counter is kept in the store, so two sessions share it.
- ``session_expired``: whether a session's last activity is older than ``idle_hours``
  (default 8).
- ``change_password``: a user changes their own (the old one is checked and counts towards the
  lockout); an administrator's reset is ``kpi.users.reset_password``.
- ``login_identity``: single sign-on (Streamlit's OIDC): an identity (provider, subject) signs
  in as the user it is linked to, or, the first time, as the one user granted its e-mail.

Every sign-in, failure, lockout, refusal and sign-out is an audit event. Times are UTC; pass
``now`` to inject the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kpi import audit
from kpi.access import Action, Principal, load_principal, require
from kpi.queries import users as q
from kpi.queries.meta import put_setting
from kpi.store import Store, StoreError

SETTINGS_KEY = "akses"

# argon2id with argon2-cffi's defaults (RFC 9106's second recommended set: t=3, 64 MiB, p=4)
HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when a name is unknown, so that its answer takes as long as a wrong password's."""
    return HASHER.hash("tpbis-no-such-user")


class AuthError(StoreError):
    """A sign-in or password problem a user can act on (Indonesian and English)."""


@dataclass(frozen=True)
class AuthSettings:
    max_attempts: int = 5  # failed attempts in a row that lock an account
    lock_minutes: int = 15  # how long it stays locked
    idle_hours: float = 8.0  # a session without activity this long ends
    min_password: int = 8  # characters a password needs at least

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_LIMITS: dict[str, tuple[float, float]] = {
    "max_attempts": (1, 100),
    "lock_minutes": (1, 24 * 60),
    "idle_hours": (0.1, 24 * 30),
    "min_password": (8, 128),
}


def get_settings(store: Store) -> AuthSettings:
    stored = store.get_setting(SETTINGS_KEY, None)
    base = AuthSettings()
    if not isinstance(stored, dict):
        return base
    values = base.as_dict()
    for f in fields(AuthSettings):
        if f.name in stored:
            try:
                values[f.name] = _checked(f.name, stored[f.name])
            except AuthError:
                continue  # a bad stored value: the default
    return AuthSettings(**values)


def _checked(name: str, value: Any) -> Any:
    lo, hi = _LIMITS[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not lo <= number <= hi or (name != "idle_hours" and not number.is_integer()):
        raise AuthError(
            f"Pengaturan masuk '{name}': {value!r} harus angka {lo:g} sampai {hi:g}.",
            f"Sign-in setting '{name}': {value!r} must be a number from {lo:g} to {hi:g}.",
        )
    return number if name == "idle_hours" else int(number)


def save_settings(
    store: Store, settings: Mapping[str, Any], actor: Principal | None = None
) -> AuthSettings:
    """Validate and store the sign-in settings (administrators only); audited before/after."""
    from kpi.access import local_operator

    actor = actor or local_operator()
    require(store, actor, Action.USERS, objek=SETTINGS_KEY)
    unknown = set(settings) - {f.name for f in fields(AuthSettings)}
    if unknown:
        raise AuthError(
            f"Pengaturan masuk tidak dikenal: {', '.join(sorted(unknown))}.",
            f"Unknown sign-in settings: {', '.join(sorted(unknown))}.",
        )
    before = get_settings(store)
    values = before.as_dict()
    for k, v in settings.items():
        values[k] = _checked(k, v)
    after = AuthSettings(**values)
    import json

    with store.write(bump=False) as cur:
        put_setting(cur, SETTINGS_KEY, json.dumps(after.as_dict()))
        audit.record(
            cur,
            actor,
            "auth.settings",
            objek=SETTINGS_KEY,
            rincian={"sebelum": before.as_dict(), "sesudah": after.as_dict()},
        )
    return after


# -- passwords -------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password_rules(name: str, password: str, settings: AuthSettings) -> None:
    """AuthError when a new password is too weak (too short, or the user's own name)."""
    if not isinstance(password, str) or len(password) < settings.min_password:
        raise AuthError(
            f"Kata sandi minimal {settings.min_password} karakter.",
            f"A password needs at least {settings.min_password} characters.",
        )
    if password.strip().lower() == name.strip().lower():
        raise AuthError(
            "Kata sandi tidak boleh sama dengan nama pengguna.",
            "A password cannot be the user name.",
        )


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_name(name: str) -> str:
    return str(name or "").strip().lower()


def login_required(store: Store) -> bool:
    """Login is on once the store holds a user (even a disabled one)."""
    return q.any_user(store)


# -- signing in ------------------------------------------------------------------------------------

Status = Literal["ok", "wrong", "locked", "disabled", "not_granted"]


@dataclass(frozen=True)
class LoginResult:
    status: Status
    principal: Principal | None = None
    locked_until: datetime | None = None  # UTC
    message_id: str = ""
    message_en: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        return now.astimezone(UTC).replace(tzinfo=None)
    return now


def _locked(name: str, until: datetime) -> LoginResult:
    when = f"{until:%Y-%m-%d %H:%M} UTC"
    return LoginResult(
        "locked",
        None,
        until,
        f"Akun {name} terkunci karena terlalu banyak percobaan gagal, sampai {when}. Coba lagi "
        "setelah itu, atau minta administrator mengatur ulang kata sandi.",
        f"The account {name} is locked after too many failed attempts, until {when}. Try again "
        "after that, or ask an administrator to reset the password.",
    )


_WRONG = LoginResult(
    "wrong",
    None,
    None,
    "Nama pengguna atau kata sandi salah.",
    "Wrong user name or password.",
)


def _disabled(name: str) -> LoginResult:
    return LoginResult(
        "disabled",
        None,
        None,
        f"Akun {name} dinonaktifkan. Hubungi administrator.",
        f"The account {name} is disabled. Ask an administrator.",
    )


def _event(
    on: Store | Any, who: Principal, aksi: str, objek: str | None, now: datetime, **rincian: Any
) -> None:
    """One sign-in event: on the caller's write cursor, or (given the store) in a transaction of
    its own; ``rincian`` are its details (none: no details)."""
    if isinstance(on, Store):
        audit.log(on, who, aksi, objek=objek, rincian=rincian or None, now=now)
    else:
        audit.record(on, who, aksi, objek=objek, rincian=rincian or None, now=now)


def _attempt(
    store: Store, name: str, password: str, now: datetime | None, purpose: str
) -> LoginResult:
    """Check a name and password, count a failure and lock when it is the last allowed one.

    The hash is verified outside the writer lock (it takes a while on purpose); the counter is
    updated inside one transaction, so concurrent attempts are all counted."""
    now = _utc(now)
    name = normalise_name(name)
    settings = get_settings(store)
    row = q.sign_in_row(store.cursor(), name)
    who = Principal(name or "?", str(row[3]) if row else "?")
    if row is None:
        _verify(None, password)  # as long as a real check
        _event(store, who, "login.failed", name, now, alasan="tidak_dikenal", untuk=purpose)
        return _WRONG
    stored_hash, disabled, locked_until, _ = row
    if locked_until is not None and locked_until > now:
        why = {"alasan": "terkunci", "sampai": locked_until, "untuk": purpose}
        _event(store, who, "login.refused", name, now, **why)
        return _locked(name, locked_until)
    good = _verify(stored_hash, password)
    # parameters raised since the hash was made: a new hash, made outside the writer lock
    fresh = HASHER.hash(password) if good and HASHER.check_needs_rehash(stored_hash) else None
    with store.write(bump=False) as cur:
        principal = load_principal(cur, name, allow_disabled=True)
        role = principal.role if principal else "?"
        who = Principal(name, role, local=False)
        if not good:
            failed = q.count_failure(cur, name)
            why = {"alasan": "sandi_salah", "percobaan": int(failed), "untuk": purpose}
            _event(cur, who, "login.failed", name, now, **why)
            if failed >= settings.max_attempts:
                until = now + timedelta(minutes=settings.lock_minutes)
                q.lock(cur, name, until)
                _event(cur, who, "login.locked", name, now, percobaan=int(failed), sampai=until)
                return _locked(name, until)
            return _WRONG  # the same answer as for an unknown name
        # a lock set meanwhile by another session's attempt still holds
        lock = q.locked_until(cur, name)
        if lock is not None and lock > now:
            return _locked(name, lock)
        if disabled:
            _event(cur, who, "login.refused", name, now, alasan="nonaktif", untuk=purpose)
            return _disabled(name)
        q.unlock(cur, name)
        if fresh is not None:
            q.set_hash(cur, name, fresh)
    assert principal is not None
    return LoginResult("ok", principal)


def authenticate(
    store: Store, name: str, password: str, *, now: datetime | None = None
) -> LoginResult:
    """Sign in with a name and password: the principal, or why not (wrong, locked until when,
    disabled). Every outcome is an audit event."""
    result = _attempt(store, name, password, now, "login")
    if result.ok:
        assert result.principal is not None
        with store.write(bump=False) as cur:
            q.set_last_login(cur, result.principal.name, _utc(now))
            _event(cur, result.principal, "login", result.principal.name, _utc(now), cara="sandi")
    return result


def session_expired(
    last_activity: datetime, settings: AuthSettings, now: datetime | None = None
) -> bool:
    """A session whose last activity is ``idle_hours`` old or older has ended."""
    return _utc(now) - _utc(last_activity) >= timedelta(hours=settings.idle_hours)


def logout(
    store: Store, principal: Principal, *, expired: bool = False, now: datetime | None = None
) -> None:
    """Record the end of a session (a sign-out, or the idle timeout)."""
    _event(store, principal, "session.expired" if expired else "logout", principal.name, _utc(now))


def change_password(
    store: Store, name: str, old: str, new: str, *, now: datetime | None = None
) -> None:
    """A user changes their own password: the old one must be right (a wrong one counts towards
    the lockout). AuthError saying why not."""
    name = normalise_name(name)
    check_password_rules(name, new, get_settings(store))
    result = _attempt(store, name, old, now, "password.change")
    if not result.ok:
        raise AuthError(result.message_id, result.message_en)
    assert result.principal is not None
    digest = hash_password(new)
    with store.write(bump=False) as cur:
        q.set_password(cur, name, digest, _utc(now), unlock=False)
        audit.record(cur, result.principal, "password.change", objek=name, now=_utc(now))


# -- single sign-on --------------------------------------------------------------------------------


def login_identity(
    store: Store,
    provider: str,
    subject: str,
    email: str | None,
    *,
    now: datetime | None = None,
) -> LoginResult:
    """Sign in through an identity provider (OIDC): the identity (provider, subject) signs in as
    the user it is linked to; the first time, it is linked to the one user whose e-mail it
    carries. Roles and areas are always the local grants."""
    now = _utc(now)
    provider, subject = str(provider or "").strip(), str(subject or "").strip()
    mail = str(email or "").strip().lower() or None
    who = Principal(mail or subject or "?", "?")
    if not provider or not subject:
        _event(store, who, "login.refused", mail, now, alasan="identitas_kosong", penyedia=provider)
        return _not_granted(mail)
    with store.write(bump=False) as cur:
        name = q.identity_user(cur, provider, subject)
        linked = name is not None
        if name is None and mail:
            users = q.names_with_email(cur, mail)
            name = users[0] if len(users) == 1 else None
        if name is None:
            _event(
                cur, who, "login.refused", mail, now, alasan="tidak_diberi_hak", penyedia=provider
            )
            return _not_granted(mail)
        principal = load_principal(cur, name, allow_disabled=True)
        assert principal is not None
        disabled = load_principal(cur, name) is None
        if disabled:
            _event(cur, principal, "login.refused", name, now, alasan="nonaktif", penyedia=provider)
            return _disabled(name)
        if not linked:
            q.link_identity(cur, provider, subject, mail, name, now)
            _event(cur, principal, "identity.link", name, now, penyedia=provider, email=mail)
        else:
            q.identity_signed_in(cur, provider, subject, mail, now)
        q.set_last_login(cur, name, now)
        _event(cur, principal, "login", name, now, cara="sso", penyedia=provider)
    return LoginResult("ok", principal)


def _not_granted(email: str | None) -> LoginResult:
    shown = email or "-"
    return LoginResult(
        "not_granted",
        None,
        None,
        f"Belum ada hak akses untuk {shown}. Minta administrator menambahkan pengguna dengan "
        "e-mail ini.",
        f"No access has been granted to {shown}. Ask an administrator to add a user with this "
        "e-mail.",
    )
