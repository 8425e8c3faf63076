"""AppTest of the search box: in the sidebar of every page and on Profil, by name or code, a
link to the place's profile; a user limited to an area finds nothing outside it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from access_fixtures import PASSWORD, fast_hashes  # noqa: F401 - a fixture
from apptest_helpers import app_test, assert_clean
from streamlit.testing.v1 import AppTest

from kpi import users
from kpi.access import load_principal
from kpi.store import Store
from kpi.ui import masuk


def _links(at: AppTest) -> list[tuple[str, str]]:
    return [(x.proto.label, x.proto.query_string) for x in at.get("page_link")]


def _search(at: AppTest, text: str, key: str = "cari_sidebar") -> AppTest:
    at.text_input(key=key).input(text)
    at.run()
    assert_clean(at)
    return at


def test_the_sidebar_finds_a_library_by_part_of_its_name(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(demo_db, monkeypatch, params={"jenis": "desa_kelurahan"})
    at.run()
    assert at.sidebar.text_input(key="cari_sidebar").label == "Cari perpustakaan atau wilayah"
    _search(at, "selodon")
    found = [x for x in _links(at) if x[0].startswith("Perpustakaan Desa Selodono ·")]
    assert found, _links(at)
    label, query = found[0]
    assert "Kabupaten Kediri" in label
    # the link opens the profile and keeps the sidebar's filters
    assert "kode=DES-3506232008" in query and "tingkat=perpustakaan" in query
    assert "jenis=desa_kelurahan" in query
    # a code with dots finds the kab/kota, and a miss says so
    _search(at, "35.06")
    assert any(lbl.startswith("Kabupaten Kediri · Kabupaten/kota") for lbl, _ in _links(at))
    _search(at, "zzzz tidak ada")
    assert any("Tidak ada perpustakaan atau wilayah" in c.value for c in at.sidebar.caption)


def test_the_profile_page_has_the_search_and_opens_what_it_finds(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(demo_db, monkeypatch)
    at.run()
    at.switch_page("pages/profil.py")
    at.run()
    _search(at, "kediri", key="cari_profil")
    labels = [lbl for lbl, _ in _links(at)]
    assert any(lbl.startswith("Kabupaten Kediri") for lbl in labels)
    # opening the place (as the link does) shows its profile
    at.query_params["kode"] = "3506"
    at.query_params["tingkat"] = "kabupaten_kota"
    at.run()
    assert_clean(at)
    assert "Kabupaten Kediri" in at.title[0].value


def test_a_user_limited_to_an_area_finds_nothing_outside_it(
    demo_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_hashes: None,  # noqa: F811
) -> None:
    store = Store(demo_db)
    users.add_user(store, "admin", "admin", password=PASSWORD)
    users.add_user(store, "kons.jabar", "konsultan", password=PASSWORD, view="32")
    who = load_principal(store.cursor(), "kons.jabar")
    store.close()
    at = app_test(demo_db, monkeypatch)
    at.session_state[masuk.PRINCIPAL] = who
    at.session_state[masuk.LAST_SEEN] = datetime.now(UTC).replace(tzinfo=None)
    at.run()
    _search(at, "aceh")
    assert not [x for x in _links(at) if "Aceh" in x[0]]
    assert any("Tidak ada perpustakaan atau wilayah" in c.value for c in at.sidebar.caption)
    _search(at, "sukabumi")
    assert any(lbl.startswith("Kabupaten Sukabumi") for lbl, _ in _links(at))
