"""User management: add, list, disable, grant, with their checks, refusals and audit events."""

from __future__ import annotations

import json

import access_fixtures as ax
import pytest
from access_fixtures import fast_hashes  # noqa: F401 - a fixture

from kpi import audit, users
from kpi.access import AccessDeniedError, Principal
from kpi.store import Store, StoreError


@pytest.fixture
def tmp_store(any_store: Store) -> Store:
    """Every test of this module that takes a new store runs on both engines."""
    return any_store


def test_add_and_list(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    p = users.add_user(
        tmp_store,
        "Ana.Bogor",
        "analis",
        password=ax.PASSWORD,
        view="Jawa Barat",
        capture="32.01",
        email="Ana@Contoh.id",
    )
    assert p == Principal("ana.bogor", "analis", ("32",), ("3201",), "ana@contoh.id")
    (row,) = users.list_users(tmp_store)
    assert {k: row[k] for k in ("name", "role", "email", "view", "capture", "disabled")} == {
        "name": "ana.bogor",
        "role": "analis",
        "email": "ana@contoh.id",
        "view": ["32"],
        "capture": ["3201"],
        "disabled": False,
    }
    assert row["password"] is True and "hash" not in json.dumps(row)
    event = audit.events(tmp_store).iloc[0]
    assert (event["aksi"], event["objek"], event["wilayah"]) == ("user.add", "ana.bogor", "32,3201")
    assert json.loads(event["rincian"])["sesudah"] == {
        "peran": "analis",
        "email": "ana@contoh.id",
        "lihat": ["32"],
        "input": ["3201"],
        "nonaktif": False,
    }
    assert users.get_user(tmp_store, "ANA.BOGOR") == p


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"name": "ana bogor"}, "not valid"),
        ({"name": "=cmd"}, "not valid"),
        ({"name": ""}, "not valid"),
        ({"role": "superuser"}, "Unknown role"),
        ({"view": "99"}, "not a known province"),
        ({"capture": "Atlantis"}, "not a known province"),
        ({"email": "bukan-email"}, "not valid"),
        ({"password": "pendek"}, "at least 8"),
        ({"password": None}, "single sign-on"),
    ],
)
def test_add_refuses_bad_input(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
    kwargs: dict[str, object],
    says: str,
) -> None:
    args: dict[str, object] = {"name": "ana", "role": "analis", "password": ax.PASSWORD}
    args.update(kwargs)
    with pytest.raises(StoreError, match=says) as exc:
        users.add_user(tmp_store, **args)  # type: ignore[arg-type]
    assert exc.value.message_id  # in Indonesian too
    assert users.list_users(tmp_store) == []
    assert audit.events(tmp_store).empty


def test_names_and_emails_are_unique(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.add(tmp_store, "ana", "analis", email="ana@contoh.id")
    with pytest.raises(StoreError, match="already exists"):
        ax.add(tmp_store, "ANA", "pimpinan")
    with pytest.raises(StoreError, match="already belongs"):
        ax.add(tmp_store, "ani", "pimpinan", email="ANA@contoh.id")
    ax.add(tmp_store, "ani", "pimpinan")
    with pytest.raises(StoreError, match="already belongs"):
        users.grant(tmp_store, "ani", email="ana@contoh.id")


def test_grant_replaces_and_records_before_and_after(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    ax.add(tmp_store, "ana", "analis", view="32", capture="3201")
    p = users.grant(tmp_store, "ana", capture="3201,3202")
    assert p.capture == ("3201", "3202") and p.view == ("32",)
    p = users.grant(tmp_store, "ana", view="", role="konsultan")  # the whole country
    assert p.view == () and p.role == "konsultan" and p.capture == ("3201", "3202")
    p = users.grant(tmp_store, "ana", view="nasional", capture="")
    assert p.view == () and p.capture == ()
    grants = audit.events(tmp_store, aksi="user.grant")
    assert len(grants) == 3
    first = json.loads(grants["rincian"].iloc[0])
    assert first["sebelum"]["input"] == ["3201"] and first["sesudah"]["input"] == ["3201", "3202"]
    second = json.loads(grants["rincian"].iloc[1])
    assert (second["sebelum"]["peran"], second["sesudah"]["peran"]) == ("analis", "konsultan")
    assert grants["wilayah"].iloc[0] == "32,3201,3202"
    with pytest.raises(StoreError, match="does not exist"):
        users.grant(tmp_store, "siapa", role="analis")


def test_disable_and_the_last_administrator(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    ax.add(tmp_store, "admin", "admin")
    with pytest.raises(StoreError, match="last enabled administrator"):
        users.set_disabled(tmp_store, "admin")
    with pytest.raises(StoreError, match="last enabled administrator"):
        users.grant(tmp_store, "admin", role="analis")
    ax.add(tmp_store, "admin2", "admin")
    users.set_disabled(tmp_store, "admin")  # another one remains
    with pytest.raises(StoreError, match="last enabled administrator"):
        users.set_disabled(tmp_store, "admin2")
    assert users.get_user(tmp_store, "admin") is None  # disabled: no principal
    users.set_disabled(tmp_store, "admin", False)
    users.grant(tmp_store, "admin2", role="pimpinan")
    assert [u["role"] for u in users.list_users(tmp_store)] == ["admin", "pimpinan"]
    with pytest.raises(StoreError, match="does not exist"):
        users.set_disabled(tmp_store, "siapa")
    assert audit.events(tmp_store)["aksi"].tolist() == [
        "user.add",
        "user.add",
        "user.disable",
        "user.enable",
        "user.grant",
    ]


def test_only_administrators_manage_users(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    team = ax.team(tmp_store)
    for role in ("konsultan", "analis", "pimpinan"):
        who = team[role]
        for change in (
            lambda w: users.add_user(tmp_store, "baru", "admin", password=ax.PASSWORD, actor=w),
            lambda w: users.grant(tmp_store, w.name, role="admin", actor=w),  # not even oneself
            lambda w: users.set_disabled(tmp_store, "admin", actor=w),
            lambda w: users.reset_password(tmp_store, "admin", "sandi-baru-1", actor=w),
        ):
            with pytest.raises(AccessDeniedError) as exc:
                change(who)
            assert "manage users" in exc.value.message_en
            assert "mengelola pengguna" in exc.value.message_id
    assert [u["role"] for u in users.list_users(tmp_store)] == [
        "admin",
        "analis",
        "konsultan",
        "pimpinan",
    ]
    refused = audit.events(tmp_store, aksi="access.refused")
    assert len(refused) == 12 and set(refused["pelaku"]) == {"kons.jabar", "ana.bogor", "pimpinan"}
    # the administrator may
    users.add_user(tmp_store, "baru", "pimpinan", password=ax.PASSWORD, actor=team["admin"])
    assert audit.events(tmp_store).iloc[-1]["pelaku"] == "admin"


def test_a_user_disabled_meanwhile_cannot_act(tmp_store: Store, fast_hashes: None) -> None:  # noqa: F811
    from kpi import score

    team = ax.team(tmp_store)
    users.set_disabled(tmp_store, "kons.jabar")
    # the session's principal still says konsultan; the store says disabled
    with pytest.raises(AccessDeniedError, match="disabled"):
        score.save_settings(tmp_store, {"persentil_pembanding": 70}, actor=team["konsultan"])
    assert score.get_settings(tmp_store)["persentil_pembanding"] == 90
    assert audit.events(tmp_store).iloc[-1]["aksi"] == "access.refused"
