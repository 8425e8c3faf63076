"""The colours of bands and coaching tiers, one palette for the screen (kpi.ui's charts and
maps) and the printed report card (kpi.rapor), so a tier looks the same wherever it is shown.

Red / yellow / green also differ in lightness, and tiers go darker as they get more urgent, so
they read without colour too (every chart and card also names them in words).
"""

from __future__ import annotations

from kpi.vocab import Band, Tier

BAND_COLOURS: dict[str, str] = {
    Band.MERAH: "#b2182b",
    Band.KUNING: "#f2c94c",
    Band.HIJAU: "#1a7f37",
}
# a unit with no band (no score) or no data
NO_DATA_COLOUR = "#c8c8c8"
TIER_COLOURS: dict[str, str] = {
    Tier.PELAPORAN: "#6a3d9a",
    Tier.PRIORITAS_1: "#b2182b",
    Tier.PRIORITAS_2: "#ef8a62",
    Tier.PANTAU: "#f2c94c",
    Tier.TANPA_TANDA: "#1a7f37",
}
