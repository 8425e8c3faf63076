"""Pengaturan (settings): score and coaching settings with a live preview, targets, boundaries.

The settings are edited in plain widgets (not an st.form) so that every change reruns the page
and the preview follows at once; nothing is stored until "Simpan". The widgets start from the
stored settings; after a save or a restore their state is dropped so they start again from the
store. Engine results are kept per data version (kpi.ui.cache; saving bumps it); the candidate
settings travel into the cache as canonical JSON text.

figures (the preview's bars), tables (frames as shown), loads (kept engine results), widgets
(the settings form and its candidate settings), page (the tabs)."""

from kpi.palette import NO_DATA_COLOUR
from kpi.ui.pengaturan.figures import BAND_BAR_COLOURS, band_labels, shift_bars, tier_labels
from kpi.ui.pengaturan.loads import PreviewSummary, compute_preview, summarise
from kpi.ui.pengaturan.page import render
from kpi.ui.pengaturan.tables import matched_frame, moves_frame, target_frame, unmatched_frame
from kpi.ui.pengaturan.widgets import (
    CLOSING_PARAMS,
    CONFIRM,
    FLASH,
    RULE_PARAMS,
    TIER_KEYS,
    W,
    candidate,
    closing_candidate,
    period_text,
    problem_texts,
    reset_widgets,
)

__all__ = [
    "NO_DATA_COLOUR",
    "BAND_BAR_COLOURS",
    "CLOSING_PARAMS",
    "CONFIRM",
    "FLASH",
    "PreviewSummary",
    "RULE_PARAMS",
    "TIER_KEYS",
    "W",
    "band_labels",
    "candidate",
    "closing_candidate",
    "compute_preview",
    "matched_frame",
    "moves_frame",
    "period_text",
    "problem_texts",
    "render",
    "reset_widgets",
    "shift_bars",
    "summarise",
    "target_frame",
    "tier_labels",
    "unmatched_frame",
]
