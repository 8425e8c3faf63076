"""The dry run's report: counts per file and sheet, the rejected rows, the notes and the preview."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.ingest.messages import rule_name
from kpi.ingest.plan import Plan
from kpi.ingest.rejected import plan_rejected_excel
from kpi.store import DATA_TABLE_KEYS
from kpi.ui import state
from kpi.ui.context import PageContext
from kpi.ui.impor.common import (
    _kind_label,
)


def _report(ctx: PageContext, plan: Plan) -> None:
    st.subheader(ctx.t("impor.report"))
    cols = st.columns(5)
    cols[0].metric(ctx.t("impor.accepted"), state.num(plan.accepted))
    cols[1].metric(ctx.t("impor.rejected"), state.num(plan.rejected))
    cols[2].metric(ctx.t("impor.added"), state.num(plan.added))
    cols[3].metric(ctx.t("impor.changed"), state.num(plan.changed))
    cols[4].metric(ctx.t("impor.unchanged"), state.num(plan.unchanged))
    _preview(ctx, plan)
    issues = plan.issues
    if issues.empty:
        if plan.importable:
            st.success(ctx.t("impor.no_issues"))
        return
    message_col = "message_en" if ctx.lang == "en" else "message_id"
    # rules in words, never their codes (perpustakaan_tidak_dikenal -> Perpustakaan tidak dikenal)
    issues = issues.assign(rule=[rule_name(r, ctx.lang) for r in issues["rule"]])
    counts = (
        issues.groupby(["file", "sheet", "rule"], sort=False)
        .agg(n=("row", "size"), rows=("row", "nunique"))
        .reset_index()
        .rename(
            columns={
                "file": ctx.t("impor.col_file"),
                "sheet": ctx.t("impor.col_sheet"),
                "rule": ctx.t("impor.col_rule"),
                "n": ctx.t("impor.count_issues"),
                "rows": ctx.t("impor.count_rows"),
            }
        )
    )
    st.dataframe(counts, hide_index=True, width="stretch")
    f1, f2, f3, f4 = st.columns(4)
    files = f1.multiselect(ctx.t("impor.filter_file"), sorted(issues["file"].unique()))
    sheets = f2.multiselect(ctx.t("impor.filter_sheet"), sorted(issues["sheet"].unique()))
    rules = f3.multiselect(ctx.t("impor.filter_rule"), sorted(issues["rule"].unique()))
    text = f4.text_input(ctx.t("impor.filter_text"))
    shown = issues
    if files:
        shown = shown[shown["file"].isin(files)]
    if sheets:
        shown = shown[shown["sheet"].isin(sheets)]
    if rules:
        shown = shown[shown["rule"].isin(rules)]
    if text:
        hay = shown[message_col].str.contains(text, case=False, regex=False) | shown[
            "value"
        ].astype(str).str.contains(text, case=False, regex=False)
        shown = shown[hay]
    st.caption(ctx.t("impor.issues_count", n=len(shown), total=len(issues)))
    columns = ["file", "sheet", "row", "column", "value", "rule", message_col]
    view = shown[columns].rename(columns=_issue_titles(ctx, message_col))
    st.dataframe(view, hide_index=True, width="stretch")
    st.download_button(
        ctx.t("impor.download_rejected"),
        # built when clicked: a large rejected set takes a while to write as Excel
        data=partial(plan_rejected_excel, plan.issues, plan.rejected_rows, ctx.lang),
        file_name="baris_ditolak.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="impor_download_rejected",
    )


PREVIEW_ROWS = 500


def _issue_titles(ctx: PageContext, message_col: str) -> dict[str, str]:
    """The titles of a report's columns (a rejected row or a note) in the session's language."""
    return {
        "file": ctx.t("impor.col_file"),
        "sheet": ctx.t("impor.col_sheet"),
        "row": ctx.t("impor.col_row"),
        "column": ctx.t("impor.col_column_file"),
        "value": ctx.t("impor.col_value"),
        "rule": ctx.t("impor.col_rule"),
        message_col: ctx.t("impor.col_message"),
    }


def _notes(ctx: PageContext, plan: Plan) -> None:
    """What the importer read for the analyst: never a reason to reject a row."""
    notes = plan.notes
    if notes.empty:
        return
    message_col = "message_en" if ctx.lang == "en" else "message_id"
    with st.expander(ctx.t("impor.notes_title", n=state.num(len(notes)))):
        st.caption(ctx.t("impor.notes_help"))
        view = notes[["file", "sheet", "row", "column", "value", message_col]].head(PREVIEW_ROWS)
        view = view.rename(columns=_issue_titles(ctx, message_col))
        st.dataframe(view, hide_index=True, width="stretch")


def _preview(ctx: PageContext, plan: Plan) -> None:
    """The accepted records per table, each with what the commit would do with it."""
    if not plan.tables:
        return
    with st.expander(ctx.t("impor.preview")):
        labels = {s: ctx.t(f"impor.status_{s}") for s in ("baru", "berubah", "sama")}
        for table, tp in plan.tables.items():
            st.markdown(f"**{_kind_label(ctx, table)}**")
            chosen = st.multiselect(
                ctx.t("impor.status"),
                list(labels),
                default=[s for s in ("baru", "berubah") if s in set(tp.frame["_status"])],
                format_func=labels.__getitem__,
                key=f"impor_preview_{table}",
            )
            frame = tp.frame[tp.frame["_status"].isin(chosen)] if chosen else tp.frame
            keys = DATA_TABLE_KEYS[table]
            columns = [
                c
                for c in tp.frame.columns
                if not c.startswith("_") and (c in keys or c in tp.provided)
            ]
            shown = frame[columns].head(PREVIEW_ROWS).copy()
            shown.insert(0, ctx.t("impor.status"), frame["_status"].map(labels))
            shown.insert(0, ctx.t("impor.col_row"), frame["_row"])
            shown.insert(0, ctx.t("impor.col_sheet"), frame["_sheet"])
            shown.insert(0, ctx.t("impor.col_file"), frame["_file"])
            st.caption(ctx.t("impor.preview_count", n=len(shown), total=len(frame)))
            st.dataframe(shown, hide_index=True, width="stretch")
