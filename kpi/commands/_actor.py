"""Who a command acts as: the operating-system user (the local operator, with every right: whoever
runs a command has the database file at hand), or ``--as NAME``, a user of the store whose role
and areas then apply and who is recorded as the actor."""

from __future__ import annotations

import argparse

from kpi import access, audit
from kpi.store import Store


def add_as_argument(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="NAME",
        help=f"{what} as this user of the store: their role and areas apply, and they are "
        "recorded as the actor (default: the operating-system user, with every right)",
    )


def actor_for(store: Store, name: str | None, *needs: access.Action) -> access.Principal:
    """The principal a command acts as; AccessDeniedError (recorded) for an unknown or disabled
    user, or a role without any of ``needs``."""
    if not name:
        return access.local_operator()
    cur = store.cursor()
    found = access.load_principal(cur, name.strip().lower(), allow_disabled=True)
    if found is None:
        who = access.Principal(name, "?")
        audit.log(
            store, who, "access.refused", objek=name, rincian={"alasan": "pengguna_tidak_ada"}
        )
        raise access.AccessDeniedError(
            f"Tidak ada pengguna {name} (--as). Lihat: python -m kpi users list.",
            f"There is no user {name} (--as). See: python -m kpi users list.",
        )
    if access.load_principal(cur, found.name) is None:
        audit.log(store, found, "access.refused", objek=name, rincian={"alasan": "nonaktif"})
        raise access.AccessDeniedError(
            f"Tidak ada akses: pengguna {found.name} dinonaktifkan.",
            f"No access: the user {found.name} is disabled.",
        )
    if needs and not any(found.can(a) for a in needs):
        access.refuse(store, found, needs[0], objek=name)
    return found
