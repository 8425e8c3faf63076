"""What the Impor page's parts share: error messages, labels and the template workbook."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from kpi.access import Principal
from kpi.ingest.template import build_template
from kpi.ui import state
from kpi.ui.cache import cached
from kpi.ui.context import PageContext
from kpi.ui.literal import md

log = logging.getLogger("tpbis")
UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"]


def _error_text(ctx: PageContext, exc: Exception) -> str:
    """What to tell the user about a failure: the store's own message (a damaged or held
    database file included), else a short generic one (the log keeps the details)."""
    known = state.store_message(exc)
    if known is not None:
        return md(known)
    log.exception("import page")
    return ctx.t("impor.error", pesan=md(str(exc)[:300]))


def _show_error(ctx: PageContext, exc: Exception) -> None:
    st.error(_error_text(ctx, exc))


def _msg(ctx: PageContext, m: Any) -> str:
    """A message of the importer, as literal text (it names files, sheets and values)."""
    if m is None:
        return ""
    return md(m.message_en if ctx.lang == "en" else m.message_id)


def _user(who: Principal) -> str | None:
    """The name of the principal who imports (the signed-in user, or the local operator)."""
    return who.name


def _kind_label(ctx: PageContext, kind: str | None) -> str:
    return ctx.t(f"impor.kind_{kind}") if kind else ctx.t("impor.kind_none")


def _sheet_key(file: str, sheet: str) -> str:
    return f"{file}::{sheet}"


@cached(max_entries=1, versioned=False)
def _template() -> bytes:
    return build_template()
