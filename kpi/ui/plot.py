"""Showing a Plotly figure without redoing Plotly's work on every run of a page.

``st.plotly_chart`` turns a Figure into a dict with ``to_dict()`` (a deep copy of every array)
and, handed a dict, validates it again by building a whole Figure from it and copying that
(about 10 ms for a small chart, a few hundred for the map with its outlines) on every run, a
revisit included. A figure here is turned into its dict once (or comes as the dict a page
cached) and handed over as it is; the spec Streamlit sends is the same as before.

The house template (plotly_white) is Plotly's default once kpi.ui is imported (kpi/ui/__init__).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st


class _Spec(go.Figure):
    """A figure already turned into its dict: ``to_dict()`` returns that dict, unchanged.

    Only what st.plotly_chart asks of a Figure is provided (it is a Figure for its isinstance
    check and calls ``to_dict()``); it is not meant for anything else.
    """

    def __init__(self, spec: dict[str, Any]) -> None:  # no Figure.__init__: nothing to validate
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict[str, Any]:
        return self._spec


def spec(fig: go.Figure | dict[str, Any]) -> dict[str, Any]:
    """The dict of a figure (a dict is taken as one already)."""
    return fig if isinstance(fig, dict) else fig.to_dict()


# a chart read on a phone: no toolbar over the legend (a tap would show it), no Plotly logo
NO_TOOLBAR: dict[str, Any] = {"displayModeBar": False, "displaylogo": False}


def chart(
    fig: go.Figure | dict[str, Any], where: Any = None, *, toolbar: bool = True, **kwargs: Any
) -> Any:
    """``st.plotly_chart`` (or ``where.plotly_chart``, e.g. a column) of a figure or its dict;
    ``toolbar=False``: without Plotly's toolbar (pages read on a phone)."""
    target = st if where is None else where
    if not toolbar:
        kwargs["config"] = {**NO_TOOLBAR, **kwargs.get("config", {})}
    return target.plotly_chart(_Spec(spec(fig)), **kwargs)
