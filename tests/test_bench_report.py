"""The benchmark report: Markdown from the JSON of `python -m kpi bench --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.bench import report

MACHINE = {"cpus": 2, "python": "3.11.2", "platform": "Linux-6.1-x86_64-with-glibc2.36"}


def _run(scale: int) -> dict:
    """Rows shaped as each suite writes them (kpi.bench.ingest, kpi.bench.engine, bench_pages,
    kpi.bench.browser)."""
    return {
        "machine": MACHINE,
        "missing_suites": [],
        "rows": [
            {
                "suite": "import",
                "scale": scale,
                "name": f"import {50_000 * scale:,} rows: dry run + commit",
                "seconds": 4.0,
                "baseline": "pandas.read_excel(engine='openpyxl') alone",
                "baseline_seconds": 14.0,
                "ratio": 3.5,
                "peak_mb": 612.4,
                "target": "<= 10 s and >= 3x faster than the baseline",
            },
            {
                "suite": "import",
                "scale": scale,
                "name": "import: dry run only",
                "seconds": 2.5,
                "baseline": None,
                "baseline_seconds": None,
                "ratio": None,
                "peak_mb": None,
                "target": None,
            },
            {
                "suite": "kpi",
                "scale": scale,
                "name": "KPI table, 3938 libraries, 12 months",
                "seconds": 0.41,
                "baseline": "bare DuckDB sum of the same report rows",
                "baseline_seconds": 0.05,
                "ratio": 8.2,
                "peak_mb": 300.0,
                "target": "< 0.3 s",
                "ok": False,
            },
            {
                "suite": "pages",
                "scale": scale,
                "name": "page ringkasan: first view",
                "seconds": 1.2,
                "baseline": "AppTest of a one-line page",
                "baseline_seconds": 0.02,
                "ratio": 60.0,
                "peak_mb": 500.0,
                "target": 1.5,
            },
            {
                "suite": "pages",
                "scale": scale,
                "name": "page peta: revisit",
                "seconds": 0.45,
                "baseline": "AppTest of a one-line page",
                "baseline_seconds": 0.02,
                "ratio": 22.5,
                "peak_mb": 500.0,
                "target": 0.3,
            },
            {
                "suite": "browser",
                "scale": scale,
                "name": "page prioritas: first view",
                "seconds": 0.9,
                "samples": [1.1, 0.9, 0.95],
                "baseline": "one-line Streamlit page: sidebar click",
                "baseline_seconds": 0.1,
                "ratio": 9.0,
                "peak_mb": 480.0,
                "target": 1.0,
            },
        ],
    }


def test_targets_are_read_from_every_suite_shape() -> None:
    rows = {r["name"]: r for r in _run(1)["rows"]}
    assert report.meets_target(rows["import 50,000 rows: dry run + commit"]) is True
    assert report.meets_target(rows["import: dry run only"]) is None
    assert report.meets_target(rows["KPI table, 3938 libraries, 12 months"]) is False  # "ok"
    assert report.meets_target(rows["page ringkasan: first view"]) is True
    assert report.meets_target(rows["page peta: revisit"]) is False


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"seconds": 11.0, "ratio": 5.0, "target": "<= 10 s and >= 3x faster"}, False),
        ({"seconds": 10.0, "ratio": 3.0, "target": "<= 10 s and >= 3x faster"}, True),
        ({"seconds": 2.0, "ratio": 2.9, "target": "<= 10 s and >= 3x faster"}, False),
        ({"seconds": 2.9, "peak_mb": 1600, "target": "< 3 s, < 1.5 GB"}, False),
        ({"seconds": 2.9, "peak_mb": 1400, "target": "< 3 s, < 1.5 GB"}, True),
        ({"seconds": 3.0, "peak_mb": 1400, "target": "< 3 s, < 1.5 GB"}, False),
        ({"seconds": 1.0, "target": "something unreadable"}, None),
    ],
)
def test_target_texts(row: dict, expected: bool | None) -> None:
    assert report.meets_target(row) is expected


def test_markdown_has_machine_command_and_every_measure(tmp_path: Path) -> None:
    text = report.render([("b1.json", _run(1)), ("b10.json", _run(10))])
    assert "## Scale 1" in text and "## Scale 10" in text
    assert "2 CPUs, Python 3.11.2, Linux-6.1-x86_64-with-glibc2.36" in text
    assert "`python -m kpi bench all --json bench-x1.json`" in text
    assert "`python -m kpi bench all --scale 10 --json bench-x10.json`" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    # header + 6 rows per run, twice
    assert len(table_rows) == 2 * (1 + 6)
    first = next(r for r in table_rows if "import 50,000 rows" in r)
    cells = [c.strip() for c in first.strip("|").split("|")]
    assert cells[2] == "4.000"  # seconds
    assert cells[4] == "14.000"  # baseline seconds beside it
    assert cells[5] == "3.50 x faster than baseline"
    assert cells[6] == "612"  # peak MB
    assert cells[8] == "yes"
    kpi = next(r for r in table_rows if "KPI table" in r)
    assert kpi.rstrip().endswith("| **no** |")
    assert "8.20 x baseline" in kpi
    revisit = next(r for r in table_rows if "page peta: revisit" in r)
    assert "< 0.3 s" in revisit and "**no**" in revisit
    browser = next(r for r in table_rows if "page prioritas: first view" in r)
    assert "9.00 x baseline" in browser and "< 1 s" in browser and browser.endswith("| yes |")
    assert "Targets met: 3 of 5 (missed: KPI table, 3938 libraries, 12 months; page peta" in text
    # the pipe in a cell would break the table
    row = dict(_run(1)["rows"][0], name="a | b")
    assert "a \\| b" in "\n".join(report.table({"rows": [row]}))


def test_missing_suites_are_shown_not_hidden() -> None:
    data = {"machine": MACHINE, "rows": _run(1)["rows"][:2], "missing_suites": ["pages"]}
    text = report.render([("x.json", data)])
    assert "| pages | (suite not available in this run) |" in text


def test_command_line_writes_the_file(tmp_path: Path) -> None:
    one, ten = tmp_path / "b1.json", tmp_path / "b10.json"
    one.write_text(json.dumps(_run(1)))
    ten.write_text(json.dumps(_run(10)))
    out = tmp_path / "benchmarks.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi.bench.report",
            str(one),
            str(ten),
            "--out",
            str(out),
            "--note",
            "busy machine",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.startswith("# Benchmarks")
    assert "busy machine" in text
    assert text.index("## Scale 1") < text.index("## Scale 10")


def test_a_file_that_is_not_a_bench_report_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hello": 1}))
    assert report.main([str(bad)]) == 2
    with pytest.raises(ValueError):
        report.load(bad)


def test_runs_of_the_same_scale_are_merged_with_their_commands() -> None:
    whole = _run(10)
    kpi = {**whole, "rows": [r for r in whole["rows"] if r["suite"] == "kpi"]}
    pages = {**whole, "rows": [r for r in whole["rows"] if r["suite"] == "pages"]}
    text = report.render([("b1.json", _run(1)), ("k10.json", kpi), ("p10.json", pages)])
    assert text.count("## Scale 10") == 1
    section = text[text.index("## Scale 10") :]
    assert "- Source: `k10.json, p10.json`" in section
    assert (
        "`python -m kpi bench kpi --scale 10 --json bench-kpi-x10.json; "
        "python -m kpi bench pages --scale 10 --json bench-pages-x10.json`"
    ) in section
    assert len([line for line in section.splitlines() if line.startswith("| ")]) == 1 + 3


def test_the_calamine_row_says_how_many_times_calamine_s_read_the_import_takes() -> None:
    row = {
        "suite": "import",
        "scale": 1,
        "name": "import 50,000 rows: dry run + commit, against python-calamine's read",
        "seconds": 2.0,
        "baseline": "python-calamine's read of the same sheet alone",
        "baseline_seconds": 0.8,
        "ratio": 2.5,
        "ratio_meaning": "x python-calamine's read time",
        "peak_mb": 300.0,
        "target": "<= 1.5x python-calamine's read",
        "ok": False,
    }
    text = "\n".join(report.table({"rows": [row]}))
    line = next(r for r in text.splitlines() if "against python-calamine" in r)
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[5] == "2.50 x python-calamine's read time"
    assert "faster" not in line and cells[8] == "**no**"


def test_the_import_bench_store_can_be_built_again_in_a_reused_workdir(tmp_path: Path) -> None:
    from kpi.bench.ingest import build_store

    db = tmp_path / "ingest_base.duckdb"
    first = build_store(db, 3)
    assert build_store(db, 3) == first  # a second run on the same --workdir: no duplicate key
