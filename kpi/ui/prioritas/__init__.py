"""Prioritas pembinaan (coaching priorities): the ranked list with reasons, the area roll-up,
the quadrant chart and the Excel export for field teams.

The rules live in kpi.coaching (coaching-rules.md); this package arranges their result for people:
tables (pure frame builders and the export), figures (the quadrant chart and the area bars), loads
(the evaluation's bundle and the shown figures, kept per data version) and page (the drawing)."""

from kpi.ui.prioritas.figures import area_bars, quadrant_chart
from kpi.ui.prioritas.loads import Priorities
from kpi.ui.prioritas.page import render
from kpi.ui.prioritas.tables import (
    AREA_LEVELS,
    BASES,
    LEVELS,
    NO_FLAG,
    QUADRANT_NUMERALS,
    TIER_SYMBOLS,
    TIERS,
    WINDOWS,
    area_contacts,
    area_list,
    area_table,
    at_least,
    export_settings,
    export_table,
    export_xlsx,
    filter_libraries,
    library_table,
    profile_url,
    reasons_text,
)

__all__ = [
    "AREA_LEVELS",
    "BASES",
    "LEVELS",
    "NO_FLAG",
    "Priorities",
    "QUADRANT_NUMERALS",
    "TIERS",
    "TIER_SYMBOLS",
    "WINDOWS",
    "area_bars",
    "area_contacts",
    "area_list",
    "area_table",
    "at_least",
    "export_settings",
    "export_table",
    "export_xlsx",
    "filter_libraries",
    "library_table",
    "profile_url",
    "quadrant_chart",
    "reasons_text",
    "render",
]
