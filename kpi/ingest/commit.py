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
        cur.execute(
            "INSERT INTO import_batch (batch_id, created_at, pengguna, sumber, status, accepted, "
            "rejected, catatan) VALUES (?, ?, ?, 'impor', 'committed', ?, ?, ?)",
            [batch_id, now, user, plan.accepted, plan.rejected, note],
        )
        file_no = 0
        for f in plan.files:
            if f.status != "ok":
                continue
            file_no += 1
            # the same bytes archived once: a re-import refers to the earlier copy by checksum
            known = cur.execute(
                "SELECT count(*) FROM import_file WHERE checksum = ? AND content IS NOT NULL",
                [f.checksum],
            ).fetchall()[0][0]
            cur.execute(
                "INSERT INTO import_file VALUES (?, ?, ?, ?, ?, ?)",
                [batch_id, file_no, f.file, f.checksum, f.size_bytes, None if known else f.content],
            )
        _write_rejected(cur, batch_id, plan)
        for tp in plan.tables.values():
            a, c, u = write_table(cur, store, tp.table, tp.frame, batch_id, now)
            added, changed, unchanged = added + a, changed + c, unchanged + u
            per_table[tp.table] = {"added": a, "changed": c, "unchanged": u}
        cur.execute(
            "UPDATE import_batch SET added = ?, changed = ?, unchanged = ? WHERE batch_id = ?",
            [added, changed, unchanged, batch_id],
        )
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
    cur.register("rejected_src", frame)
    try:
        cur.execute("INSERT INTO rejected_row SELECT * FROM rejected_src")
    finally:
        cur.unregister("rejected_src")


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
    keys = DATA_TABLE_KEYS[table]
    names = ", ".join(cols)
    cur.register("commit_src", frame)
    try:
        cur.execute("DROP TABLE IF EXISTS commit_merged")
        cur.execute(
            f"CREATE TEMP TABLE commit_merged AS "
            f"{merged_select(table, cols, 'commit_src', present=frame.columns)}"
        )
    finally:
        cur.unregister("commit_src")
    row = cur.execute(
        "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE _is_changed), "
        "count(*) FILTER (WHERE NOT _is_new AND NOT _is_changed) FROM commit_merged"
    ).fetchall()[0]
    assert row is not None
    join = " AND ".join(f"e.{k} = m.{k}" for k in keys)
    e_names = ", ".join(f"e.{c}" for c in cols)
    cur.execute(
        f"INSERT INTO {table}_riwayat ({names}, batch_id, diganti_oleh, diganti_pada) "
        f"SELECT {e_names}, e.batch_id, ?, ? FROM {table} e JOIN commit_merged m ON {join} "
        f"WHERE m._is_changed",
        [batch_id, now],
    )
    cur.execute(f"DELETE FROM {table} e USING commit_merged m WHERE {join} AND m._is_changed")
    cur.execute(
        f"INSERT INTO {table} ({names}, batch_id) SELECT {names}, ? FROM commit_merged "
        f"WHERE _is_new OR _is_changed",
        [batch_id],
    )
    cur.execute("DROP TABLE commit_merged")
    return int(row[0]), int(row[1]), int(row[2])
