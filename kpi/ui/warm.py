"""The national views' heaviest results, computed in the background after a new data version.

An import's commit (or a settings change, an undo, a new snapshot from PostgreSQL, a server's
start) makes every page's cached results stale; at national scale the first person to open
Ringkasan, Prioritas or Peta afterwards would wait seconds for the coaching evaluation, the
library scores and the 36-month trend. The shell calls ``after_new_version`` on every run (one
remembered number compared); on a new version one thread computes, through the pages' own
cached functions and keys, what a new session's default view needs (``filters.default_view``:
the whole country, the default period). A page asking meanwhile waits for the same cached value
instead of computing it a second time (Streamlit computes one cached value once).

Only in a server (``streamlit run``): never in AppTest or the command line. ``TPBIS_WARM=0``
turns it off (the test suite does, except the test of this module).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from kpi.store import Store

ENV = "TPBIS_WARM"
_log = logging.getLogger("tpbis.warm")
_lock = threading.Lock()
_last: dict[str, tuple[str, int]] = {}  # the store's path: the (path, version) warmed last


def enabled() -> bool:
    """In a server started by ``streamlit run`` (its bootstrap module loaded), unless
    TPBIS_WARM=0."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    return "streamlit.web.bootstrap" in sys.modules


def _steps(store: Store) -> list[tuple[str, Callable[[], object]]]:
    """What a new session's default view computes first, longest and most shared first."""
    from kpi.ui import data, filters, overview

    view = filters.default_view(store)
    return [
        # Ringkasan's digest, Prioritas and Peta all read the one coaching evaluation
        ("evaluation", lambda: data.evaluation(view, store=store)),
        ("ringkasan", lambda: overview.load(view, store=store)),
        ("digest", lambda: overview.coaching_digest(view, store=store)),
        ("provinces", lambda: data.kpi_table("provinsi", view, kpis=(), store=store)),
        ("completeness", lambda: data.completeness("provinsi", view, store=store)),
    ]


def _work(store: Store, key: tuple[str, int]) -> None:
    started = time.perf_counter()
    try:
        for name, step in _steps(store):
            if store.data_version() != key[1]:  # newer data came meanwhile: its own warm-up
                _log.info("warm-up of version %s stopped before %s", key[1], name)
                return
            step()
        _log.info("warm-up of version %s done in %.2f s", key[1], time.perf_counter() - started)
    except Exception:  # never in anyone's way: the page computes it itself then
        _log.warning("warm-up of version %s failed", key[1], exc_info=True)


def after_new_version(store: Store, *, force: bool = False) -> threading.Thread | None:
    """Start the warm-up of the store's current data version once (the thread, or None when
    it already ran or runs, or warming is off). ``force`` starts it outside a server too."""
    if not (force or enabled()):
        return None
    key = (str(store.path), store.data_version())
    with _lock:
        if _last.get(key[0]) == key:
            return None
        _last[key[0]] = key
        thread = threading.Thread(target=_work, args=(store, key), name="tpbis-warm", daemon=True)
    thread.start()
    return thread
