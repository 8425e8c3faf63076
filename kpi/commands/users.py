"""python -m kpi users add|list|disable|enable|grant|reset-password ... --db PATH

  users add NAME --role ROLE [--view KODE,...] [--capture KODE,...] [--email E]
            [--password-stdin | --no-password]
  users list [--format json|table]
  users disable NAME / users enable NAME
  users grant NAME [--role ROLE] [--view KODE,...] [--capture KODE,...] [--email E]
  users reset-password NAME [--password-stdin]
  users settings [--max-attempts N] [--lock-minutes M] [--idle-hours H] [--min-password N]

Without --password-stdin the password is asked twice on the terminal (never echoed). Areas are
province or kab/kota codes or names (32, 32.01, Jawa Barat, Kab. Bogor) or "nasional"; an empty
--view is the whole country. Each change is an audit event of the operating-system user (or of
--as NAME, an administrator of the store).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TypedDict

from kpi import access, auth, users
from kpi.commands._actor import actor_for, add_as_argument
from kpi.commands._store import add_db_argument
from kpi.queries import users as user_rows
from kpi.store import Store, StoreError, resolve_db_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="users_command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        add_db_argument(sp)
        add_as_argument(sp, "act")

    roles = list(access.role_ids())
    a = sub.add_parser("add", help="add a user")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=roles)
    a.add_argument("--view", help="view areas, comma separated (default: the whole country)")
    a.add_argument("--capture", help="capture areas, comma separated (or nasional)")
    a.add_argument("--email", help="e-mail, for single sign-on")
    pw = a.add_mutually_exclusive_group()
    pw.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw.add_argument(
        "--no-password", action="store_true", help="no password: sign-in by single sign-on only"
    )
    common(a)

    ls = sub.add_parser("list", help="list the users")
    ls.add_argument("--format", choices=("json", "table"), default="table")
    common(ls)

    for name, help_text in (("disable", "disable a user"), ("enable", "enable a user again")):
        d = sub.add_parser(name, help=help_text)
        d.add_argument("name", metavar="NAME")
        common(d)

    g = sub.add_parser("grant", help="change a user's role, areas or e-mail (each replaces)")
    g.add_argument("name", metavar="NAME")
    g.add_argument("--role", choices=roles)
    g.add_argument("--view", help='view areas, comma separated ("" or nasional: whole country)')
    g.add_argument("--capture", help='capture areas, comma separated ("": none)')
    g.add_argument("--email", help='e-mail ("": none)')
    common(g)

    r = sub.add_parser("reset-password", help="set a new password for a user")
    r.add_argument("name", metavar="NAME")
    r.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    common(r)

    s = sub.add_parser("settings", help="show or change the sign-in settings")
    s.add_argument("--max-attempts", type=int, help="failed attempts that lock (default 5)")
    s.add_argument("--lock-minutes", type=int, help="how long a lock lasts (default 15)")
    s.add_argument("--idle-hours", type=float, help="idle time that ends a session (default 8)")
    s.add_argument("--min-password", type=int, help="shortest password allowed (default 8)")
    common(s)


def _password(from_stdin: bool) -> str:
    """The new password, from one line of standard input or asked twice on the terminal."""
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
    else:
        text = getpass.getpass("Kata sandi baru / new password: ")
        again = getpass.getpass("Ulangi / repeat: ")
        if text != again:
            raise StoreError("Kedua kata sandi tidak sama.", "The two passwords differ.")
    if not text:
        raise StoreError("Kata sandi kosong.", "The password is empty.")
    return text


class _Grants(TypedDict):
    email: str | None
    view: str | None
    capture: str | None


def _grants(args: argparse.Namespace) -> _Grants:
    """The e-mail and areas given on the command line (None: not given)."""
    return {"email": args.email, "view": args.view, "capture": args.capture}


def _describe(p: access.Principal) -> str:
    view = ", ".join(p.view) or "all"
    return f"role {p.role}, view {view}, capture {', '.join(p.capture) or 'none'}"


def run(args: argparse.Namespace) -> int:
    store = Store(resolve_db_path(args.db))
    try:
        return _run(args, store)
    finally:
        store.close()


def _run(args: argparse.Namespace, store: Store) -> int:
    cmd = args.users_command
    actor = actor_for(store, args.as_user, access.Action.USERS)
    if cmd == "list":
        rows = users.list_users(store)
        if args.format == "json":
            print(json.dumps(rows, ensure_ascii=False))
        else:
            _print_table(rows)
        return 0
    if cmd == "add":
        first = not auth.login_required(store)
        grants = _grants(args)
        # checked before asking for a password
        users.check_new_user(store, args.name, args.role, sso_only=args.no_password, **grants)
        password = None if args.no_password else _password(args.password_stdin)
        p = users.add_user(store, args.name, args.role, password=password, actor=actor, **grants)
        print(f"user {p.name} added: {_describe(p)}")
        _notes(store, p, first)
    elif cmd in ("disable", "enable"):
        users.set_disabled(store, args.name, cmd == "disable", actor=actor)
        print(f"user {auth.normalise_name(args.name)} {cmd}d")
    elif cmd == "grant":
        if (
            args.role is None
            and args.view is None
            and args.capture is None
            and not _has(args, "email")
        ):
            print("nothing to change: give --role, --view, --capture or --email", file=sys.stderr)
            return 2
        p = users.grant(store, args.name, role=args.role, actor=actor, **_grants(args))
        print(f"user {p.name}: {_describe(p)}")
        _notes(store, p, False)
    elif cmd == "settings":
        given = {
            k: getattr(args, k)
            for k in ("max_attempts", "lock_minutes", "idle_hours", "min_password")
            if getattr(args, k) is not None
        }
        current = auth.save_settings(store, given, actor) if given else auth.get_settings(store)
        print(json.dumps(current.as_dict()))
    elif cmd == "reset-password":
        if users.get_user(store, args.name) is None and not any(
            u["name"] == auth.normalise_name(args.name) for u in users.list_users(store)
        ):
            raise users.UserError(
                f"Pengguna {args.name} tidak ada.", f"The user {args.name} does not exist."
            )
        users.reset_password(store, args.name, _password(args.password_stdin), actor=actor)
        print(f"password of {auth.normalise_name(args.name)} reset (lock and failures cleared)")
    return 0


def _has(args: argparse.Namespace, name: str) -> bool:
    return getattr(args, name, None) is not None


def _notes(store: Store, p: access.Principal, first: bool) -> None:
    """What the operator should know after a change, in both languages."""
    out = sys.stderr.write
    if first:
        out(
            "Login kini aktif: setiap pengguna harus masuk. / Login is now on: every user "
            "signs in.\n"
        )
    if not user_rows.enabled_admins(store.cursor()):
        out(
            "Belum ada administrator aktif: tambahkan dengan `python -m kpi users add admin "
            "--role admin`. / No enabled administrator yet: add one with `python -m kpi users "
            "add admin --role admin`.\n"
        )
    imports = p.can(access.Action.IMPORT)
    if p.capture and not imports:
        out(
            f"Peran {p.role} tidak mengimpor: wilayah input tidak berlaku. / The role {p.role} "
            "does not import: the capture areas have no effect.\n"
        )
    if imports and p.role != "admin" and not p.capture:
        out(
            f"{p.name} belum punya wilayah input (--capture): tidak dapat mengimpor apa pun. / "
            f"{p.name} has no capture areas yet (--capture): they can import nothing.\n"
        )


def _print_table(rows: list[dict[str, object]]) -> None:
    print(
        f"{'name':<24} {'role':<10} {'view':<18} {'capture':<18} {'state':<9} "
        f"{'failed':>6}  {'locked_until':<19}  email"
    )
    for r in rows:
        view = ",".join(r["view"]) or "all"  # type: ignore[arg-type]
        capture = ",".join(r["capture"]) or "-"  # type: ignore[arg-type]
        state = "disabled" if r["disabled"] else "enabled"
        print(
            f"{r['name']!s:<24} {r['role']!s:<10} {view:<18} {capture:<18} {state:<9} "
            f"{r['failed_attempts']!s:>6}  {r['locked_until'] or '-'!s:<19}  {r['email'] or '-'}"
        )
