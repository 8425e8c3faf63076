"""The demo program: a realistic, deterministic TPBIS written to the same tables imports fill.

34 provinces (all but the four created in 2022), 399 kabupaten/kota and 3,505 desa/kelurahan
partner libraries, plus a provincial library per province and a kab/kota library per kab/kota,
named after the real places. Cohorts join 2018-2022; monthly reports run from each library's
joining to 2025-12 with seasonality (the fasting month, year end, the 2020-21 pandemic), growth,
urban/remote differences, reporting gaps that are worse in remote provinces, libraries that never
report, entry errors, declines and inactivity spells, so that every coaching rule has real cases.
Everything is labelled as demo data: one import batch with sumber = 'demo'.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi.queries import batches
from kpi.queries.meta import delete_meta, put_meta_now
from kpi.store import Store

if TYPE_CHECKING:
    from kpi.access import Principal

from kpi import demo_sheets
from kpi.demo_data import COHORT_YEARS as COHORT_YEARS
from kpi.demo_data import (
    DEMO_BATCH_PREFIX,
    DEMO_SOURCE_LABEL,
    DemoResult,
    _monthly,
    _registers,
)
from kpi.demo_data import FIRST_MONTH as FIRST_MONTH
from kpi.demo_data import JAVA_BALI as JAVA_BALI
from kpi.demo_data import KAB_COHORT_WEIGHTS as KAB_COHORT_WEIGHTS
from kpi.demo_data import LAST_MONTH as LAST_MONTH
from kpi.demo_data import RAMADAN as RAMADAN
from kpi.demo_data import REMOTE_PROVINCES as REMOTE_PROVINCES
from kpi.demo_data import REPORTING_COLLAPSE_PROVINCE as REPORTING_COLLAPSE_PROVINCE


def build_demo(seed: int = 2018, scale: int = 1) -> dict[str, pd.DataFrame]:
    """The demo's tables as frames (deterministic for a seed and scale)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = np.random.default_rng(seed)
    reg = _registers(rng, scale)
    monthly = _monthly(rng, reg)
    return {
        "perpustakaan": reg,
        "laporan_bulanan": monthly,
        "penilaian_mandiri": demo_sheets.self_assessments(rng, reg, monthly),
        "target": demo_sheets.targets(rng, reg, monthly),
        "indikator_konteks": demo_sheets.context(rng, reg),
    }


def load_demo(
    store: Store, seed: int = 2018, scale: int = 1, actor: Principal | None = None
) -> DemoResult:
    """Write the demo into the store as one batch, replacing any earlier demo. ``actor``
    (default the local operator) must import everywhere; the load is an audit event."""
    from kpi import access, audit

    actor = actor or access.local_operator()
    if not actor.capture_scope().everything:
        access.refuse(store, actor, access.Action.IMPORT, objek="demo")
    t0 = time.perf_counter()
    tables = build_demo(seed, scale)
    batch_id = f"{DEMO_BATCH_PREFIX}{seed}-x{scale}"
    rows = sum(len(t) for t in tables.values())
    with store.write() as cur:
        batches.delete_demo_rows(cur, _DATA_TABLES)
        batches.delete_batch(cur, batch_id)
        note = f"{DEMO_SOURCE_LABEL}; seed={seed}; scale={scale}"
        batches.insert_batch(cur, batch_id, datetime.now(), "demo", "demo", (rows, 0, rows), note)
        for table, frame in tables.items():
            batches.insert_frame(cur, table, frame.assign(batch_id=batch_id))
        delete_meta(cur, "demo_dibersihkan")
        rincian = {"seed": seed, "scale": scale, "baris": rows}
        audit.record(cur, actor, "demo.load", objek=batch_id, rincian=rincian)
    return DemoResult(
        batch_id=batch_id,
        libraries=len(tables["perpustakaan"]),
        monthly_rows=len(tables["laporan_bulanan"]),
        seconds=time.perf_counter() - t0,
    )


_DATA_TABLES = (
    "perpustakaan",
    "laporan_bulanan",
    "target",
    "penilaian_mandiri",
    "indikator_konteks",
)


def clear_demo(store: Store, actor: Principal | None = None) -> None:
    """Remove every demo row, and remember it so that the app does not load the demo again.

    ``actor`` (default the local operator) must be allowed to undo every demo row (checked in
    the transaction, as an undo is); the clearing is an audit event."""
    from kpi import access, audit
    from kpi.ingest.undo import check_undo_rights

    actor = actor or access.local_operator()
    with access.refusals_recorded(store, actor, access.Action.UNDO, "demo"), store.write() as cur:
        demo_batches = batches.committed_demo_batches(cur)
        who, _ = check_undo_rights(cur, actor, demo_batches)
        batches.delete_demo_rows(cur, _DATA_TABLES)
        put_meta_now(cur, "demo_dibersihkan")
        audit.record(cur, who, "demo.clear", objek="demo", rincian={"batch": demo_batches})
