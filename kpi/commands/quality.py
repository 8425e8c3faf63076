"""python -m kpi quality --db PATH [--period YYYY-MM] [--format json|csv]

JSON: {"periode", "kelengkapan": [per area: kode, nama, kelengkapan, ketepatan, ...],
"tidak_pernah_melapor": [libraries], "nilai_verifikasi": [{"kode", "periode" (YYYY-MM), "kolom",
"nilai", "alasan" (riwayat: far from its own history, sejawat: from its peers, keduanya: both),
"nilai_tipikal", "skor_z", "batch_id"}]}. CSV: the values to verify.
The window is the 12 months ending at --period (default: the last closed month).
"""

from __future__ import annotations

import argparse
import sys

from kpi.commands._store import add_db_argument
from kpi.store import Store, resolve_db_path

VERIFY_KEYS = (
    "kode",
    "periode",
    "kolom",
    "nilai",
    "alasan",
    "nilai_tipikal",
    "skor_z",
    "batch_id",
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--period", help="the last month, YYYY-MM (default: the last closed month)")
    p.add_argument(
        "--level",
        choices=("nasional", "provinsi", "kabupaten_kota"),
        default="provinsi",
        help="areas for completeness and timeliness",
    )
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--out", help="output file (default: standard output)")


def run(args: argparse.Namespace) -> int:
    from kpi import closing, export, quality
    from kpi.periods import PeriodError, parse_period, window

    store = Store(resolve_db_path(args.db), read_only=True)
    try:
        try:
            end = parse_period(args.period).last if args.period else closing.default_end(store)
        except PeriodError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        if end is None:
            print("Belum ada laporan / no reports in the store", file=sys.stderr)
            return 1
        per = window(end, 12)
        verify = quality.values_to_verify(store, per)
        if args.format == "csv":
            export.write_csv(verify[list(VERIFY_KEYS)], args.out if args.out else sys.stdout)
            return 0
        comp = quality.completeness(store, args.level, per)
        never = quality.never_reported(store)
    finally:
        store.close()
    export.write_json(
        {
            "periode": per.label,
            "kelengkapan": export.records(comp),
            "tidak_pernah_melapor": export.records(never),
            "nilai_verifikasi": export.records(verify[list(VERIFY_KEYS)]),
        },
        args.out,
    )
    return 0
