"""The audit trail (table jejak_audit): the chain itself is kpi.trail (every name of it is
importable from here); this module adds what needs a right first: a download is checked and
recorded, a settings change is checked and stored with its before and after in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kpi import access
from kpi.queries.meta import delete_setting, put_setting, setting_json
from kpi.trail import ACTIONS as ACTIONS
from kpi.trail import EVENT_COLUMNS as EVENT_COLUMNS
from kpi.trail import GENESIS as GENESIS
from kpi.trail import HEAD_KEY as HEAD_KEY
from kpi.trail import Event as Event
from kpi.trail import Verdict as Verdict
from kpi.trail import actors as actors
from kpi.trail import area_text as area_text
from kpi.trail import canonical_json as canonical_json
from kpi.trail import event_hash as event_hash
from kpi.trail import events as events
from kpi.trail import head as head
from kpi.trail import local_name as local_name
from kpi.trail import log as log
from kpi.trail import record as record
from kpi.trail import verify as verify

if TYPE_CHECKING:
    from kpi.access import Principal
    from kpi.store import Store


# -- downloads -------------------------------------------------------------------------------------


def record_download(
    store: Store,
    actor: Principal | None,
    what: str,
    *,
    fmt: str,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    area: str | Iterable[str] | None = None,
    report_card: bool = False,
) -> Event:
    """A list, table or report card leaves the app (what, in which format, with which filters,
    how many rows). Checks the right to export (in ``area`` when given) first: a refusal is
    recorded and raised as AccessDeniedError. The page or command calls it before handing the file
    over."""
    actor = actor or access.local_operator()
    areas = [area] if isinstance(area, str) else list(area or [])
    if not areas:
        access.require(store, actor, access.Action.EXPORT, objek=what)
    for a in areas:
        access.require(store, actor, access.Action.EXPORT, area=a, objek=what)
    return log(
        store,
        actor,
        "report_card" if report_card else "export",
        objek=what,
        wilayah=areas or None,
        rincian={"format": fmt, "filter": dict(filters or {}), "baris": rows},
    )


# -- settings with their before and after ----------------------------------------------------------


def save_setting(
    store: Store,
    key: str,
    value: Any,
    actor: Principal | None = None,
    *,
    aksi: str = "settings.save",
    describe: Any = None,
) -> None:
    """Store a setting (JSON) and its audit event, with the value before and after, in one
    transaction; the actor needs the right to save settings (a refusal is recorded and raised).
    ``describe``: what of a large value the event keeps (default the value itself)."""
    _settings_change(store, [key], {key: value}, actor, aksi, describe)


def delete_settings(
    store: Store,
    keys: list[str],
    actor: Principal | None = None,
    *,
    aksi: str = "settings.restore",
    describe: Any = None,
) -> None:
    """Remove stored settings (back to their defaults), audited as ``save_setting`` is."""
    _settings_change(store, keys, {}, actor, aksi, describe)


def _settings_change(
    store: Store,
    keys: list[str],
    values: Mapping[str, Any],
    actor: Principal | None,
    aksi: str,
    describe: Any,
) -> None:
    actor = actor or access.local_operator()
    objek = ",".join(keys)
    access.require(store, actor, access.Action.SETTINGS, objek=objek)
    shown = describe or (lambda v: v)
    refusals = access.refusals_recorded(store, actor, access.Action.SETTINGS, objek)
    with refusals, store.write() as cur:
        who = access.current(cur, actor)  # disabled meanwhile: refused
        before: dict[str, Any] = {}
        for key in keys:
            stored = setting_json(cur, key)
            before[key] = None if stored is None else shown(json.loads(stored))
            if key in values:
                put_setting(cur, key, json.dumps(values[key]))
            else:
                delete_setting(cur, key)
        after = {k: (shown(values[k]) if k in values else None) for k in keys}
        record(cur, who, aksi, objek=objek, rincian={"sebelum": before, "sesudah": after})
