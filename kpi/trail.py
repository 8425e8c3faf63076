"""The audit trail's chain itself: an append-only chain of events (table jejak_audit).

This module knows no rights (kpi.access records its refusals here); kpi.audit adds what needs a
right (settings changes, downloads) and re-exports every name of this one.


Each event holds its time (UTC), actor, the actor's role, action, object, area codes and details
(canonical JSON; before and after for settings), the hash of the previous event and its own
hash: sha256 over a canonical serialisation of all of that. The head (last sequence number and
hash) is kept in the meta table, written in the same transaction. ``verify`` walks the chain and
reports the first break: an event changed after it was written, one deleted (a gap in the
sequence, or fewer events than the head says), or one that does not follow its predecessor.

This module only ever inserts: nothing in the application changes or deletes an event (a test
searches the code for it). Events are written inside the transaction of what they record
(``record`` on its cursor), or on their own (``log``) for sign-ins and refusals.
Passwords never reach an event: detail keys that name a secret are dropped.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import pandas as pd
import yaml

from kpi.queries import trail as q
from kpi.queries.meta import meta_value, put_meta
from kpi.queries.trail import EVENT_COLUMNS as EVENT_COLUMNS

if TYPE_CHECKING:
    import duckdb

    from kpi.access import Principal
    from kpi.store import Store

GENESIS = "0" * 64
HEAD_KEY = "audit_kepala"

ACTIONS_PATH = Path(__file__).resolve().parent / "jejak.yaml"


def _actions() -> dict[str, tuple[str, str]]:
    data = yaml.safe_load(ACTIONS_PATH.read_text(encoding="utf-8"))
    return {str(k): (str(v[0]), str(v[1])) for k, v in data["actions"].items()}


# action -> (Indonesian, English) label, for the trail's readers (Jejak audit, the CLI): the
# actions of kpi/jejak.yaml, the only ones an event may record
ACTIONS: dict[str, tuple[str, str]] = _actions()
_SECRET_WORDS = ("sandi", "password", "passwd", "hash", "secret", "rahasia")


@dataclass(frozen=True)
class Event:
    seq: int
    waktu: datetime
    pelaku: str
    peran: str | None
    aksi: str
    objek: str | None
    wilayah: str | None
    rincian: str
    hash_sebelum: str
    hash: str


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def event_hash(
    seq: int,
    waktu: datetime,
    pelaku: str,
    peran: str | None,
    aksi: str,
    objek: str | None,
    wilayah: str | None,
    rincian: str,
    hash_sebelum: str,
) -> str:
    """sha256 of the event's canonical serialisation (a JSON array, fixed field order)."""
    text = json.dumps(
        [
            int(seq),
            waktu.isoformat(timespec="microseconds"),
            pelaku,
            peran,
            aksi,
            objek,
            wilayah,
            rincian,
            hash_sebelum,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scrub(value: Any) -> Any:
    """Details without any key that names a secret (a password never reaches the trail)."""
    if isinstance(value, Mapping):
        return {
            str(k): _scrub(v)
            for k, v in value.items()
            if not any(w in str(k).lower() for w in _SECRET_WORDS)
        }
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def area_text(wilayah: str | Iterable[str] | None) -> str | None:
    if wilayah is None:
        return None
    if isinstance(wilayah, str):
        return wilayah or None
    codes = sorted({str(c) for c in wilayah if c})
    return ",".join(codes) or None


def local_name() -> str:
    """The local operator's name: the operating-system user (``operator`` when there is none)."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in some containers
        name = None
    return name or "operator"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _head(cur: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """The last sequence number and hash written (meta), else the table's last event."""
    stored = meta_value(cur, HEAD_KEY)
    if stored is not None:
        return _head_of(stored)
    return q.last_event(cur) or (0, GENESIS)


def _head_of(stored: str) -> tuple[int, str]:
    head = json.loads(stored)
    return int(head["seq"]), str(head["hash"])


def record(
    cur: duckdb.DuckDBPyConnection,
    actor: Principal | None,
    aksi: str,
    *,
    objek: str | None = None,
    wilayah: str | Iterable[str] | None = None,
    rincian: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Event:
    """Append one event on ``cur``, inside the caller's write transaction (the store's writer
    lock keeps the chain in order)."""
    if aksi not in ACTIONS:
        raise ValueError(f"unknown audit action {aksi!r}")
    name, role = (actor.name, actor.audit_role) if actor is not None else (local_name(), "lokal")
    seq, prev = _head(cur)
    seq += 1
    waktu = now or _now()
    if waktu.tzinfo is not None:
        waktu = waktu.astimezone(UTC).replace(tzinfo=None)
    detail = canonical_json(_scrub(dict(rincian or {})))
    area = area_text(wilayah)
    objek = None if objek is None else str(objek)
    digest = event_hash(seq, waktu, name, role, aksi, objek, area, detail, prev)
    q.insert_event(cur, [seq, waktu, name, role, aksi, objek, area, detail, prev, digest])
    put_meta(cur, HEAD_KEY, json.dumps({"seq": seq, "hash": digest}))
    return Event(seq, waktu, name, role, aksi, objek, area, detail, prev, digest)


class EventFields(TypedDict, total=False):
    """What ``record`` takes of an event besides its actor and action (``log`` passes it on)."""

    objek: str | None
    wilayah: str | Iterable[str] | None
    rincian: Mapping[str, Any] | None
    now: datetime | None


def log(store: Store, actor: Principal | None, aksi: str, **fields: Unpack[EventFields]) -> Event:
    """Append one event in a transaction of its own (page caches stay valid); ``fields`` as
    ``record`` takes them."""
    with store.write(bump=False) as cur:
        return record(cur, actor, aksi, **fields)


# -- reading ---------------------------------------------------------------------------------------


def events(
    store: Store,
    *,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    user: str | None = None,
    aksi: str | None = None,
    wilayah: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Events in order (oldest first), filtered by time (UTC; a date is its whole day), actor,
    action (a prefix: "import" is every import event) and area (an event matches when one of
    its codes lies in the area or holds it)."""
    frame = q.events(
        store,
        since=None if since is None else _as_datetime(since),
        until=None if until is None else _as_datetime(until, end=True),
        user=user,
        aksi=aksi,
    )
    for col in ("peran", "objek", "wilayah"):  # empty is None, as written
        frame[col] = pd.Series(
            [x if isinstance(x, str) else None for x in frame[col]], index=frame.index, dtype=object
        )
    if wilayah:
        from kpi import places

        code = places.normalise_kode(wilayah) or wilayah

        def hit(text: Any) -> bool:
            if not isinstance(text, str) or not text:
                return False
            return any(c.startswith(code) or code.startswith(c) for c in text.split(","))

        frame = frame[frame["wilayah"].map(hit)].reset_index(drop=True)
    if limit is not None:
        frame = frame.tail(limit).reset_index(drop=True)
    return frame


def actors(store: Store) -> list[str]:
    """Everyone who appears in the trail as an actor (the Jejak audit page's choices)."""
    return q.actors(store)


def _as_datetime(value: datetime | date, end: bool = False) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    from datetime import timedelta

    start = datetime(value.year, value.month, value.day)
    return start + timedelta(days=1) if end else start


def head(store: Store) -> tuple[int, str]:
    """(last sequence number, its hash): (0, GENESIS) for an empty trail."""
    return _head(store.cursor())


# -- verifying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    events: int
    head_hash: str
    broken_at: int | None = None  # the first event that breaks the chain
    message_id: str = ""
    message_en: str = ""
    event: dict[str, Any] | None = None  # what the broken event says of itself (when present)


def verify(store: Store, batch: int = 10_000) -> Verdict:
    """Walk the chain from the first event; the first break, or ok."""
    cur = store.cursor()
    expected, prev, count = 1, GENESIS, 0
    for rows in q.chain(cur, batch):
        for row in rows:
            seq, waktu, pelaku, peran, aksi, objek, wilayah, rincian, before, digest = row
            seen = {"seq": seq, "waktu": waktu, "pelaku": pelaku, "aksi": aksi, "objek": objek}
            if seq != expected:
                return _broken(
                    count,
                    expected,
                    f"Jejak audit rusak: peristiwa {expected} hilang (dihapus); peristiwa "
                    f"berikutnya adalah {seq}.",
                    f"The audit trail is broken: event {expected} is missing (deleted); the "
                    f"next event is {seq}.",
                    seen,
                )
            if before != prev:
                return _broken(
                    count,
                    int(seq),
                    f"Jejak audit rusak: peristiwa {seq} ({_describe(seen)}) tidak menyambung "
                    f"ke peristiwa {seq - 1}: salah satunya diubah atau diganti.",
                    f"The audit trail is broken: event {seq} ({_describe(seen)}) does not "
                    f"follow event {seq - 1}: one of them was changed or replaced.",
                    seen,
                )
            again = event_hash(seq, waktu, pelaku, peran, aksi, objek, wilayah, rincian, before)
            if again != digest:
                return _broken(
                    count,
                    int(seq),
                    f"Jejak audit rusak: peristiwa {seq} ({_describe(seen)}) diubah setelah "
                    "ditulis (isinya tidak cocok dengan hash-nya).",
                    f"The audit trail is broken: event {seq} ({_describe(seen)}) was changed "
                    "after it was written (its content does not match its hash).",
                    seen,
                )
            prev, expected, count = digest, expected + 1, count + 1
    stored = meta_value(cur, HEAD_KEY)
    if stored is None:
        if count:
            return _broken(
                count,
                count,
                "Jejak audit rusak: catatan ujung rantai (meta audit_kepala) hilang.",
                "The audit trail is broken: the record of the chain's head (meta "
                "audit_kepala) is missing.",
            )
        return Verdict(True, 0, GENESIS)
    head_seq, head_hash = _head_of(stored)
    if head_seq != count or head_hash != prev:
        return _broken(
            count,
            count + 1 if head_seq > count else head_seq,
            f"Jejak audit rusak: rantai berakhir di peristiwa {count}, padahal {head_seq} "
            "peristiwa tercatat ditulis: peristiwa terakhir dihapus atau diganti.",
            f"The audit trail is broken: the chain ends at event {count}, but {head_seq} "
            "events were written: the last events were deleted or replaced.",
        )
    return Verdict(True, count, prev)


def _describe(seen: Mapping[str, Any]) -> str:
    when = seen["waktu"]
    when_text = when.isoformat(sep=" ", timespec="seconds") if hasattr(when, "isoformat") else when
    objek = f" {seen['objek']}" if seen.get("objek") else ""
    return f"{when_text} UTC, {seen['aksi']}{objek}, {seen['pelaku']}"


def _broken(
    count: int,
    seq: int,
    message_id: str,
    message_en: str,
    seen: dict[str, Any] | None = None,
) -> Verdict:
    return Verdict(False, count, "", seq, message_id, message_en, seen)
