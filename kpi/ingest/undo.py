"""Undo an import batch: remove what it added, restore what it replaced (one transaction).

Every precondition (the batch exists and is committed, no later batch replaced its values, no
report of another batch uses a library it added) is checked inside the write transaction, under
the store's writer lock, on the transaction's own cursor: a commit that lands while an undo is
being asked for is either wholly before the checks (and seen by them) or wholly after the undo.
Undoing the demo batch also records that the demo was cleared, as the "Hapus data demo" action
does, so that the next start does not load it again.

Who undoes (``actor``, default the local operator) is checked in the same transaction, with
their grants as the store holds them then: every row the batch wrote or replaced must lie in
the areas where they may undo, and be of a kind they may import (kpi.ingest.capture). The undo
is an audit event; a refusal is one too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from kpi import access, audit
from kpi.ingest import capture
from kpi.queries import batches
from kpi.queries.meta import put_meta_now
from kpi.store import DATA_TABLE_KEYS, Store, StoreError


@dataclass(frozen=True)
class UndoResult:
    batch_id: str
    removed: int
    restored: int
    files: tuple[str, ...] = field(default=())
    created_at: str | None = None
    demo: bool = False


def _status(cur: duckdb.DuckDBPyConnection, batch_id: str) -> tuple[str, datetime | None]:
    """The batch exists and is committed: its source and time."""
    row = batches.batch_state(cur, batch_id)
    if row is None:
        raise StoreError(
            f"Batch impor {batch_id} tidak ada.", f"Import batch {batch_id} does not exist."
        )
    status, sumber, created_at = row
    if status != "committed":
        raise StoreError(
            f"Batch impor {batch_id} sudah dibatalkan.",
            f"Import batch {batch_id} has already been undone.",
        )
    return str(sumber), created_at


def _dependencies(cur: duckdb.DuckDBPyConnection, batch_id: str) -> None:
    """No later batch replaced its values, no report of another batch uses a library it added."""
    # a later batch that replaced rows of this one must be undone first
    later: set[str] = set()
    for table in DATA_TABLE_KEYS:
        later.update(batches.replaced_by(cur, table, batch_id))
    _blocked_by(
        batch_id,
        later,
        "nilainya sudah diganti oleh batch yang lebih baru",
        "its values were replaced by a later batch",
        "Undo that batch first.",
    )
    # libraries this batch added that reports of other batches still refer to
    users: set[str] = set()
    for table in ("laporan_bulanan", "penilaian_mandiri"):
        users.update(batches.using_added_libraries(cur, table, batch_id))
    _blocked_by(
        batch_id,
        users,
        "perpustakaan yang ditambahkannya dipakai oleh laporan batch lain",
        "libraries it added are used by reports of other batches",
        "Undo those batches first.",
    )


def _blocked_by(batch_id: str, others: set[str], why_id: str, why_en: str, then_en: str) -> None:
    """StoreError when ``others`` (batches) must be undone before ``batch_id``."""
    if not others:
        return
    names = ", ".join(sorted(others))
    raise StoreError(
        f"Batch {batch_id} tidak dapat dibatalkan: {why_id} ({names}). "
        "Batalkan batch itu lebih dulu.",
        f"Batch {batch_id} cannot be undone: {why_en} ({names}). {then_en}",
    )


def check_undo_rights(
    cur: duckdb.DuckDBPyConnection, actor: access.Principal, batch_ids: list[str]
) -> tuple[access.Principal, list[str]]:
    """Inside the write transaction: the actor as the store says now, and the provinces the
    batches touch; AccessDeniedError when a row lies outside what the actor may undo."""
    who = access.current(cur, actor)
    if not who.can(access.Action.UNDO):
        raise access.denied(who, access.Action.UNDO)
    pairs = capture.batch_areas(cur, batch_ids)
    scope = who.undo_scope()
    bad = capture.outside(pairs, scope)
    if bad:
        names = ", ".join(batch_ids)
        raise capture.refused(
            who, (f"membatalkan batch {names}", f"undo batch {names}"), bad, scope
        )
    return who, capture.provinces(pairs)


def undo(store: Store, batch_id: str, actor: access.Principal | None = None) -> UndoResult:
    """Undo exactly ``batch_id``, or raise StoreError (nothing changed) saying why not."""
    actor = actor or access.local_operator()
    with access.refusals_recorded(store, actor, access.Action.UNDO, batch_id):
        return _undo(store, batch_id, actor)


def _undo(store: Store, batch_id: str, actor: access.Principal) -> UndoResult:
    removed = restored = 0
    with store.write() as cur:
        sumber, created_at = _status(cur, batch_id)
        who, touched = check_undo_rights(cur, actor, [batch_id])  # may they, before can it
        _dependencies(cur, batch_id)
        for table in DATA_TABLE_KEYS:
            gone, back = batches.take_back(cur, table, batch_id)
            removed, restored = removed + gone, restored + back
        # not one marked: cannot happen under the lock; never mark what was not undone
        if batches.mark_undone(cur, batch_id) != 1:
            raise StoreError(
                f"Batch impor {batch_id} tidak dapat dibatalkan sekarang; coba lagi.",
                f"Import batch {batch_id} cannot be undone right now; try again.",
            )
        files = batches.file_names(cur, batch_id)
        demo = sumber == "demo"
        if demo:  # as clear_demo does: the next start does not load the demo again
            put_meta_now(cur, "demo_dibersihkan")
        audit.record(
            cur,
            who,
            "import.undo",
            objek=batch_id,
            wilayah=touched,
            rincian={
                "removed": removed,
                "restored": restored,
                "berkas": list(files),
                "demo": demo,
            },
        )
    when = None if created_at is None else created_at.isoformat(sep=" ", timespec="seconds")
    return UndoResult(batch_id, removed, restored, files, when, demo)
