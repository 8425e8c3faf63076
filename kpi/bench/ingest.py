"""Benchmark: importing a 50,000-row (x scale) monthly-report workbook, and a 1,000,000-row csv.

Measured: the dry run plus the commit into a store that already holds the register, each in a
fresh process (seconds and peak memory), against the baseline of reading the same file with
``pandas.read_excel(engine="openpyxl")`` alone. Target: within 10 s and at least 3x faster.
Beside it (issue 15), the same import against python-calamine's read of the sheet alone, the
floor of any import: target within 1.5x (printed as that multiple; in the table the suite's
ratio, baseline / ours, so >= 0.67).
The csv (~40 MB, under the 50 MB limit): the dry run's growth of the process that runs it (the
server, in the app) against reading it whole with the csv module; target: under 1 GB.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

ROWS = 50_000
MONTHS = 20
# issue 10: a million-row csv under the size limit must not grow the server by gigabytes
CSV_ROWS = 1_000_000
CSV_MONTHS = 80
CSV_GROWTH_TARGET_MB = 1024.0


def build_store(path: Path, libraries: int) -> list[str]:
    """A new store at ``path`` with a register of ``libraries`` village libraries; returns their
    codes. A store left there by an earlier run (``--workdir`` reused) is replaced: adding the
    same register again would break its keys."""
    import pandas as pd

    from kpi.queries import meta, regions, register
    from kpi.store import Store

    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    store = Store(path)
    try:
        desa = regions.first_codes(store, "desa_kelurahan", libraries)
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
            register.add_libraries(cur, frame)
            meta.mark_demo_cleared(cur)  # the demo is not loaded into a benchmark's store
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
    return {
        # the workbook is read in a child process (see kpi/ingest/_reader.py): its peak too
        "reader_peak_mb": _peak_mb(children=True),
        "dry_run_seconds": t1 - t0,
        "commit_seconds": t2 - t1,
        "accepted": plan.accepted,
        "rejected": plan.rejected,
        "added": result.added,
    }


def build_csv(path: Path, codes: list[str], rows: int) -> None:
    """A monthly-report csv as a portal exports it: semicolons, one row per library and month."""
    months = [(2018 + m // 12, m % 12 + 1) for m in range(CSV_MONTHS)]
    per_month = max(rows // CSV_MONTHS, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("kode_perpustakaan;periode;kunjungan;peminjaman;kegiatan;peserta;akses_internet\n")
        for i in range(rows):
            y, m = months[(i // per_month) % CSV_MONTHS]
            v = (i * 7919) % 997
            internet = "ya" if i % 3 else "tidak"
            fh.write(
                f"{codes[i % per_month]};{y}-{m:02d};{v};{v // 3};{v % 7};{v % 89};{internet}\n"
            )


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 1024 / 1024
    except OSError:  # not Linux: the peak is all there is
        return _peak_mb()


def _peak_mb(children: bool = False) -> float:
    """The peak resident memory of this process (or of its finished children), MB."""
    import resource

    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0


def csv_plan_once(db: str, file: str) -> dict[str, Any]:
    """The dry run of a large csv (run in a child process): how much this process grows."""
    from kpi.ingest import plan_import
    from kpi.store import Store

    store = Store(db)
    try:
        data = Path(file).read_bytes()
        before = _rss_mb()
        t0 = time.perf_counter()
        plan = plan_import(store, [(Path(file).name, data)])
        seconds = time.perf_counter() - t0
    finally:
        store.close()
    peak = _peak_mb()
    return {
        "seconds": seconds,
        "growth_mb": peak - before,
        "peak_mb": peak,
        "reader_peak_mb": _peak_mb(children=True),
        "accepted": plan.accepted,
        "rejected": plan.rejected,
    }


def csv_baseline_once(file: str) -> dict[str, Any]:
    """What reading the csv whole with the csv module, as lists, costs (the earlier reader)."""
    import csv
    import io

    data = Path(file).read_bytes()
    before = _rss_mb()
    t0 = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";"))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "growth_mb": _peak_mb() - before, "rows": len(rows)}


def run_csv(workdir: Path) -> list[dict[str, Any]]:
    from kpi.bench import in_child

    db = workdir / "ingest_csv.duckdb"
    codes = build_store(db, CSV_ROWS // CSV_MONTHS)
    path = workdir / f"laporan_{CSV_ROWS}.csv"
    build_csv(path, codes, CSV_ROWS)
    ours = in_child("kpi.bench.ingest:csv_plan_once", db=str(db), file=str(path))["result"]
    base = in_child("kpi.bench.ingest:csv_baseline_once", file=str(path))["result"]
    return [
        {
            "name": f"csv {CSV_ROWS:,} rows: dry run",
            "seconds": ours["seconds"],
            "baseline": "csv.reader into lists alone",
            "baseline_seconds": base["seconds"],
            "ratio": base["seconds"] / ours["seconds"] if ours["seconds"] else None,
            "peak_mb": ours["peak_mb"],
            "growth_mb": ours["growth_mb"],
            "baseline_growth_mb": base["growth_mb"],
            "reader_process_peak_mb": ours["reader_peak_mb"],
            "target": f"main process grows < {CSV_GROWTH_TARGET_MB:.0f} MB",
            "ok": ours["growth_mb"] < CSV_GROWTH_TARGET_MB,
            "accepted": ours["accepted"],
            "rejected": ours["rejected"],
            "file_mb": path.stat().st_size / 1024 / 1024,
        },
        {
            "name": f"csv {CSV_ROWS:,} rows: main process growth (MB)",
            "seconds": ours["growth_mb"],
            "baseline": "csv.reader into lists alone (MB)",
            "baseline_seconds": base["growth_mb"],
            "ratio": None,
            "peak_mb": None,
            "target": None,
        },
    ]


def baseline_once(file: str) -> dict[str, Any]:
    import pandas as pd

    t0 = time.perf_counter()
    frame = pd.read_excel(file, engine="openpyxl", header=1)
    return {"seconds": time.perf_counter() - t0, "rows": len(frame)}


def calamine_once(file: str) -> dict[str, Any]:
    """Reading the workbook's sheet into Python values with python-calamine alone: the floor of
    any import of it (issue 15's target: dry run + commit within 1.5x of this)."""
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - t0, "rows": len(rows)}


CALAMINE_TARGET = 1.5  # issue 15: dry run + commit within 1.5x of calamine's read


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
    cal = in_child("kpi.bench.ingest:calamine_once", file=str(xlsx))
    cal_s = cal["result"]["seconds"]
    times = total / cal_s if cal_s else None
    print(
        f"import: dry run + commit {total:.3f} s = {times or 0:.2f} x python-calamine's read "
        f"of the same file ({cal_s:.3f} s); target <= {CALAMINE_TARGET} x",
        flush=True,
    )
    name = f"import {rows:,} rows: dry run + commit"
    return [
        {
            "name": f"{name}, against python-calamine's read",
            "seconds": total,
            "baseline": "python-calamine's read of the same sheet alone",
            "baseline_seconds": cal_s,
            # this row reads the other way round: the import's time in calamine's read times
            "ratio": times,
            "ratio_meaning": "x python-calamine's read time",
            "times_calamine": times,
            "peak_mb": max(ours["peak_mb"], res["reader_peak_mb"]),
            "target": f"<= {CALAMINE_TARGET}x python-calamine's read" if scale == 1 else None,
            "ok": (times is not None and times <= CALAMINE_TARGET) if scale == 1 else None,
        },
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
            "name": "python-calamine's read alone",
            "seconds": cal_s,
            "baseline": None,
            "baseline_seconds": None,
            "ratio": None,
            "peak_mb": cal["peak_mb"],
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
        *run_csv(workdir),
    ]
