"""python -m kpi audit --db PATH [--since DATE] [--until DATE] [--user NAME] [--action ACTION]
[--area KODE] [--format table|json|csv] [--out FILE]
python -m kpi audit --db PATH --verify

The audit trail, oldest first (times in UTC). --verify walks the hash chain: exit 0 when it is
intact, 1 naming the first event that breaks it (changed, deleted, or not following its
predecessor). csv goes through the project's formula-safe writer (kpi/export.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from kpi import audit, export
from kpi.commands._store import add_db_argument
from kpi.store import Store, resolve_db_path


def _when(text: str) -> datetime | date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM, UTC)"
        ) from exc


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_db_argument(p)
    p.add_argument("--verify", action="store_true", help="check the hash chain (exit 1 on a break)")
    p.add_argument("--since", type=_when, help="from this date or UTC time (YYYY-MM-DD)")
    p.add_argument("--until", type=_when, help="up to this date (whole day) or UTC time")
    p.add_argument("--user", help="only this actor")
    p.add_argument("--action", help="only this action, or a prefix (import, login, user ...)")
    p.add_argument("--area", help="only events touching this area code (32, 32.01)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--out", help="write to this file (default: standard output)")


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_db_path(args.db))
    try:
        if args.verify:
            return _verify(store)
        frame = audit.events(
            store,
            since=args.since,
            until=args.until,
            user=args.user,
            aksi=args.action,
            wilayah=args.area,
        )
    finally:
        store.close()
    frame = frame.assign(waktu=[f"{w:%Y-%m-%dT%H:%M:%S}Z" for w in frame["waktu"]])
    if args.format == "csv":
        export.write_csv(frame, args.out or sys.stdout)
    elif args.format == "json":
        rows = export.records(frame)
        for r in rows:
            r["rincian"] = json.loads(r["rincian"])
        export.write_json(rows, args.out)
    else:
        text = _table(frame)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
    return 0


def _verify(store: Store) -> int:
    verdict = audit.verify(store)
    if verdict.ok:
        print(
            f"jejak audit utuh / audit trail intact: {verdict.events} events, "
            f"head {verdict.head_hash[:16]}"
        )
        return 0
    print(f"{verdict.message_id}\n{verdict.message_en}", file=sys.stderr)
    return 1


def _table(frame: object) -> str:
    lines = [f"{'seq':>6}  {'time (UTC)':<20} {'actor':<20} {'role':<10} {'action':<16} object"]
    for r in frame.itertuples(index=False):  # type: ignore[attr-defined]
        detail = r.rincian if len(r.rincian) <= 100 else r.rincian[:99] + "…"
        area = f" [{r.wilayah}]" if isinstance(r.wilayah, str) and r.wilayah else ""
        lines.append(
            f"{r.seq:>6}  {r.waktu:<20} {r.pelaku!s:<20} {r.peran or '-'!s:<10} {r.aksi:<16} "
            f"{r.objek or '-'}{area}  {detail}"
        )
    return "\n".join(lines) + "\n"
