"""A page's own view in the URL, so that a shared link opens what its sender saw: the open tab,
the units compared, the map's colouring (the sidebar's filters are kpi.ui.filters').

Streamlit drops a widget's state when another page runs, so each choice is also kept in session
state under "_<key>": coming back to a page restores this session's choice first, then the
URL's (a shared link), then the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

LIST_SEPARATOR = ","


def restore(key: str, valid: Sequence[str], default: str) -> None:
    """The page's choice before its widget is drawn: this session's last one, else the URL's
    (a shared link), else the default."""
    if st.session_state.get(key) in valid:
        return
    for value in (st.session_state.get(f"_{key}"), st.query_params.get(key)):
        if value in valid:
            st.session_state[key] = value
            return
    st.session_state[key] = default


def remember(key: str, value: str, default: str | None = None) -> None:
    """Keep a choice for this session and in the URL (the default leaves the URL clean)."""
    st.session_state[f"_{key}"] = value
    if default is not None and value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value


def restore_list(key: str, valid: Sequence[str], param: str) -> None:
    """A multiselect's choices before it is drawn: this session's, else the URL's ``param``
    (codes separated by commas), only those still offered."""
    if key in st.session_state:
        return
    kept = st.session_state.get(f"_{key}")
    if kept is None:
        kept = [c for c in str(st.query_params.get(param) or "").split(LIST_SEPARATOR) if c]
    offered = set(valid)
    st.session_state[key] = [c for c in dict.fromkeys(kept) if c in offered]


def remember_list(key: str, values: Sequence[str], param: str) -> None:
    st.session_state[f"_{key}"] = list(values)
    if values:
        st.query_params[param] = LIST_SEPARATOR.join(values)
    else:
        st.query_params.pop(param, None)


def tabs(ids: Sequence[str], labels: Sequence[str], key: str, param: str) -> Sequence[Any]:
    """``st.tabs`` whose open tab is in the URL as ``param`` (a tab's id, the same in both
    languages; the first tab leaves the URL clean). Only the open tab's ``.open`` is true.
    ``key`` names the tabs (and this session's memory of them, "_<key>")."""
    memory = f"_{key.rsplit('_', 1)[0]}"  # the same in both languages (keys end in _<lang>)
    wanted = st.session_state.get(memory)
    if wanted not in ids:
        wanted = st.query_params.get(param)
    if key not in st.session_state and isinstance(wanted, str) and wanted in ids:
        # set before the tabs are drawn (a default= would change the widget's identity)
        st.session_state[key] = labels[list(ids).index(wanted)]
    out = st.tabs(list(labels), key=key, on_change="rerun")
    active = st.session_state.get(key)
    chosen = (
        ids[list(labels).index(active)] if isinstance(active, str) and active in labels else ids[0]
    )
    st.session_state[memory] = chosen
    if chosen == ids[0]:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = chosen
    return out
