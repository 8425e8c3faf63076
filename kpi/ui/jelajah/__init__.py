"""Jelajah KPI: any catalogue KPI by any level over the view's period.

labels (a KPI's names, units and bands in words), figures (ranking bars, trend lines, the
distribution: plain functions of small frames), tables (the table as shown and its files), loads
(kept per data version) and page (the drawing)."""

from kpi.ui.jelajah.figures import (
    BAR_COLOUR,
    LINE_COLOURS,
    MAX_LINES,
    TOP_N,
    distribution,
    ranking_bars,
    trend_lines,
)
from kpi.ui.jelajah.labels import (
    band_css,
    band_label,
    kpi_choices,
    kpi_label,
    unit_label,
    value_header,
)
from kpi.ui.jelajah.loads import monthly, total, values
from kpi.ui.jelajah.page import download_buttons, remember, render, restore, subtitle
from kpi.ui.jelajah.tables import (
    _plain_formats,
    _styles_whole,
    kept_styler,
    profile_url,
    table_decimals,
    table_formats,
    table_frame,
    xlsx_bytes,
)

__all__ = [
    "BAR_COLOUR",
    "LINE_COLOURS",
    "MAX_LINES",
    "TOP_N",
    "_plain_formats",
    "_styles_whole",
    "band_css",
    "band_label",
    "distribution",
    "download_buttons",
    "kept_styler",
    "kpi_choices",
    "kpi_label",
    "monthly",
    "profile_url",
    "ranking_bars",
    "remember",
    "render",
    "restore",
    "subtitle",
    "table_decimals",
    "table_formats",
    "table_frame",
    "total",
    "trend_lines",
    "unit_label",
    "value_header",
    "values",
    "xlsx_bytes",
]
