"""Data quality: completeness, timeliness, libraries that never reported, values to verify.

Values to verify: a monthly flow value whose modified z-score, 0.6745 x (value - median) / MAD,
is above the threshold (default 3.5) in absolute value against the library's own history (the
36 months up to the period end; only with at least ``min_history`` own values) or against its
peers (libraries of the same jenis, same month). The reason says which: riwayat (own history),
sejawat (peers) or keduanya (both). A MAD of 0 (a column that is nearly always the same, such as
rare events) gives no score, so it never flags. These are listed for verification with the
batch the value came from; they are not coaching reasons.

The default period is the 12 months ending at the last closed month (kpi.closing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from kpi.columns import MONTHLY_COLUMNS
from kpi.compute import aggregate
from kpi.periods import Period, parse_period, window
from kpi.scope import Filters, ask
from kpi.store import Store

FLOW_COLUMNS: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS if c.kind == "flow")
Z_FACTOR = 0.6745
# why a value is listed: far from the library's own history, from its peers, or both
REASONS: tuple[str, ...] = ("riwayat", "sejawat", "keduanya")


def completeness(
    store: Store,
    level: str = "provinsi",
    period: Period | str | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Completeness and timeliness per unit (default: the 12 months to the last month)."""
    per = _period(store, period)
    frame = aggregate(ask(store, level, per, filters, ["kelengkapan", "ketepatan"]))
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
        from kpi import closing

        end = closing.default_end(store) or date.today().replace(day=1)
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
    """Monthly values of the period far from the library's own history or from its peers.

    Columns: kode, periode (YYYY-MM), kolom, nilai, alasan (riwayat, sejawat or keduanya),
    nilai_tipikal (the library's median when far from its history, else the peers'), skor_z
    (the modified z-score behind that typical value), skor_z_sendiri, skor_z_sejawat,
    median_sendiri (empty with a short history), median_sejawat, batch_id. The values far from
    both come first, then those far from their own history, then those far from their peers
    only (often a library that is simply larger than its peers), each by its z-score.
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
        ),
        f AS (
            SELECT *,
                   coalesce(n_own >= $minh AND abs(z_own) > $thr, FALSE) AS jauh_sendiri,
                   coalesce(abs(z_peer) > $thr, FALSE) AS jauh_sejawat
            FROM z
        )
        SELECT kode, strftime(periode, '%Y-%m') AS periode, kolom, nilai,
               CASE WHEN jauh_sendiri AND jauh_sejawat THEN 'keduanya'
                    WHEN jauh_sendiri THEN 'riwayat' ELSE 'sejawat' END AS alasan,
               CASE WHEN jauh_sendiri THEN med_own ELSE med_peer END AS nilai_tipikal,
               CASE WHEN jauh_sendiri THEN z_own ELSE z_peer END AS skor_z,
               CASE WHEN n_own >= $minh THEN z_own END AS skor_z_sendiri,
               z_peer AS skor_z_sejawat,
               CASE WHEN n_own >= $minh THEN med_own END AS median_sendiri,
               med_peer AS median_sejawat, batch_id
        FROM f
        WHERE jauh_sendiri OR jauh_sejawat
        ORDER BY CASE alasan WHEN 'keduanya' THEN 0 WHEN 'riwayat' THEN 1 ELSE 2 END,
                 abs(skor_z) DESC, kode, periode, kolom
    """
    return store.query(sql, params)
