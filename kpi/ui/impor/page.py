"""The Impor page: the tabs, the demo notice, the upload, each file's sheets and its column
mapping."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st

from kpi.access import Principal
from kpi.ingest import commit, plan_import, save_mapping
from kpi.ingest.kinds import KINDS, column_names
from kpi.ingest.plan import Plan
from kpi.ingest.vocab import (
    mapping_json,
)
from kpi.store import Store
from kpi.ui import state
from kpi.ui.context import PageContext
from kpi.ui.impor.common import (
    UPLOAD_TYPES,
    _kind_label,
    _msg,
    _sheet_key,
    _show_error,
    _template,
    _user,
)
from kpi.ui.impor.history import (
    _history_section,
)
from kpi.ui.impor.mappings import _saved_mappings_section
from kpi.ui.impor.report import _notes, _report
from kpi.ui.impor.values import (
    VALUE_CHOICES,
    VALUE_SEEN,
    _value_choices,
    _values_section,
)
from kpi.ui.layout import demo_clear_confirm
from kpi.ui.literal import md


def render(ctx: PageContext) -> None:
    store = ctx.store
    ctx.title(ctx.t("impor.title"), ctx.t("impor.intro"))
    # The browser keeps the open tab across reruns as long as the tabs keep their place on the
    # page: the message of the last action and the demo notice always have their slot above
    # them (filled or empty), so that an undo on the history tab stays there. (Tabs bound to
    # session state would rerun the page on every tab click, and a late run could switch the
    # tab back under a quick user.)
    flash_slot, demo_slot = st.container(), st.container()
    flash = st.session_state.pop("impor_flash", None)
    if flash:
        flash_slot.success(flash)
    with demo_slot:
        _demo_section(ctx, store, ctx.actor)
    tab_upload, tab_history, tab_template = st.tabs(
        [
            ctx.t("impor.tab_upload"),
            ctx.t("impor.tab_history"),
            ctx.t("impor.tab_template"),
        ]
    )
    with tab_upload:
        try:
            _upload_section(ctx, store, ctx.actor)
        except Exception as exc:  # a user never sees a traceback
            _show_error(ctx, exc)
    with tab_history:
        try:
            _history_section(ctx, store, ctx.actor)
        except Exception as exc:
            _show_error(ctx, exc)
    with tab_template:
        st.write(ctx.t("impor.template_help"))
        st.download_button(
            ctx.t("impor.template_download"),
            data=_template(),
            file_name="templat_impor_tpbis.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="impor_template",
        )


def _demo_section(ctx: PageContext, store: Store, who: Principal) -> None:
    if not store.has_demo():
        return
    with st.container(border=True):
        st.markdown(f"**{ctx.t('impor.demo_title')}**: {ctx.t('impor.demo_help')}")
        if not who.undo_scope().everything:  # clearing undoes rows everywhere
            return
        # the same confirmation as the banner's: nothing is deleted on the first click
        with st.popover(ctx.t("impor.demo_clear")):
            demo_clear_confirm(ctx, "impor_clear_demo", who)


def _get_plan(
    ctx: PageContext, store: Store, files: list[tuple[str, bytes]], who: Principal
) -> Plan:
    manual: dict[str, dict[str, str]] = st.session_state.setdefault("impor_manual", {})
    kinds: dict[str, str] = st.session_state.setdefault("impor_kinds", {})
    values: dict[str, dict[str, str]] = _value_choices()
    ident = hashlib.sha256(
        json.dumps(
            [
                [(n, hashlib.sha256(d).hexdigest()) for n, d in files],
                manual,
                kinds,
                mapping_json(values),
                store.data_version(),
                who.name,  # the capture areas are the principal's: another user, another plan
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    # one slot for the progress bar on every run: the elements below keep their place (an
    # expander opened by the analyst stays open when the next run reuses the plan)
    slot = st.empty()
    cached = st.session_state.get("impor_plan")
    if cached is not None and cached[0] == ident:
        return cached[1]  # type: ignore[no-any-return]
    bar = slot.progress(0.0, text=ctx.t("impor.checking"))

    def progress(fraction: float, name: str) -> None:
        text = ctx.t("impor.reading", nama=name) if name else ctx.t("impor.checking")
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    manual_t = {tuple(k.split("::", 1)): v for k, v in manual.items()}
    kinds_t = {tuple(k.split("::", 1)): v for k, v in kinds.items()}
    plan = plan_import(
        store,
        files,
        manual=manual_t,  # type: ignore[arg-type]
        kinds=kinds_t,  # type: ignore[arg-type]
        values=values,
        progress=progress,
        capture=who.capture_scope(),  # rows outside the user's capture areas: rejected
    )
    slot.empty()
    st.session_state["impor_plan"] = (ident, plan)
    return plan


def _upload_section(ctx: PageContext, store: Store, who: Principal) -> None:
    n = st.session_state.get("impor_upload_n", 0)
    uploaded = st.file_uploader(
        ctx.t("impor.upload"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        help=ctx.t("impor.upload_help"),
        key=f"impor_upload_{n}",
    )
    if not uploaded:
        _saved_mappings_section(ctx, store)
        return
    files = [(u.name, u.getvalue()) for u in uploaded]
    plan = _get_plan(ctx, store, files, who)
    for n_file, f in enumerate(plan.files):
        _file_block(ctx, store, f, n_file)
    _values_section(ctx, store, plan)
    _report(ctx, plan)
    _notes(ctx, plan)
    if not plan.importable:
        st.warning(ctx.t("impor.nothing"))
        return
    st.caption(ctx.t("impor.commit_help"))
    empty = not (plan.accepted or plan.rejected)
    if st.button(ctx.t("impor.commit"), type="primary", key="impor_commit", disabled=empty):
        result = commit(store, plan, user=_user(who), actor=who)
        st.session_state["impor_flash"] = ctx.t(
            "impor.committed",
            batch=result.batch_id,
            added=result.added,
            changed=result.changed,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )
        st.session_state["impor_upload_n"] = n + 1
        for key in ("impor_plan", "impor_manual", "impor_kinds", VALUE_CHOICES, VALUE_SEEN):
            st.session_state.pop(key, None)
        st.rerun()
    _saved_mappings_section(ctx, store)


def _file_block(ctx: PageContext, store: Store, f: Any, n_file: int) -> None:
    if f.status == "refused":
        st.error(f"**{ctx.t('impor.refused', nama=md(f.file))}**: {_msg(ctx, f.message)}")
        if not f.sheets:
            return  # refused before reading: no sheet to map
    else:
        st.markdown(f"#### {ctx.t('impor.file_ok', nama=md(f.file))}")
        if f.already is not None:  # the same bytes were committed before
            st.info(_msg(ctx, f.already_message()), icon=":material/content_copy:")
    for s in f.sheets:
        label = f"{ctx.t('impor.sheet', sheet=md(s.sheet))} · " + _kind_label(ctx, s.kind)
        with st.expander(
            label,
            expanded=bool(s.kind and s.rejected)
            or (s.kind is None and bool(s.header and s.header.columns)),
        ):
            if s.skipped is not None:
                st.info(f"{ctx.t('impor.skipped')}: {_msg(ctx, s.skipped)}")
            else:
                cols = st.columns(4)
                cols[0].metric(ctx.t("impor.header_row"), s.header_row)
                cols[1].metric(ctx.t("impor.rows"), state.num(s.rows))
                cols[2].metric(ctx.t("impor.accepted"), state.num(s.accepted))
                cols[3].metric(ctx.t("impor.rejected"), state.num(s.rejected))
                if s.skipped_rows:
                    st.caption(ctx.t("impor.skipped_rows", n=s.skipped_rows))
            if s.header is not None and s.header.columns:
                _mapping_editor(ctx, store, f.file, s, n_file)


def _mapping_editor(ctx: PageContext, store: Store, file: str, s: Any, n_file: int) -> None:
    head = s.header
    key = _sheet_key(file, s.sheet)
    # widget keys by position too: two uploads may share a file name
    wkey = hashlib.sha1(f"{n_file}:{key}".encode()).hexdigest()[:10]
    kind_now = s.kind or head.near_kind
    options_kind = [""] + list(KINDS)
    chosen_kind = st.selectbox(
        ctx.t("impor.kind"),
        options_kind,
        index=options_kind.index(kind_now) if kind_now in options_kind else 0,
        format_func=lambda k: _kind_label(ctx, k or None),
        key=f"impor_kind_{wkey}",
    )
    st.caption(ctx.t("impor.mapping_help"))
    unmapped = head.unmapped()
    if unmapped:
        st.caption(ctx.t("impor.unmapped", kolom=md(", ".join(unmapped))))
    names = sorted(column_names(chosen_kind)) if chosen_kind else []
    frame = pd.DataFrame(
        {
            "header": [c.header for c in head.columns if c.header],
            "column": [c.column or "" for c in head.columns if c.header],
            "source": [c.source for c in head.columns if c.header],
        }
    )
    edited = st.data_editor(
        frame,
        key=f"impor_map_{wkey}",
        hide_index=True,
        disabled=["header", "source"],
        column_config={
            "header": st.column_config.TextColumn(ctx.t("impor.col_header")),
            "column": st.column_config.SelectboxColumn(
                ctx.t("impor.col_column"), options=["", *names]
            ),
            "source": st.column_config.TextColumn(ctx.t("impor.col_source")),
        },
        width="stretch",
    )
    mapping = {
        str(h): ("" if c is None or (isinstance(c, float) and c != c) else str(c))
        for h, c in zip(edited["header"], edited["column"], strict=True)
    }
    left, right = st.columns(2)
    if left.button(ctx.t("impor.apply_mapping"), key=f"impor_apply_{wkey}"):
        st.session_state.setdefault("impor_manual", {})[key] = mapping
        if chosen_kind:
            st.session_state.setdefault("impor_kinds", {})[key] = chosen_kind
        st.rerun()
    if right.button(
        ctx.t("impor.save_mapping"), key=f"impor_save_{wkey}", disabled=not chosen_kind
    ):
        save_mapping(store, head.signature, chosen_kind, mapping)
        st.success(ctx.t("impor.mapping_saved"))
