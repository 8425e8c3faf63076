"""The browser benchmark's baseline (kpi.bench.browser): the same Streamlit navigation as app.py
with two one-line pages, served by a server of its own and timed in the same browser as the
product. It is the framework's floor: loading a Streamlit app, and a click on a sidebar link
that runs a page. Run: ``streamlit run kpi/ui/bench_baseline.py``.
"""

import streamlit as st


def satu() -> None:
    st.write("satu")


def dua() -> None:
    st.write("dua")


st.navigation([st.Page(satu, title="Satu", default=True), st.Page(dua, title="Dua")]).run()
