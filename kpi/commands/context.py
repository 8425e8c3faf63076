"""python -m kpi context --db PATH [--indicator NAME] [--year Y] --format json|csv [--out FILE]

The stored context indicators (IPLM, TGM ...) per area: kode, nama, tingkat, indikator, tahun,
nilai (kode is the area's Kemendagri code, without dots).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from kpi.commands._store import add_db_argument, on_store
from kpi.queries import context
from kpi.store import Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--indicator", help="only this indicator (IPLM, TGM ...), any case")
    p.add_argument("--year", type=int, help="only this year")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--out", help="output file (default: standard output)")


CSV_COLUMNS = ("kode", "nama", "tingkat", "indikator", "tahun", "nilai")


def context_rows(
    store: Store, indicator: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    frame = context.listing(store, indicator, year)
    return [
        {
            "kode": r.kode,
            "nama": r.nama,
            "tingkat": r.tingkat,
            "indikator": r.indikator,
            "tahun": int(r.tahun),
            "nilai": None if r.nilai != r.nilai else float(r.nilai),
        }
        for r in frame.itertuples(index=False)
    ]


def run(args: argparse.Namespace) -> int:
    rows = on_store(args.db, lambda store: context_rows(store, args.indicator, args.year))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False))
    else:
        from kpi import export

        # the one formula-safe writer: an indicator named "=HYPERLINK(...)" stays text
        frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
        export.write_csv(frame, args.out if args.out else sys.stdout)
    return 0
