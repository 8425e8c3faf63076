"""The monthly series (kpi.trend) against the series as first built, on the demo.

kpi.trend computes most KPIs in one pass grouped by month (kpi.builder's ``by_month``); the
series as first built ran the KPI table's SQL once per month (UNION ALL), and it stays as the
oracle (``grouped=False``). Every catalogue KPI, every level, with and without filters and
units, over months that cross a year: the frames must be the same to the last digit. The demo
is changed a little first so that the rare paths are taken too: libraries without a joining
year (one whose first report falls inside the months, one that never reported), a library
without a population, reports with a column left empty.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kpi import trend
from kpi.builder import by_month_ok
from kpi.catalogue import catalogue
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store

MONTHS = "2024-12..2025-02"  # December to February: the year changes inside the series
LEVELS = ("nasional", "provinsi", "kabupaten_kota", "perpustakaan")


@pytest.fixture(scope="module")
def store(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("trend_oracle") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    s = Store(path)
    codes = [
        str(c)
        for c in s.query(
            "SELECT kode_perpustakaan FROM perpustakaan WHERE kode_provinsi = '33' "
            "AND jenis = 'desa_kelurahan' ORDER BY kode_perpustakaan LIMIT 6"
        )["kode_perpustakaan"]
    ]
    late, silent, no_year, no_people = codes[0], codes[1], codes[:4], codes[4]
    with s.write() as cur:
        cur.execute(
            "UPDATE perpustakaan SET tahun_bergabung = NULL WHERE kode_perpustakaan IN "
            "(SELECT unnest(?))",
            [no_year],
        )
        cur.execute(
            "UPDATE perpustakaan SET penduduk = NULL WHERE kode_perpustakaan = ?", [no_people]
        )
        # first report in January 2025 (expected from then on only), and none at all
        cur.execute(
            "DELETE FROM laporan_bulanan WHERE kode_perpustakaan = ? AND periode < '2025-01-01'",
            [late],
        )
        cur.execute("DELETE FROM laporan_bulanan WHERE kode_perpustakaan = ?", [silent])
        cur.execute(
            "UPDATE laporan_bulanan SET kunjungan = NULL, anggota_total = NULL "
            "WHERE periode = '2025-01-01' AND kode_perpustakaan IN "
            "(SELECT kode_perpustakaan FROM perpustakaan WHERE kode_provinsi = '35' "
            "ORDER BY kode_perpustakaan LIMIT 40)"
        )
    yield s
    s.close()


def _filters(store: Store) -> list[Filters]:
    kab = str(
        store.scalar("SELECT min(kode_kabupaten_kota) FROM perpustakaan WHERE kode_provinsi = '33'")
    )
    return [
        Filters(),
        Filters(provinsi="33", jenis="desa_kelurahan"),
        Filters(kabupaten_kota=kab, tahun_bergabung=2022),
        Filters(jenis_dukungan="penuh", wilayah=("33", "35")),
    ]


def test_most_kpis_take_the_grouped_pass() -> None:
    """The comparison below is worth something only if the new pass serves the KPIs: every
    KPI without a yearly measure, at every level."""
    yearly = {"sum_tahun", "penduduk_tahun"}
    for level in LEVELS:
        for k in catalogue().kpis:
            aggs = {k.numerator.agg, k.denominator.agg if k.denominator else None}
            assert by_month_ok(k, level) == (not aggs & yearly), (k.id, level)


@pytest.mark.parametrize("level", LEVELS)
def test_every_kpi_side_by_side_as_first_built(store: Store, level: str) -> None:
    ids = list(catalogue().ids)
    for filters in _filters(store):
        q = ask(store, level, MONTHS, filters, ids)
        new = trend.monthly_wide(q)
        assert len(new) > 0, filters
        pd.testing.assert_frame_equal(new, trend._monthly_wide(q, grouped=False), check_exact=True)


@pytest.mark.parametrize("level", LEVELS)
def test_every_kpi_alone_as_first_built(store: Store, level: str) -> None:
    """``monthly`` (with the completeness columns) for each KPI: every unit, and a few chosen
    units under filters (the new pass reads only their libraries)."""
    filtered = _filters(store)[1]
    units = list(trend.monthly(ask(store, level, MONTHS, filtered, ["kunjungan"]))["kode"])
    real = sorted(set(units))[:2]
    chosen = [*real, "tidak_ada"]
    for k in catalogue().kpis:
        q = ask(store, level, MONTHS, None, [k.id])
        new = trend.monthly(q)
        pd.testing.assert_frame_equal(new, trend._monthly(q, None, grouped=False), check_exact=True)
        q = ask(store, level, MONTHS, filtered, [k.id])
        new = trend.monthly(q, units=chosen)
        assert set(new["kode"]) == set(real), k.id
        old = trend._monthly(q, chosen, grouped=False)
        pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_no_unit_left_keeps_the_columns(store: Store) -> None:
    """Units that match nothing: an empty frame with the same columns and name type."""
    for level in LEVELS:
        q = ask(store, level, MONTHS, None, ["kunjungan"])
        full, empty = trend.monthly(q, units=None), trend.monthly(q, units=["tidak_ada"])
        assert empty.empty and list(empty.columns) == list(full.columns)
        assert empty["nama"].dtype == full["nama"].dtype, level
