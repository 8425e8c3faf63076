"""Profil: one province, kab/kota or library (URL: ?kode=...&tingkat=...), or a picker."""

from kpi.ui import context, profil
from kpi.ui.shell import page_guard

page_guard()
profil.render(context.current())
