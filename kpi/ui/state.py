"""Session-wide state for the pages: the store, the language, first-run demo loading."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

import streamlit as st

from kpi import i18n
from kpi.store import (
    DEFAULT_DB_ENV,
    Store,
    StoreError,
    explain_error,
    open_store,
    resolve_db_path,
)
from kpi.ui.cache import cached

_demo_lock = threading.Lock()


_paths: dict[tuple[object, ...], Path] = {}


def db_path() -> Path:
    """--db after `streamlit run app.py --`, else TPBIS_DB, else the default.

    Asked several times a run: kept per command line, environment and working folder (an
    argument parser and a resolve() cost ~5 ms each time)."""
    env = tuple(os.environ.get(k) for k in (DEFAULT_DB_ENV, "XDG_DATA_HOME", "HOME"))
    key = (tuple(sys.argv[1:]), env, os.getcwd())
    known_path = _paths.get(key)
    if known_path is None:
        parser = argparse.ArgumentParser(add_help=False)
        parser.add_argument("--db")
        known, _ = parser.parse_known_args(sys.argv[1:])
        known_path = _paths[key] = resolve_db_path(known.db).resolve()
    return known_path


@cached(kept=True, versioned=False)  # the one Store of a file, shared by every session
def _store_for(path: str) -> Store:
    return open_store(path)


def store() -> Store:
    return _store_for(str(db_path()))


def lang() -> i18n.Lang:
    """The session's language: the URL's ?lang= first, else Indonesian."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = i18n.norm_lang(st.query_params.get("lang", i18n.DEFAULT_LANG))
    return i18n.norm_lang(st.session_state["lang"])


def tr(key: str, **values: Any) -> str:
    return i18n.t(key, lang(), **values)


def num(value: Any, decimals: int = 0) -> str:
    return i18n.format_number(value, lang(), decimals)


def ensure_demo(s: Store) -> bool:
    """Load the demo on the first start of an empty store. True when it was loaded now."""
    if not s.should_load_demo():
        return False
    with _demo_lock:
        if not s.should_load_demo():  # another session loaded it meanwhile
            return False
        from kpi.demo import load_demo

        with st.spinner(tr("demo.loading")):
            load_demo(s)
        st.cache_data.clear()
        return True


def store_message(exc: BaseException) -> str | None:
    """The message for a store failure a user can act on (a damaged or unreadable database
    file, a file another process holds), in the session's language; None for anything else."""
    known: StoreError | None = explain_error(exc, db_path())
    if known is None:
        return None
    return known.message_en if lang() == "en" else known.message_id
