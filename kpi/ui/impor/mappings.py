"""The saved column and value mappings: listed, and deleted one by one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.ingest.plan import delete_mapping, list_mappings
from kpi.ingest.vocab import (
    delete_value_mapping,
    list_value_mappings,
)
from kpi.store import Store
from kpi.ui.context import PageContext
from kpi.ui.impor.common import (
    _kind_label,
)
from kpi.ui.impor.values import (
    _value_label,
    _vocab_label,
)


def _saved_mappings_section(ctx: PageContext, store: Store) -> None:
    """The saved value and column mappings, listed, each removable."""
    values = list_value_mappings(store)
    columns = list_mappings(store)
    label = ctx.t("impor.saved_title", n=len(values) + len(columns))
    with st.expander(label):
        if not values and not columns:
            st.caption(ctx.t("impor.saved_none"))
            return
        if values:
            st.markdown(f"**{ctx.t('impor.saved_values')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        ctx.t("impor.values_col_value"): [m["written"] for m in values],
                        ctx.t("impor.col_vocab"): [
                            _vocab_label(ctx, m["vocabulary"]) for m in values
                        ],
                        ctx.t("impor.values_col_meaning"): [
                            _value_label(ctx, m["vocabulary"], m["value"]) for m in values
                        ],
                        ctx.t("impor.created_at"): [m["created_at"] for m in values],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            ids = {f"{m['vocabulary']}\x00{m['key']}": m for m in values}
            remove = st.multiselect(
                ctx.t("impor.saved_choose_values"),
                list(ids),
                format_func=lambda i: (
                    f"{ids[i]['written']} → "
                    f"{_value_label(ctx, ids[i]['vocabulary'], ids[i]['value'])}"
                ),
                key="impor_saved_values_remove",
            )
            if st.button(
                ctx.t("impor.saved_remove"), key="impor_saved_values_delete", disabled=not remove
            ):
                for i in remove:
                    delete_value_mapping(store, ids[i]["vocabulary"], ids[i]["key"])
                st.session_state["impor_flash"] = ctx.t("impor.saved_removed", n=len(remove))
                st.session_state.pop("impor_saved_values_remove", None)
                st.rerun()
        if columns:
            st.markdown(f"**{ctx.t('impor.saved_columns')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        ctx.t("impor.kind"): [_kind_label(ctx, m["kind"]) for m in columns],
                        ctx.t("impor.col_mapping"): [
                            "; ".join(f"{h} → {c or '—'}" for h, c in m["mapping"].items())
                            for m in columns
                        ],
                        ctx.t("impor.created_at"): [m["created_at"] for m in columns],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            sigs = {m["signature"]: m for m in columns}
            remove_cols = st.multiselect(
                ctx.t("impor.saved_choose_columns"),
                list(sigs),
                format_func=lambda t: (
                    f"{_kind_label(ctx, sigs[t]['kind'])} · "
                    + ", ".join(list(sigs[t]["mapping"])[:4])
                ),
                key="impor_saved_columns_remove",
            )
            if st.button(
                ctx.t("impor.saved_remove"),
                key="impor_saved_columns_delete",
                disabled=not remove_cols,
            ):
                for t in remove_cols:
                    delete_mapping(store, t)
                st.session_state["impor_flash"] = ctx.t("impor.saved_removed", n=len(remove_cols))
                st.session_state.pop("impor_saved_columns_remove", None)
                st.rerun()
