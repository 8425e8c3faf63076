"""The flag history: the coaching rules at several window ends, evaluated in a background thread."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from kpi import coaching, i18n
from kpi import profile as prof
from kpi.compute import Filters
from kpi.palette import TIER_COLOURS
from kpi.periods import Period
from kpi.reasons import words
from kpi.settings import CoachingSettings
from kpi.store import Store
from kpi.ui import data, plot
from kpi.ui.cache import cached
from kpi.ui.context import PageContext
from kpi.ui.filters import View
from kpi.ui.literal import md
from kpi.ui.profil.figures import (
    _text,
    tier_history_figure,
)
from kpi.ui.profil.loads import (
    HISTORY_POINTS,
)

# The flag history needs the coaching rules evaluated at several window ends, each over every
# library (about half a second apiece on the demo). They run in one background thread, the
# view's own window end first, through data.evaluation (the priority page's cache, shared both
# ways), once per data version for every place and session: the page draws at once and
# completes its history when the evaluations arrive.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profil-riwayat")
_SLIM = (
    "kode",
    "jenis",
    "kode_provinsi",
    "kode_kabupaten_kota",
    "tier",
    "points",
    "quadrant",
    "reasons",
)


def _evaluate_slim(store: Store, end: date, months: int) -> pd.DataFrame:
    v = View(period=Period("bulan", end, end), filters=Filters(), last_month=end)
    ev = data.evaluation(v, months=months, filters=Filters(), store=store)
    return ev[[c for c in _SLIM if c in ev.columns]].copy()


@cached(max_entries=24, kept=True)
def _evaluation_at(store: Store, end: date, months: int) -> Future:
    """The evaluation at one window end, queued once per data version (kept: the Future)."""
    return _POOL.submit(_evaluate_slim, store, end, months)


def wait_for_history(timeout: float = 180.0) -> None:
    """Wait until every queued evaluation of the flag history is done (tests, benchmarks): the
    one worker runs them in order, so a no-op queued now ends after all of them."""
    wait([_POOL.submit(lambda: None)], timeout=timeout)


def _ready(fut: Future, end: date) -> pd.DataFrame | None:
    if not fut.done():
        return None
    if fut.exception() is not None:
        logging.getLogger("tpbis").error("flag history at %s failed", end, exc_info=fut.exception())
        return None
    return fut.result()


def _history(
    store: Store, place: tuple[str, str], ends: tuple[date, ...], months: int
) -> tuple[pd.DataFrame, list[Future]]:
    """The place's flags at the window ends evaluated so far, and the evaluations still running."""
    # the view's own window end first: its reasons are what a reader wants
    futures = {end: _evaluation_at(store, end, months) for end in reversed(ends)}
    pending = [f for f in futures.values() if not f.done()]
    if not pending:
        return _complete_history(store, place, ends, months), []
    evaluations = {}
    for end, fut in futures.items():
        ev = _ready(fut, end)
        if ev is not None:
            evaluations[end] = ev
    return prof.tier_history(evaluations, {"tingkat": place[0], "kode": place[1]}), pending


@cached(max_entries=256)
def _complete_history(
    store: Store, place: tuple[str, str], ends: tuple[date, ...], months: int
) -> pd.DataFrame:
    """Every window end, once all are evaluated (cached per place: a revisit loads nothing)."""
    evaluations = {}
    for end in ends:
        fut = _evaluation_at(store, end, months)
        wait([fut], timeout=300)  # done already, unless dropped from the queue meanwhile
        ev = _ready(fut, end)
        if ev is not None:
            evaluations[end] = ev
    return prof.tier_history(evaluations, {"tingkat": place[0], "kode": place[1]})


@st.fragment(run_every=2)
def _poll_history(pending: list[Future]) -> None:
    """While earlier window ends are evaluated: check every 2 s, then redraw the page."""
    if all(f.done() for f in pending):
        st.rerun(scope="app")


def flag_history(ctx: PageContext, p: Mapping[str, Any]) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.flags.title"))
    ends = tuple(prof.quarter_ends(view.period.last, HISTORY_POINTS))
    months = CoachingSettings.of(coaching.get_settings(ctx.store)).jendela_bulan
    history, pending = _history(ctx.store, (p["tingkat"], str(p["kode"])), ends, months)
    tier_labels = {x: t(f"tier.{x}") for x in TIER_COLOURS}
    st.caption(t("profil.flags.caption", n=ctx.num(len(ends)), m=ctx.num(months)))
    if pending:
        st.caption(t("profil.flags.loading"))
        _poll_history(pending)
    if history.empty:
        if not pending:
            st.info(t("profil.empty.no_flags"))
        return
    latest = history.iloc[-1] if history["akhir"].iloc[-1] == ends[-1] else None
    if p["tingkat"] == "perpustakaan":
        _library_flags(ctx, history, latest, tier_labels)
        return
    if not pending and history["perpustakaan"].sum() == 0:
        st.info(t("profil.empty.no_libraries"))
        return
    plot.chart(
        tier_history_figure(history, tier_labels, lang),
        width="stretch",
        toolbar=False,
        key="profil_flags",
    )
    if latest is None:
        return
    sendiri = latest["tier_sendiri"] if _text(latest["tier_sendiri"]) else None
    st.markdown(
        t(
            "profil.flags.area_latest",
            bulan=i18n.format_month(latest["akhir"], lang),
            porsi=i18n.format_percent(latest["porsi_prioritas"], lang),
            sendiri=tier_labels.get(sendiri, "–") if sendiri else "–",
        )
    )
    _reasons(latest.get("reasons_sendiri") or [], lang)


def _library_flags(
    ctx: PageContext,
    history: pd.DataFrame,
    latest: pd.Series | None,
    tier_labels: Mapping[str, str],
) -> None:
    lang, t = ctx.lang, ctx.t
    shown = pd.DataFrame(
        {
            t("profil.flags.end"): [i18n.format_month(d, lang) for d in history["akhir"]],
            t("profil.flags.tier"): [
                tier_labels.get(x, "–") if x else "–" for x in history["tier"]
            ],
            t("profil.flags.points"): [ctx.num(x) for x in history["points"]],
            t("profil.flags.quadrant"): [
                t(f"coaching.quadrant.{q}") if _text(q) else "–" for q in history["quadrant"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    if latest is None:
        return
    st.markdown(
        t(
            "profil.flags.latest",
            bulan=i18n.format_month(latest["akhir"], lang),
            tier=tier_labels.get(latest["tier"], "–") if _text(latest["tier"]) else "–",
        )
    )
    if latest["reasons"]:
        _reasons(latest["reasons"], lang)
    else:
        st.caption(t("profil.flags.no_reasons"))


def _reasons(reasons: Sequence[Mapping[str, Any]], lang: str) -> None:
    if reasons:
        # a reason's text can hold a name or a value from a file: each line literal
        st.markdown("\n".join(f"- {md(words(r, lang))}" for r in reasons))
