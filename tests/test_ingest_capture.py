"""Imports and undo within capture areas: a kab/kota analyst's file holding rows of their own and
of other kab/kota lands only their rows, the others listed with the reason in the same report;
register, reports, targets and context judged by the right area; the commit and the undo check
again inside their transaction."""

from __future__ import annotations

from datetime import date

import access_fixtures as ax
import ingest_fixtures as fx
import pytest
from access_fixtures import fast_hashes  # noqa: F401 - a fixture

from kpi import audit, users
from kpi.access import AccessDeniedError, Principal
from kpi.ingest import commit, plan_import, undo
from kpi.ingest.history import list_batches
from kpi.store import Store


@pytest.fixture
def tmp_store(any_store: Store) -> Store:
    """Every test of this module that takes a new store runs on both engines."""
    return any_store


TODAY = date(2026, 11, 15)
BOGOR = Principal("ana.bogor", "analis", ("32",), ("3201",))
OUTSIDE_EN = "Outside your capture areas (Kabupaten Bogor (32.01)): "
OUTSIDE_ID = "Di luar wilayah input Anda (Kabupaten Bogor (32.01)): "


@pytest.fixture
def store(tmp_store: Store, fast_hashes: None) -> Store:  # noqa: F811
    ax.seed(tmp_store)
    ax.team(tmp_store)
    return tmp_store


def _mixed_file() -> bytes:
    """One workbook: two new libraries (Bogor, Sukabumi) and reports of Bogor, Sukabumi and
    Cilacap libraries, stored and new."""
    return fx.workbook(
        {
            "Daftar": [
                ["Kode Perpustakaan", "Nama Perpustakaan", "Kode Wilayah", "Penduduk"],
                ["P-003", "Perpustakaan Desa Harapanjaya", "3201011003", 5000],  # row 2
                ["P-102", "Perpustakaan Desa Citepus", "3202012003", 4000],  # row 3
            ],
            "Laporan": fx.monthly_rows(
                [
                    ("P-001", "2024-08", 120),  # row 2: Bogor, stored
                    ("P-101", "2024-08", 80),  # row 3: Sukabumi, stored
                    ("P-201", "2024-08", 60),  # row 4: Cilacap, stored
                    ("P-003", "2024-08", 40),  # row 5: Bogor, new in this file
                    ("P-102", "2024-08", 30),  # row 6: Sukabumi, new in this file
                ]
            ),
        }
    )


def test_a_kabkota_analyst_lands_only_their_rows(store: Store) -> None:
    plan = plan_import(
        store, [("campur.xlsx", _mixed_file())], capture=BOGOR.capture_scope(), today=TODAY
    )
    assert (plan.accepted, plan.rejected) == (3, 4)
    issues = plan.issues.sort_values(["sheet", "row"])
    assert issues[["sheet", "row", "column", "value", "rule"]].values.tolist() == [
        ["Daftar", 3, "Kode Wilayah", "3202012003", "di_luar_wilayah"],
        ["Laporan", 3, "Kode Perpustakaan", "P-101", "di_luar_wilayah"],
        ["Laporan", 4, "Kode Perpustakaan", "P-201", "di_luar_wilayah"],
        ["Laporan", 6, "Kode Perpustakaan", "P-102", "perpustakaan_ditolak"],
    ]
    en = issues["message_en"].tolist()
    assert en[0] == (
        OUTSIDE_EN + "this row's area is Kabupaten Sukabumi (32.02). This row is not imported."
    )
    assert en[1] == (
        OUTSIDE_EN + "the library P-101 is in Kabupaten Sukabumi (32.02). This row is not imported."
    )
    assert en[2] == (
        OUTSIDE_EN + "the library P-201 is in Kabupaten Cilacap (33.01). This row is not imported."
    )
    assert "its row was rejected (campur.xlsx, sheet Daftar, row 3)" in en[3]
    assert issues["message_id"].tolist()[1] == (
        OUTSIDE_ID
        + "perpustakaan P-101 ada di Kabupaten Sukabumi (32.02). Baris ini tidak diimpor."
    )
    # the rejected rows keep their whole original content, for the download to fix
    assert sorted(plan.rejected_rows["row"].tolist()) == [3, 3, 4, 6]
    result = commit(store, plan, actor=BOGOR)
    assert (result.added, result.rejected) == (3, 4)
    landed = store.query(
        "SELECT kode_perpustakaan, kunjungan FROM laporan_bulanan ORDER BY kode_perpustakaan"
    )
    assert landed.values.tolist() == [["P-001", 120], ["P-003", 40]]
    assert store.query("SELECT kode_perpustakaan FROM perpustakaan ORDER BY 1")[
        "kode_perpustakaan"
    ].tolist() == ["P-001", "P-002", "P-003", "P-101", "P-201"]
    stored = store.query("SELECT baris, aturan FROM rejected_row WHERE batch_id = ? ORDER BY 1",
                         [result.batch_id])  # fmt: skip
    assert stored.values.tolist() == [
        [3, "di_luar_wilayah"],
        [3, "di_luar_wilayah"],
        [4, "di_luar_wilayah"],
        [6, "perpustakaan_ditolak"],
    ]
    # the batch and the audit trail name the analyst
    assert list_batches(store)[0]["user"] == "ana.bogor"
    event = audit.events(store, aksi="import.commit").iloc[-1]
    assert (event["pelaku"], event["peran"], event["objek"], event["wilayah"]) == (
        "ana.bogor",
        "analis",
        result.batch_id,
        "32",
    )
    assert '"added":3' in event["rincian"] and '"wilayah_input":["3201"]' in event["rincian"]
    assert '"checksum":"' in event["rincian"] and '"nama":"campur.xlsx"' in event["rincian"]


def test_without_a_restriction_everything_lands(store: Store) -> None:
    plan = plan_import(store, [("campur.xlsx", _mixed_file())], today=TODAY)
    assert (plan.accepted, plan.rejected) == (7, 0)


def test_a_province_analyst_covers_its_kabkota(store: Store) -> None:
    jabar = Principal("ana.jabar", "analis", capture=("32",))
    plan = plan_import(
        store, [("campur.xlsx", _mixed_file())], capture=jabar.capture_scope(), today=TODAY
    )
    assert (plan.accepted, plan.rejected) == (6, 1)  # only Cilacap is outside
    assert plan.issues["value"].tolist() == ["P-201"]
    assert "(Jawa Barat (32))" in plan.issues["message_en"].iloc[0]


def test_moving_a_library_in_from_another_area_is_refused(store: Store) -> None:
    moved = fx.register_csv([("P-101", "Perpustakaan Desa Tonjong", "desa_kelurahan",
                              "3201011004", 2020, 7000)])  # fmt: skip
    plan = plan_import(store, [("pindah.csv", moved)], capture=BOGOR.capture_scope())
    assert plan.rejected == 1 and plan.accepted == 0
    assert plan.issues["message_en"].iloc[0] == (
        OUTSIDE_EN
        + "the library P-101 is registered in Kabupaten Sukabumi (32.02). This row is not imported."
    )
    # the other way round too: moving a Bogor library out to Sukabumi
    out = fx.register_csv([("P-001", "Perpustakaan Desa Pondok Rajeg", "desa_kelurahan",
                            "3202012004", 2019, 9000)])  # fmt: skip
    plan = plan_import(store, [("keluar.csv", out)], capture=BOGOR.capture_scope())
    assert (
        plan.rejected == 1
        and "this row's area is Kabupaten Sukabumi" in (plan.issues["message_en"].iloc[0])
    )


def _targets() -> bytes:
    return fx.workbook(
        {
            "Target": [
                ["KPI", "Tingkat", "Kode", "Tahun", "Nilai"],
                ["kunjungan", "nasional", None, 2025, 1000000],  # row 2
                ["kunjungan", "provinsi", "32", 2025, 50000],  # row 3
                ["kunjungan", "kabupaten_kota", "33.01", 2025, 9000],  # row 4
                ["kegiatan", "perpustakaan", "P-001", 2025, 24],  # row 5
                ["kegiatan", "perpustakaan", "P-201", 2025, 12],  # row 6
            ],
            "Laporan": fx.monthly_rows([("P-001", "2024-09", 10)]),
        }
    )


def test_consultants_save_targets_within_their_view_areas(store: Store) -> None:
    kons = Principal("kons.jabar", "konsultan", view=("32",))
    plan = plan_import(store, [("target.xlsx", _targets())], capture=kons.capture_scope(),
                       today=TODAY)  # fmt: skip
    assert (plan.accepted, plan.rejected) == (2, 4)
    got = plan.issues.sort_values(["sheet", "row"])[["sheet", "row", "column", "rule"]]
    assert got.values.tolist() == [
        ["Laporan", 2, "Kode Perpustakaan", "jenis_tidak_diizinkan"],
        ["Target", 2, "Kode", "di_luar_wilayah"],
        ["Target", 4, "Kode", "di_luar_wilayah"],
        ["Target", 6, "Kode", "di_luar_wilayah"],
    ]
    msgs = plan.issues.sort_values(["sheet", "row"])["message_en"].tolist()
    assert msgs[0] == (
        "The role Consultant may not import monthly reports; this row is not imported."
    )
    assert "(Jawa Barat (32)): a national target." in msgs[1]
    assert "a target for Kabupaten Cilacap (33.01)." in msgs[2]
    assert "the target of library P-201 in Kabupaten Cilacap (33.01)." in msgs[3]
    result = commit(store, plan, actor=kons)
    assert result.added == 2
    assert store.query("SELECT tingkat, kode FROM target ORDER BY kode").values.tolist() == [
        ["provinsi", "32"],
        ["perpustakaan", "P-001"],
    ]


def test_analysts_and_leaders_do_not_save_targets(store: Store) -> None:
    plan = plan_import(store, [("target.xlsx", _targets())], capture=BOGOR.capture_scope(),
                       today=TODAY)  # fmt: skip
    rules = plan.issues.sort_values(["sheet", "row"])["rule"].tolist()
    assert rules == ["jenis_tidak_diizinkan"] * 5  # the Bogor report is theirs
    assert plan.accepted == 1
    assert plan.issues["message_id"].iloc[0] == (
        "Peran Analis tidak boleh mengimpor target; baris ini tidak diimpor."
    )
    leader = users.get_user(store, "pimpinan")
    assert leader is not None
    plan = plan_import(store, [("target.xlsx", _targets())], capture=leader.capture_scope(),
                       today=TODAY)  # fmt: skip
    assert (plan.accepted, plan.rejected) == (0, 6)
    with pytest.raises(AccessDeniedError, match="may not import data"):
        commit(store, plan, actor=leader)
    assert audit.events(store).iloc[-1]["aksi"] == "access.refused"
    assert store.scalar("SELECT count(*) FROM target") == 0


def test_context_rows_by_their_area_code(store: Store) -> None:
    ctx = fx.workbook(
        {
            "TGM": [
                ["Kode Kabupaten Kota", "Nama Kabupaten Kota", "Nilai TGM", "Tahun"],
                ["3201", "Kabupaten Bogor", 60.5, 2024],
                ["3202", "Kabupaten Sukabumi", 58.1, 2024],
            ],
            "IPLM": [
                ["Kode Provinsi", "Nama Provinsi", "Nilai IPLM", "Tahun"],
                ["32", "Jawa Barat", 70.2, 2024],  # the province is more than Bogor
            ],
        }
    )
    plan = plan_import(store, [("konteks.xlsx", ctx)], capture=BOGOR.capture_scope(), today=TODAY)
    assert (plan.accepted, plan.rejected) == (1, 2)
    assert sorted(plan.issues["value"].tolist()) == ["32", "3202"]
    assert plan.issues["column"].tolist() == ["Kode Kabupaten Kota", "Kode Provinsi"]
    assert "an indicator for Jawa Barat (32)." in plan.issues["message_en"].iloc[1]
    commit(store, plan, actor=BOGOR)
    assert store.query("SELECT kode_wilayah FROM indikator_konteks")["kode_wilayah"].tolist() == [
        "3201"
    ]


def test_a_library_whose_place_is_unknown_is_outside(store: Store) -> None:
    """Deny by default: a register row with no place at all cannot be judged inside."""
    rows = [["Kode Perpustakaan", "Nama Perpustakaan", "Jenis", "Kode Wilayah"],
            ["P-900", "Taman Baca Tanpa Alamat", "desa_kelurahan", None]]  # fmt: skip
    plan = plan_import(store, [("tanpa.xlsx", fx.workbook({"D": rows}))],
                       capture=BOGOR.capture_scope())  # fmt: skip
    assert (plan.accepted, plan.rejected) == (0, 1)
    assert plan.issues["rule"].tolist() == ["wilayah_kosong"]  # said once, not twice


def test_the_commit_checks_again_with_the_grants_of_now(store: Store) -> None:
    """A dry run made before an administrator narrowed the grant cannot write outside it."""
    users.grant(store, "ana.bogor", capture="3201,3202")
    both = users.get_user(store, "ana.bogor")
    assert both is not None
    plan = plan_import(store, [("campur.xlsx", _mixed_file())], capture=both.capture_scope(),
                       today=TODAY)  # fmt: skip
    assert (plan.accepted, plan.rejected) == (6, 1)
    users.grant(store, "ana.bogor", capture="3201")  # meanwhile
    before = store.scalar("SELECT count(*) FROM import_batch")
    with pytest.raises(AccessDeniedError) as exc:
        commit(store, plan, actor=both)  # the session's principal still says 3201, 3202
    assert "run the dry run again" in exc.value.message_en
    assert "Kabupaten Sukabumi (32.02)" in exc.value.message_en
    assert "ulangi uji coba" in exc.value.message_id
    assert store.scalar("SELECT count(*) FROM import_batch") == before  # nothing written
    assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 0
    assert audit.events(store).iloc[-1]["aksi"] == "access.refused"
    # a disabled user's old dry run cannot be committed either
    users.set_disabled(store, "ana.bogor")
    with pytest.raises(AccessDeniedError, match="disabled"):
        commit(store, plan, actor=BOGOR)


def test_undo_only_inside_the_capture_areas(store: Store) -> None:
    def batch(rows: list[tuple[str, str, int]]) -> str:
        monthly = fx.workbook({"L": fx.monthly_rows(rows)})
        plan = plan_import(store, [(f"{rows[0][0]}.xlsx", monthly)], today=TODAY)
        return commit(store, plan).batch_id

    bogor = batch([("P-001", "2024-01", 5), ("P-002", "2024-01", 6)])
    mixed = batch([("P-001", "2024-02", 5), ("P-101", "2024-02", 6)])
    cilacap = batch([("P-201", "2024-03", 7)])
    # outside: refused, recorded, nothing undone
    for b, place in ((mixed, "Kabupaten Sukabumi (32.02)"), (cilacap, "Kabupaten Cilacap")):
        with pytest.raises(AccessDeniedError) as exc:
            undo(store, b, actor=BOGOR)
        assert f"may not undo batch {b}" in exc.value.message_en and place in exc.value.message_en
        assert f"tidak boleh membatalkan batch {b}" in exc.value.message_id
        refusal = audit.events(store).iloc[-1]
        assert (refusal["aksi"], refusal["pelaku"], refusal["objek"]) == (
            "access.refused",
            "ana.bogor",
            b,
        )
    assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 5
    # the register batch holds Sukabumi and Cilacap libraries: outside too
    register = list_batches(store)[-1]["batch_id"]
    with pytest.raises(AccessDeniedError):
        undo(store, register, actor=BOGOR)
    # inside: undone, recorded with the analyst as the actor
    result = undo(store, bogor, actor=BOGOR)
    assert result.removed == 2
    event = audit.events(store, aksi="import.undo").iloc[-1]
    assert (event["pelaku"], event["objek"], event["wilayah"]) == ("ana.bogor", bogor, "32")
    # a leader may not undo at all; a consultant may not undo reports
    for name, says in (("pimpinan", "may not undo imports"), ("kons.jabar", "monthly reports in")):
        with pytest.raises(AccessDeniedError, match=says):
            undo(store, cilacap, actor=users.get_user(store, name))
    # the analyst, granted Sukabumi as well, may undo the mixed batch
    wider = users.grant(store, "ana.bogor", capture="3201,3202")
    assert undo(store, mixed, actor=wider).removed == 2
    assert audit.verify(store).ok


def test_consultants_undo_their_own_target_batches(store: Store) -> None:
    kons = users.get_user(store, "kons.jabar")
    assert kons is not None
    sheet = [["KPI", "Tingkat", "Kode", "Tahun", "Nilai"], ["kunjungan", "provinsi", "32", 2025, 9]]
    plan = plan_import(store, [("t.xlsx", fx.workbook({"T": sheet}))], capture=kons.capture_scope())
    done = commit(store, plan, actor=kons)
    assert undo(store, done.batch_id, actor=kons).removed == 1
