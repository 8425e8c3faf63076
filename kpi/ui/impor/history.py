"""The import history: every batch, its rejected rows, and undo bound to its batch."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.access import Principal
from kpi.ingest import undo
from kpi.ingest.history import list_batches
from kpi.ingest.rejected import batch_rejected_excel
from kpi.store import Store
from kpi.ui import state
from kpi.ui.context import PageContext
from kpi.ui.impor.common import (
    _error_text,
)
from kpi.ui.literal import md

NO_USER = "—"  # a batch that recorded no user (imports from before the app recorded its actor)


def _files(b: dict[str, Any]) -> str:
    return ", ".join(b["files"]) or "–"


def _batch_label(ctx: PageContext, b: dict[str, Any]) -> str:
    """A batch in the chooser (plain text): id, files, time, rows, and whether it is undone."""
    status = ctx.t("impor.status_undone" if b["undone"] else "impor.status_committed")
    rows = ctx.t("impor.batch_rows", n=state.num(b["accepted"]))
    return f"{b['batch_id']} · {_files(b)} · {b['created_at']} · {rows} · {status}"


def _follow_latest(choices: list[str]) -> None:
    """The chooser shows the newest batch whenever a newer one has landed (from this session or
    another): a choice made before a commit never outlives it."""
    newest = choices[0]
    if st.session_state.get("impor_batch_newest") != newest:
        st.session_state["impor_batch_newest"] = newest
        st.session_state["impor_batch"] = newest
    elif st.session_state.get("impor_batch") not in choices:
        st.session_state["impor_batch"] = newest


def _undo_clicked(ctx: PageContext, store: Store, info: dict[str, Any], who: Principal) -> None:
    """The confirmation's callback, bound to the batch it named when it was drawn: it undoes
    that batch or says why not, whatever the chooser shows by the time the click arrives."""
    batch_id = info["batch_id"]
    last = st.session_state.get("impor_undo_last")
    if last and last[0] == batch_id:  # a second click on the same confirmation: done already
        st.session_state["impor_undo_notice"] = ("ok", last[1])
        return
    try:
        result = undo(store, batch_id, actor=who)
    except Exception as exc:
        st.session_state["impor_undo_notice"] = ("error", _error_text(ctx, exc))
        return
    text = ctx.t(
        "impor.undone",
        batch=md(result.batch_id),
        removed=state.num(result.removed),
        restored=state.num(result.restored),
        berkas=md(", ".join(result.files) or "–"),
        waktu=md(result.created_at or info["created_at"]),
    )
    st.session_state["impor_undo_last"] = (batch_id, text)
    st.session_state["impor_undo_notice"] = ("ok", text)
    st.session_state.pop("impor_plan", None)


def _history_section(ctx: PageContext, store: Store, who: Principal) -> None:
    notice = st.session_state.pop("impor_undo_notice", None)
    if notice:
        (st.success if notice[0] == "ok" else st.error)(notice[1])
    batches = list_batches(store)
    if not batches:
        st.info(ctx.t("impor.history_empty"))
        return
    frame = pd.DataFrame(
        {
            ctx.t("impor.batch"): [b["batch_id"] for b in batches],
            ctx.t("impor.created_at"): [b["created_at"] for b in batches],
            ctx.t("impor.files"): [", ".join(b["files"]) for b in batches],
            ctx.t("impor.accepted"): [b["accepted"] for b in batches],
            ctx.t("impor.rejected"): [b["rejected"] for b in batches],
            ctx.t("impor.added"): [b["added"] for b in batches],
            ctx.t("impor.changed"): [b["changed"] for b in batches],
            ctx.t("impor.status"): [
                ctx.t("impor.status_undone" if b["undone"] else "impor.status_committed")
                for b in batches
            ],
            ctx.t("impor.user"): [b["user"] or NO_USER for b in batches],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            ctx.t("impor.user"): st.column_config.TextColumn(
                ctx.t("impor.user"), help=ctx.t("impor.user_help")
            )
        },
    )
    by_id = {b["batch_id"]: b for b in batches if b["source"] == "impor"}
    choices = list(by_id)  # newest first
    if not choices:
        return
    _follow_latest(choices)
    chosen = st.selectbox(
        ctx.t("impor.choose_batch"),
        choices,
        format_func=lambda b: _batch_label(ctx, by_id[b]) if b in by_id else str(b),
        key="impor_batch",
    )
    info = by_id[chosen]
    left, right = st.columns(2)
    if info["undone"]:
        left.caption(ctx.t("impor.already_undone", waktu=md(info["undone_at"] or "–")))
    else:
        with left.popover(ctx.t("impor.undo")):
            # the confirmation names the batch it undoes, and its button is bound to that batch
            st.markdown(
                ctx.t(
                    "impor.undo_what",
                    batch=md(chosen),
                    berkas=md(_files(info)),
                    waktu=md(info["created_at"]),
                    pengguna=md(info["user"] or NO_USER),
                    accepted=state.num(info["accepted"]),
                    added=state.num(info["added"]),
                    changed=state.num(info["changed"]),
                )
            )
            st.caption(ctx.t("impor.undo_help"))
            st.button(
                ctx.t("impor.undo_confirm"),
                type="primary",
                key=f"impor_undo_{chosen}",
                on_click=_undo_clicked,
                args=(ctx, store, info, who),
            )
    if info["rejected"]:
        right.download_button(
            ctx.t("impor.batch_rejected"),
            data=partial(batch_rejected_excel, store, chosen, ctx.lang),
            file_name=f"ditolak_{chosen}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="impor_batch_rejected",
        )
