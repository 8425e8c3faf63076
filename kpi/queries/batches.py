"""Reads of the import batches (import_batch, import_file) and their rejected rows
(rejected_row): what each batch brought, the files already committed, what a batch refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.store import Store

if TYPE_CHECKING:
    import duckdb


def list_batches(store: Store) -> list[dict[str, Any]]:
    frame = store.query(
        """
        SELECT b.batch_id, b.created_at, b.pengguna, b.sumber, b.status, b.undone_at,
               b.accepted, b.rejected, b.added, b.changed, b.unchanged,
               coalesce(list(f.file_name ORDER BY f.file_no)
                        FILTER (WHERE f.file_name IS NOT NULL), []) AS files
        FROM import_batch b LEFT JOIN import_file f USING (batch_id)
        GROUP BY ALL ORDER BY b.created_at DESC
        """
    )
    out = []
    for r in frame.itertuples(index=False):
        out.append(
            {
                "batch_id": r.batch_id,
                "created_at": r.created_at.isoformat(sep=" ", timespec="seconds"),
                # None when unknown: the app has no login yet (the command line records the
                # login name of whoever runs it)
                "user": r.pengguna if isinstance(r.pengguna, str) and r.pengguna else None,
                "source": r.sumber,
                "files": [str(x) for x in r.files],
                "accepted": int(r.accepted or 0),
                "rejected": int(r.rejected or 0),
                "added": int(r.added or 0),
                "changed": int(r.changed or 0),
                "unchanged": int(r.unchanged or 0),
                "undone": r.status == "undone",
                "undone_at": None
                if r.undone_at is None or str(r.undone_at) == "NaT"
                else r.undone_at.isoformat(sep=" ", timespec="seconds"),
            }
        )
    return out


def committed_checksums(store: Store, checksums: list[str]) -> pd.DataFrame:
    """checksum, batch_id, created_at of the committed imports of files with these checksums,
    newest first."""
    return store.query(
        "SELECT f.checksum, b.batch_id, b.created_at FROM import_file f "
        "JOIN import_batch b USING (batch_id) WHERE b.status = 'committed' AND b.sumber = 'impor' "
        "AND list_contains(?, f.checksum) ORDER BY b.created_at DESC",
        [checksums],
    )


def rejected_rows(store: Store, batch_id: str) -> pd.DataFrame:
    """The rows a batch refused, each issue a row: file, sheet, row, column, value, rule,
    message_id, message_en, data (the row as read)."""
    return store.query(
        "SELECT file_name AS file, sheet, baris AS row, kolom AS column, nilai AS value, "
        "aturan AS rule, pesan_id AS message_id, pesan_en AS message_en, data_baris AS data "
        "FROM rejected_row WHERE batch_id = ? ORDER BY file_name, sheet, baris",
        [batch_id],
    )


def batch_areas(
    cur: duckdb.DuckDBPyConnection, batch_ids: list[str]
) -> set[tuple[str, str | None]]:
    """(table, area) of every row the batches wrote or replaced, as the store holds them."""
    rows = cur.execute(
        """
        SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan_riwayat
            WHERE diganti_oleh IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'laporan_bulanan', p.kode_wilayah FROM laporan_bulanan t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'penilaian_mandiri', p.kode_wilayah FROM penilaian_mandiri t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'target', CASE t.tingkat WHEN 'nasional' THEN ''
                                 WHEN 'perpustakaan' THEN p.kode_wilayah ELSE t.kode END
            FROM target t LEFT JOIN perpustakaan p
              ON t.tingkat = 'perpustakaan' AND p.kode_perpustakaan = t.kode
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'indikator_konteks', kode_wilayah FROM indikator_konteks
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        """,
        {"b": list(batch_ids)},
    ).fetchall()
    return {(str(k), None if a is None else str(a)) for k, a in rows}
