"""The Pengaturan page's figure builders: units per class now and under the proposal."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n, preview, score
from kpi.palette import NO_DATA_COLOUR
from kpi.ui.charts import BAND_COLOURS, _layout

BAND_BAR_COLOURS: dict[str, str] = {**BAND_COLOURS, preview.NO_BAND: NO_DATA_COLOUR}


def shift_bars(
    counts: pd.DataFrame,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    lang: str,
    title: str | None = None,
) -> go.Figure:
    """Units per class now and under the proposal, as horizontal bars (class names stay
    readable in a narrow column): two bars per class, the proposal solid and "now" lighter and
    hatched (distinguishable without colour), the count written at each bar.

    counts: index = class ids, columns kini and baru (as Preview.band_counts).
    """
    names = [labels.get(str(k), str(k)) for k in counts.index]
    colour = [colours.get(str(k), NO_DATA_COLOUR) for k in counts.index]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=counts["kini"].tolist(),
        orientation="h",
        name=i18n.t("pengaturan.preview.kini", lang),
        marker={"color": colour, "opacity": 0.45, "pattern": {"shape": "/"}},
        text=[i18n.format_number(v, lang) for v in counts["kini"]],
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_bar(
        y=names,
        x=counts["baru"].tolist(),
        orientation="h",
        name=i18n.t("pengaturan.preview.baru", lang),
        marker={"color": colour},
        text=[i18n.format_number(v, lang) for v in counts["baru"]],
        textposition="outside",
        cliponaxis=False,
    )
    _layout(fig, lang, title)
    fig.update_layout(
        barmode="group",
        height=100 + 56 * len(names),
        showlegend=True,
        margin={"l": 10, "r": 50, "t": 70 if title else 30, "b": 10},
    )
    fig.update_xaxes(tickformat=",.0f", title=None)
    fig.update_yaxes(autorange="reversed")
    return fig


def band_labels(lang: str) -> dict[str, str]:
    labels = {b: i18n.t(f"kpi.band.{b}", lang) for b in score.BAND_IDS}
    labels[preview.NO_BAND] = i18n.t("pengaturan.preview.tanpa_skor", lang)
    return labels


def tier_labels(lang: str) -> dict[str, str]:
    return {t: i18n.t(f"tier.{t}", lang) for t in preview.TIER_ORDER}
