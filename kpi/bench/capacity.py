"""How many sessions the app holds: ``python -m kpi bench capacity [--servers 1,2,4] [--scale N]``.

For each number of servers, ``python -m kpi serve``'s cluster (kpi.serve: that many Streamlit
servers behind nginx) on the demo of the scale; for each page, sessions of Streamlit's own
protocol (kpi.bench.wsclient) open at once, each viewing the page twice (a new session's first
view, then a rerun), in steps of ``LEVELS``. A step passes when 95% of its page views finish
within ``LIMIT`` seconds and none fails (a step that does not is tried once more); the first
step that does not pass ends the page's run, and the gap to the last step that passed is
halved twice (``step_up``): the page holds the largest number of sessions that passed. Before
the steps, one session per server views every page, so the servers' caches are warm, as on a
server that has been up for a while.

The store: with ``--db postgresql://...`` every server shares it (each reads its own DuckDB
snapshot); without, each server reads its own copy of the demo file, which is what a server
reads in that design too (one file cannot be shared by several servers, see kpi.serve).

With PostgreSQL (``--db postgresql://...``; an empty database gets the demo written into it)
it also measures the demo's import into PostgreSQL against the embedded file, a full rebuild of
a server's snapshot, and for each number of servers the time from a commit until every server
shows it. ``--servers 0``: those engine figures alone.

The machine's load average is in every row: on a shared machine the figures are a floor.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kpi.bench import SuiteError, in_child, wsclient

LIMIT = 2.0  # s: 95% of page views under this
LEVELS = (1, 2, 4, 8, 16, 32, 64, 128)
PAGES = ("", "peta", "prioritas", "jelajah", "kualitas")  # "": the default page, Ringkasan
PAGE_NAMES = {"": "ringkasan"}
VIEWS_PER_SESSION = 2


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank: the smallest value with 95% of the values at or
    below it (of 20 values, the 19th smallest)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = math.ceil(0.95 * len(ordered))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Step:
    sessions: int
    p95: float
    views: int
    errors: int

    def passed(self, limit: float = LIMIT) -> bool:
        return self.errors == 0 and self.p95 <= limit


def step_up(
    measure: Callable[[int], Step],
    levels: Sequence[int] = LEVELS,
    limit: float = LIMIT,
    refine: int = 2,
) -> tuple[int, list[Step]]:
    """Measure each level in turn until one does not pass; then halve the gap between the last
    level that passed and the first that did not, ``refine`` times. A level that does not pass
    is measured once more and passes if the second try does (one slow moment of a shared
    machine does not end the run). The capacity is the largest level that passed (0 when the
    first does not). Every step measured is returned, in order."""
    steps: list[Step] = []

    def passes(level: int) -> bool:
        for _ in range(2):
            step = measure(level)
            steps.append(step)
            if step.passed(limit):
                return True
        return False

    capacity, failed = 0, None
    for level in levels:
        if not passes(level):
            failed = level
            break
        capacity = level
    for _ in range(refine):
        if failed is None or capacity == 0 or failed - capacity <= 1:
            break
        mid = (capacity + failed) // 2
        if passes(mid):
            capacity = mid
        else:
            failed = mid
    return capacity, steps


def load_average() -> float:
    return os.getloadavg()[0]


def _views_step(url: str, page: str, sessions: int) -> Step:
    from kpi.bench.wsclient import many_sessions

    views = wsclient.run(many_sessions(url, sessions, [page], repeat=VIEWS_PER_SESSION))
    return Step(
        sessions=sessions,
        p95=p95([v.seconds for v in views]),
        views=len(views),
        errors=sum(1 for v in views if v.errors),
    )


def measure(
    workdir: Path,
    scale: int,
    servers: Sequence[int] = (1, 2, 4),
    *,
    pages: Sequence[str] = PAGES,
    db: str | None = None,
    levels: Sequence[int] = LEVELS,
    engines: bool = True,
    log: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    from kpi.bench.wsclient import session_views
    from kpi.serve import NGINX, is_server_url, running

    if not Path(NGINX).exists():
        raise SuiteError(f"{NGINX} is missing: apt-get install nginx")
    demo = workdir / f"capacity-x{scale}.duckdb"
    if not is_server_url(db) and servers and not demo.exists():
        log(f"building the demo at scale {scale} into {demo}")
        in_child("kpi.bench.engine:build", path=str(demo), scale=scale)
    rows: list[dict[str, Any]] = []
    if is_server_url(db) and engines:
        assert db is not None
        rows += engine_rows(workdir, scale, db, log)
    for n in servers:
        if is_server_url(db):
            dbs: list[str | None] = [db] * n
        else:
            dbs = []
            for i in range(n):
                copy = workdir / f"capacity-x{scale}-server{i + 1}.duckdb"
                shutil.copy(demo, copy)
                dbs.append(str(copy))
        log(f"{n} server(s): starting")
        with running(dbs) as cluster:
            # every server warm: one session on each, straight to its port
            warm = [
                view
                for server in cluster.servers
                for view in wsclient.run(session_views(server.url, list(pages) or ["impor"]))
            ]
            failed = [v for v in warm if v.errors]
            if failed:
                raise SuiteError(f"the warm-up views failed: {failed[0].errors}")
            if is_server_url(db):
                assert db is not None
                rows.append(commit_to_visible(cluster, db, n, log))
            for page in pages:
                name = PAGE_NAMES.get(page, page)
                load = load_average()
                t0 = time.perf_counter()
                capacity, steps = step_up(partial(_views_step, cluster.url, page), levels)
                last = next((s for s in reversed(steps) if s.sessions == capacity), None)
                log(
                    f"{n} server(s), {name}: {capacity} sessions "
                    + " ".join(f"[{s.sessions}: p95 {s.p95:.2f} s, {s.errors} err]" for s in steps)
                )
                rows.append(
                    {
                        "name": f"capacity {name}, {n} server(s)",
                        "seconds": last.p95 if last else steps[0].p95,
                        "baseline": None,
                        "baseline_seconds": None,
                        "ratio": None,
                        "peak_mb": None,
                        "target": LIMIT,
                        "servers": n,
                        "page": name,
                        "sessions": capacity,
                        "steps": [s.__dict__ for s in steps],
                        "load_average": load,
                        "wall_seconds": time.perf_counter() - t0,
                        "store": "postgresql" if is_server_url(db) else "a DuckDB file per server",
                    }
                )
    return rows


def _row(name: str, seconds: float, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "seconds": seconds,
        "baseline": None,
        "baseline_seconds": None,
        "ratio": None,
        "peak_mb": None,
        "target": None,
        "load_average": load_average(),
        **extra,
    }


def engine_rows(
    workdir: Path, scale: int, url: str, log: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """PostgreSQL against the embedded file: the demo's import into each (a fresh process
    each), and a full rebuild of a server's DuckDB snapshot from PostgreSQL (best of 3).
    ``url`` must name an empty database: the demo is written into it."""
    from kpi.pgstore import PgStore, safe_url
    from kpi.store import Store

    store = Store(url)
    try:
        if not store.is_empty():  # the demo is there already: the servers' figures only
            log(f"{safe_url(url)} is not empty: no import or rebuild figures (an empty one has)")
            return []
    finally:
        store.close()
    embedded = workdir / f"engine-import-x{scale}.duckdb"
    embedded.unlink(missing_ok=True)
    log(f"importing the demo at scale {scale}: embedded file, then PostgreSQL")
    duck = in_child("kpi.bench.engine:build", path=str(embedded), scale=scale)
    pg = in_child("kpi.bench.engine:build", path=url, scale=scale)
    store = Store(url)
    try:
        assert isinstance(store, PgStore)
        pg_store = store

        def rebuild_once() -> None:
            pg_store.refresh(force=True)

        rebuild = min(_timed(rebuild_once) for _ in range(3))
    finally:
        store.close()
    return [
        _row(
            f"import the demo x{scale}: PostgreSQL",
            pg["seconds"],
            baseline="the embedded file",
            baseline_seconds=duck["seconds"],
            ratio=pg["seconds"] / duck["seconds"],
            scale=scale,
        ),
        _row(f"snapshot rebuild from PostgreSQL x{scale}", rebuild, scale=scale),
    ]


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def commit_to_visible(
    cluster: Any, url: str, n: int, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """From a commit (a small register imported by this process, as the command line does)
    until every server's Impor page lists its batch: each server asked straight at its port,
    all at once, every 0.1 s; the slowest server's time."""
    from kpi.bench.wsclient import Session, until_shown
    from kpi.ingest import commit, plan_import
    from kpi.store import Store

    code = f"B{int(time.time() * 1000) % 10**9:09d}"
    register = (
        "Kode Perpustakaan;Nama Perpustakaan;Jenis;Kode Wilayah;Tahun Bergabung;Penduduk\n"
        f"{code};Perpustakaan Desa Ukur Waktu;desa_kelurahan;3201011001;2020;1000\n"
    ).encode()

    async def run() -> list[float]:
        sessions = []
        for server in cluster.servers:
            s = Session(server.url)
            await s.open()
            await s.view("impor")
            sessions.append(s)
        store = Store(url)
        try:
            plan = plan_import(store, [("ukur-waktu.csv", register)])
            if plan.rejected:
                raise SuiteError(f"the timing batch was refused: {plan.issues.head(3)}")
            batch = commit(store, plan).batch_id
            t0 = time.perf_counter()
        finally:
            store.close()

        async def shown(s: Session) -> float:
            await until_shown(s, "impor", batch, 60.0)
            return time.perf_counter() - t0

        seen = list(await asyncio.gather(*(shown(s) for s in sessions)))
        for s in sessions:
            await s.close()
        return seen

    seen = wsclient.run(run())
    log(f"{n} server(s): commit visible on every server after {max(seen):.2f} s")
    return _row(f"commit to visible on all {n} server(s)", max(seen), servers=n)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The capacity rows as a Markdown table: a page per row, a column per number of servers."""
    caps = [r for r in rows if "sessions" in r]
    if not caps:
        return ""
    servers = sorted({r["servers"] for r in caps})
    pages = list(dict.fromkeys(r["page"] for r in caps))
    head = "| page | " + " | ".join(f"{n} server(s)" for n in servers) + " |"
    lines = [head, "| --- |" + " ---: |" * len(servers)]
    for page in pages:
        cells = []
        for n in servers:
            row = next((r for r in caps if r["page"] == page and r["servers"] == n), None)
            cells.append(
                "-"
                if row is None
                else f"{row['sessions']} (p95 {row['seconds']:.2f} s, "
                f"load {row['load_average']:.1f})"
            )
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(
    workdir: Path,
    scale: int,
    servers: Sequence[int] = (1, 2, 4),
    db: str | None = None,
    pages: Sequence[str] = PAGES,
) -> list[dict[str, Any]]:
    rows = measure(
        workdir,
        scale,
        servers,
        pages=pages,
        db=db,
        log=lambda line: print(f"capacity: {line}", flush=True),
    )
    text = table(rows)
    if text:
        print(text, flush=True)
    return rows
