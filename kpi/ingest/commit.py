"""Step 7, commit: the planned import as one batch, in one transaction (all or nothing).

The batch records its files (name, checksum, size, the original archived), counts and the
rejected rows with their reasons and full original content. A stored row that the import changes
moves to the table's *_riwayat twin with the batch that replaced it, so that undo can restore it;
an unchanged row is left as it is (re-importing the same file changes nothing).
"""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from kpi import access, audit
from kpi.ingest import capture
from kpi.ingest.plan import Plan, merged_select, table_columns
from kpi.queries import batches
from kpi.store import DATA_TABLE_KEYS, Store, StoreError


@dataclass(frozen=True)
class CommitResult:
    batch_id: str
    accepted: int
    rejected: int
    added: int
    changed: int
    unchanged: int


def new_batch_id(now: datetime) -> str:
    return f"impor-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def current_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return None


def commit(
    store: Store,
    plan: Plan,
    user: str | None = None,
    note: str | None = None,
    actor: access.Principal | None = None,
) -> CommitResult:
    """Write the plan as one import batch. Counts are recomputed inside the transaction.

    ``user``: who imports, when known (the command line passes the login name; default the
    actor's name). ``actor``: who acts (default the local operator): inside the transaction
    their grants are read again and every record must lie in their capture areas (the plan
    was made with ``actor.capture_scope()``); otherwise AccessDeniedError, recorded, nothing
    written. The commit is an audit event (batch, files with checksums, counts)."""
    if not plan.importable:
        raise StoreError(
            "Tidak ada yang dapat diimpor dari berkas ini.",
            "Nothing in these files can be imported.",
        )
    pengguna = user or (actor.name if actor is not None else None)
    actor = actor or access.local_operator()
    now = datetime.now()
    batch_id = new_batch_id(now)
    with access.refusals_recorded(store, actor, access.Action.IMPORT, batch_id):
        return _commit(store, plan, pengguna, note, actor, now, batch_id)


def _commit(
    store: Store,
    plan: Plan,
    user: str | None,
    note: str | None,
    actor: access.Principal,
    now: datetime,
    batch_id: str,
) -> CommitResult:
    added = changed = unchanged = 0
    per_table: dict[str, dict[str, int]] = {}
    with store.write() as cur:
        who = access.current(cur, actor)  # grants as they are now
        if not (who.can(access.Action.IMPORT) or who.can(access.Action.TARGETS)):
            raise access.denied(who, access.Action.IMPORT)
        pairs = capture.plan_areas(cur, plan)
        scope = who.capture_scope()
        bad = capture.outside(pairs, scope)
        if bad:
            raise capture.refused(
                who,
                (
                    "menyimpan impor ini (ulangi uji coba)",
                    "commit this import (run the dry run again)",
                ),
                bad,
                scope,
            )
        counts = (plan.accepted, plan.rejected, 0)  # added: counted below
        batches.insert_batch(cur, batch_id, now, user, "impor", counts, note)
        file_no = 0
        for f in plan.files:
            if f.status != "ok":
                continue
            file_no += 1
            # the same bytes archived once: a re-import refers to the earlier copy by checksum
            known = batches.archived(cur, f.checksum)
            content = None if known else f.content
            batches.add_file(cur, batch_id, file_no, f.file, f.checksum, f.size_bytes, content)
        _write_rejected(cur, batch_id, plan)
        for tp in plan.tables.values():
            a, c, u = write_table(cur, store, tp.table, tp.frame, batch_id, now)
            added, changed, unchanged = added + a, changed + c, unchanged + u
            per_table[tp.table] = {"added": a, "changed": c, "unchanged": u}
        batches.set_counts(cur, batch_id, added, changed, unchanged)
        audit.record(
            cur,
            who,
            "import.commit",
            objek=batch_id,
            wilayah=capture.provinces(pairs),
            rincian={
                "berkas": [
                    {"nama": f.file, "checksum": f.checksum, "ukuran": f.size_bytes}
                    for f in plan.files
                    if f.status == "ok"
                ],
                "accepted": plan.accepted,
                "rejected": plan.rejected,
                "added": added,
                "changed": changed,
                "unchanged": unchanged,
                "tabel": per_table,
                "wilayah_input": None
                if scope.everything
                else sorted({c for a in scope.by_kind.values() for c in a.codes}),
            },
        )
    return CommitResult(batch_id, plan.accepted, plan.rejected, added, changed, unchanged)


def _write_rejected(cur: duckdb.DuckDBPyConnection, batch_id: str, plan: Plan) -> None:
    if plan.issues.empty:
        return
    frame = plan.issues.merge(plan.rejected_rows, on=["file", "sheet", "row"], how="left")
    frame = frame.assign(batch_id=batch_id)[
        [
            "batch_id",
            "file",
            "sheet",
            "row",
            "column",
            "value",
            "rule",
            "message_id",
            "message_en",
            "data",
        ]
    ]
    batches.add_rejected(cur, frame)


def write_table(
    cur: duckdb.DuckDBPyConnection,
    store: Store,
    table: str,
    frame: pd.DataFrame,
    batch_id: str,
    now: datetime,
) -> tuple[int, int, int]:
    """Lay one table's records over the store: (added, changed, unchanged)."""
    cols = table_columns(store, table)

    def merged(source: str) -> str:
        return merged_select(table, cols, source, present=frame.columns)

    keys = DATA_TABLE_KEYS[table]
    return batches.merge_rows(cur, table, cols, keys, frame, merged, batch_id, now)
