"""Pengguna (administrators only): the users, adding one, disabling and enabling, resetting a
password, editing the role, e-mail and view and capture areas; the sign-in settings.

Every change goes through kpi.users / kpi.auth, which check the right to manage users again and
write the change with its audit event in one transaction; this module only draws the forms and
shows their answers (a refusal or a bad value as a message in the session's language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi import access, auth, places, users
from kpi.access import Principal
from kpi.store import Store, StoreError
from kpi.ui import masuk, state
from kpi.ui.context import PageContext
from kpi.ui.literal import md

FLASH = "pengguna_flash"
NATIONAL = access.NATIONAL


def _error(exc: StoreError) -> None:
    st.error(md(exc.message_en if state.lang() == "en" else exc.message_id))


def _done(key: str, **values: Any) -> None:
    st.session_state[FLASH] = state.tr(key, **values)
    st.rerun()


def _area_options(store: Store) -> tuple[list[str], dict[str, str]]:
    names = dict(users.area_choices(store))
    options = [NATIONAL, *names]
    labels = {NATIONAL: state.tr("pengguna.nasional")}
    for code, name in names.items():
        labels[code] = f"{places.format_kode(code)} {name}"
    return options, labels


def _areas_label(codes: list[str], everywhere_if_empty: bool) -> str:
    if not codes:
        return state.tr("pengguna.nasional") if everywhere_if_empty else state.tr("pengguna.none")
    if NATIONAL in codes:
        return state.tr("pengguna.nasional")
    return ", ".join(places.format_kode(c) for c in codes)


def user_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The users as the page lists them (never a password or its hash)."""
    lang = state.lang()
    out = []
    for u in rows:
        if u["disabled"]:
            status = state.tr("pengguna.status_disabled")
        elif u["locked_until"]:
            status = state.tr("pengguna.status_locked", sampai=u["locked_until"])
        else:
            status = state.tr("pengguna.status_active")
        out.append(
            {
                state.tr("pengguna.col_name"): u["name"],
                state.tr("pengguna.col_role"): access.role_label(u["role"], lang),
                state.tr("pengguna.col_email"): u["email"] or "",
                state.tr("pengguna.col_view"): _areas_label(u["view"], True),
                state.tr("pengguna.col_capture"): _areas_label(u["capture"], False),
                state.tr("pengguna.col_status"): status,
                state.tr("pengguna.col_last_login"): u["last_login"] or "",
            }
        )
    return pd.DataFrame(out)


def render(ctx: PageContext) -> None:
    """The page: its principal from the context (app.py refuses a role without the right
    first; the check stays here as a net)."""
    who = ctx.require(access.Action.USERS)
    ctx.title(ctx.t("pengguna.title"), ctx.t("pengguna.intro"))
    _body(ctx.store, who)


def _body(store: Store, who: Principal) -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    rows = users.list_users(store)
    if rows:
        st.dataframe(user_table(rows), hide_index=True, width="stretch")
    else:
        st.info(state.tr("pengguna.none_yet"))
    options, labels = _area_options(store)
    fmt: Callable[[str], str] = lambda c: labels.get(c, c)  # noqa: E731
    tab_add, tab_edit, tab_settings = st.tabs(
        [
            state.tr("pengguna.tab_add"),
            state.tr("pengguna.tab_edit"),
            state.tr("pengguna.tab_settings"),
        ]
    )
    with tab_add:
        _add_form(store, who, options, fmt)
    with tab_edit:
        if rows:
            _edit_section(store, who, rows, options, fmt)
        else:
            st.info(state.tr("pengguna.none_yet"))
    with tab_settings:
        _settings_form(store, who)


def _role_format(role: str) -> str:
    return access.role_label(role, state.lang())


def _areas(which: str, options: list[str], fmt: Callable, **kw: Any) -> list[str]:
    """The user's view or capture areas (``which``), chosen among ``options``."""
    return st.multiselect(
        state.tr(f"pengguna.{which}"),
        options,
        format_func=fmt,
        help=state.tr(f"pengguna.{which}_help"),
        **kw,
    )


def _add_form(store: Store, who: Principal, options: list[str], fmt: Callable) -> None:
    roles = list(access.role_ids())
    with st.form("pengguna_add", clear_on_submit=False):
        name = st.text_input(state.tr("pengguna.name"), key="pengguna_add_name")
        role = st.selectbox(
            state.tr("pengguna.role"), roles, format_func=_role_format, key="pengguna_add_role"
        )
        email = st.text_input(state.tr("pengguna.email"), key="pengguna_add_email")
        view = _areas("view", options, fmt, key="pengguna_add_view")
        capture = _areas("capture", options, fmt, key="pengguna_add_capture")
        password = masuk.password_input(
            state.tr("pengguna.password"),
            key="pengguna_add_password",
            help=state.tr("pengguna.password_help"),
        )
        again = masuk.password_input(state.tr("pengguna.password_again"), key="pengguna_add_again")
        submitted = st.form_submit_button(state.tr("pengguna.add"), type="primary")
    if not submitted or not masuk.typed_twice(password, again):
        return
    try:
        added = users.add_user(
            store,
            name,
            role,
            password=password or None,
            email=email or None,
            view=view,
            capture=capture,
            actor=who,
        )
    except StoreError as exc:
        _error(exc)
        return
    for key in (
        "pengguna_add_name",
        "pengguna_add_email",
        "pengguna_add_password",
        "pengguna_add_again",
        "pengguna_add_view",
        "pengguna_add_capture",
    ):
        st.session_state.pop(key, None)
    _done("pengguna.added", nama=md(added.name), peran=md(_role_format(added.role)))


def _edit_section(
    store: Store, who: Principal, rows: list[dict[str, Any]], options: list[str], fmt: Callable
) -> None:
    names = [u["name"] for u in rows]
    by_name = {u["name"]: u for u in rows}
    chosen = st.selectbox(state.tr("pengguna.choose"), names, key="pengguna_choice")
    u = by_name[chosen]
    roles = list(access.role_ids())
    with st.form(f"pengguna_grant_{chosen}"):
        role = st.selectbox(
            state.tr("pengguna.role"),
            roles,
            index=roles.index(u["role"]) if u["role"] in roles else 0,
            format_func=_role_format,
        )
        email = st.text_input(state.tr("pengguna.email"), value=u["email"] or "")
        view = _areas("view", options, fmt, default=[c for c in u["view"] if c in options])
        capture = _areas("capture", options, fmt, default=[c for c in u["capture"] if c in options])
        save = st.form_submit_button(state.tr("pengguna.save"), type="primary")
    if save:
        try:
            users.grant(
                store, chosen, role=role, email=email, view=view, capture=capture, actor=who
            )
        except StoreError as exc:
            _error(exc)
        else:
            _done("pengguna.saved", nama=md(chosen))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{state.tr('pengguna.state_title')}**")
        label = "pengguna.enable" if u["disabled"] else "pengguna.disable"
        if st.button(state.tr(label), key=f"pengguna_toggle_{chosen}"):
            try:
                users.set_disabled(store, chosen, not u["disabled"], actor=who)
            except StoreError as exc:
                _error(exc)
            else:
                done = "pengguna.enabled" if u["disabled"] else "pengguna.disabled"
                _done(done, nama=md(chosen))
    with right, st.form(f"pengguna_reset_{chosen}", clear_on_submit=True):
        st.markdown(f"**{state.tr('pengguna.reset_title')}**")
        new = masuk.password_input(state.tr("akses.password_new"))
        again = masuk.password_input(state.tr("akses.password_again"))
        reset = st.form_submit_button(state.tr("pengguna.reset"))
    if reset:
        if not masuk.typed_twice(new, again):
            return
        try:
            users.reset_password(store, chosen, new, actor=who)
        except StoreError as exc:
            _error(exc)
        else:
            _done("pengguna.reset_done", nama=md(chosen))


def _settings_form(store: Store, who: Principal) -> None:
    now = auth.get_settings(store)
    with st.form("pengguna_settings"):
        attempts = st.number_input(
            state.tr("pengguna.max_attempts"), 1, 100, now.max_attempts, step=1
        )
        lock = st.number_input(state.tr("pengguna.lock_minutes"), 1, 24 * 60, now.lock_minutes)
        idle = st.number_input(
            state.tr("pengguna.idle_hours"), 0.1, 720.0, float(now.idle_hours), step=0.5
        )
        save = st.form_submit_button(state.tr("pengguna.save"))
    if save:
        try:
            auth.save_settings(
                store,
                {"max_attempts": int(attempts), "lock_minutes": int(lock), "idle_hours": idle},
                actor=who,
            )
        except StoreError as exc:
            _error(exc)
        else:
            _done("pengguna.settings_saved")
