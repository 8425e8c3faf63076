"""Make sure a page always runs inside app.py's shell (navigation, sidebar, language, demo).

The page scripts live in the top-level pages/ folder, which Streamlit also takes for a legacy
(v1) multipage folder until app.py's st.navigation has run once in the process. On a fresh
server whose visitors open a page URL directly (a shared link), Streamlit would run the page
script alone: no sidebar, no filters, no first-run demo. Each page calls ``page_guard()`` first:
when app.py did not run before it in this run (``shell_started()``, called by app.py right after
its st.navigation), it switches Streamlit to app.py's navigation and reruns, so the shell runs
and then opens the same page.

Which run went through the shell is kept per script thread (a session's run and the page it
opens run on one thread), not in Streamlit's process-wide flag: many sessions opening a page at
the same moment on a fresh server all run the page alone, and the first one to clear the flag
must not leave the others to draw the page without the shell.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_run = threading.local()


def shell_started() -> None:
    """app.py's run reached its st.navigation: the page it opens runs inside the shell."""
    _run.in_shell = True


def page_guard() -> None:
    in_shell = bool(getattr(_run, "in_shell", False))
    _run.in_shell = False  # the next run proves it again
    if in_shell:
        return
    PagesManager.uses_pages_directory = False
    ctx = get_script_run_ctx()
    if ctx is None or Path(ctx.main_script_path).resolve().parent.name == "pages":
        return  # the page is the main script itself: there is no shell to rerun into
    st.rerun()
