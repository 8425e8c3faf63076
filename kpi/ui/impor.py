"""The Impor data page's Streamlit parts: upload, dry-run report, mapping, commit, history."""

from __future__ import annotations

import hashlib
import json
import logging
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.ingest import commit, plan_import, save_mapping, undo
from kpi.ingest.history import list_batches
from kpi.ingest.kinds import KINDS, column_names
from kpi.ingest.plan import Plan, delete_mapping, list_mappings
from kpi.ingest.rejected import batch_rejected_excel, plan_rejected_excel
from kpi.ingest.template import build_template
from kpi.ingest.vocab import (
    delete_value_mapping,
    list_value_mappings,
    load_vocabulary,
    mapping_json,
    save_value_mappings,
)
from kpi.store import DATA_TABLE_KEYS, Store
from kpi.ui import masuk, state
from kpi.ui.layout import demo_clear_confirm
from kpi.ui.literal import md

log = logging.getLogger("tpbis")
UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"]


def _error_text(exc: Exception) -> str:
    """What to tell the user about a failure: the store's own message (a damaged or held
    database file included), else a short generic one (the log keeps the details)."""
    known = state.store_message(exc)
    if known is not None:
        return md(known)
    log.exception("import page")
    return state.tr("impor.error", pesan=md(str(exc)[:300]))


def _show_error(exc: Exception) -> None:
    st.error(_error_text(exc))


def _msg(m: Any) -> str:
    """A message of the importer, as literal text (it names files, sheets and values)."""
    if m is None:
        return ""
    return md(m.message_en if state.lang() == "en" else m.message_id)


def _user() -> str | None:
    """The name of the principal who imports (the signed-in user, or the local operator)."""
    return masuk.actor().name


def _kind_label(kind: str | None) -> str:
    return state.tr(f"impor.kind_{kind}") if kind else state.tr("impor.kind_none")


def _sheet_key(file: str, sheet: str) -> str:
    return f"{file}::{sheet}"


@st.cache_data(show_spinner=False)
def _template() -> bytes:
    return build_template()


def render(store: Store) -> None:
    st.title(state.tr("impor.title"))
    st.caption(state.tr("impor.intro"))
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
        _demo_section(store)
    tab_upload, tab_history, tab_template = st.tabs(
        [
            state.tr("impor.tab_upload"),
            state.tr("impor.tab_history"),
            state.tr("impor.tab_template"),
        ]
    )
    with tab_upload:
        try:
            _upload_section(store)
        except Exception as exc:  # a user never sees a traceback
            _show_error(exc)
    with tab_history:
        try:
            _history_section(store)
        except Exception as exc:
            _show_error(exc)
    with tab_template:
        st.write(state.tr("impor.template_help"))
        st.download_button(
            state.tr("impor.template_download"),
            data=_template(),
            file_name="templat_impor_tpbis.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="impor_template",
        )


def _demo_section(store: Store) -> None:
    if not store.has_demo():
        return
    with st.container(border=True):
        st.markdown(f"**{state.tr('impor.demo_title')}**: {state.tr('impor.demo_help')}")
        if not masuk.actor().undo_scope().everything:  # clearing undoes rows everywhere
            return
        # the same confirmation as the banner's: nothing is deleted on the first click
        with st.popover(state.tr("impor.demo_clear")):
            demo_clear_confirm(store, "impor_clear_demo")


# ---------------------------------------------------------------------------------------------
# upload, dry run, commit


def _get_plan(store: Store, files: list[tuple[str, bytes]]) -> Plan:
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
    bar = slot.progress(0.0, text=state.tr("impor.checking"))

    def progress(fraction: float, name: str) -> None:
        text = state.tr("impor.reading", nama=name) if name else state.tr("impor.checking")
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
        capture=masuk.actor().capture_scope(),  # rows outside the user's capture areas: rejected
    )
    slot.empty()
    st.session_state["impor_plan"] = (ident, plan)
    return plan


def _upload_section(store: Store) -> None:
    n = st.session_state.get("impor_upload_n", 0)
    uploaded = st.file_uploader(
        state.tr("impor.upload"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        help=state.tr("impor.upload_help"),
        key=f"impor_upload_{n}",
    )
    if not uploaded:
        _saved_mappings_section(store)
        return
    files = [(u.name, u.getvalue()) for u in uploaded]
    plan = _get_plan(store, files)
    for n_file, f in enumerate(plan.files):
        _file_block(store, f, n_file)
    _values_section(store, plan)
    _report(plan)
    _notes(plan)
    if not plan.importable:
        st.warning(state.tr("impor.nothing"))
        return
    st.caption(state.tr("impor.commit_help"))
    empty = not (plan.accepted or plan.rejected)
    if st.button(state.tr("impor.commit"), type="primary", key="impor_commit", disabled=empty):
        result = commit(store, plan, user=_user(), actor=masuk.actor())
        st.session_state["impor_flash"] = state.tr(
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
    _saved_mappings_section(store)


def _file_block(store: Store, f: Any, n_file: int) -> None:
    if f.status == "refused":
        st.error(f"**{state.tr('impor.refused', nama=md(f.file))}**: {_msg(f.message)}")
        if not f.sheets:
            return  # refused before reading: no sheet to map
    else:
        st.markdown(f"#### {state.tr('impor.file_ok', nama=md(f.file))}")
        if f.already is not None:  # the same bytes were committed before
            st.info(_msg(f.already_message()), icon=":material/content_copy:")
    for s in f.sheets:
        label = f"{state.tr('impor.sheet', sheet=md(s.sheet))} · " + _kind_label(s.kind)
        with st.expander(
            label,
            expanded=bool(s.kind and s.rejected)
            or (s.kind is None and bool(s.header and s.header.columns)),
        ):
            if s.skipped is not None:
                st.info(f"{state.tr('impor.skipped')}: {_msg(s.skipped)}")
            else:
                cols = st.columns(4)
                cols[0].metric(state.tr("impor.header_row"), s.header_row)
                cols[1].metric(state.tr("impor.rows"), state.num(s.rows))
                cols[2].metric(state.tr("impor.accepted"), state.num(s.accepted))
                cols[3].metric(state.tr("impor.rejected"), state.num(s.rejected))
                if s.skipped_rows:
                    st.caption(state.tr("impor.skipped_rows", n=s.skipped_rows))
            if s.header is not None and s.header.columns:
                _mapping_editor(store, f.file, s, n_file)


def _mapping_editor(store: Store, file: str, s: Any, n_file: int) -> None:
    head = s.header
    key = _sheet_key(file, s.sheet)
    # widget keys by position too: two uploads may share a file name
    wkey = hashlib.sha1(f"{n_file}:{key}".encode()).hexdigest()[:10]
    kind_now = s.kind or head.near_kind
    options_kind = [""] + list(KINDS)
    chosen_kind = st.selectbox(
        state.tr("impor.kind"),
        options_kind,
        index=options_kind.index(kind_now) if kind_now in options_kind else 0,
        format_func=lambda k: _kind_label(k or None),
        key=f"impor_kind_{wkey}",
    )
    st.caption(state.tr("impor.mapping_help"))
    unmapped = head.unmapped()
    if unmapped:
        st.caption(state.tr("impor.unmapped", kolom=md(", ".join(unmapped))))
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
            "header": st.column_config.TextColumn(state.tr("impor.col_header")),
            "column": st.column_config.SelectboxColumn(
                state.tr("impor.col_column"), options=["", *names]
            ),
            "source": st.column_config.TextColumn(state.tr("impor.col_source")),
        },
        width="stretch",
    )
    mapping = {
        str(h): ("" if c is None or (isinstance(c, float) and c != c) else str(c))
        for h, c in zip(edited["header"], edited["column"], strict=True)
    }
    left, right = st.columns(2)
    if left.button(state.tr("impor.apply_mapping"), key=f"impor_apply_{wkey}"):
        st.session_state.setdefault("impor_manual", {})[key] = mapping
        if chosen_kind:
            st.session_state.setdefault("impor_kinds", {})[key] = chosen_kind
        st.rerun()
    if right.button(
        state.tr("impor.save_mapping"), key=f"impor_save_{wkey}", disabled=not chosen_kind
    ):
        save_mapping(store, head.signature, chosen_kind, mapping)
        st.success(state.tr("impor.mapping_saved"))


def _report(plan: Plan) -> None:
    st.subheader(state.tr("impor.report"))
    cols = st.columns(5)
    cols[0].metric(state.tr("impor.accepted"), state.num(plan.accepted))
    cols[1].metric(state.tr("impor.rejected"), state.num(plan.rejected))
    cols[2].metric(state.tr("impor.added"), state.num(plan.added))
    cols[3].metric(state.tr("impor.changed"), state.num(plan.changed))
    cols[4].metric(state.tr("impor.unchanged"), state.num(plan.unchanged))
    _preview(plan)
    issues = plan.issues
    if issues.empty:
        if plan.importable:
            st.success(state.tr("impor.no_issues"))
        return
    message_col = "message_en" if state.lang() == "en" else "message_id"
    counts = (
        issues.groupby(["file", "sheet", "rule"], sort=False)
        .agg(n=("row", "size"), rows=("row", "nunique"))
        .reset_index()
        .rename(
            columns={
                "file": state.tr("impor.col_file"),
                "sheet": state.tr("impor.col_sheet"),
                "rule": state.tr("impor.col_rule"),
                "n": state.tr("impor.count_issues"),
                "rows": state.tr("impor.count_rows"),
            }
        )
    )
    st.dataframe(counts, hide_index=True, width="stretch")
    f1, f2, f3, f4 = st.columns(4)
    files = f1.multiselect(state.tr("impor.filter_file"), sorted(issues["file"].unique()))
    sheets = f2.multiselect(state.tr("impor.filter_sheet"), sorted(issues["sheet"].unique()))
    rules = f3.multiselect(state.tr("impor.filter_rule"), sorted(issues["rule"].unique()))
    text = f4.text_input(state.tr("impor.filter_text"))
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
    st.caption(state.tr("impor.issues_count", n=len(shown), total=len(issues)))
    view = shown[["file", "sheet", "row", "column", "value", "rule", message_col]].rename(
        columns={
            "file": state.tr("impor.col_file"),
            "sheet": state.tr("impor.col_sheet"),
            "row": state.tr("impor.col_row"),
            "column": state.tr("impor.col_column_file"),
            "value": state.tr("impor.col_value"),
            "rule": state.tr("impor.col_rule"),
            message_col: state.tr("impor.col_message"),
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")
    st.download_button(
        state.tr("impor.download_rejected"),
        # built when clicked: a large rejected set takes a while to write as Excel
        data=partial(plan_rejected_excel, plan.issues, plan.rejected_rows, state.lang()),
        file_name="baris_ditolak.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="impor_download_rejected",
    )


PREVIEW_ROWS = 500


# ---------------------------------------------------------------------------------------------
# values the importer could not place: the analyst says what they mean

VALUE_CHOICES = "impor_values"  # {vocabulary: {key: value}} chosen on this page
VALUE_SEEN = "impor_values_seen"  # {(vocabulary, key): (as written, columns, rows)}
MAX_VALUES_SHOWN = 40


def _value_choices() -> dict[str, dict[str, str]]:
    return st.session_state.setdefault(VALUE_CHOICES, {})  # type: ignore[no-any-return]


def _value_key(vocab: str, key: str) -> str:
    return "impor_val_" + hashlib.sha1(f"{vocab}\x00{key}".encode()).hexdigest()[:12]


def _vocab_label(vocab: str) -> str:
    return state.tr(f"impor.vocab_{vocab}")


def _value_label(vocab: str, value: str) -> str:
    return load_vocabulary()[vocab].label(value, state.lang())


def _choose_value(vocab: str, key: str, widget: str) -> None:
    """on_change of a value's selectbox: remember its meaning (the dry run runs again)."""
    chosen = st.session_state.get(widget)
    choices = _value_choices()
    if chosen:
        choices.setdefault(vocab, {})[key] = chosen
    else:
        choices.get(vocab, {}).pop(key, None)


def _values_section(store: Store, plan: Plan) -> None:
    """Each value that could not be placed, once, with how many rows carry it; picking its
    meaning re-runs the dry run at once. The choices can be saved for every later file."""
    seen: dict[tuple[str, str], tuple[str, str, int]] = st.session_state.setdefault(VALUE_SEEN, {})
    groups: dict[tuple[str, str], list[Any]] = {}
    for u in plan.unplaced.itertuples(index=False):
        g = groups.setdefault((u.vocab, u.key), [u.written, [], 0])
        if u.header not in g[1]:
            g[1].append(u.header)
        g[2] += int(u.rows)
    for (vocab, key), (written, headers, rows) in groups.items():
        seen[(vocab, key)] = (written, ", ".join(headers), rows)
    choices = _value_choices()
    chosen = [(v, k) for v, entries in choices.items() for k in entries if (v, k) in seen]
    if not groups and not chosen:
        return
    with st.container(border=True, key="impor_values"):
        st.subheader(state.tr("impor.values_title"))
        st.caption(state.tr("impor.values_help"))
        shown = list(groups.items())[:MAX_VALUES_SHOWN]
        if shown:
            head = st.columns([3, 3, 1, 3])
            head[0].caption(state.tr("impor.values_col_value"))
            head[1].caption(state.tr("impor.values_col_column"))
            head[2].caption(state.tr("impor.values_col_rows"))
            head[3].caption(state.tr("impor.values_col_meaning"))
        for n, ((vocab, key), (written, headers, rows)) in enumerate(shown):
            widget = _value_key(vocab, key)
            with st.container(key=f"impor_value_row_{n}"):
                cols = st.columns([3, 3, 1, 3], vertical_alignment="center")
                cols[0].text(written)  # as written in the file: plain text, never Markdown
                cols[1].text(f"{', '.join(headers)} · {_vocab_label(vocab)}")
                cols[2].text(state.num(rows))
                options = list(load_vocabulary()[vocab].values)
                cols[3].selectbox(
                    state.tr("impor.values_meaning", n=n + 1),
                    options,
                    index=None,
                    placeholder=state.tr("impor.values_placeholder"),
                    format_func=partial(_value_label, vocab),
                    key=widget,
                    label_visibility="collapsed",
                    on_change=_choose_value,
                    args=(vocab, key, widget),
                )
        if len(groups) > MAX_VALUES_SHOWN:
            st.caption(state.tr("impor.values_more", n=len(groups) - MAX_VALUES_SHOWN))
        if chosen:
            st.markdown(f"**{state.tr('impor.values_chosen')}**")
            frame = pd.DataFrame(
                {
                    state.tr("impor.values_col_value"): [seen[c][0] for c in chosen],
                    state.tr("impor.values_col_column"): [seen[c][1] for c in chosen],
                    state.tr("impor.values_col_rows"): [seen[c][2] for c in chosen],
                    state.tr("impor.values_col_meaning"): [
                        _value_label(v, choices[v][k]) for v, k in chosen
                    ],
                }
            )
            st.dataframe(frame, hide_index=True, width="stretch")
            left, right = st.columns(2)
            if left.button(state.tr("impor.values_save"), key="impor_values_save", type="primary"):
                n_saved = save_value_mappings(
                    store, [(v, k, seen[(v, k)][0], choices[v][k]) for v, k in chosen]
                )
                st.session_state.pop(VALUE_CHOICES, None)  # saved ones now apply by themselves
                st.session_state["impor_flash"] = state.tr("impor.values_saved", n=n_saved)
                st.rerun()
            if right.button(state.tr("impor.values_clear"), key="impor_values_clear"):
                st.session_state.pop(VALUE_CHOICES, None)
                for v, k in chosen:
                    st.session_state.pop(_value_key(v, k), None)
                st.rerun()


def _notes(plan: Plan) -> None:
    """What the importer read for the analyst: never a reason to reject a row."""
    notes = plan.notes
    if notes.empty:
        return
    message_col = "message_en" if state.lang() == "en" else "message_id"
    with st.expander(state.tr("impor.notes_title", n=state.num(len(notes)))):
        st.caption(state.tr("impor.notes_help"))
        view = notes[["file", "sheet", "row", "column", "value", message_col]].head(PREVIEW_ROWS)
        view = view.rename(
            columns={
                "file": state.tr("impor.col_file"),
                "sheet": state.tr("impor.col_sheet"),
                "row": state.tr("impor.col_row"),
                "column": state.tr("impor.col_column_file"),
                "value": state.tr("impor.col_value"),
                message_col: state.tr("impor.col_message"),
            }
        )
        st.dataframe(view, hide_index=True, width="stretch")


def _saved_mappings_section(store: Store) -> None:
    """The saved value and column mappings, listed, each removable."""
    values = list_value_mappings(store)
    columns = list_mappings(store)
    label = state.tr("impor.saved_title", n=len(values) + len(columns))
    with st.expander(label):
        if not values and not columns:
            st.caption(state.tr("impor.saved_none"))
            return
        if values:
            st.markdown(f"**{state.tr('impor.saved_values')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        state.tr("impor.values_col_value"): [m["written"] for m in values],
                        state.tr("impor.col_vocab"): [
                            _vocab_label(m["vocabulary"]) for m in values
                        ],
                        state.tr("impor.values_col_meaning"): [
                            _value_label(m["vocabulary"], m["value"]) for m in values
                        ],
                        state.tr("impor.created_at"): [m["created_at"] for m in values],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            ids = {f"{m['vocabulary']}\x00{m['key']}": m for m in values}
            remove = st.multiselect(
                state.tr("impor.saved_choose_values"),
                list(ids),
                format_func=lambda i: (
                    f"{ids[i]['written']} → {_value_label(ids[i]['vocabulary'], ids[i]['value'])}"
                ),
                key="impor_saved_values_remove",
            )
            if st.button(
                state.tr("impor.saved_remove"), key="impor_saved_values_delete", disabled=not remove
            ):
                for i in remove:
                    delete_value_mapping(store, ids[i]["vocabulary"], ids[i]["key"])
                st.session_state["impor_flash"] = state.tr("impor.saved_removed", n=len(remove))
                st.session_state.pop("impor_saved_values_remove", None)
                st.rerun()
        if columns:
            st.markdown(f"**{state.tr('impor.saved_columns')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        state.tr("impor.kind"): [_kind_label(m["kind"]) for m in columns],
                        state.tr("impor.col_mapping"): [
                            "; ".join(f"{h} → {c or '—'}" for h, c in m["mapping"].items())
                            for m in columns
                        ],
                        state.tr("impor.created_at"): [m["created_at"] for m in columns],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            sigs = {m["signature"]: m for m in columns}
            remove_cols = st.multiselect(
                state.tr("impor.saved_choose_columns"),
                list(sigs),
                format_func=lambda t: (
                    f"{_kind_label(sigs[t]['kind'])} · " + ", ".join(list(sigs[t]["mapping"])[:4])
                ),
                key="impor_saved_columns_remove",
            )
            if st.button(
                state.tr("impor.saved_remove"),
                key="impor_saved_columns_delete",
                disabled=not remove_cols,
            ):
                for t in remove_cols:
                    delete_mapping(store, t)
                st.session_state["impor_flash"] = state.tr(
                    "impor.saved_removed", n=len(remove_cols)
                )
                st.session_state.pop("impor_saved_columns_remove", None)
                st.rerun()


def _preview(plan: Plan) -> None:
    """The accepted records per table, each with what the commit would do with it."""
    if not plan.tables:
        return
    with st.expander(state.tr("impor.preview")):
        labels = {s: state.tr(f"impor.status_{s}") for s in ("baru", "berubah", "sama")}
        for table, tp in plan.tables.items():
            st.markdown(f"**{_kind_label(table)}**")
            chosen = st.multiselect(
                state.tr("impor.status"),
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
            shown.insert(0, state.tr("impor.status"), frame["_status"].map(labels))
            shown.insert(0, state.tr("impor.col_row"), frame["_row"])
            shown.insert(0, state.tr("impor.col_sheet"), frame["_sheet"])
            shown.insert(0, state.tr("impor.col_file"), frame["_file"])
            st.caption(state.tr("impor.preview_count", n=len(shown), total=len(frame)))
            st.dataframe(shown, hide_index=True, width="stretch")


# ---------------------------------------------------------------------------------------------
# history and undo


NO_USER = "—"  # no login yet: the app records no user (the command line records the login)


def _files(b: dict[str, Any]) -> str:
    return ", ".join(b["files"]) or "–"


def _batch_label(b: dict[str, Any]) -> str:
    """A batch in the chooser (plain text): id, files, time, rows, and whether it is undone."""
    status = state.tr("impor.status_undone" if b["undone"] else "impor.status_committed")
    rows = state.tr("impor.batch_rows", n=state.num(b["accepted"]))
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


def _undo_clicked(store: Store, info: dict[str, Any]) -> None:
    """The confirmation's callback, bound to the batch it named when it was drawn: it undoes
    that batch or says why not, whatever the chooser shows by the time the click arrives."""
    batch_id = info["batch_id"]
    last = st.session_state.get("impor_undo_last")
    if last and last[0] == batch_id:  # a second click on the same confirmation: done already
        st.session_state["impor_undo_notice"] = ("ok", last[1])
        return
    try:
        result = undo(store, batch_id, actor=masuk.actor())
    except Exception as exc:
        st.session_state["impor_undo_notice"] = ("error", _error_text(exc))
        return
    text = state.tr(
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


def _history_section(store: Store) -> None:
    notice = st.session_state.pop("impor_undo_notice", None)
    if notice:
        (st.success if notice[0] == "ok" else st.error)(notice[1])
    batches = list_batches(store)
    if not batches:
        st.info(state.tr("impor.history_empty"))
        return
    frame = pd.DataFrame(
        {
            state.tr("impor.batch"): [b["batch_id"] for b in batches],
            state.tr("impor.created_at"): [b["created_at"] for b in batches],
            state.tr("impor.files"): [", ".join(b["files"]) for b in batches],
            state.tr("impor.accepted"): [b["accepted"] for b in batches],
            state.tr("impor.rejected"): [b["rejected"] for b in batches],
            state.tr("impor.added"): [b["added"] for b in batches],
            state.tr("impor.changed"): [b["changed"] for b in batches],
            state.tr("impor.status"): [
                state.tr("impor.status_undone" if b["undone"] else "impor.status_committed")
                for b in batches
            ],
            state.tr("impor.user"): [b["user"] or NO_USER for b in batches],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            state.tr("impor.user"): st.column_config.TextColumn(
                state.tr("impor.user"), help=state.tr("impor.user_help")
            )
        },
    )
    by_id = {b["batch_id"]: b for b in batches if b["source"] == "impor"}
    choices = list(by_id)  # newest first
    if not choices:
        return
    _follow_latest(choices)
    chosen = st.selectbox(
        state.tr("impor.choose_batch"),
        choices,
        format_func=lambda b: _batch_label(by_id[b]) if b in by_id else str(b),
        key="impor_batch",
    )
    info = by_id[chosen]
    left, right = st.columns(2)
    if info["undone"]:
        left.caption(state.tr("impor.already_undone", waktu=md(info["undone_at"] or "–")))
    else:
        with left.popover(state.tr("impor.undo")):
            # the confirmation names the batch it undoes, and its button is bound to that batch
            st.markdown(
                state.tr(
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
            st.caption(state.tr("impor.undo_help"))
            st.button(
                state.tr("impor.undo_confirm"),
                type="primary",
                key=f"impor_undo_{chosen}",
                on_click=_undo_clicked,
                args=(store, info),
            )
    if info["rejected"]:
        right.download_button(
            state.tr("impor.batch_rejected"),
            data=partial(batch_rejected_excel, store, chosen, state.lang()),
            file_name=f"ditolak_{chosen}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="impor_batch_rejected",
        )
