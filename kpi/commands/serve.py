"""python -m kpi serve --servers N --port P [--db URL] [--host 127.0.0.1]"""

from __future__ import annotations

import argparse
import sys

from kpi.commands._store import add_db_argument
from kpi.serve import ServeError, is_server_url, serve
from kpi.store import resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--servers", type=int, default=1, help="how many app servers (default 1)")
    p.add_argument("--port", type=int, default=8501, help="nginx's port (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    add_db_argument(p)


def run(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)  # --db, else TPBIS_DB, else the default file
    db = str(path)
    if is_server_url(db):
        from kpi.pgstore import safe_url

        shown = safe_url(db)  # never print a password
    else:
        shown = db
    try:
        return serve(args.servers, args.port, db, shown, host=args.host)
    except ServeError as exc:
        print(f"{exc.message_id}\n{exc.message_en}", file=sys.stderr)
        return 2
