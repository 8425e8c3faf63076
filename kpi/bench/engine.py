"""Benchmark of the KPI engine: ``python -m kpi bench kpi [--scale N]``.

Builds the demo at the scale into the work folder, then, each in a fresh process (for its peak
memory), times (best of 3) the KPI table for all libraries over the last 12 months and the
priority list for all libraries, each beside the bare DuckDB aggregate of the same report rows
(the floor: what DuckDB needs to read and sum those rows, with no KPI logic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kpi.bench import best_of, in_child
from kpi.columns import INDICATOR_COLUMNS
from kpi.scope import ask

# targets of the issue: (seconds at scale 1, seconds at scale 10)
TARGETS: dict[str, tuple[float, float]] = {
    "kpis": (0.3, 3.0),
    "priorities": (1.0, 3.0),
}
PEAK_MB_TARGET = 1536.0


def _bare_sql(months_back: int) -> str:
    from kpi.queries import reports

    return reports.bare_sums_sql(INDICATOR_COLUMNS, months_back)


def measure(path: str, what: str) -> dict[str, Any]:
    """Run in a child process: best-of-3 seconds of ``what`` and of its bare baseline."""
    from kpi import coaching
    from kpi.compute import last_month
    from kpi.periods import window
    from kpi.score import kpi_table
    from kpi.store import Store

    store = Store(path, read_only=True)
    try:
        end = last_month(store)
        assert end is not None
        win = window(end, 12)
        if what == "kpis":

            def fn() -> Any:
                return kpi_table(ask(store, "perpustakaan", win))

            rows_sql = _bare_sql(12)
        else:

            def fn() -> Any:
                return coaching.priorities(coaching.evaluate(store, end, 12))

            # the priority list reads the window and the same window a year earlier
            rows_sql = _bare_sql(24)
        seconds, result = best_of(fn)
        base_seconds, base = best_of(lambda: store.query(rows_sql, {"akhir": end}))
        return {
            "seconds": seconds,
            "baseline_seconds": base_seconds,
            "rows": len(result),
            "baseline_rows": len(base),
        }
    finally:
        store.close()


def build(path: str, scale: int) -> dict[str, Any]:
    from kpi.demo import load_demo
    from kpi.store import Store

    store = Store(path)
    try:
        result = load_demo(store, scale=scale)
        return {"libraries": result.libraries, "monthly_rows": result.monthly_rows}
    finally:
        store.close()


def run(workdir: Path, scale: int) -> list[dict[str, Any]]:
    path = Path(workdir) / f"engine-x{scale}.duckdb"
    if path.exists():
        path.unlink()
    built = in_child("kpi.bench.engine:build", path=str(path), scale=scale)["result"]
    rows: list[dict[str, Any]] = []
    labels = {
        "kpis": f"KPI table, {built['libraries']} libraries, 12 months",
        "priorities": f"priority list, {built['libraries']} libraries",
    }
    for what in ("kpis", "priorities"):
        out = in_child("kpi.bench.engine:measure", path=str(path), what=what)
        r = out["result"]
        target = TARGETS[what][0 if scale < 10 else 1]
        rows.append(
            {
                "name": labels[what],
                "seconds": r["seconds"],
                "baseline": "bare DuckDB sum of the same report rows",
                "baseline_seconds": r["baseline_seconds"],
                "ratio": r["seconds"] / r["baseline_seconds"] if r["baseline_seconds"] else None,
                "peak_mb": out["peak_mb"],
                "target": f"< {target:g} s" + (", < 1.5 GB" if scale >= 10 else ""),
                "ok": r["seconds"] < target and (scale < 10 or out["peak_mb"] < PEAK_MB_TARGET),
            }
        )
    return rows
