"""The dry run's fast paths (issue 15) give exactly what the per-row and per-cell code gives.

Row kinds from the first cells' distinct values, numbers and counts checked column by column,
values parsed by their distinct values, the duplicate check and the plausibility check skipped
when nothing can be found: each is compared with the code it stands in for (kept, and used for
every row or column the fast path is unsure of), on the demo's own data written as workbooks,
with messy rows added, and on the import corpus, into the demo store.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ingest_fixtures import messy_monthly_xlsx, workbook

from kpi.demo import build_demo
from kpi.ingest import parse, plan_steps, validate
from kpi.ingest.plan import plan_import
from kpi.store import Store

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def _slow_paths(mp: pytest.MonkeyPatch) -> None:
    """Every fast path off: the per-row and per-cell code the importer had before."""
    mp.setattr(parse, "_row_kinds", lambda rows, start: [parse._row_kind(r) for r in rows[start:]])
    mp.setattr(parse, "_plain", lambda types: False)
    mp.setattr(parse, "_counts_fast", parse._counts)
    mp.setattr(plan_steps, "_any_key_twice", lambda work: True)
    mp.setattr(validate, "_all_below", lambda values, limit: False)


def _frames(store: Store, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    plan = plan_import(store, files, today=date(2026, 12, 1))
    out: dict[str, Any] = {
        "counts": (plan.accepted, plan.rejected),
        "issues": plan.issues,
        "rejected_rows": plan.rejected_rows,
        "notes": plan.notes,
        "unplaced": plan.unplaced,
        "sheets": [
            (f.file, f.status, f.message, s.sheet, s.kind, s.rows, s.skipped_rows, s.rejected)
            for f in plan.files
            for s in f.sheets
        ],
    }
    for t, tp in plan.tables.items():
        out[f"table {t}"] = tp.frame
    return out


def _assert_same(fast: dict[str, Any], slow: dict[str, Any]) -> None:
    assert fast.keys() == slow.keys()
    for key, value in slow.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(fast[key], value, check_exact=True, obj=key)
        else:
            assert fast[key] == value, key


def _xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, frame in frames.items():
            frame.to_excel(xw, sheet_name=name, index=False)
    return buf.getvalue()


def _demo_files() -> list[tuple[str, bytes]]:
    """The demo's own sheets (a slice of each kind), and monthly rows as analysts mess them."""
    demo = build_demo()
    monthly = demo["laporan_bulanan"].head(3000).copy()
    monthly["periode"] = pd.to_datetime(monthly["periode"]).dt.strftime("%Y-%m")
    sheets = {
        "Daftar": demo["perpustakaan"].head(400),
        "Laporan": monthly,
        "CIEL": demo["penilaian_mandiri"].head(500),
        "Target": demo["target"].head(300),
        "Konteks": demo["indikator_konteks"].head(200),
    }
    codes = monthly["kode_perpustakaan"].drop_duplicates().tolist()
    header = ["Kode Perpustakaan", "Periode", "Kunjungan", "Peserta", "Akses internet", "Anggaran"]
    messy: list[list[Any]] = [["LAPORAN BULANAN (uji)"], header, ["(1)", "(2)", "(3)", "(4)"]]
    cells: list[Any] = [
        "1.234",
        "-",
        "n/a",
        -3,
        2.5,
        "12,5",
        "Rp 2.500.000",
        "",
        None,
        10**7,
        float("inf"),
        True,
        "tiga",
        0,
        7,
    ]
    states: list[Any] = ["ya", "Tidak", "ada", "mungkin", 1, 0, "", "-", True]
    for i in range(300):
        kode = codes[i % len(codes)] if i % 17 else f"TIDAK-ADA-{i}"
        periode: Any = ["2023-08", "Agustus 2023", date(2023, 9, 1), "Agt-23", "13/2023", 202310][
            i % 6
        ]
        row = [kode, periode, cells[i % len(cells)], cells[(i * 7) % len(cells)]]
        row += [states[i % len(states)], cells[(i * 3) % len(cells)]]
        messy.append(row)
        if i % 40 == 0:
            messy.append([kode, periode, 5, 6, "ya", 1])  # the same key again
        if i % 50 == 0:
            messy.append([])
            messy.append(["JUMLAH", "", 100, 200])
            messy.append([" Jumlah", "2023-08", 1, 2, "ya", 3])
            messy.append([kode, "Total", "x", "y"])
            messy.append(["1", "2", "3", "4", "5", "6"])
            messy.append([float("nan"), float("nan"), float("nan"), float("nan")])
            messy.append([datetime(2023, 8, 1), 3, 4, 5])
    messy.append(["Catatan: data sementara"])
    return [
        ("demo.xlsx", _xlsx(sheets)),
        ("kacau.xlsx", workbook({"Laporan kacau": messy})),
        ("messy.xlsx", messy_monthly_xlsx()),
    ]


@pytest.mark.parametrize("source", ["demo", "corpus"])
def test_fast_paths_plan_exactly_as_the_per_row_code(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    if source == "demo":
        files = _demo_files()
    else:
        files = [(p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir())]
    fast = _frames(demo_store, files)
    assert fast["counts"][0] > 0 and fast["counts"][1] > 0  # accepted and rejected rows both
    with monkeypatch.context() as mp:
        _slow_paths(mp)
        slow = _frames(demo_store, files)
    _assert_same(fast, slow)


def test_row_kinds_as_row_kind_for_every_kind_of_row() -> None:
    rows: list[list[Any]] = [
        ["P-001", "Januari 2023", date(2023, 1, 5), 4, 5],
        ["P-001", "2023-01", "tidak", 4],
        ["Jumlah", "", "", 4],
        [" Jumlah", "x", "y", 4],
        ["x", "Total Kab", "y", 4],
        ["A", "b", "grand total", 1],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["1", "2", "3", "5"],
        [1.0, 2.0, 3.0, 4.0],
        [1, 2, 3, 4],
        [True, 2, 3, 4],
        [float("nan"), float("nan"), float("nan"), float("nan")],
        [float("nan"), 1, 2, 3],
        ["Catatan: sementara"],
        ["", "", "", ""],
        [None, "P-1", "x", 3],
        ["P-1", None, "x", 3],
        ["P-1", "x", "", 3],
        ["P-1", "x", "y", None],
        ["P-1", "x", "y"],
        [],
        [datetime(2023, 1, 1), "Juli", "Sumber", 5],
        [99, 98, 97, 96],
        [0, 1, 2, 3],
        ["Rata-rata", 1, 2, 3],
        ["sub total", 1, 2, 3],
        ["Apa", "jumlah ", "x", 1],
        [math.inf, 1, 2, 3],
    ]
    assert parse._row_kinds(rows, 0) == [parse._row_kind(r) for r in rows]
    assert parse._row_kinds(rows, 5) == [parse._row_kind(r) for r in rows[5:]]
