"""Profil: one province, kab/kota or library (URL: ?kode=...&tingkat=...), or a picker."""

import streamlit as st

from kpi.ui import filters, profil, state
from kpi.ui.shell import page_guard

page_guard()

lang = state.lang()
view = filters.current()
tingkat, kode = profil.requested()
place = profil.place(tingkat, kode) if kode else None

if place is None:
    st.title(state.tr("profil.title"))
    if kode:
        st.warning(profil.unknown_message(tingkat, kode, lang))
    else:
        st.caption(state.tr("profil.intro"))
    profil.picker(lang, view)
    st.stop()

profil.header(place, view, lang)
profil.render(place, view, lang)
