"""The Profil page's figure builders: plain functions from values to a Plotly figure."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi import i18n
from kpi.palette import NO_DATA_COLOUR, TIER_COLOURS
from kpi.periods import Period
from kpi.ui.charts import BAND_COLOURS, BOX_POINTS_MAX, _layout, box_summary
from kpi.ui.literal import html as esc
from kpi.vocab import Band, Tier

LINE = "#1b4f72"
NO_SCORE = NO_DATA_COLOUR


def _text(v: Any) -> bool:
    """A non-empty string (a missing value from a frame may be None or NaN)."""
    return isinstance(v, str) and bool(v)


def _finite(v: Any) -> bool:
    try:
        return v is not None and not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def trends_figure(
    series: pd.DataFrame,
    titles: Mapping[str, str],
    lang: str,
    period: Period | None = None,
    cols: int = 2,
) -> go.Figure:
    """The monthly series of the place (``titles``: column -> title), one small panel each, in
    one figure; the view's period shaded in every panel. Unreported months are gaps, not 0.
    """
    names = list(titles)
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[titles[c] for c in names],
        horizontal_spacing=0.08,
        vertical_spacing=0.22 if rows > 1 else 0.1,
    )
    for i, column in enumerate(names):
        r, c = divmod(i, cols)
        fig.add_trace(
            go.Scatter(
                x=series["periode"],
                y=series[column],
                mode="lines+markers",
                marker={"size": 4},
                line={"color": LINE},
                name=titles[column],
                connectgaps=False,
                hovertemplate=f"{titles[column]}, %{{x|%m/%Y}}: %{{y:,.0f}}<extra></extra>",
            ),
            row=r + 1,
            col=c + 1,
        )
        if period is not None:
            fig.add_vrect(
                x0=pd.Timestamp(period.first) - pd.Timedelta(days=15),
                x1=pd.Timestamp(period.last) + pd.Timedelta(days=15),
                fillcolor="#85c1e9",
                opacity=0.18,
                line_width=0,
                row=r + 1,
                col=c + 1,
            )
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(height=250 * rows, showlegend=False, margin={"t": 40})
    return fig


def band_counts_figure(counts: Mapping[str, int], labels: Mapping[str, str], lang: str):
    """Libraries per band as one stacked horizontal bar, each band named in the legend."""
    fig = go.Figure()
    for band in (Band.MERAH, Band.KUNING, Band.HIJAU, "tanpa_skor"):
        n = int(counts.get(band, 0) or 0)
        fig.add_bar(
            x=[n],
            y=[""],
            orientation="h",
            name=f"{labels[band]}: {i18n.format_number(n, lang)}",
            marker_color=BAND_COLOURS.get(band, NO_SCORE),
            text=[i18n.format_number(n, lang)] if n else None,
            textposition="inside",
            hovertemplate=f"{labels[band]}: %{{x:,.0f}}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",.0f")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="stack", height=150, legend={"traceorder": "normal"})
    return fig


def peer_figure(
    table: pd.DataFrame, kode: str, column: str, title: str, place_label: str, lang: str
) -> go.Figure:
    """The peers' values as a box with every point, the place as a large marker, the median
    line; hover names each peer.
    """
    own = table[table["kode"].astype(str) == str(kode)]
    peers = table[(table["kode"].astype(str) != str(kode)) & table[column].notna()]
    fig = go.Figure()
    style = {
        "orientation": "h",
        "line": {"color": "#2e86c1"},
        "fillcolor": "rgba(133,193,233,0.15)",
        "name": i18n.t("profil.peers.peers", lang),
    }
    if len(peers) > BOX_POINTS_MAX:
        # thousands of peers (a national comparison): the box's five numbers, not every point
        fig.add_box(y=[title], **box_summary(peers[column]), boxpoints=False, **style)
    else:
        fig.add_box(
            x=peers[column].astype(float),
            y=[title] * len(peers),
            boxpoints="all",
            jitter=0.5,
            pointpos=0,
            marker={"color": "#85c1e9", "size": 6},
            text=[esc(n) for n in peers["nama"]] if "nama" in peers.columns else None,
            hovertemplate="%{text}: %{x:,.1f}<extra></extra>",
            **style,
        )
    if len(own) and _finite(own[column].iloc[0]):
        fig.add_scatter(
            x=[float(own[column].iloc[0])],
            y=[title],
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#b2182b", "line": {"width": 1}},
            name=esc(place_label),
            # the name is data: in the hover as text, never read as a template or a tag
            text=[esc(place_label)],
            hovertemplate="%{text}: %{x:,.1f}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",.1f")
    fig.update_yaxes(showticklabels=False)
    fig = _layout(fig, lang)
    fig.update_layout(height=220)
    return fig


def funnel_figure(values: Sequence[float], labels: Sequence[str], lang: str) -> go.Figure:
    """The 5A stages as a funnel (counts of the period; stages need not be nested)."""
    fig = go.Figure(
        go.Funnel(
            y=list(labels),
            x=[0 if not _finite(v) else float(v) for v in values],
            text=[i18n.format_number(v, lang) for v in values],
            textinfo="text",
            marker={
                "color": ["#1b4f72", "#2e86c1", "#5dade2", "#85c1e9", "#aed6f1"][-len(values) :]
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, lang)
    fig.update_layout(height=300)
    return fig


def stage_bars(
    values: Sequence[float],
    labels: Sequence[str],
    per100: Sequence[float],
    base: str,
    lang: str,
) -> go.Figure:
    """The 5A stages side by side as counts (they are not nested, so no narrowing funnel), each
    labelled with its count and how many it is per 100 of the first stage (``base``)."""
    texts = []
    for i, (v, r) in enumerate(zip(values, per100, strict=True)):
        count = i18n.format_number(v, lang)
        if i == 0 or not _finite(r):
            texts.append(count)
        else:
            per = i18n.t("profil.funnel.per100", lang, n=i18n.format_number(r, lang, 1), base=base)
            texts.append(f"{count}<br>{per}")
    fig = go.Figure(
        go.Bar(
            x=list(labels),
            y=[0 if not _finite(v) else float(v) for v in values],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": ["#1b4f72", "#2e86c1", "#5dade2", "#85c1e9", "#aed6f1"][-len(values) :]
            },
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, lang)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig.update_layout(height=320, showlegend=False, margin={"t": 40})
    return fig


def ciel_figure(
    dims: Mapping[str, float],
    labels: Mapping[str, str],
    skor: float | None,
    names: Mapping[str, str],
    lang: str,
) -> go.Figure:
    """The four CIEL dimensions (0-100) as a radar, and the measured score as a dashed ring."""
    keys = list(dims)
    theta = [labels[k] for k in keys]
    r = [float(dims[k]) if _finite(dims[k]) else 0.0 for k in keys]
    fig = go.Figure()
    fig.add_scatterpolar(
        r=[*r, r[0]],
        theta=[*theta, theta[0]],
        fill="toself",
        name=names["ciel"],
        line={"color": "#2e86c1"},
        hovertemplate="%{theta}: %{r:,.1f}<extra></extra>",
    )
    if _finite(skor):
        ring = [float(skor)] * (len(theta) + 1)  # type: ignore[arg-type]
        fig.add_scatterpolar(
            r=ring,
            theta=[*theta, theta[0]],
            mode="lines",
            name=names["skor"],
            line={"color": "#b2182b", "dash": "dash"},
            hovertemplate=f"{names['skor']}: %{{r:,.1f}}<extra></extra>",
        )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickformat": ",.0f"}})
    fig = _layout(fig, lang)
    fig.update_layout(
        height=400,
        margin={"l": 60, "r": 60, "t": 30, "b": 30},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
    )
    return fig


def tier_history_figure(history: pd.DataFrame, labels: Mapping[str, str], lang: str):
    """An area's libraries per coaching tier at each window end (stacked bars, tiers named)."""
    x = [i18n.format_month(d, lang) for d in history["akhir"]]
    fig = go.Figure()
    for tier in (Tier.PELAPORAN, Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PANTAU, Tier.TANPA_TANDA):
        fig.add_bar(
            x=x,
            y=history[f"jumlah_{tier}"],
            name=labels[tier],
            marker_color=TIER_COLOURS[tier],
            hovertemplate=f"{labels[tier]}: %{{y:,.0f}}<extra></extra>",
        )
    fig.update_yaxes(tickformat=",.0f")
    fig.update_xaxes(type="category")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    return fig


def band_badge(band: str | None, label: str) -> str:
    """A coloured, named chip for a band (the name carries it without colour)."""
    colour = BAND_COLOURS.get(band or "", NO_SCORE)
    text = "#1f1f1f" if band in (Band.KUNING, None) else "#ffffff"
    return (
        f'<span style="background:{colour};color:{text};padding:0.2em 0.6em;'
        f'border-radius:0.4em;font-weight:600;display:inline-block">{html.escape(label)}</span>'
    )
