"""Closed months (coaching-rules.md, decisions of 2026-12).

A month is closed when its reporting deadline has passed (setting ``tenggat_hari``: the day of
the following month, default the 10th) and its completeness has caught up with the usual level
(setting ``kelengkapan_relatif``: default 80% of the median completeness of the
``bulan_pembanding`` = 12 months before it, so that a program where few libraries report still
closes its months). The last closed month is the latest month that is closed; every month up to
it counts as closed, the months after it are open ("belum ditutup").

Every default window ends at the last closed month, so a few rows imported for a new month
change no default view and no tier; an open month can still be chosen by hand. Rule D counts
only closed months.

Completeness here is the program's, over every library (the same expected months as the KPI
table: from the earlier of a library's first report and the January after its joining year).

"Today" decides which deadlines have passed: every function takes ``today``; without it the
clock is ``today()``, which the environment variable TPBIS_HARI_INI (an ISO date) can fix, for
tests and demonstrations.
"""

from __future__ import annotations

import calendar
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import settings as settings_mod
from kpi.catalogue import Catalogue
from kpi.periods import add_months
from kpi.settings import ClosingSettings
from kpi.store import Store, consistent

if TYPE_CHECKING:
    pass

SETTINGS_KEY = settings_mod.CLOSING_KEY
CLOCK_ENV = "TPBIS_HARI_INI"
STATUS_COLUMNS: tuple[str, ...] = (
    "periode",
    "dilaporkan",
    "diharapkan",
    "kelengkapan",
    "median_sebelumnya",
    "ambang",
    "tenggat",
    "tenggat_lewat",
    "terkejar",
    "tertutup",
)


def today() -> date:
    """The clock: today's date, or the date in TPBIS_HARI_INI when it is set."""
    forced = os.environ.get(CLOCK_ENV, "").strip()
    if forced:
        return date.fromisoformat(forced)
    return date.today()


# -- settings ------------------------------------------------------------------------------------


def default_settings(cat: Catalogue | None = None) -> dict[str, Any]:
    return settings_mod.defaults(SETTINGS_KEY, cat)


def get_settings(store: Store, cat: Catalogue | None = None) -> dict[str, Any]:
    """The closing settings in use: the stored ones over the catalogue's defaults."""
    return settings_mod.stored(store, SETTINGS_KEY, cat)


def check_settings(settings: Mapping[str, Any]) -> list[str]:
    """The problems of candidate closing settings, as message keys of data/i18n
    (``pengaturan.err.<key>``); empty when they can be saved."""
    candidate = {"bulan_pembanding": default_settings()["bulan_pembanding"], **settings}
    return [p.key for p in settings_mod.validate(penutupan=candidate)]


# validate and store the settings (an audit event): kpi.settings.saver
save_settings = settings_mod.saver(SETTINGS_KEY)


def deadline_day(store: Store, cat: Catalogue | None = None) -> int:
    return settings_mod.deadline_day(store, cat)


def deadline(month: date, day: int) -> date:
    """The reporting deadline of a month: the ``day``-th of the following month (the month's
    last day when it is shorter)."""
    nxt = add_months(month, 1)
    last = calendar.monthrange(nxt.year, nxt.month)[1]
    return date(nxt.year, nxt.month, min(int(day), last))


# -- the months ----------------------------------------------------------------------------------


def month_completeness(store: Store) -> pd.DataFrame:
    """The program's completeness per month, from the first to the last reported month:
    periode (date), dilaporkan, diharapkan, kelengkapan (percent; empty when none expected)."""
    from kpi.compute import library_cte

    span = store.query("SELECT min(periode) AS a, max(periode) AS b FROM laporan_bulanan")
    if span.empty or pd.isna(span["a"].iat[0]):
        return pd.DataFrame(columns=["periode", "dilaporkan", "diharapkan", "kelengkapan"])
    first = pd.Timestamp(span["a"].iat[0]).date()
    last = pd.Timestamp(span["b"].iat[0]).date()
    frame = store.query(
        f"""
        WITH {library_cte("TRUE")},
        bulan AS (
            SELECT CAST(g AS DATE) AS periode
            FROM generate_series(CAST($first AS DATE), CAST($last AS DATE), INTERVAL 1 MONTH) t(g)
        ),
        -- libraries expected from each month on (before the first reported month: from it;
        -- without a start: from the first month), summed month after month
        mulai AS (
            SELECT greatest(coalesce(mulai, CAST($first AS DATE)), CAST($first AS DATE)) AS m,
                   count(*) AS n
            FROM lib GROUP BY 1
        ),
        harap AS (
            SELECT b.periode,
                   CAST(sum(coalesce(m.n, 0)) OVER (ORDER BY b.periode) AS BIGINT) AS diharapkan
            FROM bulan b LEFT JOIN mulai m ON m.m = b.periode
        ),
        lapor AS (
            SELECT r.periode, count(*) AS dilaporkan
            FROM laporan_bulanan r JOIN lib l ON l.kode_perpustakaan = r.kode_perpustakaan
            WHERE l.mulai IS NULL OR r.periode >= l.mulai
            GROUP BY r.periode
        )
        SELECT h.periode, coalesce(p.dilaporkan, 0) AS dilaporkan, h.diharapkan,
               100.0 * coalesce(p.dilaporkan, 0) / nullif(h.diharapkan, 0) AS kelengkapan
        FROM harap h LEFT JOIN lapor p ON p.periode = h.periode
        ORDER BY h.periode
        """,
        {"first": first, "last": last},
    )
    frame["periode"] = [pd.Timestamp(d).date() for d in frame["periode"]]
    frame["dilaporkan"] = frame["dilaporkan"].astype(int)
    frame["diharapkan"] = frame["diharapkan"].astype(int)
    frame["kelengkapan"] = frame["kelengkapan"].astype(float)
    return frame


def status_from(months: pd.DataFrame, settings: Mapping[str, Any], today_: date) -> pd.DataFrame:
    """Which months are closed, from the completeness per month (pure: the rule itself).

    Adds median_sebelumnya (median completeness of the ``bulan_pembanding`` months before),
    ambang (``kelengkapan_relatif`` % of it), tenggat (the deadline), tenggat_lewat (today is
    after it), terkejar (completeness at or above ambang; true without earlier months) and
    tertutup (at or before the last month that passed both).
    """
    cfg = ClosingSettings.of(settings)
    day, rel, n_before = cfg.tenggat_hari, cfg.kelengkapan_relatif / 100.0, cfg.bulan_pembanding
    out = months.copy().reset_index(drop=True)
    values = out["kelengkapan"].to_numpy(dtype=float)
    medians = np.full(len(out), np.nan)
    for i in range(len(out)):
        earlier = values[max(0, i - n_before) : i]
        earlier = earlier[~np.isnan(earlier)]
        if len(earlier):
            medians[i] = float(np.median(earlier))
    out["median_sebelumnya"] = medians
    out["ambang"] = medians * rel
    out["tenggat"] = [deadline(m, day) for m in out["periode"]]
    out["tenggat_lewat"] = [today_ > d for d in out["tenggat"]]
    caught = [
        (not np.isnan(v)) and (np.isnan(a) or v >= a - 1e-9)
        for v, a in zip(values, out["ambang"].to_numpy(dtype=float), strict=True)
    ]
    out["terkejar"] = caught
    passed = out["tenggat_lewat"].to_numpy(dtype=bool) & np.asarray(caught, dtype=bool)
    last = int(np.flatnonzero(passed).max()) if passed.any() else -1
    out["tertutup"] = np.arange(len(out)) <= last
    return out[list(STATUS_COLUMNS)]


_MEMO: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_MEMO_LOCK = threading.Lock()


@consistent
def month_status(
    store: Store,
    today_: date | None = None,
    settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Every month from the first to the last reported one with its completeness, deadline
    and whether it is closed (see ``status_from``); kept per data version and day."""
    s = dict(settings) if settings is not None else get_settings(store, cat)
    day = today_ or today()
    key = (str(store.path), store.data_version(), day, json.dumps(s, sort_keys=True))
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None:
        return hit.copy()
    out = status_from(month_completeness(store), s, day)
    with _MEMO_LOCK:
        _MEMO[key] = out.copy()
        while len(_MEMO) > 8:
            _MEMO.popitem(last=False)
    return out


def last_closed(
    store: Store,
    today_: date | None = None,
    settings: Mapping[str, Any] | None = None,
) -> date | None:
    """The last closed month (the first day of it), or None when no month is closed yet."""
    status = month_status(store, today_, settings)
    closed = status[status["tertutup"]]
    return None if closed.empty else closed["periode"].iat[-1]


def default_end(store: Store, today_: date | None = None) -> date | None:
    """Where a default window ends: the last closed month; with no month closed yet, the last
    reported month (there is nothing else to show); None without any report."""
    end = last_closed(store, today_)
    if end is not None:
        return end
    from kpi.compute import last_month

    return last_month(store)


def open_months(store: Store, today_: date | None = None) -> list[date]:
    """The reported months after the last closed one (shown as "belum ditutup")."""
    status = month_status(store, today_)
    return [
        d for d, closed in zip(status["periode"], status["tertutup"], strict=True) if not closed
    ]


def clear_caches() -> None:
    with _MEMO_LOCK:
        _MEMO.clear()
