"""The audit trail: a sha256 chain that detects an edited or deleted event, events recorded by
the domain functions (settings with before and after, boundaries, demo, downloads), filters,
and no code path that changes or deletes an event."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import access_fixtures as ax
import duckdb
import hostile_fixtures as hx
import pytest
from access_fixtures import fast_hashes  # noqa: F401 - a fixture

from kpi import access, audit, boundaries, closing, coaching, score
from kpi.access import AccessDeniedError, Principal
from kpi.store import Store, is_db_url


@pytest.fixture
def tmp_store(any_store: Store) -> Store:
    """Every test of this module that takes a new store runs on both engines."""
    return any_store


ROOT = Path(__file__).resolve().parents[1]
ANA = Principal("ana", "analis", ("32",), ("3201",))
T = datetime(2026, 12, 1, 8, 0, 0, 123456)


def test_the_chain_by_hand(tmp_store: Store) -> None:
    first = audit.log(tmp_store, ANA, "login", objek="ana", now=T)
    second = audit.log(
        tmp_store, ANA, "export", objek="prioritas", wilayah=["3201", "32"],
        rincian={"format": "xlsx", "b": 2, "a": [1, "é"]}, now=T,
    )  # fmt: skip
    canonical = (
        f'[1,"2026-12-01T08:00:00.123456","ana","analis","login","ana",null,"{{}}","{"0" * 64}"]'
    )
    assert first.hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert second.hash_sebelum == first.hash and second.seq == 2
    assert second.wilayah == "32,3201"
    assert second.rincian == '{"a":[1,"é"],"b":2,"format":"xlsx"}'  # sorted keys, no spaces
    canonical2 = (
        '[2,"2026-12-01T08:00:00.123456","ana","analis","export","prioritas","32,3201",'
        f'"{{\\"a\\":[1,\\"é\\"],\\"b\\":2,\\"format\\":\\"xlsx\\"}}","{first.hash}"]'
    )
    assert second.hash == hashlib.sha256(canonical2.encode()).hexdigest()
    verdict = audit.verify(tmp_store)
    assert verdict.ok and verdict.events == 2 and verdict.head_hash == second.hash
    assert audit.head(tmp_store) == (2, second.hash)


def test_an_empty_trail_verifies(tmp_store: Store) -> None:
    assert audit.verify(tmp_store) == audit.Verdict(True, 0, audit.GENESIS)


def test_secrets_never_reach_an_event(tmp_store: Store) -> None:
    e = audit.log(
        tmp_store, ANA, "password.reset",
        rincian={"password": "x", "kata_sandi": "y", "nested": {"sandi_hash": "z", "ok": 1}},
    )  # fmt: skip
    assert e.rincian == '{"nested":{"ok":1}}'
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.log(tmp_store, ANA, "something.else")


def _history(store: Store) -> None:
    """A real history: users, sign-ins, an import, settings, a refusal, a download."""
    from kpi import auth, users
    from kpi.ingest import commit, plan_import

    team = ax.team(store)
    ax.seed(store)
    auth.authenticate(store, "ana.bogor", ax.PASSWORD)
    auth.authenticate(store, "ana.bogor", "salah")
    plan = plan_import(
        store,
        [("l.xlsx", ax.fx.workbook({"L": ax.fx.monthly_rows([("P-001", "2023-08", 3)])}))],
        capture=team["analis"].capture_scope(),
    )
    commit(store, plan, actor=team["analis"])
    score.save_settings(store, {"persentil_pembanding": 75}, actor=team["konsultan"])
    with pytest.raises(AccessDeniedError):
        coaching.save_settings(store, {"jendela_bulan": 6}, actor=team["pimpinan"])
    audit.record_download(store, team["pimpinan"], "prioritas", fmt="xlsx", rows=12)
    users.grant(store, "ana.bogor", capture="3201,3202")


def _db(store: Store) -> Path:
    path = store.path
    store.close()
    if is_db_url(path):  # the history was built and verified on PostgreSQL; the edit is DuckDB's
        pytest.skip("the tampering below edits the DuckDB file directly")
    return path


def test_verify_passes_on_a_real_history_and_fails_after_an_edit(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    _history(tmp_store)
    verdict = audit.verify(tmp_store)
    assert verdict.ok and verdict.events >= 12, verdict
    n = verdict.events
    path = _db(tmp_store)
    # someone edits one event directly in the database: the import's counts
    con = duckdb.connect(str(path))
    seq = con.execute(
        "SELECT seq FROM jejak_audit WHERE aksi = 'import.commit' AND pelaku = 'ana.bogor'"
    ).fetchone()[0]
    changed = con.execute(
        "UPDATE jejak_audit SET rincian = replace(rincian, '\"added\":1', '\"added\":0') "
        "WHERE seq = ? AND contains(rincian, '\"added\":1') RETURNING seq",
        [seq],
    ).fetchall()
    con.close()
    assert changed == [(seq,)]
    store = Store(path)
    try:
        verdict = audit.verify(store)
        assert not verdict.ok and verdict.broken_at == seq and verdict.events == seq - 1
        assert f"event {seq} " in verdict.message_en and "was changed" in verdict.message_en
        assert "import.commit" in verdict.message_en and "ana.bogor" in verdict.message_en
        assert f"peristiwa {seq} " in verdict.message_id
        assert n > seq
    finally:
        store.close()


def test_verify_fails_after_a_change_of_actor_with_its_hash_recomputed(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    """Rewriting an event and its own hash breaks the link of the next event."""
    _history(tmp_store)
    path = _db(tmp_store)
    con = duckdb.connect(str(path))
    row = con.execute("SELECT * FROM jejak_audit WHERE seq = 3").fetchone()
    seq, waktu, _, peran, aksi, objek, wilayah, rincian, before, _ = row
    forged = audit.event_hash(
        seq, waktu, "orang-lain", peran, aksi, objek, wilayah, rincian, before
    )
    con.execute("UPDATE jejak_audit SET pelaku = 'orang-lain', hash = ? WHERE seq = 3", [forged])
    con.close()
    store = Store(path)
    try:
        verdict = audit.verify(store)
        assert not verdict.ok and verdict.broken_at == 4
        assert "does not follow event 3" in verdict.message_en
    finally:
        store.close()


@pytest.mark.parametrize("which", ["middle", "first", "last"])
def test_verify_fails_after_a_deletion(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
    which: str,
) -> None:
    _history(tmp_store)
    n = audit.verify(tmp_store).events
    path = _db(tmp_store)
    seq = {"middle": 5, "first": 1, "last": n}[which]
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM jejak_audit WHERE seq = ?", [seq])
    con.close()
    store = Store(path)
    try:
        verdict = audit.verify(store)
        assert not verdict.ok and verdict.broken_at == seq
        if which == "last":
            assert f"ends at event {n - 1}, but {n} events were written" in verdict.message_en
        else:
            assert f"event {seq} is missing (deleted)" in verdict.message_en
        # a new event appended after the deletion does not hide it
        audit.log(store, ANA, "logout")
        later = audit.verify(store)
        assert not later.ok and later.broken_at == seq
    finally:
        store.close()


def test_verify_fails_when_the_head_record_is_removed(
    tmp_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    _history(tmp_store)
    path = _db(tmp_store)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM meta WHERE key = 'audit_kepala'")
    con.close()
    store = Store(path)
    try:
        verdict = audit.verify(store)
        assert not verdict.ok and "head" in verdict.message_en
    finally:
        store.close()


def test_no_code_path_changes_or_deletes_an_event() -> None:
    """The application only ever inserts into jejak_audit (migrations create it)."""
    pattern = re.compile(
        r"(UPDATE\s+jejak_audit|DELETE\s+FROM\s+jejak_audit|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?"
        r"jejak_audit|TRUNCATE\s+jejak_audit|ALTER\s+TABLE\s+jejak_audit)",
        re.IGNORECASE,
    )
    sources = [
        *ROOT.joinpath("kpi").rglob("*.py"),
        ROOT / "app.py",
        *ROOT.joinpath("pages").rglob("*.py"),
    ]
    hits = [str(p) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
    # one insert in all of kpi: the chain's (kpi.trail, which kpi.audit re-exports) named
    # write in kpi/queries/trail.py
    inserts = {p: p.read_text(encoding="utf-8").count("INSERT INTO jejak_audit") for p in sources}
    assert {p.relative_to(ROOT).as_posix(): n for p, n in inserts.items() if n} == {
        "kpi/queries/trail.py": 1
    }
    # the demo's reload deletes its own rows of the data tables, never the trail
    demo = (ROOT / "kpi" / "demo.py").read_text(encoding="utf-8")
    assert "jejak_audit" not in demo


def test_settings_saves_record_before_and_after(tmp_store: Store) -> None:
    score.save_settings(tmp_store, {"persentil_pembanding": 75})
    score.save_settings(tmp_store, {"persentil_pembanding": 60})
    coaching.save_settings(tmp_store, {"jendela_bulan": 6})
    score.restore_defaults(tmp_store)
    ev = audit.events(tmp_store)
    assert ev["aksi"].tolist() == [
        "settings.save",
        "settings.save",
        "settings.save",
        "settings.restore",
    ]
    assert ev["peran"].tolist() == ["lokal"] * 4  # the local operator, by default
    first, second, third, restore = (json.loads(r) for r in ev["rincian"])
    assert first["sebelum"] == {"skor": None}
    assert first["sesudah"]["skor"]["persentil_pembanding"] == 75
    assert second["sebelum"]["skor"]["persentil_pembanding"] == 75
    assert second["sesudah"]["skor"]["persentil_pembanding"] == 60
    assert third == {"sebelum": {"pembinaan": None}, "sesudah": {"pembinaan": {"jendela_bulan": 6}}}
    assert restore["sebelum"]["pembinaan"] == {"jendela_bulan": 6}
    assert restore["sebelum"]["skor"]["persentil_pembanding"] == 60
    # restoring defaults also restores the closing of months (issue 13), in the same event
    assert restore["sesudah"] == {"skor": None, "pembinaan": None, "penutupan": None}
    assert ev["objek"].tolist() == ["skor", "skor", "pembinaan", "skor,pembinaan,penutupan"]


def test_the_closing_of_months_is_saved_with_its_event_and_refused_for_analysts(
    tmp_store: Store,
) -> None:
    closing.save_settings(tmp_store, {"tenggat_hari": 15})
    ev = audit.events(tmp_store)
    assert ev["aksi"].tolist() == ["settings.save"] and ev["objek"].tolist() == ["penutupan"]
    detail = json.loads(ev["rincian"].iloc[0])
    assert detail["sebelum"] == {"penutupan": None}
    assert detail["sesudah"]["penutupan"]["tenggat_hari"] == 15
    with pytest.raises(AccessDeniedError):
        closing.save_settings(tmp_store, {"tenggat_hari": 20}, actor=ANA)
    assert closing.get_settings(tmp_store)["tenggat_hari"] == 15


def test_settings_refused_for_analysts_and_leaders(tmp_store: Store) -> None:
    for who in (ANA, Principal("p", "pimpinan")):
        with pytest.raises(AccessDeniedError, match="may not save settings"):
            score.save_settings(tmp_store, {"persentil_pembanding": 75}, actor=who)
        with pytest.raises(AccessDeniedError):
            score.restore_defaults(tmp_store, actor=who)
        with pytest.raises(AccessDeniedError):
            boundaries.save(tmp_store, hx.boundary_report(), "batas.geojson", actor=who)
        with pytest.raises(AccessDeniedError):
            boundaries.delete(tmp_store, actor=who)
    assert tmp_store.get_setting("skor") is None and boundaries.stored_info(tmp_store) is None
    assert audit.events(tmp_store)["aksi"].tolist() == ["access.refused"] * 8


def test_boundary_uploads_are_summarised(tmp_store: Store) -> None:
    report = hx.boundary_report()
    boundaries.save(tmp_store, report, "batas.geojson")
    boundaries.delete(tmp_store)
    ev = audit.events(tmp_store)
    assert ev["aksi"].tolist() == ["boundaries.save", "boundaries.delete"]
    saved = json.loads(ev["rincian"].iloc[0])
    assert saved["sebelum"] == {"batas_kabkota": None}
    after = saved["sesudah"]["batas_kabkota"]
    features = report.collection["features"]
    digest = hashlib.sha256(
        json.dumps(features, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert (after["sumber"], after["kabkota"], after["sha256"]) == (
        "batas.geojson",
        len(features),
        digest,
    )
    assert "coordinates" not in ev["rincian"].iloc[0]  # the file itself is not copied
    removed = json.loads(ev["rincian"].iloc[1])
    assert removed["sebelum"]["batas_kabkota"]["sha256"] == digest
    assert removed["sesudah"] == {"batas_kabkota": None}


def test_demo_load_and_clear_are_recorded_and_checked(
    demo_store: Store,
    fast_hashes: None,  # noqa: F811
) -> None:
    from kpi.demo import clear_demo

    assert audit.events(demo_store)["aksi"].tolist() == ["demo.load"]
    # an analyst of one kab/kota, one of the whole country (the demo holds targets, which
    # analysts do not save), a consultant and a leader may not clear the whole demo; an
    # administrator may
    team = [
        ax.add(demo_store, "ana", "analis", capture="3201"),
        ax.add(demo_store, "ana.pusat", "analis", capture="nasional"),
        ax.add(demo_store, "kons", "konsultan"),
        ax.add(demo_store, "boss", "pimpinan"),
    ]
    admin = ax.add(demo_store, "admin", "admin")
    for who in team:
        with pytest.raises(AccessDeniedError) as exc:
            clear_demo(demo_store, actor=who)
        assert who.name in exc.value.message_en
        assert demo_store.has_demo()
    clear_demo(demo_store, actor=admin)
    assert not demo_store.has_demo()
    ev = audit.events(demo_store)
    assert ev["aksi"].tolist() == [
        "demo.load",
        *["user.add"] * 5,
        *["access.refused"] * 4,
        "demo.clear",
    ]
    assert ev["pelaku"].tolist()[-1] == "admin"
    assert json.loads(ev["rincian"].iloc[-1]) == {"batch": ["demo-2018-x1"]}
    assert audit.verify(demo_store).ok


def test_downloads_are_recorded_with_their_filters(tmp_store: Store) -> None:
    leader = Principal("boss", "pimpinan", view=("32",))
    audit.record_download(
        tmp_store, leader, "prioritas", fmt="xlsx", filters={"periode": "2024-08"}, rows=40,
        area="3201",
    )  # fmt: skip
    audit.record_download(tmp_store, leader, "rapor:P-001", fmt="pdf", report_card=True)
    with pytest.raises(AccessDeniedError, match="in 33"):
        audit.record_download(tmp_store, leader, "prioritas", fmt="xlsx", area="33")
    with pytest.raises(AccessDeniedError, match="may not download"):
        audit.record_download(tmp_store, ANA, "jelajah", fmt="csv")
    ev = audit.events(tmp_store)
    assert ev["aksi"].tolist() == ["export", "report_card", "access.refused", "access.refused"]
    assert json.loads(ev["rincian"].iloc[0]) == {
        "format": "xlsx",
        "filter": {"periode": "2024-08"},
        "baris": 40,
    }
    assert ev["wilayah"].tolist()[:3] == ["3201", None, "33"]


def test_event_filters(tmp_store: Store) -> None:
    audit.log(tmp_store, ANA, "login", now=datetime(2026, 11, 30, 23, 0))
    audit.log(tmp_store, ANA, "import.commit", wilayah=["32"], now=datetime(2026, 12, 1, 1))
    audit.log(tmp_store, Principal("b", "pimpinan"), "export", wilayah="3301",
              now=datetime(2026, 12, 2, 9))  # fmt: skip
    audit.log(tmp_store, ANA, "import.undo", wilayah=["33", "32"], now=datetime(2026, 12, 3))
    seqs = lambda **kw: audit.events(tmp_store, **kw)["seq"].tolist()  # noqa: E731
    assert seqs() == [1, 2, 3, 4]
    assert seqs(since=date(2026, 12, 1)) == [2, 3, 4]
    assert seqs(until=date(2026, 12, 2)) == [1, 2, 3]  # the whole day
    assert seqs(since=datetime(2026, 12, 1, 1, 0, 1)) == [3, 4]
    assert seqs(user="ana") == [1, 2, 4]
    assert seqs(aksi="import") == [2, 4] and seqs(aksi="import.undo") == [4]
    assert seqs(wilayah="3201") == [2, 4]  # events of all Jawa Barat touch Bogor
    assert seqs(wilayah="33") == [3, 4]  # an event in Cilacap lies in Jawa Tengah
    assert seqs(wilayah="33.01") == [3, 4]
    assert seqs(limit=2) == [3, 4]
    assert access.Action.AUDIT.value == "audit"
