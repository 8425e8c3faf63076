"""Pengaturan: score weights, components, band edges and coaching thresholds with a live preview;
targets; the optional kab/kota boundary file."""

from kpi.ui import context, pengaturan
from kpi.ui.shell import page_guard

page_guard()
pengaturan.render(context.current())
