"""Undo an import batch: remove what it added, restore what it replaced (one transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.ingest.plan import table_columns
from kpi.store import DATA_TABLE_KEYS, Store, StoreError


@dataclass(frozen=True)
class UndoResult:
    batch_id: str
    removed: int
    restored: int


def undo(store: Store, batch_id: str) -> UndoResult:
    status = store.scalar("SELECT status FROM import_batch WHERE batch_id = ?", [batch_id])
    if status is None:
        raise StoreError(
            f"Batch impor {batch_id} tidak ada.", f"Import batch {batch_id} does not exist."
        )
    if status != "committed":
        raise StoreError(
            f"Batch impor {batch_id} sudah dibatalkan.",
            f"Import batch {batch_id} has already been undone.",
        )
    # a later batch that replaced rows of this one must be undone first
    later = set()
    for table in DATA_TABLE_KEYS:
        frame = store.query(
            f"SELECT DISTINCT r.diganti_oleh FROM {table}_riwayat r JOIN import_batch b "
            "ON b.batch_id = r.diganti_oleh WHERE r.batch_id = ? AND b.status = 'committed'",
            [batch_id],
        )
        later.update(frame["diganti_oleh"].astype(str))
    if later:
        names = ", ".join(sorted(later))
        raise StoreError(
            f"Batch {batch_id} tidak dapat dibatalkan: nilainya sudah diganti oleh batch yang "
            f"lebih baru ({names}). Batalkan batch itu lebih dulu.",
            f"Batch {batch_id} cannot be undone: its values were replaced by a later batch "
            f"({names}). Undo that batch first.",
        )
    # libraries this batch added that reports of other batches still refer to
    users: set[str] = set()
    for table in ("laporan_bulanan", "penilaian_mandiri"):
        frame = store.query(
            f"""
            SELECT DISTINCT t.batch_id FROM {table} t
            JOIN perpustakaan p ON p.kode_perpustakaan = t.kode_perpustakaan
            WHERE p.batch_id = $b AND t.batch_id IS DISTINCT FROM $b
              AND NOT EXISTS (SELECT 1 FROM perpustakaan_riwayat r
                              WHERE r.diganti_oleh = $b
                                AND r.kode_perpustakaan = p.kode_perpustakaan)
            """,
            {"b": batch_id},
        )
        users.update(frame["batch_id"].astype(str))
    if users:
        names = ", ".join(sorted(users))
        raise StoreError(
            f"Batch {batch_id} tidak dapat dibatalkan: perpustakaan yang ditambahkannya dipakai "
            f"oleh laporan batch lain ({names}). Batalkan batch itu lebih dulu.",
            f"Batch {batch_id} cannot be undone: libraries it added are used by reports of "
            f"other batches ({names}). Undo those batches first.",
        )
    removed = restored = 0
    cols = {t: table_columns(store, t) for t in DATA_TABLE_KEYS}
    with store.write() as cur:
        for table in DATA_TABLE_KEYS:
            names = ", ".join(cols[table])
            n = cur.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id])
            removed += int(n.fetchall()[0][0])
            cur.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
            n = cur.execute(
                f"SELECT count(*) FROM {table}_riwayat WHERE diganti_oleh = ?", [batch_id]
            )
            restored += int(n.fetchall()[0][0])
            cur.execute(
                f"INSERT INTO {table} ({names}, batch_id) SELECT {names}, batch_id "
                f"FROM {table}_riwayat WHERE diganti_oleh = ?",
                [batch_id],
            )
            cur.execute(f"DELETE FROM {table}_riwayat WHERE diganti_oleh = ?", [batch_id])
        cur.execute(
            "UPDATE import_batch SET status = 'undone', undone_at = now() WHERE batch_id = ?",
            [batch_id],
        )
    return UndoResult(batch_id, removed, restored)
