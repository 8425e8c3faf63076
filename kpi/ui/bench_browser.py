"""The server side of the browser benchmark (``python -m kpi bench browser``, kpi.bench.browser).

- ``hidden_pages()``: app.py adds these to its navigation only when the benchmark started the
  server (the environment variable ``TPBIS_BENCH_BROWSER=1``); otherwise there are none, and no
  user ever sees or reaches them. The one page, ``/bench-new-data-version``, does what a commit
  of an import does to the caches: the store's data version goes up by one (an empty write
  transaction) and Streamlit's data caches are cleared, with the engine's kept library scores;
  the next view of every page is a first view, computed afresh, in a server that is otherwise
  warm (imports done, the store open), as after an import on a running server; and, as the
  run after a commit does, it starts the background computation of the national default view
  (kpi.ui.warm), so a first view measured right after it waits for what is still computing.
- kpi/ui/bench_baseline.py is the one-line app the benchmark measures beside the product.
"""

from __future__ import annotations

import os

import streamlit as st

from kpi.bench.browser import BENCH_ENV_VAR as ENV
from kpi.bench.browser import NEW_DATA_VERSION_PATH


def enabled() -> bool:
    return os.environ.get(ENV) == "1"


def _new_data_version() -> None:
    from kpi import score
    from kpi.ui import state, warm

    store = state.store()
    with store.write():  # nothing written but the version: every cache keyed on it misses
        pass
    st.cache_data.clear()
    score.clear_caches()
    warm.after_new_version(store)  # as the run after a commit starts it (kpi.ui.warm)
    st.write(f"data version {store.data_version()}")


def hidden_pages() -> list[st.Page]:
    """The benchmark's page (hidden from the navigation), or none outside the benchmark."""
    if not enabled():
        return []
    return [
        st.Page(
            _new_data_version,
            title="bench: new data version",
            url_path=NEW_DATA_VERSION_PATH,
            visibility="hidden",
        )
    ]
