"""Roles, areas and the principal: the role table as data, every role against every action
(allowed and refused, each refusal recorded), areas covering what lies below them, coverage."""

from __future__ import annotations

from pathlib import Path

import access_fixtures as ax
import ingest_fixtures as fx
import pytest
import yaml
from access_fixtures import fast_hashes  # noqa: F401 - a fixture

from kpi import access, audit, score, users
from kpi.access import Action, Areas, Principal
from kpi.ingest import commit, plan_import, undo
from kpi.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]


def test_the_role_table_is_the_design_notes_table() -> None:
    """access.md: admin all; konsultan view areas + settings; analis view + capture areas;
    pimpinan view areas; plus export for leaders and consultants and targets for consultants
    (kpi/peran.yaml says why). Read from the data file, not from code."""
    data = yaml.safe_load((ROOT / "kpi" / "peran.yaml").read_text(encoding="utf-8"))
    table = {r: spec["actions"] for r, spec in data["roles"].items()}
    assert table == {
        "admin": {
            "see": "all",
            "import": "all",
            "targets": "all",
            "undo": "all",
            "settings": "all",
            "export": "all",
            "users": "all",
            "audit": "all",
        },
        "konsultan": {
            "see": "view",
            "targets": "view",
            "undo": "view",
            "settings": "all",
            "export": "view",
        },
        "analis": {"see": "view", "import": "capture", "undo": "capture"},
        "pimpinan": {"see": "view", "export": "view"},
    }
    assert access.role_ids() == ("admin", "konsultan", "analis", "pimpinan")
    assert {r: dict(s.actions) for r, s in access.roles().items()} == table


def test_a_bad_role_table_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "peran.yaml"
    bad.write_text(
        "roles:\n  x:\n    label_id: X\n    label_en: X\n    actions: {fly: all}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(access, "ROLES_PATH", bad)
    access.roles.cache_clear()
    try:
        with pytest.raises(ValueError, match="fly"):
            access.roles()
    finally:
        monkeypatch.undo()
        access.roles.cache_clear()


def test_areas_cover_everything_below_them() -> None:
    jabar_bogor = Areas(frozenset({"32", "3301"}))
    assert jabar_bogor.covers("32")
    assert jabar_bogor.covers("3202")  # a kab/kota of Jawa Barat
    assert jabar_bogor.covers("3202012002")  # a village in it
    assert jabar_bogor.covers("3301012001")  # a village of Kab. Cilacap
    assert not jabar_bogor.covers("33")  # Jawa Tengah as a whole is more than Cilacap
    assert not jabar_bogor.covers("3302")
    assert not jabar_bogor.covers("")  # the national level
    assert not jabar_bogor.covers(None)
    assert access.EVERYWHERE.covers("") and access.EVERYWHERE.covers("9999")
    assert not access.NOWHERE.covers("32") and access.NOWHERE.empty


def test_principal_view_and_capture() -> None:
    analyst = Principal("ana", "analis", view=("32",), capture=("3201",))
    assert analyst.may_see("32") and analyst.may_see("32.02") and analyst.may_see("3202012002")
    assert not analyst.may_see("33") and not analyst.may_see("3301")
    assert analyst.may_capture("3201011001") and analyst.may_capture("32.01")
    assert not analyst.may_capture("3202012002")  # seen, not captured
    assert not analyst.may_capture("32")  # the province is more than Bogor
    assert not analyst.may_capture("3201", kind="target")  # analysts do not save targets
    # no view area: the whole country; no capture area: nowhere
    everywhere = Principal("x", "analis")
    assert everywhere.may_see("91") and not everywhere.may_capture("3201")
    national = Principal("y", "analis", capture=("nasional",))
    assert national.may_capture("9101") and national.may_capture("", kind="perpustakaan")
    # a consultant saves targets within their view areas, imports nothing else
    consultant = Principal("k", "konsultan", view=("32",))
    assert consultant.may_capture("3201", kind="target")
    assert not consultant.may_capture("3301", kind="target")
    assert not consultant.may_capture("", kind="target")  # national targets: whole country
    assert not consultant.may_capture("3201", kind="laporan_bulanan")
    # an admin sees and captures everything, whatever areas it carries
    admin = Principal("a", "admin", view=("32",))
    assert admin.may_see("33") and admin.may_capture("", kind="target")
    # an unknown role: nothing (deny by default)
    ghost = Principal("g", "tamu")
    assert not ghost.can(Action.SEE) and not ghost.may_see("32") and not ghost.may_capture("32")
    assert ghost.capture_scope().by_kind == {}


def test_local_operator_has_every_right() -> None:
    op = access.local_operator("operator1")
    assert op.local and op.audit_role == "lokal" and op.name == "operator1"
    assert all(op.can(a) for a in Action)
    assert op.capture_scope().everything and op.undo_scope().everything


def test_coverage_turns_areas_into_codes(tmp_store: Store) -> None:
    cov = access.coverage(tmp_store, Areas(frozenset({"32", "3301"})))
    kab_32 = set(
        tmp_store.query("SELECT kode FROM wilayah WHERE kode_induk = '32'")["kode"].astype(str)
    )
    assert len(kab_32) == 27  # Jawa Barat: 18 kabupaten, 9 kota
    assert cov.provinsi == {"32"}
    assert cov.kabupaten_kota == kab_32 | {"3301"}
    assert cov.provinsi_tersentuh == {"32", "33"}
    assert cov.covers("3201011001") and cov.covers("3301") and not cov.covers("3302")
    assert not cov.covers("33") and not cov.whole_country
    sql, params = cov.predicate("p.kode_provinsi", "p.kode_kabupaten_kota")
    assert params == [["32"], ["3301"]]
    # the predicate on libraries: Bogor and Cilacap in, Banyumas (33.02) out, a provincial
    # library of Jawa Barat in, one of Jawa Tengah out
    rows = tmp_store.query(
        f"SELECT k FROM (VALUES ('a', '32', '3201'), ('b', '33', '3301'), ('c', '33', '3302'), "
        f"('d', '32', NULL), ('e', '33', NULL)) p(k, kode_provinsi, kode_kabupaten_kota) "
        f"WHERE {sql} ORDER BY k",
        params,
    )
    assert rows["k"].tolist() == ["a", "b", "d"]
    # deny by default: no area covers nothing, and the predicate selects nothing
    none = access.coverage(tmp_store, access.NOWHERE)
    assert none.nothing and none.predicate() == ("FALSE", [])
    assert access.coverage(tmp_store, access.EVERYWHERE).predicate() == ("TRUE", [])
    # view coverage of a leader without view areas: the whole country; an unknown role: none
    assert access.view_coverage(tmp_store, Principal("p", "pimpinan")).whole_country
    assert access.view_coverage(tmp_store, Principal("g", "tamu")).nothing


def test_areas_as_administrators_write_them(tmp_store: Store) -> None:
    parse = access.parse_areas
    assert parse(tmp_store, "32, 32.01 ,3301") == ("32", "3301")  # 3201 lies in 32
    assert parse(tmp_store, ["Jawa Barat"]) == ("32",)
    assert parse(tmp_store, "Kab. Bogor,Kota Bogor") == ("3201", "3271")
    assert parse(tmp_store, "Jateng") == ("33",)  # the gazetteer's abbreviations
    assert parse(tmp_store, "nasional,32") == ("nasional",)
    assert parse(tmp_store, "") == () and parse(tmp_store, None) == ()
    for bad in ("99", "3201011001", "Atlantis", "32.1"):
        with pytest.raises(StoreError) as exc:
            parse(tmp_store, bad)
        assert bad in exc.value.message_id and bad in exc.value.message_en
    with pytest.raises(StoreError, match="ambiguous") as exc:
        parse(tmp_store, "Bogor")  # kabupaten or kota
    assert "32.01" in exc.value.message_en and "32.71" in exc.value.message_en


# -- every role against every action --------------------------------------------------------------

ACTIONS = ("see", "import", "undo", "save settings", "export", "manage users")
# hand-written from access.md's table (and kpi/peran.yaml's notes)
EXPECTED = {
    "admin": {"see", "import", "undo", "save settings", "export", "manage users"},
    "konsultan": {"see", "save settings", "export"},
    "analis": {"see", "import", "undo"},
    "pimpinan": {"see", "export"},
}


def _try(store: Store, who: Principal, action: str, batch: str) -> bool:
    """Take ``action`` through the domain function that does it, inside the user's own areas
    (Kab. Bogor); True when it was allowed."""
    try:
        if action == "see":
            access.require(store, who, Action.SEE, area="3201")
        elif action == "import":
            monthly = fx.workbook({"L": fx.monthly_rows([("P-001", "2023-08", 5)])})
            plan = plan_import(store, [("l.xlsx", monthly)], capture=who.capture_scope())
            commit(store, plan, actor=who)
            if plan.rejected:  # refused row by row in the report
                raise access.AccessDeniedError("", plan.issues["message_en"].iloc[0])
        elif action == "undo":
            undo(store, batch, actor=who)
        elif action == "save settings":
            score.save_settings(store, {"persentil_pembanding": 80}, actor=who)
        elif action == "export":
            audit.record_download(store, who, "jelajah", fmt="xlsx", area="3201")
        elif action == "manage users":
            users.add_user(store, f"baru.{who.role}", "pimpinan", password=ax.PASSWORD, actor=who)
    except access.AccessDeniedError:
        return False
    return True


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_role_against_every_action(tmp_store: Store, fast_hashes: None, role: str) -> None:  # noqa: F811
    ax.seed(tmp_store)
    who = ax.team(tmp_store)[role]
    for n, action in enumerate(ACTIONS, start=1):
        # a batch of Bogor's monthly reports to undo, made by the local operator
        monthly = fx.workbook({"L": fx.monthly_rows([("P-002", f"2022-{n:02d}", 7)])})
        batch = commit(tmp_store, plan_import(tmp_store, [(f"{action}.xlsx", monthly)])).batch_id
        before = len(audit.events(tmp_store, aksi="access.refused"))
        allowed = _try(tmp_store, who, action, batch)
        assert allowed == (action in EXPECTED[role]), (role, action)
        refusals = audit.events(tmp_store, aksi="access.refused")
        if action == "import" and not allowed and who.can(Action.TARGETS):
            # a consultant's monthly rows are rejected row by row (the report says why)
            continue
        assert len(refusals) == before + (0 if allowed else 1), (role, action)
        if not allowed:
            assert refusals["pelaku"].iloc[-1] == who.name
    assert audit.verify(tmp_store).ok


def test_seeing_outside_the_view_areas_is_refused_and_recorded(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    kons = ax.add(tmp_store, "kons", "konsultan", view="3201")
    access.require(tmp_store, kons, Action.SEE, area="3201011001")
    with pytest.raises(access.AccessDeniedError) as exc:
        access.require(tmp_store, kons, Action.SEE, area="3202", objek="/profil?kode=3202")
    assert "32.02" in exc.value.message_id and "may not see data in 32.02" in exc.value.message_en
    last = audit.events(tmp_store).iloc[-1]
    assert (last["aksi"], last["pelaku"], last["objek"], last["wilayah"]) == (
        "access.refused",
        "kons",
        "/profil?kode=3202",
        "3202",
    )


def test_libraries_by_their_area(tmp_store: Store) -> None:
    ax.seed(tmp_store)
    analyst = Principal("ana", "analis", view=("32",), capture=("3201",))
    assert access.library_area(tmp_store, "P-101") == "3202012002"
    assert access.may_see_library(tmp_store, analyst, "P-101")  # Sukabumi, in Jawa Barat
    assert not access.may_see_library(tmp_store, analyst, "P-201")  # Cilacap
    assert access.may_capture_library(tmp_store, analyst, "P-001")
    assert not access.may_capture_library(tmp_store, analyst, "P-101")
    assert not access.may_capture_library(tmp_store, analyst, "P-001", kind="target")
    assert not access.may_see_library(tmp_store, analyst, "P-404")  # unknown: no
    assert access.library_area(tmp_store, "P-404") is None
