"""The values a file writes its own way (kpi.ingest.vocab): chosen on the page, kept in the
session."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.ingest.plan import Plan
from kpi.ingest.vocab import (
    load_vocabulary,
    save_value_mappings,
)
from kpi.store import Store
from kpi.ui import state
from kpi.ui.context import PageContext

VALUE_CHOICES = "impor_values"  # {vocabulary: {key: value}} chosen on this page
VALUE_SEEN = "impor_values_seen"  # {(vocabulary, key): (as written, columns, rows)}
MAX_VALUES_SHOWN = 40


def _value_choices() -> dict[str, dict[str, str]]:
    return st.session_state.setdefault(VALUE_CHOICES, {})  # type: ignore[no-any-return]


def _value_key(vocab: str, key: str) -> str:
    return "impor_val_" + hashlib.sha1(f"{vocab}\x00{key}".encode()).hexdigest()[:12]


def _vocab_label(ctx: PageContext, vocab: str) -> str:
    return ctx.t(f"impor.vocab_{vocab}")


def _value_label(ctx: PageContext, vocab: str, value: str) -> str:
    return load_vocabulary()[vocab].label(value, ctx.lang)


def _choose_value(vocab: str, key: str, widget: str) -> None:
    """on_change of a value's selectbox: remember its meaning (the dry run runs again)."""
    chosen = st.session_state.get(widget)
    choices = _value_choices()
    if chosen:
        choices.setdefault(vocab, {})[key] = chosen
    else:
        choices.get(vocab, {}).pop(key, None)


def _values_section(ctx: PageContext, store: Store, plan: Plan) -> None:
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
        st.subheader(ctx.t("impor.values_title"))
        st.caption(ctx.t("impor.values_help"))
        shown = list(groups.items())[:MAX_VALUES_SHOWN]
        if shown:
            head = st.columns([3, 3, 1, 3])
            head[0].caption(ctx.t("impor.values_col_value"))
            head[1].caption(ctx.t("impor.values_col_column"))
            head[2].caption(ctx.t("impor.values_col_rows"))
            head[3].caption(ctx.t("impor.values_col_meaning"))
        for n, ((vocab, key), (written, headers, rows)) in enumerate(shown):
            widget = _value_key(vocab, key)
            with st.container(key=f"impor_value_row_{n}"):
                cols = st.columns([3, 3, 1, 3], vertical_alignment="center")
                cols[0].text(written)  # as written in the file: plain text, never Markdown
                cols[1].text(f"{', '.join(headers)} · {_vocab_label(ctx, vocab)}")
                cols[2].text(state.num(rows))
                options = list(load_vocabulary()[vocab].values)
                cols[3].selectbox(
                    ctx.t("impor.values_meaning", n=n + 1),
                    options,
                    index=None,
                    placeholder=ctx.t("impor.values_placeholder"),
                    format_func=partial(_value_label, ctx, vocab),
                    key=widget,
                    label_visibility="collapsed",
                    on_change=_choose_value,
                    args=(vocab, key, widget),
                )
        if len(groups) > MAX_VALUES_SHOWN:
            st.caption(ctx.t("impor.values_more", n=len(groups) - MAX_VALUES_SHOWN))
        if chosen:
            st.markdown(f"**{ctx.t('impor.values_chosen')}**")
            frame = pd.DataFrame(
                {
                    ctx.t("impor.values_col_value"): [seen[c][0] for c in chosen],
                    ctx.t("impor.values_col_column"): [seen[c][1] for c in chosen],
                    ctx.t("impor.values_col_rows"): [seen[c][2] for c in chosen],
                    ctx.t("impor.values_col_meaning"): [
                        _value_label(ctx, v, choices[v][k]) for v, k in chosen
                    ],
                }
            )
            st.dataframe(frame, hide_index=True, width="stretch")
            left, right = st.columns(2)
            if left.button(ctx.t("impor.values_save"), key="impor_values_save", type="primary"):
                n_saved = save_value_mappings(
                    store, [(v, k, seen[(v, k)][0], choices[v][k]) for v, k in chosen]
                )
                st.session_state.pop(VALUE_CHOICES, None)  # saved ones now apply by themselves
                st.session_state["impor_flash"] = ctx.t("impor.values_saved", n=n_saved)
                st.rerun()
            if right.button(ctx.t("impor.values_clear"), key="impor_values_clear"):
                st.session_state.pop(VALUE_CHOICES, None)
                for v, k in chosen:
                    st.session_state.pop(_value_key(v, k), None)
                st.rerun()
