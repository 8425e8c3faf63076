"""AppTests of issue 13 in the pages: the period picker and the overview say which month is the
last closed one, a few rows for a new month move no default view, an open month can be chosen
by hand; the score's definition in words (both languages); the closing settings."""

from __future__ import annotations

from pathlib import Path

import ingest_fixtures as fx
import pytest
from apptest_helpers import app_test, assert_clean
from streamlit.testing.v1 import AppTest

from kpi import closing
from kpi.store import Store


def _import_new_month(db: Path) -> None:
    from kpi.ingest import commit, plan_import

    store = Store(db)
    try:
        codes = store.query(
            "SELECT kode_perpustakaan FROM perpustakaan WHERE kode_provinsi = '52' "
            "AND jenis = 'desa_kelurahan' ORDER BY 1 LIMIT 2"
        )["kode_perpustakaan"].tolist()
        rows = [(codes[0], "2026-01", 120), (codes[1], "2026-01", 80), (codes[0], "2026-01", 90)]
        # the third row repeats the first's key: rejected as a duplicate, two rows land
        plan = plan_import(store, [("baru.xlsx", fx.workbook({"L": fx.monthly_rows(rows)}))])
        commit(store, plan)
    finally:
        store.close()


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_a_new_open_month_moves_no_default_and_is_named(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(closing.CLOCK_ENV, "2026-03-01")
    _import_new_month(demo_db)
    at = app_test(demo_db, monkeypatch).run()
    assert_clean(at)
    # the default window still ends at the last closed month
    assert at.session_state["f_periode"] == "2025-01..2025-12"
    captions = _captions(at)
    assert "Bulan terakhir yang ditutup: Desember 2025." in captions
    assert "Laporan Januari 2026 belum ditutup" in captions
    # the open month is offered, marked, never the default
    period = at.selectbox(key="f_periode")
    assert any("belum ditutup" in o for o in period.options)
    assert not any("belum ditutup" in w.value for w in at.warning)

    # chosen by hand, the open month is shown, with a warning that it may still change
    at.selectbox(key="f_kind").set_value("bulan").run()
    at.selectbox(key="f_periode").set_value("2026-01").run()
    assert_clean(at)
    assert any("belum ditutup" in w.value for w in at.warning)


def test_the_prioritas_window_ends_at_the_last_closed_month(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(closing.CLOCK_ENV, "2026-03-01")
    _import_new_month(demo_db)
    at = app_test(demo_db, monkeypatch, "pages/prioritas.py").run()
    assert_clean(at)
    assert "Januari 2025 – Desember 2025 (12 bulan)" in _captions(at)
    # an open month chosen by hand: rule D says it counts the closed months only
    at = app_test(demo_db, monkeypatch, "pages/prioritas.py", params={"periode": "2026-01"}).run()
    assert_clean(at)
    assert "Aturan D (pelaporan) hanya menghitung bulan yang sudah ditutup" in _captions(at)


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [
        ("id", "Cara Skor KPI TPBIS dihitung", "rata-rata skor perpustakaannya yang berskor"),
        ("en", "How the TPBIS KPI score is computed", "mean of its scored libraries' scores"),
    ],
)
def test_the_score_is_defined_in_words_on_the_profile_and_the_settings(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str, title: str, words: str
) -> None:
    for page, params in (
        ("pages/profil.py", {"kode": "52", "tingkat": "provinsi"}),
        ("pages/pengaturan.py", {}),
    ):
        at = app_test(demo_db, monkeypatch, page, params=params, lang=lang).run()
        assert_clean(at)
        expanders = [e for e in at.expander if e.label == title]
        assert expanders, (page, [e.label for e in at.expander])
        text = " ".join(m.value for m in expanders[0].markdown)
        assert words in text
        # the settings in use are in the words: the 90th percentile, the half of libraries
        assert "90" in text and "50%" in text


def test_the_closing_settings_are_saved_and_restored(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(closing.CLOCK_ENV, "2026-01-05")  # December 2025's deadline is ahead
    at = app_test(demo_db, monkeypatch, "pages/pengaturan.py").run()
    assert_clean(at)
    assert "Bulan terakhir yang ditutup: November 2025." in _captions(at)
    at.number_input(key="pgw_tutup_tenggat_hari").set_value(3).run()
    assert_clean(at)
    moved = " ".join(i.value for i in at.info)
    assert "berpindah dari November 2025 ke Desember 2025" in moved
    at.button(key="pg_save").click().run()
    assert_clean(at)
    store = Store(demo_db)
    try:
        assert closing.get_settings(store)["tenggat_hari"] == 3
        assert closing.last_closed(store) is not None
    finally:
        store.close()
    at.button(key="pg_restore").click().run()
    at.button(key="pg_restore_yes").click().run()
    assert_clean(at)
    store = Store(demo_db)
    try:
        assert closing.get_settings(store) == closing.default_settings()
    finally:
        store.close()
