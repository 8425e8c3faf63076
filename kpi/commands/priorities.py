"""python -m kpi priorities --db PATH [--period YYYY-MM] [--window 3|6|12]
[--level perpustakaan|kabupaten_kota|provinsi] [--jenis JENIS] [--format json|csv|xlsx] [--out FILE]

Level perpustakaan (default): one row per flagged library {"kode", "nama", "tingkat", "provinsi",
"kabupaten_kota", "tier", "points", "quadrant", "reasons": [{"rule", "text_id", "text_en",
"values"}]}. Level kabupaten_kota or provinsi: one row per area of the roll-up, ranked for
leadership by "batas_bawah", the lower bound (percent) of the 90% Wilson interval of
"porsi_perlu", the share of its libraries needing coaching ("jumlah_perlu" of
"jumlah_perpustakaan"; --basis semua: Prioritas 1, Prioritas 2 and Pembinaan pelaporan, kinerja:
Prioritas 1 and 2, pelaporan: reporting only), ties by "jumlah_perlu"; each tier keeps its own
count and share (jumlah_prioritas_1, porsi_prioritas_1, ...). The keys tier, points, quadrant
and reasons are those of the area's own kab/kota or provincial library.
--period is the window's last month (default: the last closed month, see kpi.closing).
--format xlsx at level perpustakaan writes the field team's workbook (kpi.lapangan, the same
file as the Prioritas page's download): by default Prioritas 1, Prioritas 2 and Pembinaan
pelaporan; --tier chooses others ('semua' for every tier).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from kpi import rollup
from kpi.columns import JENIS_PERPUSTAKAAN
from kpi.commands._store import add_db_argument
from kpi.queries import register
from kpi.reasons import with_words
from kpi.store import Store, resolve_db_path
from kpi.vocab import AREA_LEVELS, TIER_ORDER, Basis, Level

LIBRARY_KEYS = (
    "kode",
    "nama",
    "tingkat",
    "jenis",
    "kode_provinsi",
    "provinsi",
    "kode_kabupaten_kota",
    "kabupaten_kota",
    "tier",
    "points",
    "quadrant",
    "reasons",
    "skor",
    "band",
    "kelengkapan",
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument(
        "--period", help="the window's last month, YYYY-MM (default: the last closed month)"
    )
    p.add_argument("--window", type=int, choices=(3, 6, 12), help="months (default: setting, 12)")
    p.add_argument(
        "--level",
        choices=(Level.PERPUSTAKAAN.value, *(a.value for a in reversed(AREA_LEVELS))),
        default=Level.PERPUSTAKAAN.value,
    )
    p.add_argument("--jenis", choices=JENIS_PERPUSTAKAAN, help="only libraries of this level")
    p.add_argument(
        "--basis",
        choices=[b.value for b in Basis],
        default="semua",
        help="what the areas' share counts: every coaching need (default), P1+P2, or reporting",
    )
    p.add_argument("--provinsi", help="only this province (code)")
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    p.add_argument("--out", help="output file (default: standard output; required for xlsx)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of xlsx/csv text")
    p.add_argument(
        "--tier",
        help="libraries of these tiers only, comma-separated (prioritas_1,prioritas_2,pelaporan,"
        "pantau) or 'semua'; default: every flagged library, and for the field-team xlsx "
        "prioritas_1,prioritas_2,pelaporan",
    )


def build(args: argparse.Namespace, store: Store) -> tuple[pd.DataFrame, dict[str, Any]]:
    from kpi import coaching, score
    from kpi.scope import Filters

    filters = Filters(provinsi=getattr(args, "provinsi", None), jenis=args.jenis)
    frame = coaching.evaluate(store, args.period, args.window, filters)
    used = dict(frame.attrs.get("settings") or coaching.get_settings(store))
    if args.window:
        used["jendela_bulan"] = int(args.window)
    settings = {
        "jendela": frame.attrs.get("window"),
        "bulan_tertutup_terakhir": frame.attrs.get("tutup"),
        "pembinaan": used,
        "skor": score.get_settings(store),
    }
    if args.level == "perpustakaan":
        rows = coaching.priorities(frame)
        if getattr(args, "format", None) == "xlsx":
            return rows, settings  # every column: the workbook shows the numbers behind reasons
        rows["points"] = rows["points"].astype(int)
        return rows[[c for c in LIBRARY_KEYS if c in rows.columns]], settings
    roll = coaching.rollup(frame, args.level, getattr(args, "basis", "semua") or "semua")
    roll = roll.rename(columns={**rollup.OWN_AS_AREA, "sendiri_kode": "perpustakaan_sendiri"}).drop(
        columns=["sendiri_nama"]
    )
    roll["reasons"] = roll["reasons"].map(lambda r: r if isinstance(r, list) else [])
    roll["points"] = roll["points"].map(lambda p: None if pd.isna(p) else int(p))
    first = ["kode", "nama", "tingkat", "provinsi", "kabupaten_kota", "tier", "points", "quadrant"]
    first += ["reasons", "peringkat"]
    rest = [c for c in roll.columns if c not in first]
    return roll[first + rest], settings


def run(args: argparse.Namespace) -> int:
    from kpi import export
    from kpi.periods import PeriodError

    store = Store(resolve_db_path(args.db), read_only=True)
    try:
        try:
            rows, settings = build(args, store)
        except (PeriodError, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
        tiers = _tiers(getattr(args, "tier", None))
        contacts = None
        if args.format == "xlsx" and args.level == "perpustakaan":
            from kpi import lapangan
            from kpi.scope import Filters

            contacts = register.contacts(store)
            about = lapangan.About(
                window=settings.get("jendela"),
                filters=Filters(provinsi=getattr(args, "provinsi", None), jenis=args.jenis),
                coaching_settings=settings.get("pembinaan") or {},
                score_settings=settings.get("skor") or {},
                data_version=store.data_version(),
                demo=store.has_demo(),
                extra_settings={
                    "jendela": settings.get("jendela"),
                    "bulan_tertutup_terakhir": settings.get("bulan_tertutup_terakhir"),
                    "tingkat_daftar": Level.PERPUSTAKAAN.value,
                    "filter": {
                        "provinsi": getattr(args, "provinsi", None),
                        "jenis": args.jenis,
                        "tier": tiers or list(lapangan.DEFAULT_TIERS),
                    },
                },
            )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.level == "perpustakaan" and tiers and args.format != "xlsx":
        rows = rows[rows["tier"].isin(tiers)].reset_index(drop=True)
    if args.format == "json":
        out = export.records(rows)
        for rec in out:  # the reasons' words, made here at the edge, in both languages
            rec["reasons"] = [with_words(r) for r in rec.get("reasons") or []]
        export.write_json(out, args.out)
    elif args.format == "csv":
        flat = export.priorities_frame(rows, args.lang)
        export.write_csv(flat, args.out if args.out else sys.stdout)
    else:
        if not args.out:
            print("--out FILE is required for xlsx", file=sys.stderr)
            return 2
        if args.level == "perpustakaan":  # the field team's workbook, as the page's download
            lapangan.write(rows, args.out, args.lang, tiers=tiers, contacts=contacts, about=about)
        else:  # the areas' list for people: headers in words, no JSON (kpi.export)
            export.write_areas_xlsx(rows, args.level, args.out, args.lang, settings, contacts)
    return 0


def _tiers(text: str | None) -> list[str] | None:
    """--tier as a list of tier ids (None: the format's default; 'semua': every tier)."""
    if not text:
        return None
    if text.strip().lower() in ("semua", "all"):
        return list(TIER_ORDER)
    tiers = [t.strip() for t in text.split(",") if t.strip()]
    for t in tiers:
        if t not in TIER_ORDER:
            raise ValueError(f"--tier: unknown tier {t!r} (one of {', '.join(TIER_ORDER)}, semua)")
    return tiers
