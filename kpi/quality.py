"""Data quality: completeness, timeliness, libraries that never reported, values to verify.

Values to verify: a monthly flow value whose modified z-score, 0.6745 x (value - median) / MAD,
is above the threshold (default 3.5) in absolute value against the library's own history (the
36 months up to the period end) and against its peers (libraries of the same jenis, same month).
With fewer than ``min_history`` own values, the peer score alone decides. A MAD of 0 (a column
that is nearly always the same, such as rare events) gives no score, so it never flags. These
are listed for verification with the batch the value came from; they are not coaching reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from kpi.columns import MONTHLY_COLUMNS
from kpi.compute import Filters, aggregate, last_month
from kpi.periods import Period, parse_period, window
from kpi.store import Store

FLOW_COLUMNS: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS if c.kind == "flow")
Z_FACTOR = 0.6745


def completeness(
    store: Store,
    level: str = "provinsi",
    period: Period | str | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Completeness and timeliness per unit (default: the 12 months to the last month)."""
    per = _period(store, period)
    frame = aggregate(store, level, per, filters, ["kelengkapan", "ketepatan"])
    cols = [
        "kode",
        "nama",
        "tingkat",
        "perpustakaan",
        "perpustakaan_melapor",
        "bulan_dilaporkan",
        "bulan_diharapkan",
        "kelengkapan",
        "ketepatan",
    ]
    return frame[[c for c in cols if c in frame.columns]]


def _period(store: Store, period: Period | str | date | None, months: int = 12) -> Period:
    if period is None:
        end = last_month(store) or date.today().replace(day=1)
        return window(end, months)
    per = parse_period(period)
    return window(per.last, months) if per.kind == "bulan" else per


def never_reported(store: Store, filters: Filters | None = None) -> pd.DataFrame:
    """Libraries with no monthly report at all."""
    params: dict[str, Any] = {}
    where = (filters or Filters()).sql(params)
    return store.query(
        f"""
        SELECT p.kode_perpustakaan AS kode, p.nama_perpustakaan AS nama, p.jenis,
               p.kode_provinsi, p.kode_kabupaten_kota, p.tahun_bergabung, p.batch_id
        FROM perpustakaan p
        WHERE {where} AND NOT EXISTS (
            SELECT 1 FROM laporan_bulanan l WHERE l.kode_perpustakaan = p.kode_perpustakaan)
        ORDER BY p.kode_provinsi, p.kode_kabupaten_kota, p.kode_perpustakaan
        """,
        params,
    )


def values_to_verify(
    store: Store,
    period: Period | str | None = None,
    filters: Filters | None = None,
    *,
    threshold: float = 3.5,
    min_history: int = 6,
    history_months: int = 36,
    columns: tuple[str, ...] = FLOW_COLUMNS,
) -> pd.DataFrame:
    """Monthly values of the period far from the library's history and its peers.

    Columns: kode, periode (YYYY-MM), kolom, nilai, nilai_tipikal (the library's median, or the
    peers' when its history is short), skor_z, skor_z_sejawat, batch_id.
    """
    per = _period(store, period)
    params: dict[str, Any] = {
        "first": per.first,
        "last": per.last,
        "hist": window(per.last, max(history_months, per.months)).first,
        "thr": float(threshold),
        "minh": int(min_history),
    }
    where = (filters or Filters()).sql(params)
    cols = [c for c in columns if c in FLOW_COLUMNS]
    casts = ", ".join(f"CAST(r.{c} AS DOUBLE) AS {c}" for c in cols)
    sql = f"""
        WITH lib AS (SELECT kode_perpustakaan, jenis FROM perpustakaan p WHERE {where}),
        r AS (
            SELECT r.kode_perpustakaan, l.jenis, r.periode, r.batch_id, {casts}
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE r.periode BETWEEN $hist AND $last
        ),
        u AS (UNPIVOT r ON {", ".join(cols)} INTO NAME kolom VALUE nilai),
        own AS (
            SELECT kode_perpustakaan, kolom, median(nilai) AS med, count(*) AS n
            FROM u GROUP BY ALL
        ),
        own_mad AS (
            SELECT u.kode_perpustakaan, u.kolom, any_value(o.med) AS med, any_value(o.n) AS n,
                   median(abs(u.nilai - o.med)) AS mad
            FROM u JOIN own o USING (kode_perpustakaan, kolom) GROUP BY ALL
        ),
        peer AS (
            SELECT jenis, periode, kolom, median(nilai) AS med FROM u
            WHERE periode BETWEEN $first AND $last GROUP BY ALL
        ),
        peer_mad AS (
            SELECT u.jenis, u.periode, u.kolom, any_value(p.med) AS med,
                   median(abs(u.nilai - p.med)) AS mad
            FROM u JOIN peer p USING (jenis, periode, kolom) GROUP BY ALL
        ),
        z AS (
            SELECT u.kode_perpustakaan AS kode, u.periode, u.kolom, u.nilai, u.batch_id,
                   o.med AS med_own, o.n AS n_own, p.med AS med_peer,
                   CASE WHEN o.mad > 0 THEN {Z_FACTOR} * (u.nilai - o.med) / o.mad END AS z_own,
                   CASE WHEN p.mad > 0 THEN {Z_FACTOR} * (u.nilai - p.med) / p.mad END AS z_peer
            FROM u
            JOIN own_mad o USING (kode_perpustakaan, kolom)
            JOIN peer_mad p USING (jenis, periode, kolom)
            WHERE u.periode BETWEEN $first AND $last
        )
        SELECT kode, strftime(periode, '%Y-%m') AS periode, kolom, nilai,
               CASE WHEN n_own >= $minh THEN med_own ELSE med_peer END AS nilai_tipikal,
               CASE WHEN n_own >= $minh THEN z_own ELSE z_peer END AS skor_z,
               z_peer AS skor_z_sejawat, batch_id
        FROM z
        WHERE CASE WHEN n_own >= $minh
                   THEN abs(z_own) > $thr AND (z_peer IS NULL OR abs(z_peer) > $thr)
                   ELSE abs(z_peer) > $thr END
        ORDER BY abs(skor_z) DESC, kode, periode, kolom
    """
    return store.query(sql, params)
