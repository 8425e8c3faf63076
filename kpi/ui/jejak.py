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
from kpi.ui import masuk
from kpi.ui.context import PageContext
from kpi.ui.literal import md

SHOWN = 1000  # the newest events the table shows (the export holds every one filtered)


def verdict_message(ctx: PageContext) -> tuple[bool, str]:
    found = audit.verify(ctx.store)
    if found.ok:
        return True, ctx.t("jejak.verify_ok", n=ctx.num(found.events))
    return False, md(found.message_en if ctx.lang == "en" else found.message_id)


def action_label(ctx: PageContext, aksi: str) -> str:
    labels = audit.ACTIONS.get(aksi)
    if labels is None:
        return aksi
    return labels[1] if ctx.lang == "en" else labels[0]


def table(ctx: PageContext, frame: pd.DataFrame) -> pd.DataFrame:
    """The events as the page and its export show them (newest first)."""
    out = pd.DataFrame(
        {
            ctx.t("jejak.col_seq"): frame["seq"].astype("int64"),
            ctx.t("jejak.col_time"): frame["waktu"],
            ctx.t("jejak.col_actor"): frame["pelaku"],
            ctx.t("jejak.col_role"): frame["peran"].fillna(""),
            ctx.t("jejak.col_action"): [action_label(ctx, a) for a in frame["aksi"]],
            ctx.t("jejak.col_code"): frame["aksi"],
            ctx.t("jejak.col_object"): frame["objek"].fillna(""),
            ctx.t("jejak.col_area"): [
                ", ".join(places.format_kode(c) for c in str(w).split(",")) if w else ""
                for w in frame["wilayah"]
            ],
            ctx.t("jejak.col_details"): frame["rincian"],
        }
    )
    return out.iloc[::-1].reset_index(drop=True)


def xlsx_bytes(ctx: PageContext, frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    export.write_xlsx({ctx.t("jejak.sheet"): frame}, buf)
    return buf.getvalue()


def render(ctx: PageContext) -> None:
    """The page: its principal from the context (app.py refuses a role without the right
    first; the check stays here as a net)."""
    who = ctx.require(Action.AUDIT)
    ctx.title(ctx.t("jejak.title"), ctx.t("jejak.intro"))
    _body(ctx, who)


def _body(ctx: PageContext, who: Principal) -> None:
    store = ctx.store
    ok, message = verdict_message(ctx)
    if ok:
        st.success(message, icon=":material/verified:")
    else:
        st.error(message, icon=":material/gpp_bad:")
    actions = sorted(audit.ACTIONS)
    groups = sorted({a.split(".")[0] for a in actions if "." in a})
    what_options = ["", *sorted({*groups, *actions})]
    c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1])
    user = c1.selectbox(
        ctx.t("jejak.who"),
        ["", *audit.actors(store)],
        format_func=lambda x: x or ctx.t("filter.all"),
        key="jejak_who",
    )
    what = c2.selectbox(
        ctx.t("jejak.what"),
        what_options,
        format_func=lambda a: (
            ctx.t("filter.all")
            if not a
            else (f"{action_label(ctx, a)} ({a})" if a in actions else f"{a}.*")
        ),
        key="jejak_what",
    )
    today = date.today()
    when = c3.date_input(
        ctx.t("jejak.when"),
        value=(today - timedelta(days=30), today),
        key="jejak_when",
        format="YYYY-MM-DD",
    )
    area = c4.text_input(ctx.t("jejak.area"), key="jejak_area", help=ctx.t("jejak.area_help"))
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
    shown = table(ctx, frame)
    st.caption(ctx.t("jejak.count", n=ctx.num(len(shown)), shown=ctx.num(min(len(shown), SHOWN))))
    st.dataframe(shown.head(SHOWN), hide_index=True, width="stretch")
    filters = {
        "pelaku": user or None,
        "aksi": what or None,
        "sejak": since.isoformat() if since else None,
        "sampai": until.isoformat() if until else None,
        "wilayah": area.strip() or None,
    }
    masuk.download_button(
        ctx.t("jejak.download"),
        data=lambda: xlsx_bytes(ctx, shown),
        file_name="jejak_audit.xlsx",
        mime=export.XLSX_MIME,
        key="jejak_download",
        what="jejak_audit",
        filters={k: v for k, v in filters.items() if v},
        rows=len(shown),
        lang=ctx.lang,
    )
