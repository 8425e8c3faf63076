"""AppTest: sign-in, the Pengguna and Jejak audit pages, and every role against every page
(including URLs edited by hand to an area outside the user's view areas)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from access_fixtures import PASSWORD, fast_hashes  # noqa: F401 - a fixture
from apptest_helpers import app_test, assert_clean
from streamlit.testing.v1 import AppTest

from kpi import audit, auth, users
from kpi.access import Principal, load_principal
from kpi.store import Store
from kpi.ui import masuk

# the demo's Jawa Barat (32) has Kab. Sukabumi (32.02) and Kab. Cianjur (32.03), among others
TEAM = {
    "admin": ("admin", "admin", None, None),
    "konsultan": ("kons.jabar", "konsultan", "32", None),
    "analis": ("ana.sukabumi", "analis", "3202", "3202"),
    "pimpinan": ("pimpinan", "pimpinan", None, None),
}
# page script -> the roles that may open it
PAGES = {
    "pages/ringkasan.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/peta.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/prioritas.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/profil.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/jelajah.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/kualitas.py": {"admin", "konsultan", "analis", "pimpinan"},
    "pages/impor.py": {"admin", "konsultan", "analis"},
    "pages/pengaturan.py": {"admin", "konsultan"},
    "pages/pengguna.py": {"admin"},
    "pages/jejak_audit.py": {"admin"},
}
NO_ACCESS = "Tidak ada akses"


@pytest.fixture
def team_db(demo_db: Path, fast_hashes: None) -> Path:  # noqa: F811
    store = Store(demo_db)
    for name, role, view, capture in TEAM.values():
        users.add_user(store, name, role, password=PASSWORD, view=view, capture=capture)
    store.close()
    return demo_db


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def _signed_in(
    db: Path, monkeypatch: pytest.MonkeyPatch, role: str, page: str | None = None, **params: str
) -> AppTest:
    """app.py with the session signed in as the team's ``role`` (as the sign-in form leaves
    it), opened on ``page``."""
    store = Store(db)
    who = load_principal(store.cursor(), TEAM[role][0])
    store.close()
    at = app_test(db, monkeypatch, params=params or None)
    at.session_state[masuk.PRINCIPAL] = who
    at.session_state[masuk.LAST_SEEN] = datetime.now(UTC).replace(tzinfo=None)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="akses_name").input(name)
    at.text_input(key="akses_password").input(password)
    next(b for b in at.button if b.label == "Masuk").click()
    return at.run()


def _refusals(db: Path) -> list[dict]:
    store = Store(db)
    frame = audit.events(store, aksi="access.refused")
    store.close()
    return frame.to_dict("records")


# -- login off ------------------------------------------------------------------------------------


def test_without_users_the_app_runs_as_the_local_operator_and_says_so(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(demo_db, monkeypatch)
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Ringkasan program"
    banner = [c.value for c in at.sidebar.caption]
    assert any("Login belum aktif" in b and "python -m kpi users add admin" in b for b in banner)
    assert at.session_state[masuk.PRINCIPAL].local


# -- the gate -------------------------------------------------------------------------------------


def test_a_deep_link_asks_for_login_and_shows_no_data(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(team_db, monkeypatch, "pages/prioritas.py", params={"provinsi": "32"})
    at.run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Masuk"]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart")
    assert not at.get("download_button")
    # the filters are not drawn either (they would show the store's areas)
    assert not [s for s in at.sidebar.selectbox if s.label == "Provinsi"]


def test_sign_in_opens_the_page_asked_for_and_sign_out_ends_it(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(team_db, monkeypatch, params={"lang": "id"})
    at.run()
    _login(at, "Admin ", PASSWORD)  # as people type it
    assert_clean(at)
    assert at.title[0].value == "Ringkasan program"
    assert any("admin" in m.value for m in at.sidebar.markdown)
    at.button(key="akses_logout").click().run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert "Anda sudah keluar" in _texts(at)
    store = Store(team_db)
    acts = audit.events(store, user="admin")["aksi"].tolist()
    store.close()
    assert acts[-2:] == ["login", "logout"]


def test_five_wrong_passwords_lock_the_account_and_say_so(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(team_db, monkeypatch)
    at.run()
    for _ in range(4):
        _login(at, "pimpinan", "salah-sekali")
        assert "Nama pengguna atau kata sandi salah" in _texts(at)
    _login(at, "pimpinan", "salah-sekali")
    assert "terkunci" in _texts(at)
    _login(at, "pimpinan", PASSWORD)  # the right password does not open a locked account
    assert "terkunci" in _texts(at)
    assert [t.value for t in at.title] == ["Masuk"]
    store = Store(team_db)
    acts = audit.events(store, user="pimpinan")["aksi"].tolist()
    store.close()
    assert acts.count("login.failed") == 5 and "login.locked" in acts
    assert acts[-1] == "login.refused"


def test_an_idle_session_ends(team_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _signed_in(team_db, monkeypatch, "pimpinan")
    assert at.title[0].value == "Ringkasan program"
    at.session_state[masuk.LAST_SEEN] = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=9)
    at.run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert "tidak ada aktivitas" in _texts(at)


def test_a_user_disabled_meanwhile_is_signed_out(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(team_db, monkeypatch, "pimpinan")
    store = Store(team_db)
    users.set_disabled(store, "pimpinan")
    store.close()
    at.run()
    assert [t.value for t in at.title] == ["Masuk"]


def test_a_user_changes_their_own_password(team_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _signed_in(team_db, monkeypatch, "pimpinan")
    fields = at.sidebar.text_input
    fields[0].input(PASSWORD)
    fields[1].input("sandi-baru-456")
    fields[2].input("sandi-baru-456")
    next(b for b in at.sidebar.button if b.label == "Simpan kata sandi").click()
    at.run()
    assert_clean(at)
    assert "Kata sandi sudah diganti" in "\n".join(s.value for s in at.sidebar.success)
    store = Store(team_db)
    assert auth.authenticate(store, "pimpinan", "sandi-baru-456").ok
    store.close()


# -- Pengguna and Jejak audit ---------------------------------------------------------------------


def test_pengguna_admin_adds_disables_resets_and_edits_a_user(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(team_db, monkeypatch, "admin", "pages/pengguna.py")
    assert_clean(at)
    assert at.title[0].value == "Pengguna"
    assert "ana.sukabumi" in at.dataframe[0].value["Nama"].tolist()
    at.text_input(key="pengguna_add_name").input("ana.cianjur")
    at.selectbox(key="pengguna_add_role").set_value("analis")
    at.multiselect(key="pengguna_add_view").set_value(["3203"])
    at.multiselect(key="pengguna_add_capture").set_value(["3203"])
    at.text_input(key="pengguna_add_password").input(PASSWORD)
    at.text_input(key="pengguna_add_again").input(PASSWORD)
    next(b for b in at.button if b.label == "Tambah pengguna").click()
    at.run()
    assert_clean(at)
    assert "ana.cianjur" in at.success[0].value
    store = Store(team_db)
    p = users.get_user(store, "ana.cianjur")
    assert p is not None and p.role == "analis" and p.view == ("3203",) and p.capture == ("3203",)
    store.close()

    at.selectbox(key="pengguna_choice").set_value("ana.cianjur").run()
    at.button(key="pengguna_toggle_ana.cianjur").click().run()
    assert "dinonaktifkan" in at.success[0].value
    at.selectbox(key="pengguna_choice").set_value("ana.cianjur").run()
    at.button(key="pengguna_toggle_ana.cianjur").click().run()
    assert "diaktifkan lagi" in at.success[0].value
    # a wrong value says what is wrong and changes nothing
    at.selectbox(key="pengguna_choice").set_value("ana.cianjur").run()
    grant_form = [t for t in at.text_input if t.label == "E-mail (untuk single sign-on)"]
    grant_form[-1].input("bukan-email")
    next(b for b in at.button if b.label == "Simpan").click()
    at.run()
    assert "tidak sah" in at.error[0].value
    store = Store(team_db)
    acts = audit.events(store, user="admin")["aksi"].tolist()
    store.close()
    assert acts[-3:] == ["user.add", "user.disable", "user.enable"]


def test_pengguna_refuses_the_last_administrator_disabling_itself(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(team_db, monkeypatch, "admin", "pages/pengguna.py")
    at.selectbox(key="pengguna_choice").set_value("admin").run()
    at.button(key="pengguna_toggle_admin").click().run()
    assert "administrator aktif terakhir" in at.error[0].value


def test_jejak_audit_filters_exports_and_verifies(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(team_db)
    for _ in range(2):
        auth.authenticate(store, "pimpinan", "salah-sekali")
    store.close()
    at = _signed_in(team_db, monkeypatch, "admin", "pages/jejak_audit.py")
    assert_clean(at)
    assert at.title[0].value == "Jejak audit"
    assert "Rantai hash utuh" in at.success[0].value
    at.selectbox(key="jejak_who").set_value("pimpinan").run()
    at.selectbox(key="jejak_what").set_value("login.failed").run()
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["Pelaku"]) == {"pimpinan"}
    assert set(table["Kode tindakan"]) == {"login.failed"}
    assert [d.label for d in at.get("download_button")] == ["Unduh Excel"]


def test_jejak_audit_says_when_the_chain_is_broken(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(team_db)
    with store.write(bump=False) as cur:
        cur.execute("UPDATE jejak_audit SET pelaku = 'orang-lain' WHERE seq = 2")
    store.close()
    at = _signed_in(team_db, monkeypatch, "admin", "pages/jejak_audit.py")
    assert "rusak" in at.error[0].value


@pytest.mark.parametrize("page", ["pages/pengguna.py", "pages/jejak_audit.py"])
def test_an_analyst_is_refused_the_admin_pages(
    team_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    at = _signed_in(team_db, monkeypatch, "analis", page)
    assert [t.value for t in at.title] == [NO_ACCESS]
    assert not at.dataframe
    assert _refusals(team_db)[-1]["pelaku"] == "ana.sukabumi"


# -- every role against every page ----------------------------------------------------------------


@pytest.mark.parametrize("role", list(TEAM))
def test_every_role_against_every_page(
    team_db: Path, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    at = _signed_in(team_db, monkeypatch, role)
    for page, roles in PAGES.items():
        at.switch_page(page)
        at.run()
        assert not at.exception, (role, page, [e.value for e in at.exception])
        titles = [t.value for t in at.title]
        if role in roles:
            assert titles and NO_ACCESS not in titles and "Masuk" not in titles, (role, page)
            assert not at.error, (role, page, [e.value for e in at.error])
        else:
            assert titles == [NO_ACCESS], (role, page, titles)
            assert not at.dataframe and not at.get("plotly_chart"), (role, page)
    refused = {r["objek"] for r in _refusals(team_db) if r["pelaku"] == TEAM[role][0]}
    expected = {p.split("/")[1][:-3].replace("_", "-") for p, r in PAGES.items() if role not in r}
    assert refused == expected


def test_navigation_hides_the_pages_a_role_may_not_use() -> None:
    class Page:
        def __init__(self, url_path: str) -> None:
            self.url_path, self._visibility = url_path, "visible"

    leader = Principal("pimpinan", "pimpinan")
    pages = masuk.restrict([Page(p) for p in ("ringkasan", "impor", "pengaturan")], leader)
    assert [p._visibility for p in pages] == ["visible", "hidden", "hidden"]
    assert not masuk.allowed(None, "ringkasan")  # nobody signed in: nothing


# -- the scope ------------------------------------------------------------------------------------


def test_the_filters_offer_only_the_view_areas(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(team_db, monkeypatch, "analis", "pages/prioritas.py")
    assert_clean(at)
    prov = next(s for s in at.sidebar.selectbox if s.label == "Provinsi")
    assert prov.options == ["Semua", "Jawa Barat"]
    view = at.session_state["_view"]
    assert view.filters.wilayah == ("3202",)


@pytest.mark.parametrize(
    ("page", "params", "code"),
    [
        ("pages/prioritas.py", {"provinsi": "33"}, "33"),
        ("pages/ringkasan.py", {"provinsi": "32", "kab": "3203"}, "3203"),
        ("pages/profil.py", {"kode": "3203", "tingkat": "kabupaten_kota"}, "3203"),
    ],
)
def test_a_url_outside_the_scope_says_no_access_and_is_recorded(
    team_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, params: dict, code: str
) -> None:
    store = Store(team_db)
    who = load_principal(store.cursor(), "ana.sukabumi")
    store.close()
    at = app_test(team_db, monkeypatch, page, params=params)
    at.session_state[masuk.PRINCIPAL] = who
    at.session_state[masuk.LAST_SEEN] = datetime.now(UTC).replace(tzinfo=None)
    at.run()
    assert not at.exception
    assert any("Tidak ada akses" in e.value for e in at.error)
    assert not at.dataframe and not at.metric and not at.get("plotly_chart")
    last = _refusals(team_db)[-1]
    assert last["pelaku"] == "ana.sukabumi" and last["objek"] == code


def test_an_admin_may_open_any_area_by_url(team_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _signed_in(team_db, monkeypatch, "admin", None, provinsi="33")
    assert_clean(at)
    assert at.session_state["_view"].filters.provinsi == "33"
    assert at.session_state["_view"].filters.wilayah is None


def test_only_who_may_undo_everything_is_offered_to_clear_the_demo(
    team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def keys(at: AppTest) -> set[str]:  # the confirmations inside the "Hapus data demo" popovers
        return {b.key for b in at.button} & {"clear_demo", "impor_clear_demo"}

    assert keys(_signed_in(team_db, monkeypatch, "pimpinan")) == set()
    assert keys(_signed_in(team_db, monkeypatch, "analis", "pages/impor.py")) == set()
    assert keys(_signed_in(team_db, monkeypatch, "admin", "pages/impor.py")) == {
        "clear_demo",
        "impor_clear_demo",
    }
