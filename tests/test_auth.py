"""Signing in as domain functions: argon2id, lockout and its expiry on an injected clock, idle
sessions, password changes and resets, login off without users, single sign-on identities,
and no password in clear anywhere in the database file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import access_fixtures as ax
import pytest
from access_fixtures import fast_hashes  # noqa: F401 - a fixture
from argon2 import PasswordHasher

from kpi import audit, auth, users
from kpi.access import AccessDeniedError, Principal
from kpi.store import Store

T0 = datetime(2026, 12, 1, 8, 0, 0)


def _actions(store: Store) -> list[str]:
    return audit.events(store)["aksi"].tolist()


def test_passwords_are_argon2id_with_the_recommended_costs() -> None:
    digest = PasswordHasher().hash("x" * 12)
    assert auth.HASHER.type.name == "ID"
    assert (auth.HASHER.time_cost, auth.HASHER.memory_cost, auth.HASHER.parallelism) == (
        3,
        65536,
        4,
    )
    stored = auth.hash_password("sandi-rahasia-9")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "sandi-rahasia-9" not in stored
    assert auth._verify(stored, "sandi-rahasia-9") and not auth._verify(stored, "sandi-rahasia-8")
    assert not auth._verify(digest, "y" * 12) and not auth._verify("not a hash", "x")


def test_login_is_off_until_a_user_exists(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    assert not auth.login_required(tmp_store)
    ax.add(tmp_store, "ana", "analis", capture="3201")
    assert auth.login_required(tmp_store)
    users.set_disabled(tmp_store, "ana")  # a disabled user still keeps login on
    assert auth.login_required(tmp_store)


def test_sign_in_and_its_audit_events(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.add(tmp_store, "ana.bogor", "analis", view="32", capture="3201")
    result = auth.authenticate(tmp_store, "  Ana.Bogor ", ax.PASSWORD, now=T0)  # as typed
    assert result.ok and result.principal == Principal(
        "ana.bogor", "analis", ("32",), ("3201",), None
    )
    assert users.list_users(tmp_store)[0]["last_login"] == "2026-12-01 08:00:00"
    wrong = auth.authenticate(tmp_store, "ana.bogor", "salah", now=T0)
    unknown = auth.authenticate(tmp_store, "siapa", "salah", now=T0)
    # an unknown name and a wrong password get the same answer
    assert (wrong.status, wrong.message_en) == (unknown.status, unknown.message_en)
    assert wrong.message_en == "Wrong user name or password."
    assert wrong.message_id == "Nama pengguna atau kata sandi salah."
    assert _actions(tmp_store) == ["user.add", "login", "login.failed", "login.failed"]
    ev = audit.events(tmp_store)
    assert ev["pelaku"].tolist()[1:] == ["ana.bogor", "ana.bogor", "siapa"]
    auth.logout(tmp_store, result.principal, now=T0 + timedelta(hours=1))
    assert _actions(tmp_store)[-1] == "logout"


def test_five_failures_lock_for_fifteen_minutes_then_the_lock_expires(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    ax.add(tmp_store, "ana", "analis", capture="3201")
    for i in range(4):  # failures 1-4: wrong, not locked
        r = auth.authenticate(tmp_store, "ana", "salah", now=T0 + timedelta(minutes=i))
        assert r.status == "wrong", i
    assert users.list_users(tmp_store)[0]["failed_attempts"] == 4
    fifth = auth.authenticate(tmp_store, "ana", "salah", now=T0 + timedelta(minutes=4))
    # locked at 08:04 for 15 minutes: until 08:19
    assert fifth.status == "locked" and fifth.locked_until == datetime(2026, 12, 1, 8, 19)
    assert "terkunci" in fifth.message_id and "2026-12-01 08:19 UTC" in fifth.message_id
    assert "locked" in fifth.message_en and "until 2026-12-01 08:19 UTC" in fifth.message_en
    # while locked, even the right password is refused, and says until when
    during = auth.authenticate(tmp_store, "ana", ax.PASSWORD, now=datetime(2026, 12, 1, 8, 18))
    assert during.status == "locked" and during.locked_until == datetime(2026, 12, 1, 8, 19)
    # at 08:19 the lock has expired
    after = auth.authenticate(tmp_store, "ana", ax.PASSWORD, now=datetime(2026, 12, 1, 8, 19))
    assert after.ok
    row = users.list_users(tmp_store)[0]
    assert row["failed_attempts"] == 0 and row["locked_until"] is None
    assert _actions(tmp_store) == [
        "user.add",
        *["login.failed"] * 5,
        "login.locked",
        "login.refused",
        "login",
    ]
    locked = audit.events(tmp_store, aksi="login.locked").iloc[0]
    assert '"percobaan":5' in locked["rincian"] and "08:19" in locked["rincian"]


def test_a_success_resets_the_failure_count(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.add(tmp_store, "ana", "analis", capture="3201")
    for _ in range(4):
        auth.authenticate(tmp_store, "ana", "salah", now=T0)
    assert auth.authenticate(tmp_store, "ana", ax.PASSWORD, now=T0).ok
    for _ in range(4):  # four more failures after a success: still not locked
        assert auth.authenticate(tmp_store, "ana", "salah", now=T0).status == "wrong"


def test_lockout_settings_and_their_limits(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    assert auth.get_settings(tmp_store) == auth.AuthSettings(5, 15, 8.0, 8)
    new = auth.save_settings(tmp_store, {"max_attempts": 3, "lock_minutes": 60})
    assert (new.max_attempts, new.lock_minutes, new.idle_hours) == (3, 60, 8.0)
    event = audit.events(tmp_store, aksi="auth.settings").iloc[0]
    assert '"sebelum":{"idle_hours":8.0,"lock_minutes":15,"max_attempts":5' in event["rincian"]
    assert '"sesudah":{"idle_hours":8.0,"lock_minutes":60,"max_attempts":3' in event["rincian"]
    ax.add(tmp_store, "ana", "analis", capture="3201")
    for _ in range(2):
        auth.authenticate(tmp_store, "ana", "salah", now=T0)
    third = auth.authenticate(tmp_store, "ana", "salah", now=T0)
    assert third.status == "locked" and third.locked_until == T0 + timedelta(minutes=60)
    for bad in ({"max_attempts": 0}, {"lock_minutes": "lama"}, {"idle_hours": -1}, {"x": 1}):
        with pytest.raises(auth.AuthError):
            auth.save_settings(tmp_store, bad)
    # only administrators change them (the refusal is recorded)
    kons = ax.add(tmp_store, "kons", "konsultan")
    with pytest.raises(AccessDeniedError):
        auth.save_settings(tmp_store, {"max_attempts": 10}, actor=kons)
    assert auth.get_settings(tmp_store).max_attempts == 3
    assert _actions(tmp_store)[-1] == "access.refused"


def test_idle_sessions_end_after_eight_hours() -> None:
    s = auth.AuthSettings()
    assert not auth.session_expired(T0, s, now=T0 + timedelta(hours=7, minutes=59))
    assert auth.session_expired(T0, s, now=T0 + timedelta(hours=8))
    assert auth.session_expired(T0, auth.AuthSettings(idle_hours=0.5), now=T0 + timedelta(hours=1))
    # aware times are compared in UTC: 15:00 WIB (UTC+7) is 08:00 UTC
    wib = timezone(timedelta(hours=7))
    started = datetime(2026, 12, 1, 15, 0, tzinfo=wib)
    assert not auth.session_expired(started, s, now=datetime(2026, 12, 1, 15, 59))
    assert auth.session_expired(started, s, now=datetime(2026, 12, 1, 16, 0))
    assert auth.session_expired(started, s, now=datetime(2026, 12, 1, 16, 0, tzinfo=UTC))


def test_expired_session_is_recorded(tmp_store: Store) -> None:
    auth.logout(tmp_store, Principal("ana", "analis"), expired=True, now=T0)
    assert _actions(tmp_store) == ["session.expired"]


def test_change_own_password(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.add(tmp_store, "ana", "analis", capture="3201")
    with pytest.raises(auth.AuthError, match="Wrong user name or password"):
        auth.change_password(tmp_store, "ana", "salah", "sandi-baru-456", now=T0)
    with pytest.raises(auth.AuthError, match="at least 8"):
        auth.change_password(tmp_store, "ana", ax.PASSWORD, "pendek", now=T0)
    auth.change_password(tmp_store, "ana", ax.PASSWORD, "sandi-baru-456", now=T0)
    assert not auth.authenticate(tmp_store, "ana", ax.PASSWORD, now=T0).ok
    assert auth.authenticate(tmp_store, "ana", "sandi-baru-456", now=T0).ok
    assert "password.change" in _actions(tmp_store)


def test_name_as_password_is_refused(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    with pytest.raises(auth.AuthError, match="cannot be the user name"):
        users.add_user(tmp_store, "pustakawan", "analis", password="Pustakawan")


def test_wrong_old_passwords_count_towards_the_lockout(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    ax.add(tmp_store, "ana", "analis", capture="3201")
    for _ in range(4):
        with pytest.raises(auth.AuthError):
            auth.change_password(tmp_store, "ana", "salah", "sandi-baru-456", now=T0)
    with pytest.raises(auth.AuthError, match="locked"):
        auth.change_password(tmp_store, "ana", "salah", "sandi-baru-456", now=T0)
    assert auth.authenticate(tmp_store, "ana", ax.PASSWORD, now=T0).status == "locked"


def test_admin_reset_clears_the_lock(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    team = ax.team(tmp_store)
    for _ in range(5):
        auth.authenticate(tmp_store, "ana.bogor", "salah", now=T0)
    assert auth.authenticate(tmp_store, "ana.bogor", ax.PASSWORD, now=T0).status == "locked"
    # an analyst cannot reset anyone's password; an administrator can
    with pytest.raises(AccessDeniedError):
        users.reset_password(tmp_store, "pimpinan", "sandi-baru-789", actor=team["analis"])
    users.reset_password(tmp_store, "ana.bogor", "sandi-baru-789", actor=team["admin"], now=T0)
    assert auth.authenticate(tmp_store, "ana.bogor", "sandi-baru-789", now=T0).ok
    reset = audit.events(tmp_store, aksi="password.reset").iloc[0]
    assert reset["pelaku"] == "admin" and reset["objek"] == "ana.bogor"
    assert '"gagal_sebelum":0' in reset["rincian"]  # the lock had reset the counter


def test_a_disabled_user_cannot_sign_in(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.team(tmp_store)
    users.set_disabled(tmp_store, "ana.bogor")
    r = auth.authenticate(tmp_store, "ana.bogor", ax.PASSWORD, now=T0)
    assert r.status == "disabled" and "disabled" in r.message_en and "dinonaktifkan" in r.message_id
    # a wrong password for a disabled account says only that it is wrong
    assert auth.authenticate(tmp_store, "ana.bogor", "salah", now=T0).status == "wrong"
    users.set_disabled(tmp_store, "ana.bogor", False)
    assert auth.authenticate(tmp_store, "ana.bogor", ax.PASSWORD, now=T0).ok


def test_single_sign_on_identities(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    users.add_user(tmp_store, "kons", "konsultan", email="Kons@Perpusnas.go.id", view="32")
    issuer = "http://127.0.0.1:9400"
    first = auth.login_identity(tmp_store, issuer, "sub-1", "kons@perpusnas.go.id", now=T0)
    assert first.ok and first.principal == Principal(
        "kons", "konsultan", ("32",), (), "kons@perpusnas.go.id"
    )
    stored = tmp_store.query("SELECT * FROM identitas")
    assert stored[["penyedia", "subjek", "email", "nama"]].values.tolist() == [
        [issuer, "sub-1", "kons@perpusnas.go.id", "kons"]
    ]
    # later sign-ins go by (provider, subject), even when the provider's e-mail changed
    again = auth.login_identity(tmp_store, issuer, "sub-1", "baru@perpusnas.go.id", now=T0)
    assert again.ok and again.principal.name == "kons"
    # an e-mail nobody was granted, and an empty identity: refused
    stranger = auth.login_identity(tmp_store, issuer, "sub-2", "orang@contoh.id", now=T0)
    assert stranger.status == "not_granted" and "orang@contoh.id" in stranger.message_en
    assert auth.login_identity(tmp_store, issuer, "", "kons@perpusnas.go.id").status == (
        "not_granted"
    )
    users.set_disabled(tmp_store, "kons")
    assert auth.login_identity(tmp_store, issuer, "sub-1", None, now=T0).status == "disabled"
    assert _actions(tmp_store) == [
        "user.add",
        "identity.link",
        "login",
        "login",
        "login.refused",
        "login.refused",
        "user.disable",
        "login.refused",
    ]
    # a user for single sign-on only has no password to sign in with
    assert auth.authenticate(tmp_store, "kons", "", now=T0).status == "wrong"


def test_passwords_never_in_clear_in_the_database_file(tmp_path: Path) -> None:
    """Real argon2id costs; the file and its write-ahead log are searched byte by byte."""
    db = tmp_path / "rahasia.duckdb"
    store = Store(db)
    secret = "Sandi-Rahasia-Ku-2026"
    changed = "Sandi-Baru-Ku-2027"
    users.add_user(store, "admin", "admin", password=secret)
    auth.authenticate(store, "admin", "salah-" + secret, now=T0)  # a wrong try holds it too
    assert auth.authenticate(store, "admin", secret, now=T0).ok
    auth.change_password(store, "admin", secret, changed, now=T0)
    users.reset_password(store, "admin", secret + "-x")
    assert audit.verify(store).ok
    events = audit.events(store).to_csv()
    store.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("rahasia.duckdb")]
    data = b"".join(p.read_bytes() for p in files)
    assert len(data) > 100_000
    for text in (secret, changed, "salah-" + secret):
        for encoded in (text.encode("utf-8"), text.encode("utf-16-le")):
            assert encoded not in data
        assert text not in events
    assert b"$argon2id$" in data  # what is stored instead
