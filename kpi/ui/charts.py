"""Figure builders: functions from a small frame to a Plotly figure, testable without Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n
from kpi.palette import BAND_COLOURS as BAND_COLOURS
from kpi.ui.literal import html_list

LEVEL_COLOURS = {"provinsi": "#1b4f72", "kabupaten_kota": "#2e86c1", "desa_kelurahan": "#85c1e9"}


def _layout(fig: go.Figure, lang: str, title: str | None = None) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=",." if i18n.norm_lang(lang) == "id" else ".,",
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        height=340,
    )
    return fig


def apply_layout(fig: go.Figure, lang: str, title: str | None = None) -> go.Figure:
    """The house layout: number separators of the language, tight margins (the white template
    is Plotly's default once kpi.ui is imported)."""
    return _layout(fig, lang, title)


def cohort_bars(by_cohort: dict[str, dict[str, int]], lang: str) -> go.Figure:
    """Libraries by cohort year (tahun bergabung), stacked by library level."""
    years = sorted(by_cohort)
    fig = go.Figure()
    for jenis, colour in LEVEL_COLOURS.items():
        fig.add_bar(
            x=years,
            y=[by_cohort[y].get(jenis, 0) for y in years],
            name=i18n.t(f"jenis.{jenis}", lang),
            marker_color=colour,
        )
    fig.update_layout(barmode="stack", xaxis_title=i18n.t("overview.cohort_axis", lang))
    fig.update_yaxes(tickformat=",.0f")
    fig.update_xaxes(type="category")
    return _layout(fig, lang)


def trend_series(series: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """One monthly series (columns periode, nilai), titled, in the language's number format."""
    fig = go.Figure(
        go.Scatter(
            x=series["periode"],
            y=series["nilai"],
            mode="lines+markers",
            marker={"size": 4},
            line={"color": "#1b4f72"},
            name=title,
            connectgaps=False,
            hovertemplate="%{x|%m/%Y}: %{y:,.1f}<extra></extra>",
        )
    )
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig = _layout(fig, lang, title=title)
    fig.update_layout(height=260, showlegend=False)
    return fig


def completeness_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Completeness per province, lowest first, with the 80% line of coaching rule D."""
    data = frame.sort_values("kelengkapan")
    colours = ["#b2182b" if v < 80 else "#1a7f37" for v in data["kelengkapan"]]
    fig = go.Figure(
        go.Bar(
            x=data["kelengkapan"],
            y=html_list(data["nama"]),  # names as text, never read as tags
            orientation="h",
            marker_color=colours,
            customdata=data[["dilaporkan", "diharapkan"]].to_numpy(),
            hovertemplate=(
                "%{y}: %{x:.1f}% (%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=80, line_dash="dash", line_color="#555")
    fig.update_xaxes(range=[0, 100], title=i18n.t("overview.completeness_axis", lang))
    fig = _layout(fig, lang)
    fig.update_layout(height=max(340, 18 * len(data) + 60))
    return fig


# beyond this many values a box is sent as its summary, not as every value (issue 15)
BOX_POINTS_MAX = 500


def box_summary(values: pd.Series) -> dict[str, list[float]]:
    """A box's figures (Tukey's: quartiles, whiskers at the last value within 1.5 IQR) as
    plotly's precomputed box arguments, so the browser gets five numbers, not every value."""
    v = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    if v.empty:
        return {}
    q1, med, q3 = (float(v.quantile(q)) for q in (0.25, 0.5, 0.75))
    iqr = q3 - q1
    inside = v[(v >= q1 - 1.5 * iqr) & (v <= q3 + 1.5 * iqr)]
    return {
        "q1": [q1],
        "median": [med],
        "q3": [q3],
        "lowerfence": [float(inside.min())],
        "upperfence": [float(inside.max())],
        "mean": [float(v.mean())],
    }
