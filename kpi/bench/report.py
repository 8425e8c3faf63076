"""The benchmark report: ``python -m kpi.bench.report BENCH_JSON [BENCH_JSON ...] [--out FILE]``.

Renders the JSON files written by ``python -m kpi bench all [--scale N] --json FILE`` as one
Markdown document: the machine each run came from, the command that reproduces it, and a table
with each measure beside its baseline (measured in the same run), the ratio, peak memory, the
target and whether the target is met. ``docs/benchmarks.md`` and the README table come from it.

The ratio is printed as each suite defines it, with its direction in words: the import suite
divides the baseline by our time (a speed-up: higher is better), the KPI, page and browser suites
divide our time by the baseline (an overhead over the floor: lower is better). A row may say
how its own ratio reads (``ratio_meaning``): the import's row against python-calamine's read is
our time over calamine's ("2.10 x python-calamine's read time", lower is better).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# how each suite's ratio reads (kpi.bench.ingest: baseline / ours; the others: ours / baseline);
# its keys are the suites of `python -m kpi bench all`
RATIO_MEANING = {
    "import": "x faster than baseline",
    "kpi": "x baseline",
    "pages": "x baseline",
    "browser": "x baseline",
}

_SECONDS_BOUND = re.compile(r"(<=|<)\s*([0-9]+(?:\.[0-9]+)?)\s*s\b")
_SPEEDUP_BOUND = re.compile(r">=\s*([0-9]+(?:\.[0-9]+)?)\s*x")
_MEMORY_BOUND = re.compile(r"<\s*([0-9]+(?:\.[0-9]+)?)\s*GB")


def load(path: str | Path) -> dict[str, Any]:
    """One bench JSON file: {"machine": {...}, "rows": [...], "missing_suites": [...]}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise ValueError(f"{path}: not a file written by `python -m kpi bench --json`")
    return data


def _scale(data: Mapping[str, Any]) -> int:
    scales = {int(r.get("scale", 1)) for r in data["rows"]}
    return max(scales) if scales else 1


def command_for(data: Mapping[str, Any]) -> str:
    """The command line(s) that reproduce a run."""
    suites = sorted(
        {str(r.get("suite")) for r in data["rows"]} | set(data.get("missing_suites", []))
    )
    scale = _scale(data)
    scale_arg = f" --scale {scale}" if scale != 1 else ""
    if not suites or set(suites) >= set(RATIO_MEANING):
        return f"python -m kpi bench all{scale_arg} --json bench-x{scale}.json"
    return "; ".join(
        f"python -m kpi bench {suite}{scale_arg} --json bench-{suite}-x{scale}.json"
        for suite in suites
    )


def merge(runs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Runs of the same scale as one (e.g. `bench kpi --scale 10` and `bench pages --scale 10`
    run separately), in the order of their first file."""
    merged: dict[int, tuple[list[str], dict[str, Any]]] = {}
    for source, data in runs:
        scale = _scale(data)
        if scale not in merged:
            merged[scale] = ([], {"machine": data.get("machine"), "rows": [], "missing_suites": []})
        sources, into = merged[scale]
        sources.append(source)
        into["rows"].extend(data["rows"])
        into["missing_suites"].extend(data.get("missing_suites", []))
    out = []
    for sources, data in merged.values():
        present = {r.get("suite") for r in data["rows"]}
        data["missing_suites"] = sorted(set(data["missing_suites"]) - present)
        out.append((", ".join(Path(s).name for s in sources), data))
    return out


def target_text(row: Mapping[str, Any]) -> str:
    target = row.get("target")
    if target is None or target == "":
        return "–"
    if isinstance(target, int | float):
        return f"< {target:g} s"
    return str(target)


def meets_target(row: Mapping[str, Any]) -> bool | None:
    """Whether the measure meets its target; None when it has none (or it cannot be read)."""
    if "ok" in row and row["ok"] is not None:
        return bool(row["ok"])
    target = row.get("target")
    seconds = row.get("seconds")
    if target is None or seconds is None:
        return None
    if isinstance(target, int | float):
        return float(seconds) < float(target)
    text = str(target)
    checks: list[bool] = []
    m = _SECONDS_BOUND.search(text)
    if m:
        bound = float(m.group(2))
        checks.append(seconds <= bound if m.group(1) == "<=" else seconds < bound)
    m = _SPEEDUP_BOUND.search(text)
    if m:
        ratio = row.get("ratio")
        checks.append(ratio is not None and float(ratio) >= float(m.group(1)))
    m = _MEMORY_BOUND.search(text)
    if m and row.get("peak_mb") is not None:
        checks.append(float(row["peak_mb"]) < float(m.group(1)) * 1024)
    return all(checks) if checks else None


def _num(value: Any, spec: str, suffix: str = "") -> str:
    if value is None:
        return "–"
    try:
        return format(float(value), spec) + suffix
    except (TypeError, ValueError):
        return "–"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def machine_text(data: Mapping[str, Any]) -> str:
    m = data.get("machine") or {}
    parts = [
        f"{m.get('cpus', '?')} CPUs",
        f"Python {m.get('python', '?')}",
        str(m.get("platform", "?")),
    ]
    return ", ".join(parts)


def table(data: Mapping[str, Any]) -> list[str]:
    lines = [
        "| suite | measure | seconds | baseline | baseline s | ratio | peak MB | target | met |",
        "|---|---|---:|---|---:|---:|---:|---|:-:|",
    ]
    for r in data["rows"]:
        suite = str(r.get("suite", ""))
        ratio = r.get("ratio")
        meaning = r.get("ratio_meaning") or RATIO_MEANING.get(suite, "")
        ratio_text = "–" if ratio is None else f"{float(ratio):.2f} {meaning}"
        met = meets_target(r)
        lines.append(
            "| "
            + " | ".join(
                [
                    _cell(suite),
                    _cell(r.get("name", "")),
                    _num(r.get("seconds"), ".3f"),
                    _cell(r.get("baseline") or "–"),
                    _num(r.get("baseline_seconds"), ".3f"),
                    _cell(ratio_text.strip()),
                    _num(r.get("peak_mb"), ".0f"),
                    _cell(target_text(r)),
                    "–" if met is None else ("yes" if met else "**no**"),
                ]
            )
            + " |"
        )
    for name in data.get("missing_suites", []):
        lines.append(f"| {_cell(name)} | (suite not available in this run) | | | | | | | |")
    return lines


def render(runs: Sequence[tuple[str, Mapping[str, Any]]], note: str | None = None) -> str:
    """Markdown for one or more runs (typically scale 1 and scale 10)."""
    out = ["# Benchmarks", ""]
    out.append(
        "Measured by `python -m kpi bench`; each measure sits beside a baseline timed in the same "
        "run, so the ratio, not the absolute time, is what compares across machines. Peak memory "
        "is the peak resident size of the child process that ran the measure (for the browser "
        "suite: of the app's server). Rendered by `python -m kpi.bench.report`."
    )
    if note:
        out += ["", note]
    for source, data in merge(runs):
        failed = [r for r in data["rows"] if meets_target(r) is False]
        out += [
            "",
            f"## Scale {_scale(data)}",
            "",
            f"- Machine: {machine_text(data)}",
            f"- Reproduce: `{command_for(data)}`",
            f"- Source: `{source}`",
            f"- Targets met: {_targets_summary(data['rows'], failed)}",
            "",
            *table(data),
        ]
    return "\n".join(out) + "\n"


def _targets_summary(rows: Iterable[Mapping[str, Any]], failed: list[Mapping[str, Any]]) -> str:
    with_target = [r for r in rows if meets_target(r) is not None]
    ok = len(with_target) - len(failed)
    text = f"{ok} of {len(with_target)}"
    if failed:
        text += " (missed: " + "; ".join(str(r.get("name")) for r in failed) + ")"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kpi.bench.report", description=__doc__)
    p.add_argument("files", nargs="+", help="JSON files written by `python -m kpi bench --json`")
    p.add_argument("--out", help="write the Markdown here instead of printing it")
    p.add_argument("--note", help="a line under the introduction (e.g. how busy the machine was)")
    args = p.parse_args(argv)
    try:
        runs = [(f, load(f)) for f in args.files]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render(runs, note=args.note)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
