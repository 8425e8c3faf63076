"""The one search box: any library, kab/kota or province by name or code, as one types, in the
sidebar of every page and on the Profil page; a match opens that place's profile.

The matches come from DuckDB (kpi.profile.search_places), at most SEARCH_SHOWN of them, inside
the user's area scope, so the browser only gets what a person can read, at any scale. The box
lives in a fragment: typing reruns the box, not the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import profile as prof
from kpi.store import Store
from kpi.ui import masuk, state
from kpi.ui.cache import cached
from kpi.ui.context import translator
from kpi.ui.filters import view_params
from kpi.ui.literal import md

PROFILE_PAGE = "pages/profil.py"
SEARCH_SHOWN = 10
ICONS = {
    "provinsi": ":material/map:",
    "kabupaten_kota": ":material/location_city:",
    "perpustakaan": ":material/local_library:",
}


@cached(max_entries=256)
def _search(store: Store, query: str, scope: tuple[str, ...] | None) -> pd.DataFrame:
    return prof.search_places(store, query, scope, limit=SEARCH_SHOWN)


def scope() -> tuple[str, ...] | None:
    """The areas the session's principal may see (None: the whole country)."""
    view = st.session_state.get("_view")
    if view is not None:
        return view.filters.wilayah
    return masuk.scope_codes(masuk.coverage(state.store(), masuk.principal()))


def label(row: pd.Series | object, lang: str) -> str:
    """'Perpustakaan Desa X · Kabupaten Y, Provinsi Z' (names as literal text)."""
    t = translator(lang)
    where = [getattr(row, k) for k in ("kabupaten_kota", "provinsi")]
    where = [md(w) for w in where if isinstance(w, str) and w]
    text = md(row.nama)  # type: ignore[union-attr]
    if row.tingkat != "perpustakaan":  # type: ignore[union-attr]
        text += " · " + t(f"profil.tingkat.{row.tingkat}")  # type: ignore[union-attr]
    return f"{text} · {', '.join(where)}" if where else text


@st.fragment
def search_box(where: str) -> None:
    """The search box and its matches, each a link to the profile (``where``: its key)."""
    lang = state.lang()
    t = translator(lang)
    query = st.text_input(
        t("cari.label"),
        type="search",
        live="300ms",
        key=f"cari_{where}",
        placeholder=t("cari.placeholder"),
        help=t("cari.help"),
    )
    text = " ".join(str(query or "").split())
    if not text:
        return
    found = _search(state.store(), text.lower(), scope())
    if found.empty:
        st.caption(t("cari.none", q=md(text)))
        return
    params = view_params()
    for row in found.itertuples(index=False):
        st.page_link(
            PROFILE_PAGE,
            label=label(row, lang),
            icon=ICONS.get(str(row.tingkat), ":material/badge:"),
            query_params={**params, "kode": str(row.kode), "tingkat": str(row.tingkat)},
        )
    if len(found) >= SEARCH_SHOWN:
        st.caption(t("cari.more", n=SEARCH_SHOWN))


def sidebar(slot: object) -> None:
    """The search box at the top of the sidebar (``slot``: a container app.py kept there)."""
    with slot:  # type: ignore[attr-defined]
        search_box("sidebar")
