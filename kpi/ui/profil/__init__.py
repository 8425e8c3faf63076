"""The Profil page: one province, kab/kota or library.

figures (plain figure builders), loads (what it reads, kept per data version), history (the flag
history, evaluated in the background), sections (report card, trends, peers, 5A, CIEL), page.
"""

from kpi.ui.profil.figures import (
    LINE,
    NO_SCORE,
    band_badge,
    band_counts_figure,
    ciel_figure,
    funnel_figure,
    peer_figure,
    stage_bars,
    tier_history_figure,
    trends_figure,
)
from kpi.ui.profil.history import wait_for_history
from kpi.ui.profil.loads import TREND_MONTHS, place, requested, unknown_message
from kpi.ui.profil.page import header, picker, render

__all__ = [
    "LINE",
    "NO_SCORE",
    "TREND_MONTHS",
    "band_badge",
    "band_counts_figure",
    "ciel_figure",
    "funnel_figure",
    "header",
    "peer_figure",
    "picker",
    "place",
    "render",
    "requested",
    "stage_bars",
    "tier_history_figure",
    "trends_figure",
    "unknown_message",
    "wait_for_history",
]
