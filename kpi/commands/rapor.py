"""python -m kpi rapor --db PATH --kode KODE [--level perpustakaan|kabupaten_kota|provinsi]
[--period PERIOD] [--lang id|en] [--zip] --out FILE.pdf|FILE.zip

The printable report card of one library, kab/kota or province (kpi.rapor). --level defaults
to what the code looks like (2 digits: a province, 4: a kab/kota, else a library); --period
(2025-08, 2025-Q3, 2025-S2, 2025 or 2025-01..2025-12) defaults to the app's default view, the
12 months ending at the last closed month. An unknown code is a message and exit status 2.
--zip (a kab/kota or province): a ZIP of the area's card and one card per partner library,
for a field visit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi.store import Store, resolve_db_path
from kpi.vocab import AREA_LEVELS, Level

LEVELS: tuple[str, ...] = (Level.PERPUSTAKAAN.value, *(a.value for a in reversed(AREA_LEVELS)))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        help="DuckDB file or postgresql:// URL (default: TPBIS_DB or the user data folder)",
    )
    p.add_argument("--kode", required=True, help="library code, or Kemendagri area code")
    p.add_argument("--level", choices=LEVELS, help="default: guessed from the code")
    p.add_argument(
        "--period",
        help="2025-08, 2025-Q3, 2025-S2, 2025 or 2025-01..2025-12 "
        "(default: the 12 months ending at the last closed month)",
    )
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument(
        "--zip",
        action="store_true",
        help="a kab/kota or province: a ZIP of its card and every partner library's card",
    )
    p.add_argument("--out", required=True, help="the PDF (or with --zip, ZIP) file to write")


def run(args: argparse.Namespace) -> int:
    from kpi import i18n, rapor
    from kpi.periods import PeriodError
    from kpi.profile import guess_tingkat

    tingkat = args.level or guess_tingkat(args.kode)
    store = Store(resolve_db_path(args.db), read_only=True)
    try:
        try:
            if args.zip:
                if tingkat == Level.PERPUSTAKAAN:
                    print(i18n.t("rapor.cli.zip_area", args.lang), file=sys.stderr)
                    return 2
                data, n = rapor.build_zip(store, tingkat, args.kode, args.period, args.lang)
                _write(Path(args.out), data)
                print(f"{args.out}: {len(data):,} bytes, {n} cards")
                return 0
            card = rapor.gather(store, tingkat, args.kode, args.period)
        except rapor.UnknownPlaceError:
            level = i18n.t(f"profil.tingkat.{tingkat}", args.lang).lower()
            print(
                i18n.t("rapor.cli.unknown", args.lang, tingkat=level, kode=args.kode),
                file=sys.stderr,
            )
            return 2
        except (PeriodError, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
    finally:
        store.close()
    data = rapor.render(card, args.lang)
    _write(Path(args.out), data)
    print(f"{args.out}: {len(data):,} bytes, {card.place['nama']} ({card.period.label})")
    return 0


def _write(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)  # a reader never sees half a file
