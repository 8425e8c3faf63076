"""Figures for the overview (Ringkasan): headline monthly figures and reporting completeness.

All aggregation happens in DuckDB; only small frames come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi.store import Store

# the monthly inputs shown as headline figures on the overview (sums over reporting libraries)
HEADLINE_COLUMNS: tuple[str, ...] = ("kunjungan", "kegiatan", "peserta", "anggota_baru")


@dataclass(frozen=True)
class Headline:
    kolom: str
    nilai: float | None
    nilai_tahun_lalu: float | None

    @property
    def perubahan(self) -> float | None:
        """Change against the same month a year earlier, in percent (None without a base)."""
        if self.nilai is None or not self.nilai_tahun_lalu:
            return None
        return 100.0 * (self.nilai - self.nilai_tahun_lalu) / self.nilai_tahun_lalu


def last_month(store: Store) -> date | None:
    value = store.scalar("SELECT max(periode) FROM laporan_bulanan")
    return value if value is None else pd.Timestamp(value).date()


def headlines(store: Store, month: date) -> list[Headline]:
    """Sum of each headline input for ``month`` and for the same month a year earlier."""
    sums = ", ".join(
        f"sum({c}) FILTER (WHERE periode = $m) AS {c}, "
        f"sum({c}) FILTER (WHERE periode = $m - INTERVAL 1 YEAR) AS {c}_lalu"
        for c in HEADLINE_COLUMNS
    )
    row = store.query(
        f"SELECT {sums} FROM laporan_bulanan "
        "WHERE periode IN ($m, CAST($m - INTERVAL 1 YEAR AS DATE))",
        {"m": month},
    ).iloc[0]

    def val(x: object) -> float | None:
        return None if pd.isna(x) else float(x)  # type: ignore[arg-type]

    return [Headline(c, val(row[c]), val(row[f"{c}_lalu"])) for c in HEADLINE_COLUMNS]


def monthly_trend(store: Store, months: int = 36) -> pd.DataFrame:
    """Monthly sums of the headline inputs and the number of reporting libraries."""
    sums = ", ".join(f"sum({c}) AS {c}" for c in HEADLINE_COLUMNS)
    return store.query(
        f"""
        SELECT periode, {sums}, count(*) AS perpustakaan_melapor
        FROM laporan_bulanan
        WHERE periode > (SELECT max(periode) FROM laporan_bulanan) - to_months(CAST($n AS INTEGER))
        GROUP BY periode ORDER BY periode
        """,
        {"n": months},
    )


def completeness(store: Store, month: date, months: int = 12) -> pd.DataFrame:
    """Reporting completeness per province over the ``months`` months ending at ``month``.

    Expected library-months count from the January after the joining year (tahun_bergabung);
    reported ones are the reports in the window on or after that month.
    Returns kode_provinsi, nama, diharapkan, dilaporkan, kelengkapan (percent).
    """
    return store.query(
        """
        WITH bulan AS (
            SELECT CAST(unnest(generate_series(
                CAST($akhir AS DATE) - to_months(CAST($n AS INTEGER) - 1),
                CAST($akhir AS DATE), INTERVAL 1 MONTH)) AS DATE) AS periode
        ),
        harap AS (
            SELECT p.kode_perpustakaan, p.kode_provinsi, b.periode
            FROM perpustakaan p JOIN bulan b
              ON p.tahun_bergabung IS NULL OR b.periode >= make_date(p.tahun_bergabung + 1, 1, 1)
        )
        SELECT h.kode_provinsi, w.nama,
               count(*) AS diharapkan,
               count(l.kode_perpustakaan) AS dilaporkan,
               100.0 * count(l.kode_perpustakaan) / count(*) AS kelengkapan
        FROM harap h
        LEFT JOIN laporan_bulanan l
          ON l.kode_perpustakaan = h.kode_perpustakaan AND l.periode = h.periode
        LEFT JOIN wilayah w ON w.kode = h.kode_provinsi
        GROUP BY ALL ORDER BY kelengkapan DESC
        """,
        {"akhir": month, "n": months},
    )


def never_reported(store: Store) -> int:
    """Libraries with no monthly report at all."""
    return int(
        store.scalar(
            "SELECT count(*) FROM perpustakaan p WHERE NOT EXISTS "
            "(SELECT 1 FROM laporan_bulanan l WHERE l.kode_perpustakaan = p.kode_perpustakaan)"
        )
    )
