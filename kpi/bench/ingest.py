"""Benchmark: importing a 50,000-row (x scale) monthly-report workbook.

Measured: the dry run plus the commit into a store that already holds the register, each in a
fresh process (seconds and peak memory), against the baseline of reading the same file with
``pandas.read_excel(engine="openpyxl")`` alone. Target: within 10 s and at least 3x faster.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

ROWS = 50_000
MONTHS = 20


def build_store(path: Path, libraries: int) -> list[str]:
    """A store with a register of ``libraries`` village libraries; returns their codes."""
    import pandas as pd

    from kpi.store import Store

    store = Store(path)
    try:
        desa = store.query(
            "SELECT kode FROM wilayah WHERE tingkat = 'desa_kelurahan' ORDER BY kode LIMIT ?",
            [libraries],
        )["kode"].tolist()
        codes = [f"BENCH-{i:06d}" for i in range(libraries)]
        frame = pd.DataFrame(
            {
                "kode_perpustakaan": codes,
                "nama_perpustakaan": [f"Perpustakaan Desa Bench {i}" for i in range(libraries)],
                "jenis": "desa_kelurahan",
                "kode_wilayah": [desa[i % len(desa)] for i in range(libraries)],
                "penduduk": 5000,
                "batch_id": "bench-register",
            }
        )
        with store.write() as cur:
            cur.register("reg", frame)
            cur.execute(
                "INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, "
                "kode_wilayah, penduduk, batch_id) SELECT * FROM reg"
            )
            cur.unregister("reg")
            cur.execute(
                "INSERT OR REPLACE INTO meta VALUES ('demo_dibersihkan', CAST(now() AS VARCHAR))"
            )
    finally:
        store.close()
    return codes


def build_workbook(path: Path, codes: list[str], rows: int) -> None:
    """A monthly-report export: a title row, the header, then one row per library and month,
    with the number formats and periods analysts use."""
    import numpy as np
    from openpyxl import Workbook

    from kpi.columns import MONTHLY_COLUMNS
    from kpi.i18n import MONTHS as MONTH_NAMES

    rng = np.random.default_rng(7)
    indicators = [c for c in MONTHLY_COLUMNS if c.kind != "date"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Laporan bulanan")
    ws.append(["LAPORAN BULANAN PERPUSTAKAAN MITRA TPBIS (bench)"])
    ws.append(["Kode Perpustakaan", "Periode", "Tanggal Lapor", *[c.label_id for c in indicators]])
    months = [(2022 + (m // 12), m % 12 + 1) for m in range(MONTHS)]
    values = rng.integers(0, 400, size=(rows, len(indicators)))
    per_month = max(rows // MONTHS, 1)
    for i in range(rows):
        y, m = months[(i // per_month) % MONTHS]
        kode = codes[i % per_month % len(codes)]
        periode = f"{MONTH_NAMES['id'][m - 1]} {y}" if i % 2 else f"{y}-{m:02d}"
        row: list[Any] = [kode, periode, date(y, m, 28)]
        for j, c in enumerate(indicators):
            x = int(values[i, j])
            if c.kind == "state":
                row.append("ya" if x % 3 else "tidak")
            elif i % 10 == 0 and j == 1:
                row.append(f"{x * 1000:,}".replace(",", "."))  # "12.000" as text
            elif i % 25 == 0 and j == 2:
                row.append("-")
            else:
                row.append(x)
        ws.append(row)
    ws.append(["JUMLAH"])
    wb.save(path)


def import_once(db: str, file: str) -> dict[str, Any]:
    """Dry run + commit of one file (run in a child process)."""
    from kpi.ingest import commit, plan_import
    from kpi.store import Store

    data = Path(file).read_bytes()
    store = Store(db)
    try:
        t0 = time.perf_counter()
        plan = plan_import(store, [(Path(file).name, data)])
        t1 = time.perf_counter()
        result = commit(store, plan)
        t2 = time.perf_counter()
    finally:
        store.close()
    import resource

    # the workbook is read in a child process (see kpi/ingest/_reader.py): its peak too
    reader_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return {
        "reader_peak_mb": reader_mb,
        "dry_run_seconds": t1 - t0,
        "commit_seconds": t2 - t1,
        "accepted": plan.accepted,
        "rejected": plan.rejected,
        "added": result.added,
    }


def baseline_once(file: str) -> dict[str, Any]:
    import pandas as pd

    t0 = time.perf_counter()
    frame = pd.read_excel(file, engine="openpyxl", header=1)
    return {"seconds": time.perf_counter() - t0, "rows": len(frame)}


def run(workdir: Path, scale: int) -> list[dict[str, Any]]:
    from kpi.bench import in_child
    from kpi.ingest.read import DEFAULT_MAX_MB, SETTING_MAX_MB

    rows = ROWS * scale
    base_db = workdir / "ingest_base.duckdb"
    codes = build_store(base_db, max(rows // MONTHS, 1))
    xlsx = workdir / f"laporan_{rows}.xlsx"
    build_workbook(xlsx, codes, rows)
    db = workdir / "ingest_run.duckdb"
    shutil.copy(base_db, db)
    size_mb = xlsx.stat().st_size / 1024 / 1024
    if size_mb > DEFAULT_MAX_MB:
        # the scale-10 workbook (~52 MB) is over the default 50 MB upload limit: the benchmark
        # raises the limit setting for its own store, as an administrator would
        from kpi.store import Store

        store = Store(db)
        try:
            store.set_setting(SETTING_MAX_MB, float(int(size_mb * 1.5) + 1))
        finally:
            store.close()
    ours = in_child("kpi.bench.ingest:import_once", db=str(db), file=str(xlsx))
    res = ours["result"]
    total = res["dry_run_seconds"] + res["commit_seconds"]
    base = in_child("kpi.bench.ingest:baseline_once", file=str(xlsx))
    baseline = base["result"]["seconds"]
    name = f"import {rows:,} rows: dry run + commit"
    return [
        {
            "name": name,
            "seconds": total,
            "baseline": "pandas.read_excel(engine='openpyxl') alone",
            "baseline_seconds": baseline,
            "ratio": baseline / total if total else None,
            "peak_mb": max(ours["peak_mb"], res["reader_peak_mb"]),
            "main_process_peak_mb": ours["peak_mb"],
            "reader_process_peak_mb": res["reader_peak_mb"],
            # issue 3's target is for the 50,000-row workbook; larger scales are reported only
            "target": "<= 10 s and >= 3x faster than the baseline" if scale == 1 else None,
            "accepted": res["accepted"],
            "rejected": res["rejected"],
            "file_mb": xlsx.stat().st_size / 1024 / 1024,
        },
        {
            "name": f"import {rows:,} rows: dry run only",
            "seconds": res["dry_run_seconds"],
            "baseline": None,
            "baseline_seconds": None,
            "ratio": None,
            "peak_mb": None,
            "target": None,
        },
        {
            "name": f"import {rows:,} rows: commit only",
            "seconds": res["commit_seconds"],
            "baseline": None,
            "baseline_seconds": None,
            "ratio": None,
            "peak_mb": None,
            "target": None,
        },
        {
            "name": "pandas.read_excel(engine='openpyxl') alone",
            "seconds": baseline,
            "baseline": None,
            "baseline_seconds": None,
            "ratio": None,
            "peak_mb": base["peak_mb"],
            "target": None,
        },
    ]
