"""The Jelajah page's figure builders: ranking bars, trend lines and the distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi import i18n
from kpi.catalogue import Kpi
from kpi.ui.charts import BOX_POINTS_MAX, _layout, box_summary
from kpi.ui.jelajah.labels import (
    _fmt,
    _values,
    band_label,
    unit_label,
)
from kpi.ui.literal import html as esc
from kpi.ui.literal import html_list

BAR_COLOUR = "#1b4f72"
LINE_COLOURS = (
    "#1b4f72",
    "#d35400",
    "#117a65",
    "#7d3c98",
    "#b7950b",
    "#2e86c1",
    "#a93226",
    "#566573",
)
TOP_N = 15
MAX_LINES = 8


def ranking_bars(
    frame: pd.DataFrame, k: Kpi, lang: str, n: int = TOP_N, lowest: bool = False
) -> go.Figure:
    """Units sorted by the KPI, the highest first (or the lowest first), at most ``n`` bars.

    Each bar's hover names the unit, its value and (when ``frame`` has it) the band of its
    Skor KPI TPBIS.
    """
    banded = "band" in frame.columns
    vals = _values(frame, k).sort_values(["nilai", "nama"], ascending=[lowest, True])
    vals = vals.head(n)
    fmt = f",.{k.decimals}f"
    fig = go.Figure(
        go.Bar(
            x=vals["nilai"],
            y=html_list(vals["nama"]),  # names as text on the axis and in the hover
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[_fmt(v, lang, k.decimals) for v in vals["nilai"]],
            textposition="auto",
            customdata=[[band_label(b, lang)] for b in vals["band"]] if banded else None,
            hovertemplate=(
                f"%{{y}}: %{{x:{fmt}}} {unit_label(k, lang)}"
                + (f"<br>{i18n.t('kpi.band', lang)}: %{{customdata[0]}}" if banded else "")
                + "<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat=fmt, title=unit_label(k, lang), rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(height=max(260, 24 * len(vals) + 80), showlegend=False)
    return fig


def trend_lines(series: pd.DataFrame, k: Kpi, lang: str) -> go.Figure:
    """One line per unit over the months (``series`` from kpi.trend.monthly)."""
    fmt = f",.{k.decimals}f"
    fig = go.Figure()
    for i, (kode, rows) in enumerate(series.groupby("kode", sort=False)):
        rows = rows.sort_values("periode")
        name = str(rows["nama"].iloc[0]) if rows["nama"].notna().any() else str(kode)
        fig.add_scatter(
            x=rows["periode"],
            y=rows["nilai"],
            mode="lines+markers",
            # the unit's name is text (legend and hover), never a tag nor part of the template
            name=esc(name),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            marker={"size": 5},
            connectgaps=False,
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%m/%Y}}: %{{y:{fmt}}}<extra></extra>",
        )
    fig.update_xaxes(tickformat="%m/%Y", dtick="M1" if series["periode"].nunique() <= 12 else None)
    fig.update_yaxes(tickformat=fmt, title=unit_label(k, lang), rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(showlegend=True)
    return fig


def distribution(frame: pd.DataFrame, k: Kpi, lang: str) -> go.Figure:
    """The spread of the KPI over the units: a box (median, quartiles) above a histogram."""
    vals = _values(frame, k)
    fmt = f",.{k.decimals}f"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.22, 0.78])
    units = i18n.t("jelajah.units", lang)
    if len(vals) > BOX_POINTS_MAX:
        # thousands of units (every library): the box's five numbers and the histogram's bins
        # go to the browser, not every value (issue 15)
        fig.add_trace(
            go.Box(
                y=[""],
                **box_summary(vals["nilai"]),
                orientation="h",
                name="",
                marker_color=BAR_COLOUR,
                boxpoints=False,
            ),
            row=1,
            col=1,
        )
        counts, edges = np.histogram(vals["nilai"].astype(float), bins="auto")
        if len(counts) > 80:
            counts, edges = np.histogram(vals["nilai"].astype(float), bins=80)
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=float(edges[1] - edges[0]),
                marker_color=BAR_COLOUR,
                name=units,
                customdata=np.column_stack([edges[:-1], edges[1:]]),
                hovertemplate=(
                    f"%{{customdata[0]:{fmt}}}–%{{customdata[1]:{fmt}}}: %{{y:,.0f}} {units}"
                    "<extra></extra>"
                ),
            ),
            row=2,
            col=1,
        )
    else:
        fig.add_trace(
            go.Box(
                x=vals["nilai"],
                name="",
                marker_color=BAR_COLOUR,
                boxpoints="outliers",
                customdata=[[esc(n)] for n in vals["nama"]],
                hovertemplate=f"%{{customdata[0]}}: %{{x:{fmt}}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Histogram(
                x=vals["nilai"],
                marker_color=BAR_COLOUR,
                name=units,
                hovertemplate=f"%{{x}}: %{{y:,.0f}} {units}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_xaxes(tickformat=fmt, row=2, col=1, title=unit_label(k, lang))
    fig.update_yaxes(showticklabels=False, row=1, col=1)
    fig.update_yaxes(title=i18n.t("jelajah.units", lang), tickformat=",.0f", row=2, col=1)
    fig = _layout(fig, lang)
    fig.update_layout(showlegend=False, bargap=0.05)
    return fig
