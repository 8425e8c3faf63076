"""The command line: ``python -m kpi COMMAND ...``.

Each command lives in kpi/commands/<name>.py with ``add_arguments(parser)`` and
``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from kpi.store import StoreError, explain_error, resolve_db_path

# command -> (module, help). New commands add a line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("kpi.commands.demo", "load the demo program into a store"),
    "summary": ("kpi.commands.summary", "what the store holds"),
    "bench": ("kpi.commands.bench", "speed and memory against a same-run baseline"),
    "kpis": ("kpi.commands.kpis", "the KPI table for a level and period"),
    "priorities": ("kpi.commands.priorities", "coaching priorities with reasons"),
    "rapor": ("kpi.commands.rapor", "the printable report card (PDF) of a place"),
    "quality": ("kpi.commands.quality", "completeness, timeliness and values to verify"),
    "import": ("kpi.commands.import_", "import spreadsheets (dry run, report, batch)"),
    "batches": ("kpi.commands.batches", "the import batches"),
    "undo": ("kpi.commands.undo", "undo an import batch"),
    "context": ("kpi.commands.context", "stored context indicators (IPLM, TGM ...)"),
    "users": ("kpi.commands.users", "users, roles and areas (login turns on with the first)"),
    "audit": ("kpi.commands.audit", "the audit trail, and --verify its hash chain"),
    "serve": ("kpi.commands.serve", "several app servers behind nginx (sticky sessions)"),
    "migrate-to-pg": (
        "kpi.commands.migrate_to_pg",
        "move an embedded DuckDB file into an empty PostgreSQL store",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kpi", description="TPBIS KPI Dashboard: command line"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        mod = importlib.import_module(module)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except StoreError as exc:
        print(f"{exc.message_id}\n{exc.message_en}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # no traceback for a user: what happened, in one message
        if os.environ.get("TPBIS_DEBUG"):
            raise
        known = explain_error(exc, resolve_db_path(getattr(args, "db", None)))
        if known is not None:
            print(f"{known.message_id}\n{known.message_en}", file=sys.stderr)
        else:
            print(
                f"Perintah {args.command} gagal / command {args.command} failed: "
                f"{type(exc).__name__}: {str(exc)[:500]} (TPBIS_DEBUG=1 shows the details)",
                file=sys.stderr,
            )
        return 2


if __name__ == "__main__":
    sys.exit(main())
