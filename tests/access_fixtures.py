"""Users, areas and a small register across three kab/kota, for the access tests."""

from __future__ import annotations

import ingest_fixtures as fx
import pytest
from argon2 import PasswordHasher

from kpi import auth, users
from kpi.access import Principal
from kpi.store import Store

# libraries in Kab. Bogor (32.01), Kab. Sukabumi (32.02), both in Jawa Barat (32), and in
# Kab. Cilacap (33.01), Jawa Tengah (33): real Kemendagri village codes
REGISTER = [
    ("P-001", "Perpustakaan Desa Pondok Rajeg", "desa_kelurahan", "3201011001", 2019, 9000),
    ("P-002", "Perpustakaan Desa Karadenan", "desa_kelurahan", "3201011002", 2020, 8000),
    ("P-101", "Perpustakaan Desa Tonjong", "desa_kelurahan", "3202012002", 2020, 7000),
    ("P-201", "Perpustakaan Desa Tambakreja", "desa_kelurahan", "3301012001", 2021, 6000),
]
PASSWORD = "sandi-uji-123"  # every test user's password


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small costs, so that tests hashing many passwords stay quick (the
    parameters of production are checked in test_auth)."""
    monkeypatch.setattr(
        auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def seed(store: Store) -> str:
    """Import the register as the local operator; returns the batch id."""
    from kpi.ingest import commit, plan_import

    plan = plan_import(store, [("register.csv", fx.register_csv(REGISTER))])
    assert plan.rejected == 0, plan.issues.to_dict("records")
    return commit(store, plan).batch_id


def add(
    store: Store,
    name: str,
    role: str,
    view: str | None = None,
    capture: str | None = None,
    email: str | None = None,
) -> Principal:
    return users.add_user(
        store, name, role, password=PASSWORD, view=view, capture=capture, email=email
    )


def team(store: Store) -> dict[str, Principal]:
    """One user per role: an admin, a consultant for Jawa Barat, a Bogor analyst, a leader."""
    return {
        "admin": add(store, "admin", "admin"),
        "konsultan": add(store, "kons.jabar", "konsultan", view="32"),
        "analis": add(store, "ana.bogor", "analis", view="32", capture="3201"),
        "pimpinan": add(store, "pimpinan", "pimpinan"),
    }
