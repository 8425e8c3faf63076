"""python -m kpi kpis --db PATH --level LEVEL --period PERIOD [--kpi ID,ID...] [--jenis JENIS]
[--provinsi KODE] [--format json|csv|xlsx] [--out FILE]

One row per area or library: {"kode", "nama", "tingkat", KPI id: value, ..., "skor", "band",
"kelengkapan"}, plus the completeness counts beside it (perpustakaan, bulan_dilaporkan,
bulan_diharapkan) and, for areas, the number of libraries in each band
(perpustakaan_merah, perpustakaan_kuning, perpustakaan_hijau), without a score
(perpustakaan_tanpa_skor), scored and expected to report (perpustakaan_berskor,
perpustakaan_diharapkan, porsi_berskor) and data_cukup (false: too few scored libraries for a
band). An area's skor is the mean of its scored libraries' skor. ``--kpi skor`` asks for the
score alone, like a KPI.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from kpi.columns import JENIS_DUKUNGAN, JENIS_PERPUSTAKAAN
from kpi.commands._store import add_db_argument
from kpi.scope import ask
from kpi.store import Store, resolve_db_path

LEVELS = ("nasional", "provinsi", "kabupaten_kota", "perpustakaan")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--level", required=True, choices=LEVELS, help="the unit of each output row")
    p.add_argument(
        "--period", required=True, help="2024-08, 2024-Q3, 2024-S2, 2024 or 2024-01..2024-12"
    )
    p.add_argument("--kpi", help="KPI ids, comma separated (default: the main KPIs)")
    p.add_argument("--jenis", choices=JENIS_PERPUSTAKAAN, help="only libraries of this level")
    p.add_argument("--provinsi", help="province code (52 or 52.)")
    p.add_argument("--kabupaten-kota", dest="kabupaten_kota", help="kab/kota code (5201 or 52.01)")
    p.add_argument("--tahun-bergabung", dest="tahun_bergabung", type=int, help="cohort year")
    p.add_argument("--dukungan", choices=JENIS_DUKUNGAN, help="support type")
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    p.add_argument("--out", help="output file (default: standard output; required for xlsx)")


def table(args: argparse.Namespace, store: Store) -> pd.DataFrame:
    from kpi.catalogue import catalogue
    from kpi.scope import Filters
    from kpi.score import kpi_table

    cat = catalogue()
    ids = [x.strip() for x in args.kpi.split(",") if x.strip()] if args.kpi else list(cat.utama)
    filters = Filters(
        provinsi=args.provinsi,
        kabupaten_kota=getattr(args, "kabupaten_kota", None),
        jenis=args.jenis,
        tahun_bergabung=getattr(args, "tahun_bergabung", None),
        jenis_dukungan=getattr(args, "dukungan", None),
    )
    frame = kpi_table(ask(store, args.level, args.period, filters, ids))
    from kpi.score import SCORE_ID

    ids = [k for k in ids if k != SCORE_ID]
    # whole numbers stay whole (sums and counts of people, activities, ...)
    for k in ids:
        kpi = cat[k]
        if kpi.decimals == 0 and kpi.agregasi in ("flow", "stok", "kumulatif"):
            frame[k] = frame[k].astype("Int64")
    keep = ["kode", "nama", "tingkat"]
    if args.level == "perpustakaan":
        keep += ["jenis", "kode_provinsi", "kode_kabupaten_kota"]
    keep += [k for k in ids if k != "kelengkapan"]
    keep += ["skor", "band", "kelengkapan", "perpustakaan", "bulan_dilaporkan", "bulan_diharapkan"]
    keep += [
        c for c in frame.columns if c.startswith("perpustakaan_") and c != "perpustakaan_melapor"
    ]
    keep += ["porsi_berskor", "data_cukup"]
    out = frame[[c for c in dict.fromkeys(keep) if c in frame.columns]].copy()
    for c in ("perpustakaan", "bulan_dilaporkan", "bulan_diharapkan"):
        if c in out.columns:
            out[c] = out[c].astype("Int64")
    return out.reset_index(drop=True)


def run(args: argparse.Namespace) -> int:
    from kpi import export
    from kpi.periods import PeriodError

    store = Store(resolve_db_path(args.db), read_only=True)
    try:
        try:
            frame = table(args, store)
        except (PeriodError, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
    finally:
        store.close()
    if args.format == "json":
        export.write_json(export.records(frame), args.out)
    elif args.format == "csv":
        if args.out:
            export.write_csv(frame, args.out)
        else:
            export.write_csv(frame, sys.stdout)
    else:
        if not args.out:
            print("--out FILE is required for xlsx", file=sys.stderr)
            return 2
        export.write_xlsx({"KPI": frame}, args.out)
    return 0
