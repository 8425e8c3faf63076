"""Kualitas data: completeness and timeliness by area, libraries that never reported, values to
verify.

tables (the frames as shown: plain functions), figures (the completeness chart), loads (kept per
data version) and page (the drawing)."""

from kpi.ui.kualitas.figures import completeness_chart
from kpi.ui.kualitas.loads import never_reported, values_to_verify
from kpi.ui.kualitas.page import render, subtitle
from kpi.ui.kualitas.tables import (
    AREA_LEVELS,
    CHART_LIMIT,
    NUMBER_DECIMALS,
    TIMELINESS_COLOUR,
    VERIFY_SHOWN,
    Z_THRESHOLD,
    column_label,
    completeness_table,
    formats,
    never_table,
    quality_period,
    reason_text,
    reason_texts,
    verify_table,
)

__all__ = [
    "AREA_LEVELS",
    "CHART_LIMIT",
    "NUMBER_DECIMALS",
    "TIMELINESS_COLOUR",
    "VERIFY_SHOWN",
    "Z_THRESHOLD",
    "column_label",
    "completeness_chart",
    "completeness_table",
    "formats",
    "never_reported",
    "never_table",
    "quality_period",
    "reason_text",
    "reason_texts",
    "render",
    "subtitle",
    "values_to_verify",
    "verify_table",
]
