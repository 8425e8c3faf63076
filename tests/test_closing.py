"""Closed months: the rule by hand, the program's completeness per month, the clock, and the
decision's test: a few rows imported for a new month change no default window and no tier."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd
import pytest
from test_compute import build_store

from kpi import closing, coaching, quality
from kpi.store import Store

MONTHS = [date(2025, m, 1) for m in range(1, 7)]


def months(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "periode": MONTHS[: len(values)],
            "dilaporkan": [0] * len(values),
            "diharapkan": [100] * len(values),
            "kelengkapan": values,
        }
    )


def test_closed_months_by_hand() -> None:
    s = closing.default_settings()
    assert s == {"tenggat_hari": 10, "kelengkapan_relatif": 80, "bulan_pembanding": 12}
    status = closing.status_from(months([90, 80, 85, 20, 88, 30]), s, date(2025, 6, 20))
    # medians of the months before: -, 90, 85, 85, 82.5, 85; thresholds 80% of them
    assert status["median_sebelumnya"].tolist()[1:] == [90.0, 85.0, 85.0, 82.5, 85.0]
    assert status["ambang"].tolist()[1:] == pytest.approx([72.0, 68.0, 68.0, 66.0, 68.0])
    # January has no month before it: its deadline alone decides
    assert status["terkejar"].tolist() == [True, True, True, False, True, False]
    # deadlines: the 10th of the next month; on 20 June May's has passed, June's has not
    assert status["tenggat"].tolist()[4:] == [date(2025, 6, 10), date(2025, 7, 10)]
    assert status["tenggat_lewat"].tolist() == [True] * 5 + [False]
    # the last closed month is May: April (20%, not caught up) lies before it and counts as
    # closed; June is open
    assert status["tertutup"].tolist() == [True] * 5 + [False]
    # on the deadline day itself May is still open: the last closed month is March
    on_day = closing.status_from(months([90, 80, 85, 20, 88, 30]), s, date(2025, 6, 10))
    assert on_day["tertutup"].tolist() == [True, True, True, False, False, False]


def test_settings_change_the_rule() -> None:
    s = {"tenggat_hari": 25, "kelengkapan_relatif": 20, "bulan_pembanding": 2}
    status = closing.status_from(months([90, 80, 85, 20, 88, 30]), s, date(2025, 6, 20))
    # April: 20 >= 20% of median(80, 85) = 16.5; June: 30 >= 20% of median(20, 88) = 10.8, but
    # May's deadline is 25 June: nothing after April is closed
    assert status["terkejar"].tolist() == [True] * 6
    assert status["tertutup"].tolist() == [True] * 4 + [False, False]
    assert closing.deadline(date(2025, 1, 1), 31) == date(2025, 2, 28)  # a short month
    assert closing.check_settings(s) == []
    assert closing.check_settings({"tenggat_hari": 0, "kelengkapan_relatif": 120}) == [
        "tenggat_hari",
        "kelengkapan_relatif",
    ]


def test_the_clock_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(closing.CLOCK_ENV, "2025-02-11")
    assert closing.today() == date(2025, 2, 11)
    monkeypatch.delenv(closing.CLOCK_ENV)
    assert closing.today() == date.today()


def test_program_completeness_per_month(tmp_path: Path) -> None:
    libs = [
        ("A", "Desa A", "desa_kelurahan", "52", "5201", 2023, 1000, "penuh"),
        # joined in 2024 and reported in its joining year: expected from its first report
        ("B", "Desa B", "desa_kelurahan", "52", "5201", 2024, 1000, "penuh"),
        # joined in 2024, never reported: expected from January 2025
        ("C", "Desa C", "desa_kelurahan", "52", "5201", 2024, 1000, "penuh"),
    ]
    reports = [
        dict(kode_perpustakaan="A", periode="2024-11-01", kunjungan=10),
        dict(kode_perpustakaan="B", periode="2024-12-01", kunjungan=10),
        dict(kode_perpustakaan="A", periode="2025-01-01", kunjungan=10),
        dict(kode_perpustakaan="B", periode="2025-01-01", kunjungan=10),
    ]
    store = build_store(tmp_path / "tutup.duckdb", libs, reports)
    try:
        m = closing.month_completeness(store)
        assert m["periode"].tolist() == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]
        # November: A only expected; December: A and B, A silent; January: all three
        assert m["diharapkan"].tolist() == [1, 2, 3]
        assert m["dilaporkan"].tolist() == [1, 1, 2]
        assert m["kelengkapan"].tolist() == pytest.approx([100.0, 50.0, 200 / 3])
        status = closing.month_status(store, date(2025, 3, 1))
        # December 50% < 80% of 100: not caught up; January 66.7% >= 80% of median(100, 50)
        assert status["terkejar"].tolist() == [True, False, True]
        assert closing.last_closed(store, date(2025, 3, 1)) == date(2025, 1, 1)
        assert closing.last_closed(store, date(2025, 2, 10)) == date(2024, 11, 1)
        assert closing.open_months(store, date(2025, 2, 10)) == [
            date(2024, 12, 1),
            date(2025, 1, 1),
        ]
        assert closing.last_closed(store, date(2024, 12, 1)) is None  # no deadline passed yet
        # with no month closed, a default window still ends at the last reported month
        assert closing.default_end(store, date(2024, 12, 1)) == date(2025, 1, 1)
    finally:
        store.close()


def test_a_few_rows_for_a_new_month_change_no_default_window_and_no_tier(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: importing 3 valid rows for two libraries in a new month used to move every
    default window forward (reporting coaching 1 -> 49 of 51 libraries in a province)."""
    from kpi.ingest import commit, plan_import

    monkeypatch.setenv(closing.CLOCK_ENV, "2026-03-01")  # January 2026's deadline has passed
    before_end = closing.default_end(demo_store)
    assert before_end == date(2025, 12, 1)
    before = coaching.evaluate(demo_store)
    before_tiers = before.set_index("kode")["tier"]
    before_quality = quality._period(demo_store, None)

    codes = demo_store.query(
        "SELECT kode_perpustakaan FROM perpustakaan WHERE jenis = 'desa_kelurahan' "
        "AND kode_provinsi = '52' ORDER BY 1 LIMIT 2"
    )["kode_perpustakaan"].tolist()
    rows = [(codes[0], "2026-01", 120), (codes[1], "2026-01", 80), (codes[0], "2026-02", 90)]
    plan = plan_import(demo_store, [("januari.xlsx", fx.workbook({"L": fx.monthly_rows(rows)}))])
    assert plan.rejected == 0 and plan.accepted == 3
    commit(demo_store, plan)

    # the new months are open: shown, not the default
    assert closing.open_months(demo_store) == [date(2026, 1, 1), date(2026, 2, 1)]
    assert closing.default_end(demo_store) == before_end
    assert quality._period(demo_store, None) == before_quality
    after = coaching.evaluate(demo_store)
    assert after.attrs["window"] == before.attrs["window"] == "2025-01..2025-12"
    pd.testing.assert_series_equal(after.set_index("kode")["tier"], before_tiers, check_names=False)
    # chosen by hand, the open month is evaluated, but rule D counts closed months only
    chosen = coaching.evaluate(demo_store, "2026-01")
    assert chosen.attrs["window"] == "2025-02..2026-01"
    assert chosen.attrs["window_pelaporan"] == "2025-02..2025-12"
    ntb = chosen[chosen["kode_provinsi"] == "52"]
    ntb_before = before[before["kode_provinsi"] == "52"]
    assert (ntb["tier"] == "pelaporan").sum() <= (ntb_before["tier"] == "pelaporan").sum() + 2
