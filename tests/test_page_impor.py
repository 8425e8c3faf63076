"""AppTest: the Impor data page uploads files, shows the dry run and commits them."""

from __future__ import annotations

from pathlib import Path

import ingest_fixtures as fx
import pytest
from apptest_helpers import APP, metric_values
from streamlit.testing.v1 import AppTest

from kpi.demo import clear_demo
from kpi.store import Store, open_store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "page.duckdb"
    store = Store(path)
    clear_demo(store)  # an empty store that does not load the demo
    store.close()
    monkeypatch.setenv("TPBIS_DB", str(path))
    return path


def _impor() -> AppTest:
    """app.py run once, then switched to the Impor data page and run again."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("pages/impor.py")
    at.run()
    return at


def test_upload_dry_run_and_commit(db: Path) -> None:
    at = _impor()
    assert not at.exception
    assert len(at.file_uploader) == 1
    mixed = fx.workbook(
        {"Laporan": fx.monthly_rows([("P-001", "Agustus 2023", "1.234"), ("P-404", "2023-08", 1)])}
    )
    at.file_uploader[0].set_value(
        [
            ("register.csv", fx.register_csv(), "text/csv"),
            ("laporan.xlsx", mixed, "application/octet-stream"),
        ]
    )
    at.run()
    assert not at.exception
    assert not at.error
    metrics = metric_values(at)
    assert metrics["Diterima"] == "4"
    assert metrics["Ditolak"] == "1"
    assert any(d.label.startswith("Unduh baris yang ditolak") for d in at.get("download_button"))
    # nothing is written by the dry run
    store = open_store(db)
    assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 0

    at.button(key="impor_commit").click()
    at.run()
    assert not at.exception
    assert any("Tersimpan sebagai batch" in s.value for s in at.success)
    assert store.scalar("SELECT count(*) FROM perpustakaan") == 3
    assert store.scalar("SELECT kunjungan FROM laporan_bulanan") == 1234
    assert store.scalar("SELECT count(*) FROM rejected_row") == 1
    # the batch is in the history with its undo action
    batch = at.selectbox(key="impor_batch").value
    assert batch.startswith("impor-")
    # the confirmation is bound to the batch it names (issue 11)
    at.button(key=f"impor_undo_{batch}").click()
    at.run()
    assert not at.exception
    assert any("dibatalkan" in s.value for s in at.success)
    assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 0
    assert store.scalar("SELECT count(*) FROM perpustakaan") == 0


def test_refused_file_shows_a_message(db: Path) -> None:
    at = _impor()
    at.file_uploader[0].set_value(("foto.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"))
    at.run()
    assert not at.exception
    assert any("bukan spreadsheet" in e.value for e in at.error)


def test_unknown_column_mapped_by_hand_and_saved(db: Path) -> None:
    import hashlib

    at = _impor()
    unknown = fx.workbook(
        {"L": [["Kode Perpustakaan", "Periode", "Pengunjung Pojok Baca"], ["P-001", "2023-08", 5]]}
    )
    at.file_uploader[0].set_value(
        [
            ("register.csv", fx.register_csv(), "text/csv"),
            ("pojok.xlsx", unknown, "application/octet-stream"),
        ]
    )
    at.run()
    assert any("pojok.xlsx" in e.value for e in at.error)  # no recognised sheet yet
    wkey = hashlib.sha1(b"1:pojok.xlsx::L").hexdigest()[:10]  # the second file
    at.session_state[f"impor_map_{wkey}"] = {
        "edited_rows": {2: {"column": "kunjungan"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"impor_apply_{wkey}").click()
    at.run()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Diterima"] == "4"
    at.button(key=f"impor_save_{wkey}").click()
    at.run()
    store = open_store(db)
    assert store.scalar("SELECT jenis_sheet FROM pemetaan_kolom") == "laporan_bulanan"


def test_two_uploads_with_the_same_name(db: Path) -> None:
    at = _impor()
    a = fx.workbook({"L": fx.monthly_rows([("P-001", "2023-08", 1)])})
    b = fx.workbook({"L": fx.monthly_rows([("P-001", "2023-09", 1)])})
    at.file_uploader[0].set_value(
        [("laporan.xlsx", a, "application/octet-stream"), ("laporan.xlsx", b, "x")]
    )
    at.run()
    assert not at.exception
    assert not [e for e in at.error if "laporan.xlsx" not in e.value]


# a register as province offices keep it: levels as labels, one that matches nothing
LABEL_REGISTER = [
    ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis Perpustakaan", "Kode Wilayah"],
    ["L-1", "Perpustakaan Kelurahan Pondok Rajeg", "Perpustakaan Kelurahan", "32.01.01.1001"],
    ["L-2", "Rumah Baca Karadenan", "Rumah Baca", "32.01.01.1002"],
    ["L-3", "Rumah Baca Harapanjaya", "rumah baca", "32.01.01.1003"],
    ["L-4", "Dinas Perpustakaan Kabupaten Bogor", "Perpustakaan Kabupaten", "32.01"],
]


def test_value_mapped_by_hand_saved_reused_and_removed(db: Path) -> None:
    from kpi.ui.impor import _value_key

    at = _impor()
    at.file_uploader[0].set_value(
        [("daftar.xlsx", fx.workbook({"Daftar": LABEL_REGISTER}), "application/octet-stream")]
    )
    at.run()
    assert not at.exception
    assert metric_values(at)["Ditolak"] == "2"
    # the value is listed once, with the number of rows that carry it
    texts = [t.value for t in at.text]
    assert texts.count("Rumah Baca") == 1 and "rumah baca" not in texts
    assert "2" in texts
    widget = _value_key("jenis_perpustakaan", "baca rumah")
    at.selectbox(key=widget).set_value("desa_kelurahan")
    at.run()  # the dry run runs again at once
    assert not at.exception
    metrics = metric_values(at)
    assert (metrics["Diterima"], metrics["Ditolak"]) == ("4", "0")
    at.button(key="impor_values_save").click()
    at.run()
    assert not at.exception
    store = open_store(db)
    assert store.query("SELECT kosakata, kunci, contoh, nilai FROM pemetaan_nilai").to_dict(
        "list"
    ) == {
        "kosakata": ["jenis_perpustakaan"],
        "kunci": ["baca rumah"],
        "contoh": ["Rumah Baca"],
        "nilai": ["desa_kelurahan"],
    }
    at.button(key="impor_commit").click()
    at.run()
    assert store.scalar("SELECT count(*) FROM perpustakaan WHERE jenis = 'desa_kelurahan'") == 3

    # the next file, of another shape, is read with the saved meaning
    other = fx.workbook(
        {
            "Baru": [
                ["NPP", "Nama", "Tingkat Perpustakaan", "Kode Desa"],
                ["L-5", "Rumah Baca Nanggewer", "RUMAH  BACA", "3201011004"],
            ]
        }
    )
    at.file_uploader[0].set_value([("baru.xlsx", other, "application/octet-stream")])
    at.run()
    assert not at.exception
    assert (metric_values(at)["Diterima"], metric_values(at)["Ditolak"]) == ("1", "0")

    # saved mappings are listed and can be removed
    at.multiselect(key="impor_saved_values_remove").set_value(["jenis_perpustakaan\x00baca rumah"])
    at.run()
    at.button(key="impor_saved_values_delete").click()
    at.run()
    assert not at.exception
    assert store.scalar("SELECT count(*) FROM pemetaan_nilai") == 0
    assert metric_values(at)["Ditolak"] == "1"  # the value is unknown again


def test_same_file_twice_is_announced(db: Path) -> None:
    at = _impor()
    data = fx.register_csv()
    at.file_uploader[0].set_value([("register.csv", data, "text/csv")])
    at.run()
    assert not [i for i in at.info if "sudah diimpor" in i.value]
    at.button(key="impor_commit").click()
    at.run()
    at.file_uploader[0].set_value([("register_lagi.csv", data, "text/csv")])
    at.run()
    assert not at.exception
    (info,) = [i.value for i in at.info if "sudah diimpor" in i.value]
    batch = open_store(db).scalar("SELECT batch_id FROM import_batch")
    assert batch in info and "tidak mengubah apa pun" in info
