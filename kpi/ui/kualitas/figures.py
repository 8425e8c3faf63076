"""The Kualitas page's figure builder: completeness and timeliness by area."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.settings import CoachingSettings
from kpi.ui.charts import BAND_COLOURS, _layout
from kpi.ui.context import translator
from kpi.ui.kualitas.tables import (
    TIMELINESS_COLOUR,
)
from kpi.ui.literal import html_list
from kpi.vocab import Band


def completeness_chart(
    frame: pd.DataFrame, lang: str, limit: int | None = None, rule_d: float | None = None
) -> go.Figure:
    """Completeness per area, lowest first, coloured (and named) by rule D's line (``rule_d``,
    default the setting's default), with timeliness as markers beside each bar. ``limit`` keeps
    only the lowest areas."""
    line = rule_d if rule_d is not None else CoachingSettings.of({}).d_kelengkapan_minimum
    tr = translator(lang)

    def t(key: str, **values: object) -> str:
        return tr(key, batas=line, **values)

    rows = frame.dropna(subset=["kelengkapan"]).sort_values(["kelengkapan", "nama"])
    if limit is not None:
        rows = rows.head(limit)
    # names as text on the axis and in the hover, never read as tags
    names = pd.Series(html_list(rows["nama"].fillna(rows["kode"])), index=rows.index)
    fig = go.Figure()
    below = rows["kelengkapan"] < line
    for mask, colour, key in (
        (below, BAND_COLOURS[Band.MERAH], "kualitas.chart.below"),
        (~below, BAND_COLOURS[Band.HIJAU], "kualitas.chart.above"),
    ):
        part = rows[mask]
        fig.add_bar(
            x=part["kelengkapan"],
            y=names[mask],
            orientation="h",
            name=t(key),
            marker_color=colour,
            customdata=part[["bulan_dilaporkan", "bulan_diharapkan"]].to_numpy(),
            hovertemplate=(
                f"%{{y}}<br>{t('kualitas.col.kelengkapan')}: %{{x:,.1f}}% "
                "(%{customdata[0]:,.0f} / %{customdata[1]:,.0f})<extra></extra>"
            ),
        )
    fig.add_scatter(
        x=rows["ketepatan"],
        y=names,
        mode="markers",
        name=t("kualitas.col.ketepatan"),
        marker={"symbol": "diamond", "size": 8, "color": TIMELINESS_COLOUR},
        hovertemplate=f"%{{y}}<br>{t('kualitas.col.ketepatan')}: %{{x:,.1f}}%<extra></extra>",
    )
    fig.add_vline(
        x=line,
        line_dash="dash",
        line_color="#555",
        annotation_text=t("kualitas.chart.rule_d"),
        annotation_position="top",
    )
    fig.update_yaxes(
        autorange="reversed", type="category", categoryorder="array", categoryarray=list(names)
    )
    fig.update_xaxes(range=[0, 100], title=t("kualitas.chart.axis"), ticksuffix="%")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="overlay", height=max(320, 20 * len(rows) + 100))
    return fig
