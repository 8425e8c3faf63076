"""The Prioritas page's figure builders: the quadrant chart and the areas' ranking bars."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpi import coaching, i18n
from kpi.palette import TIER_COLOURS
from kpi.ui.context import translator
from kpi.ui.literal import html as esc
from kpi.ui.prioritas.tables import (
    NO_FLAG,
    QUADRANT_NUMERALS,
    TIER_SYMBOLS,
    TIERS,
    TOP_AREAS,
    _quadrant_name,
    _tier_name,
    at_least,
)
from kpi.vocab import Basis, Tier


def _fig_layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        separators=",." if i18n.norm_lang(lang) == "id" else ".,",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        height=height,
        # a white plot with light grid lines (the plotly_white template's look, without the
        # cost of copying a whole template into every figure)
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#ebf0f8", linecolor="#ebf0f8")
    fig.update_yaxes(gridcolor="#ebf0f8", linecolor="#ebf0f8")
    return fig


def quadrant_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Score against its change (Klassen quadrants), one trace per tier (colour and shape),
    drawn with WebGL (Scattergl) so that a national list of libraries stays quick to draw;
    beyond QUADRANT_POINTS_MAX libraries, counted per cell of the plane (``_binned``).

    ``frame``: nama, skor, median_sejawat, skor_tahun_lalu, quadrant and tier (None: no flag),
    as coaching.evaluate gives them. x = skor - median_sejawat, y = skor - skor_tahun_lalu; only
    libraries placed in a quadrant are drawn.
    """
    t = translator(lang)
    cols = ["nama", "skor", "median_sejawat", "skor_tahun_lalu", "quadrant", "tier"]
    data_ = frame.loc[frame["quadrant"].notna(), cols]
    data_.attrs = {}  # pandas would copy the evaluation's settings into every derived frame
    data_["x"] = data_["skor"].astype(float) - data_["median_sejawat"].astype(float)
    data_["y"] = data_["skor"].astype(float) - data_["skor_tahun_lalu"].astype(float)
    data_ = data_.dropna(subset=["x", "y"])
    data_["_tier"] = data_["tier"].where(data_["tier"].notna(), NO_FLAG)
    # one hover text per point (a single string array is much cheaper for plotly to validate)
    line = "<br>".join(
        [
            "<b>{0}</b>",
            t("prioritas.hover.skor", s="{1}") + f" ({t('prioritas.hover.median', m='{2}')})",
            t("prioritas.hover.change", c="{3}"),
            "{4}",
        ]
    )
    quadrants = {q: _quadrant_name(q, lang) for q in QUADRANT_NUMERALS}
    fig = go.Figure()
    if len(data_) > QUADRANT_POINTS_MAX:
        _binned(fig, data_, lang)
    for tier in (*TIERS, NO_FLAG) if len(data_) <= QUADRANT_POINTS_MAX else ():
        part = data_[data_["_tier"] == tier]
        if part.empty:
            continue
        name = _tier_name(tier, lang)
        hover = [
            line.format(
                esc(n),
                i18n.format_number(sk, lang, 1),
                i18n.format_number(med, lang, 1),
                _signed(ch, lang),
                quadrants.get(q, ""),
            )
            for n, sk, med, ch, q in zip(
                part["nama"],
                part["skor"],
                part["median_sejawat"],
                part["y"],
                part["quadrant"],
                strict=True,
            )
        ]
        # WebGL: thousands of libraries draw in one pass, not as one SVG path each (issue 15)
        fig.add_scattergl(
            x=part["x"].round(2),
            y=part["y"].round(2),
            mode="markers",
            name=name,
            marker={
                "color": TIER_COLOURS.get(tier, "#888"),
                "symbol": TIER_SYMBOLS.get(tier, "circle"),
                "size": 7,
                "opacity": 0.75,
                "line": {"width": 0.5, "color": "#333"},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + name + "</extra>",
        )
    # symmetric axes put each quadrant in its own corner
    xr = max(float(data_["x"].abs().max()) if len(data_) else 0.0, 1.0) * 1.08
    yr = max(float(data_["y"].abs().max()) if len(data_) else 0.0, 1.0) * 1.08
    axes = (
        (fig.update_xaxes, xr, t("prioritas.quadrant_x")),
        (fig.update_yaxes, yr, t("prioritas.quadrant_y")),
    )
    for update, r, title in axes:
        update(range=[-r, r], zeroline=True, zerolinewidth=1.5, zerolinecolor="#555", title=title)
    corners = {
        "teladan": (0.99, 0.99, "right", "top"),
        "waspada": (0.99, 0.01, "right", "bottom"),
        "berkembang": (0.01, 0.99, "left", "top"),
        "prioritas": (0.01, 0.01, "left", "bottom"),
    }
    for quadrant, (x, y, xanchor, yanchor) in corners.items():
        fig.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            xanchor=xanchor,
            yanchor=yanchor,
            text=f"<b>{_quadrant_name(quadrant, lang)}</b>",
            showarrow=False,
            font={"size": 13, "color": "#b2182b" if quadrant == "prioritas" else "#333"},
            bgcolor="rgba(255,255,255,0.75)",
        )
    return _fig_layout(fig, lang, 520)


# beyond this many libraries the quadrant chart draws cells of QUADRANT_CELL points, one marker
# per tier and cell sized by its libraries, so its size stops growing with the program (issue 15)
QUADRANT_POINTS_MAX = 5000
QUADRANT_CELL = 2.0


def _binned(fig: go.Figure, data_: pd.DataFrame, lang: str) -> None:
    """Each tier's libraries counted per cell of the plane, a marker per occupied cell (its
    area grows with the count), the hover saying how many libraries and where."""
    t = translator(lang)
    cells = data_.assign(
        cx=(data_["x"] / QUADRANT_CELL).round() * QUADRANT_CELL,
        cy=(data_["y"] / QUADRANT_CELL).round() * QUADRANT_CELL,
    )
    counts = cells.groupby(["_tier", "cx", "cy"], sort=False).size().rename("n").reset_index()
    for tier in (*TIERS, NO_FLAG):
        part = counts[counts["_tier"] == tier]
        if part.empty:
            continue
        name = _tier_name(tier, lang)
        hover = [
            t(
                "prioritas.hover.cell",
                n=i18n.format_number(n, lang, 0),
                x=_signed(x, lang),
                y=_signed(y, lang),
            )
            for n, x, y in zip(part["n"], part["cx"], part["cy"], strict=True)
        ]
        fig.add_scattergl(
            x=part["cx"],
            y=part["cy"],
            mode="markers",
            name=name,
            marker={
                "color": TIER_COLOURS.get(tier, "#888"),
                "symbol": TIER_SYMBOLS.get(tier, "circle"),
                "size": (4 + 2.2 * part["n"].pow(0.5)).clip(upper=26).round(1),
                "opacity": 0.6,
                "line": {"width": 0.5, "color": "#333"},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + name + "</extra>",
        )


def _signed(value: Any, lang: str) -> str:
    text = i18n.format_number(value, lang, 1)
    if text == "–" or text.startswith("-"):
        return text
    return f"+{text}"


def area_bars(
    roll: pd.DataFrame, lang: str, top: int = TOP_AREAS, basis: str = "semua"
) -> go.Figure:
    """The ``top`` areas of the ranking (coaching.rollup's frame, ranked by the lower bound of
    the share needing coaching), each a bar stacked by the tiers the basis counts, with the
    lower bound ("at least") marked. Areas where no library is concerned are left out; the
    first-ranked area is drawn at the top."""
    t = translator(lang)
    tiers = coaching.BASES[Basis(basis) if basis in coaching.BASES else Basis.SEMUA]
    data_ = roll[roll["jumlah_perlu"] > 0].head(top).iloc[::-1]
    # the names are text on the axis and in the hover, never read as tags
    labels = [
        f"{esc(n)} ({esc(p)})" if isinstance(p, str) and p and p != n else esc(n)
        for n, p in zip(data_["nama"], data_.get("provinsi", data_["nama"]), strict=True)
    ]
    if (data_["tingkat"] == "provinsi").all():
        labels = [esc(n) for n in data_["nama"]]
    fig = go.Figure()
    patterns = {Tier.PRIORITAS_1: "", Tier.PRIORITAS_2: "/", Tier.PELAPORAN: "x"}
    for tier in tiers:
        name = _tier_name(tier, lang)
        hover = [
            t("prioritas.areas_hover", tier=name, n=int(n), total=int(total))
            + f" ({i18n.format_percent(p, lang)})"
            for n, total, p in zip(
                data_[f"jumlah_{tier}"],
                data_["jumlah_perpustakaan"],
                data_[f"porsi_{tier}"],
                strict=True,
            )
        ]
        fig.add_bar(
            x=data_[f"porsi_{tier}"],
            y=labels,
            orientation="h",
            name=name,
            marker={"color": TIER_COLOURS[tier], "pattern": {"shape": patterns[tier]}},
            customdata=hover,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        )
    bound = [at_least(v, lang) for v in data_["batas_bawah"]]
    fig.add_scatter(
        x=data_["batas_bawah"],
        y=labels,
        mode="markers",
        name=t("prioritas.areas_bound"),
        marker={"symbol": "line-ns-open", "size": 18, "color": "#1f1f1f", "line": {"width": 3}},
        customdata=bound,
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=t("prioritas.areas_axis"), range=[0, 100], ticksuffix="%")
    fig.update_yaxes(type="category", automargin=True)
    return _fig_layout(fig, lang, max(300, 26 * len(data_) + 90))
