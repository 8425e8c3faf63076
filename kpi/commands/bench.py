"""python -m kpi bench [import|kpi|pages|browser|all|capacity] [--scale N] [--json FILE]

``capacity`` (not part of ``all``) takes ``--servers 1,2,4`` and ``--db``."""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from kpi.bench import BY_NAME_ONLY, SUITES, SuiteError, run_suite


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("suite", nargs="?", default="all", choices=(*SUITES, "all"))
    p.add_argument("--scale", type=int, default=1, help="demo scale (10 for the large run)")
    p.add_argument("--json", dest="json_out", help="write the rows to this JSON file")
    p.add_argument("--workdir", help="folder for the benchmark's databases (default: temporary)")
    p.add_argument(
        "--servers", default="1,2,4", help="capacity: the numbers of servers (default 1,2,4)"
    )
    p.add_argument("--db", help="capacity: a postgresql:// store every server shares")
    p.add_argument(
        "--pages", help="capacity: the pages' URL paths, comma-separated (none: no page)"
    )


def _options(name: str, args: argparse.Namespace) -> dict[str, Any]:
    if name != "capacity":
        return {}
    # --servers 0: with --db, the engine figures alone
    options: dict[str, Any] = {"servers": [int(n) for n in args.servers.split(",") if int(n or 0)]}
    if args.db:
        options["db"] = args.db
    if args.pages == "none":  # with --db: commit to visible and the engine figures only
        options["pages"] = []
    elif args.pages:
        options["pages"] = ["" if p == "ringkasan" else p for p in args.pages.split(",")]
    return options


def run(args: argparse.Namespace) -> int:
    names = [n for n in SUITES if n not in BY_NAME_ONLY] if args.suite == "all" else [args.suite]
    # a suite whose module is not there yet is reported, not hidden
    rows, missing, failed = [], [], []
    with tempfile.TemporaryDirectory(prefix="tpbis-bench-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in names:
            if importlib.util.find_spec(SUITES[name]) is None:
                missing.append(name)
                continue
            try:
                suite_rows = run_suite(name, workdir, args.scale, **_options(name, args))
            except SuiteError as exc:  # a missing tool or a view that could not be driven
                print(f"bench {name}: {exc}", file=sys.stderr)
                failed.append(name)
                continue
            for row in suite_rows:
                rows.append({"suite": name, "scale": args.scale, **row})
    report = {
        "machine": {
            "cpus": __import__("os").cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rows": rows,
        "missing_suites": missing + failed,
    }
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    header = (
        f"{'suite':<8} {'measure':<44} {'seconds':>8} {'baseline':>9} {'ratio':>7} {'peak MB':>8}"
    )
    print(header)

    def fmt(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    for r in rows:
        print(
            f"{r['suite']:<8} {r['name']:<44} {r['seconds']:>8.3f} "
            f"{fmt(r.get('baseline_seconds'), '.3f'):>9} {fmt(r.get('ratio'), '.2f'):>7} "
            f"{fmt(r.get('peak_mb'), '.0f'):>8}"
        )
    for name in missing:
        print(f"{name:<8} (suite not available yet)")
    for name in failed:
        print(f"{name:<8} (did not run: see the message above)")
    if failed:
        return 1
    return 1 if missing and args.suite != "all" else 0
