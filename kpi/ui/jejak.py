"""Jejak audit (administrators only): the audit trail filtered by who, what, when and area,
exported to Excel through the formula-safe writer (kpi.export), and whether the hash chain is
intact (kpi.audit.verify).

Event details are text written by the app from what people typed (file names, user names): they
are shown as text in a table, never as Markdown.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from kpi import audit, export, places
from kpi.access import Action, Principal
from kpi.store import Store
from kpi.ui import masuk, state
from kpi.ui.context import PageContext
from kpi.ui.literal import md

SHOWN = 1000  # the newest events the table shows (the export holds every one filtered)


def verdict_message(store: Store) -> tuple[bool, str]:
    found = audit.verify(store)
    if found.ok:
        return True, state.tr("jejak.verify_ok", n=state.num(found.events))
    return False, md(found.message_en if state.lang() == "en" else found.message_id)


def action_label(aksi: str) -> str:
    labels = audit.ACTIONS.get(aksi)
    if labels is None:
        return aksi
    return labels[1] if state.lang() == "en" else labels[0]


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The events as the page and its export show them (newest first)."""
    out = pd.DataFrame(
        {
            state.tr("jejak.col_seq"): frame["seq"].astype("int64"),
            state.tr("jejak.col_time"): frame["waktu"],
            state.tr("jejak.col_actor"): frame["pelaku"],
            state.tr("jejak.col_role"): frame["peran"].fillna(""),
            state.tr("jejak.col_action"): [action_label(a) for a in frame["aksi"]],
            state.tr("jejak.col_code"): frame["aksi"],
            state.tr("jejak.col_object"): frame["objek"].fillna(""),
            state.tr("jejak.col_area"): [
                ", ".join(places.format_kode(c) for c in str(w).split(",")) if w else ""
                for w in frame["wilayah"]
            ],
            state.tr("jejak.col_details"): frame["rincian"],
        }
    )
    return out.iloc[::-1].reset_index(drop=True)


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    export.write_xlsx({state.tr("jejak.sheet"): frame}, buf)
    return buf.getvalue()


def render(ctx: PageContext) -> None:
    """The page: its principal from the context (app.py refuses a role without the right
    first; the check stays here as a net)."""
    who = ctx.require(Action.AUDIT)
    ctx.title(ctx.t("jejak.title"), ctx.t("jejak.intro"))
    _body(ctx.store, who)


def _body(store: Store, who: Principal) -> None:
    ok, message = verdict_message(store)
    if ok:
        st.success(message, icon=":material/verified:")
    else:
        st.error(message, icon=":material/gpp_bad:")
    actions = sorted(audit.ACTIONS)
    groups = sorted({a.split(".")[0] for a in actions if "." in a})
    what_options = ["", *sorted({*groups, *actions})]
    c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1])
    user = c1.selectbox(
        state.tr("jejak.who"),
        ["", *audit.actors(store)],
        format_func=lambda x: x or state.tr("filter.all"),
        key="jejak_who",
    )
    what = c2.selectbox(
        state.tr("jejak.what"),
        what_options,
        format_func=lambda a: (
            state.tr("filter.all")
            if not a
            else (f"{action_label(a)} ({a})" if a in actions else f"{a}.*")
        ),
        key="jejak_what",
    )
    today = date.today()
    when = c3.date_input(
        state.tr("jejak.when"),
        value=(today - timedelta(days=30), today),
        key="jejak_when",
        format="YYYY-MM-DD",
    )
    area = c4.text_input(state.tr("jejak.area"), key="jejak_area", help=state.tr("jejak.area_help"))
    since = until = None
    if isinstance(when, tuple | list):
        since = when[0] if len(when) > 0 else None
        until = when[1] if len(when) > 1 else since
    elif isinstance(when, date):
        since = until = when
    frame = audit.events(
        store,
        since=since,
        until=until,
        user=user or None,
        aksi=what or None,
        wilayah=area.strip() or None,
    )
    shown = table(frame)
    st.caption(
        state.tr("jejak.count", n=state.num(len(shown)), shown=state.num(min(len(shown), SHOWN)))
    )
    st.dataframe(shown.head(SHOWN), hide_index=True, width="stretch")
    filters = {
        "pelaku": user or None,
        "aksi": what or None,
        "sejak": since.isoformat() if since else None,
        "sampai": until.isoformat() if until else None,
        "wilayah": area.strip() or None,
    }
    masuk.download_button(
        state.tr("jejak.download"),
        data=lambda: xlsx_bytes(shown),
        file_name="jejak_audit.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="jejak_download",
        what="jejak_audit",
        filters={k: v for k, v in filters.items() if v},
        rows=len(shown),
    )
