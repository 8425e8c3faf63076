"""Who may do what, and where: roles, areas and the principal acting (access.md).

The rights of each role are data (kpi/peran.yaml); this module reads them and answers, for a
``Principal`` (a user, or the local operator when the store has no user):
- ``can(action)``: the role lists the action;
- ``areas(action)``: where (``Areas``: codes, each covering every code below it, or everywhere);
- ``may_see(code)`` / ``may_capture(code, kind)``: an area code (province 2 digits, kab/kota 4,
  kecamatan 6, desa 10) lies in the view / capture areas the role applies;
- ``capture_scope()`` / ``undo_scope()``: what an import or an undo may touch, per table;
- ``may_see_library`` / ``may_capture_library``: the same for a library code, by its area.

Everything not granted is refused. ``coverage(store, areas)`` (kpi.areas) turns areas into the
province and kab/kota codes they cover, with a SQL predicate over a table's province and kab/kota
columns, for the scope object of the pages. ``require`` checks an action, records a refusal in
the audit trail and raises ``AccessDeniedError`` (a StoreError: the command line prints it in
both languages).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

import yaml

from kpi import trail
from kpi.areas import EVERYWHERE, NOWHERE, Areas, Coverage, areas_of, coverage
from kpi.areas import NATIONAL as NATIONAL
from kpi.areas import norm as _norm
from kpi.areas import parse_areas as parse_areas
from kpi.queries import register
from kpi.queries import users as user_rows
from kpi.store import StoreError

if TYPE_CHECKING:
    import duckdb

    from kpi.store import Store

ROLES_PATH = Path(__file__).resolve().parent / "peran.yaml"

# the area kinds stored in pengguna_wilayah
VIEW = "lihat"
CAPTURE = "input"


class Action(StrEnum):
    SEE = "see"
    IMPORT = "import"
    TARGETS = "targets"
    UNDO = "undo"
    SETTINGS = "settings"
    EXPORT = "export"
    USERS = "users"
    AUDIT = "audit"


# what the importer's tables need: targets are saved by their own right
KIND_ACTION: dict[str, Action] = {
    "perpustakaan": Action.IMPORT,
    "laporan_bulanan": Action.IMPORT,
    "penilaian_mandiri": Action.IMPORT,
    "indikator_konteks": Action.IMPORT,
    "target": Action.TARGETS,
}
WHERE = ("all", "view", "capture")


def _labels(section: str) -> dict[str, tuple[str, str]]:
    """id -> (Indonesian, English) label, from a section of kpi/peran.yaml."""
    data = yaml.safe_load(ROLES_PATH.read_text(encoding="utf-8"))
    return {str(k): (str(v[0]), str(v[1])) for k, v in data[section].items()}


# what a refusal calls an action and a kind of imported table (kpi/peran.yaml)
ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action(k): v for k, v in _labels("action_labels").items()
}
KIND_LABELS: dict[str, tuple[str, str]] = _labels("kind_labels")


class AccessDeniedError(StoreError):
    """An action the principal may not take (message in Indonesian and English).

    ``recorded``: the refusal is in the audit trail already."""

    recorded: bool = False


@dataclass(frozen=True)
class Role:
    id: str
    label_id: str
    label_en: str
    actions: Mapping[str, str]  # action -> all | view | capture


@cache
def roles() -> dict[str, Role]:
    """The roles of kpi/peran.yaml, checked: every action known, every place one of WHERE."""
    data = yaml.safe_load(ROLES_PATH.read_text(encoding="utf-8"))
    out: dict[str, Role] = {}
    known = {a.value for a in Action}
    for rid, spec in (data.get("roles") or {}).items():
        actions = dict(spec.get("actions") or {})
        for a, where in actions.items():
            if a not in known or where not in WHERE:
                raise ValueError(f"{ROLES_PATH.name}: role {rid}: {a}: {where} is not valid")
        out[str(rid)] = Role(str(rid), str(spec["label_id"]), str(spec["label_en"]), actions)
    return out


def role_ids() -> tuple[str, ...]:
    return tuple(roles())


# -- the principal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureScope:
    """What an import (or an undo) may touch: per table, the areas; a table not listed is
    refused. ``role`` names the role in messages."""

    role: str
    by_kind: Mapping[str, Areas]

    def areas(self, kind: str) -> Areas | None:
        return self.by_kind.get(kind)

    def allows(self, kind: str, area: str | None) -> bool:
        found = self.by_kind.get(kind)
        return found is not None and found.covers(area)

    @property
    def everything(self) -> bool:
        return all(kind in self.by_kind and self.by_kind[kind].everywhere for kind in KIND_ACTION)


EVERY_KIND = CaptureScope("admin", {k: EVERYWHERE for k in KIND_ACTION})


@dataclass(frozen=True)
class Principal:
    """Who acts: a user with a role and areas, or the local operator (``local``: the store has
    no user, or the command line run by someone with the database file at hand)."""

    name: str
    role: str
    view: tuple[str, ...] = ()
    capture: tuple[str, ...] = ()
    email: str | None = None
    local: bool = False

    @property
    def role_spec(self) -> Role | None:
        return roles().get(self.role)

    @property
    def audit_role(self) -> str:
        return "lokal" if self.local else self.role

    def can(self, action: Action | str) -> bool:
        spec = self.role_spec
        return spec is not None and str(action) in spec.actions

    def areas(self, action: Action | str) -> Areas:
        """Where the principal may take ``action`` (nowhere when the role does not list it)."""
        spec = self.role_spec
        where = spec.actions.get(str(action)) if spec else None
        if where == "all":
            return EVERYWHERE
        if where == "view":
            return areas_of(self.view, empty_is_everywhere=True)
        if where == "capture":
            return areas_of(self.capture, empty_is_everywhere=False)
        return NOWHERE

    def may_see(self, code: str | None) -> bool:
        return self.areas(Action.SEE).covers(_norm(code))

    def may_capture(self, code: str | None, kind: str = "laporan_bulanan") -> bool:
        """An import of ``kind`` rows at ``code`` (a library's area code, "" national)."""
        return self.capture_scope().allows(kind, _norm(code))

    def capture_scope(self) -> CaptureScope:
        by_kind = {
            kind: self.areas(action) for kind, action in KIND_ACTION.items() if self.can(action)
        }
        return CaptureScope(self.role, {k: a for k, a in by_kind.items() if not a.empty})

    def undo_scope(self) -> CaptureScope:
        """An undo may touch rows of the kinds the principal imports, within the undo areas."""
        if not self.can(Action.UNDO):
            return CaptureScope(self.role, {})
        where = self.areas(Action.UNDO)
        kinds = {k: where for k, a in KIND_ACTION.items() if self.can(a) and not where.empty}
        return CaptureScope(self.role, kinds)


def local_operator(name: str | None = None) -> Principal:
    """The one local operator, with every right: the app while the store has no user, and the
    command line (named after the operating-system user)."""
    return Principal(name or trail.local_name(), "admin", local=True)


def role_label(role: str, lang: str = "id") -> str:
    spec = roles().get(role)
    if spec is None:
        return role
    return spec.label_id if lang == "id" else spec.label_en


# -- refusals ------------------------------------------------------------------------------------


def denied(
    principal: Principal, action: Action | str, detail: tuple[str, str] | None = None
) -> AccessDeniedError:
    """The AccessDeniedError for ``action``: who, which role, and what they may not do."""
    label_id, label_en = ACTION_LABELS.get(Action(str(action)), (str(action), str(action)))
    extra_id, extra_en = detail or ("", "")
    return AccessDeniedError(
        f"Tidak ada akses: {principal.name} (peran {role_label(principal.role, 'id')}) tidak "
        f"boleh {label_id}{extra_id}.",
        f"No access: {principal.name} (role {role_label(principal.role, 'en')}) may not "
        f"{label_en}{extra_en}.",
    )


class ActsOn(TypedDict, total=False):
    """Where an action acts, as a refusal records it: ``area`` (an area code), ``objek`` (on
    what)."""

    area: str | None
    objek: str | None


def require(
    store: Store, principal: Principal, action: Action | str, **where: Unpack[ActsOn]
) -> None:
    """Raise AccessDeniedError, recorded in the audit trail, unless ``principal`` may take
    ``action`` (in ``where["area"]`` when given)."""
    area = where.get("area")
    ok = principal.can(action) and (area is None or principal.areas(action).covers(_norm(area)))
    if ok:
        return
    detail = None
    if area is not None and principal.can(action):
        from kpi import places

        shown = places.format_kode(area) if places.normalise_kode(area) else area
        detail = (f" di {shown}", f" in {shown}")
    refuse(store, principal, action, detail=detail, **where)


def refuse(
    store: Store,
    principal: Principal,
    action: Action | str,
    *,
    detail: tuple[str, str] | None = None,
    reason: str | None = None,
    **where: Unpack[ActsOn],
) -> None:
    """Record a refused access (``where``: its area and object) and raise its
    AccessDeniedError."""
    exc = denied(principal, action, detail)
    trail.log(
        store,
        principal,
        "access.refused",
        objek=where.get("objek"),
        wilayah=where.get("area"),
        rincian={"aksi": str(action), "alasan": reason or exc.message_en},
    )
    exc.recorded = True
    raise exc


@contextmanager
def refusals_recorded(
    store: Store, principal: Principal, action: Action | str, objek: str | None = None
) -> Iterator[None]:
    """An AccessDeniedError raised inside (say by a check in a write transaction, rolled back) is
    recorded in the audit trail, in a transaction of its own, and raised again."""
    try:
        yield
    except AccessDeniedError as exc:
        if not exc.recorded:
            trail.log(
                store,
                principal,
                "access.refused",
                objek=objek,
                rincian={"aksi": str(action), "alasan": exc.message_en},
            )
            exc.recorded = True
        raise


# -- users as principals --------------------------------------------------------------------------


def load_principal(
    cur: duckdb.DuckDBPyConnection, name: str, *, allow_disabled: bool = False
) -> Principal | None:
    """The user ``name`` as a principal, read on ``cur`` (inside a transaction when the check
    must be); None when there is no such user, or it is disabled (unless ``allow_disabled``)."""
    row = user_rows.user_row(cur, name)
    if row is None or (row[3] and not allow_disabled):
        return None
    areas = user_rows.user_areas(cur, name)
    view = tuple(str(k) for j, k in areas if j == VIEW)
    capture = tuple(str(k) for j, k in areas if j == CAPTURE)
    return Principal(str(row[0]), str(row[1]), view, capture, row[2])


def current(cur: duckdb.DuckDBPyConnection, principal: Principal) -> Principal:
    """The principal as the store says now (its grants may have changed since it signed in):
    the local operator unchanged; a user disabled or deleted meanwhile is refused."""
    if principal.local:
        return principal
    found = load_principal(cur, principal.name)
    if found is None:
        raise AccessDeniedError(
            f"Tidak ada akses: pengguna {principal.name} tidak ada atau dinonaktifkan.",
            f"No access: the user {principal.name} does not exist or is disabled.",
        )
    return found


# -- libraries -------------------------------------------------------------------------------------


def library_area(store: Store, kode_perpustakaan: str) -> str | None:
    """A library's area code (its place in the register), None for an unknown library."""
    return register.library_area(store, kode_perpustakaan)


def may_see_library(store: Store, principal: Principal, kode_perpustakaan: str) -> bool:
    """The library lies in the principal's view areas (an unknown library: no)."""
    area = library_area(store, kode_perpustakaan)
    return area is not None and principal.may_see(area)


def may_capture_library(
    store: Store, principal: Principal, kode_perpustakaan: str, kind: str = "laporan_bulanan"
) -> bool:
    """Rows of ``kind`` for the library lie in the principal's capture areas."""
    area = library_area(store, kode_perpustakaan)
    return area is not None and principal.may_capture(area, kind)


def view_coverage(store: Store, principal: Principal) -> Coverage:
    """What ``principal`` may see, as codes (deny by default: a principal without the right to
    see covers nothing)."""
    return coverage(store, principal.areas(Action.SEE))
