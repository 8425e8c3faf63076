"""Benchmarks: ``python -m kpi bench [import|kpi|pages|all] [--scale N] [--json FILE]``.

Each suite is a module here with ``run(workdir: Path, scale: int) -> list[dict]``; a row is
{"name", "seconds", "baseline", "baseline_seconds", "ratio", "peak_mb", "target"}, where the
baseline is measured in the same run (so the ratio, not the absolute time, is what compares
across machines). Helpers below time a call and read peak memory in a child process.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from typing import Any

SUITES: dict[str, str] = {
    "import": "kpi.bench.ingest",
    "kpi": "kpi.bench.engine",
    "pages": "kpi.ui.bench_pages",
    "browser": "kpi.bench.browser",
    "capacity": "kpi.bench.capacity",
}
# suites that `bench all` leaves out (minutes of servers under load): run them by name
BY_NAME_ONLY = ("capacity",)


class SuiteError(Exception):
    """A suite that cannot run here (a missing tool: the message says what to install) or
    could not finish; the bench command prints the message, not a traceback."""


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (the least disturbed by a shared, noisy machine)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _child(target: str, kwargs: dict[str, Any], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    module, func = target.split(":")
    try:
        t0 = time.perf_counter()
        result = getattr(importlib.import_module(module), func)(**kwargs)
        seconds = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        queue.put({"ok": True, "seconds": seconds, "peak_mb": peak_mb, "result": result})
    except Exception as exc:  # reported to the parent, which raises it
        queue.put({"ok": False, "error": repr(exc)})


def in_child(target: str, **kwargs: Any) -> dict[str, Any]:
    """Run ``module:function(**kwargs)`` in a fresh process: its seconds and peak memory (MB)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, kwargs, queue))
    proc.start()
    out = queue.get()
    proc.join()
    if not out["ok"]:
        raise RuntimeError(f"{target} failed: {out['error']}")
    return out


def run_suite(name: str, workdir: Any, scale: int, **options: Any) -> list[dict[str, Any]]:
    """The suite's rows; ``options`` (e.g. capacity's servers) go to its ``run``."""
    module = importlib.import_module(SUITES[name])
    return list(module.run(workdir, scale, **options))
