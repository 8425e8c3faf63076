"""Single sign-on in a real browser with no network: Streamlit's st.login (OIDC) against a local
identity provider on the loopback (oidc-provider-mock), on a server of its own.

The provider only says who the person is; the role and the areas are the local user's, granted
by e-mail: a person whose e-mail a user has signs in as that user (a leader: no Impor data), a
person whose e-mail nobody has is refused, and both are in the audit trail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
pytest.importorskip("authlib")  # st.login needs it
mock = pytest.importorskip("oidc_provider_mock")
from journeys import FIRST_LOAD, STEP, heading, no_errors, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from kpi import audit, users  # noqa: E402
from kpi.bench.server import streamlit_server  # noqa: E402
from kpi.store import Store  # noqa: E402

GRANTED = ("sso-pimpinan", "pimpinan.sso@example.org")
STRANGER = ("sso-orang-lain", "orang.lain@example.org")


@pytest.fixture(scope="module")
def sso_app(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("e2e-sso")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_template, db)
    store = Store(db)
    users.add_user(store, "admin", "admin", password="sandi-uji-123")
    users.add_user(store, "pimpinan.sso", "pimpinan", email=GRANTED[1])  # no password: SSO only
    store.close()
    people = [mock.User(sub=sub, claims={"email": mail}) for sub, mail in (GRANTED, STRANGER)]
    secrets = folder / "secrets.toml"
    with mock.run_server_in_thread(user_claims=people) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        env = {"STREAMLIT_SECRETS_FILES": str(secrets)}
        with streamlit_server("app.py", folder / "streamlit.log", db=db, env=env) as server:
            base = server.url.rstrip("/")
            # written once the app's port is known, before any session reads it
            secrets.write_text(
                "[auth]\n"
                f'redirect_uri = "{base}/oauth2callback"\n'
                'cookie_secret = "a-test-cookie-secret-of-some-length"\n'
                'client_id = "tpbis-dashboard"\n'
                'client_secret = "tpbis-secret"\n'
                f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
                encoding="utf-8",
            )
            yield base, db


def _sso(page: Page, base: str, subject: str) -> None:
    page.goto(base)
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible(timeout=FIRST_LOAD)
    wait_run(page, FIRST_LOAD)
    page.get_by_role("button", name="Masuk dengan single sign-on").click()
    # the provider's own page: choose who signs in
    page.get_by_role("button", name=subject, exact=True).click(timeout=STEP)


def test_sso_signs_in_the_user_granted_by_e_mail(
    page: Page, sso_app: tuple[str, Path], blocked_requests: list[str]
) -> None:
    base, _ = sso_app
    _sso(page, base, GRANTED[0])
    heading(page, "Ringkasan program", FIRST_LOAD)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("pimpinan.sso")).to_be_visible()
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="Impor data", exact=True)).to_have_count(0)
    no_errors(page)
    # only the mock provider's own page asks for a stylesheet on a CDN (aborted: no network);
    # the app asks for nothing beyond the loopback
    assert [u for u in blocked_requests if "/@picocss/" not in u] == []


def test_sso_refuses_an_e_mail_no_user_has(page: Page, sso_app: tuple[str, Path]) -> None:
    base, _ = sso_app
    _sso(page, base, STRANGER[0])
    # (the e-mail is shown as literal text: a word joiner keeps it from becoming a link)
    expect(page.get_by_text("Belum ada hak akses untuk orang.lain@")).to_be_visible(
        timeout=FIRST_LOAD
    )
    wait_run(page)
    expect(page.get_by_role("heading", name="Ringkasan program")).to_have_count(0)


def test_both_are_in_the_audit_trail(sso_app: tuple[str, Path]) -> None:
    _, db = sso_app
    # the server holds the file: read a copy (with its write-ahead log)
    shutil.copy(db, db.with_name("lihat.duckdb"))
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, db.with_name("lihat.duckdb.wal"))
    store = Store(db.with_name("lihat.duckdb"))
    try:
        events = audit.events(store)
    finally:
        store.close()
    mine = events[events["aksi"].isin(["identity.link", "login", "login.refused"])]
    rows = set(zip(mine["pelaku"], mine["aksi"], strict=True))
    assert ("pimpinan.sso", "identity.link") in rows
    assert ("pimpinan.sso", "login") in rows
    assert (STRANGER[1], "login.refused") in rows
