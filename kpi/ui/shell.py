"""Make sure a page always runs inside app.py's shell (navigation, sidebar, language, demo).

The page scripts live in the top-level pages/ folder, which Streamlit also takes for a legacy
(v1) multipage folder until app.py's st.navigation has run once in the process. On a fresh
server whose first visitor opens a page URL directly (a shared link), Streamlit would run the page
script alone: no sidebar, no filters, no first-run demo. Each page calls ``page_guard()`` first:
in that case it switches Streamlit to app.py's navigation and reruns, so the shell runs and then
opens the same page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def page_guard() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
