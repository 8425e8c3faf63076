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
from kpi.store import StoreError
from kpi.ui import masuk
from kpi.ui.context import PageContext
from kpi.ui.literal import md

FLASH = "pengguna_flash"
NATIONAL = access.NATIONAL


def _error(ctx: PageContext, exc: StoreError) -> None:
    st.error(md(exc.message_en if ctx.lang == "en" else exc.message_id))


def _done(ctx: PageContext, key: str, **values: Any) -> None:
    st.session_state[FLASH] = ctx.t(key, **values)
    st.rerun()


def _area_options(ctx: PageContext) -> tuple[list[str], dict[str, str]]:
    names = dict(users.area_choices(ctx.store))
    options = [NATIONAL, *names]
    labels = {NATIONAL: ctx.t("pengguna.nasional")}
    for code, name in names.items():
        labels[code] = f"{places.format_kode(code)} {name}"
    return options, labels


def _areas_label(ctx: PageContext, codes: list[str], everywhere_if_empty: bool) -> str:
    if not codes:
        return ctx.t("pengguna.nasional") if everywhere_if_empty else ctx.t("pengguna.none")
    if NATIONAL in codes:
        return ctx.t("pengguna.nasional")
    return ", ".join(places.format_kode(c) for c in codes)


def user_table(ctx: PageContext, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The users as the page lists them (never a password or its hash)."""
    lang = ctx.lang
    out = []
    for u in rows:
        if u["disabled"]:
            status = ctx.t("pengguna.status_disabled")
        elif u["locked_until"]:
            status = ctx.t("pengguna.status_locked", sampai=u["locked_until"])
        else:
            status = ctx.t("pengguna.status_active")
        out.append(
            {
                ctx.t("pengguna.col_name"): u["name"],
                ctx.t("pengguna.col_role"): access.role_label(u["role"], lang),
                ctx.t("pengguna.col_email"): u["email"] or "",
                ctx.t("pengguna.col_view"): _areas_label(ctx, u["view"], True),
                ctx.t("pengguna.col_capture"): _areas_label(ctx, u["capture"], False),
                ctx.t("pengguna.col_status"): status,
                ctx.t("pengguna.col_last_login"): u["last_login"] or "",
            }
        )
    return pd.DataFrame(out)


def render(ctx: PageContext) -> None:
    """The page: its principal from the context (app.py refuses a role without the right
    first; the check stays here as a net)."""
    who = ctx.require(access.Action.USERS)
    ctx.title(ctx.t("pengguna.title"), ctx.t("pengguna.intro"))
    _body(ctx, who)


def _body(ctx: PageContext, who: Principal) -> None:
    store = ctx.store
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    rows = users.list_users(store)
    if rows:
        st.dataframe(user_table(ctx, rows), hide_index=True, width="stretch")
    else:
        st.info(ctx.t("pengguna.none_yet"))
    options, labels = _area_options(ctx)
    fmt: Callable[[str], str] = lambda c: labels.get(c, c)  # noqa: E731
    tab_add, tab_edit, tab_settings = st.tabs(
        [
            ctx.t("pengguna.tab_add"),
            ctx.t("pengguna.tab_edit"),
            ctx.t("pengguna.tab_settings"),
        ]
    )
    with tab_add:
        _add_form(ctx, who, options, fmt)
    with tab_edit:
        if rows:
            _edit_section(ctx, who, rows, options, fmt)
        else:
            st.info(ctx.t("pengguna.none_yet"))
    with tab_settings:
        _settings_form(ctx, who)


def _role_format(ctx: PageContext, role: str) -> str:
    return access.role_label(role, ctx.lang)


def _areas(ctx: PageContext, which: str, options: list[str], fmt: Callable, **kw: Any) -> list[str]:
    """The user's view or capture areas (``which``), chosen among ``options``."""
    return st.multiselect(
        ctx.t(f"pengguna.{which}"),
        options,
        format_func=fmt,
        help=ctx.t(f"pengguna.{which}_help"),
        **kw,
    )


def _add_form(ctx: PageContext, who: Principal, options: list[str], fmt: Callable) -> None:
    store = ctx.store
    roles = list(access.role_ids())
    with st.form("pengguna_add", clear_on_submit=False):
        name = st.text_input(ctx.t("pengguna.name"), key="pengguna_add_name")
        role = st.selectbox(
            ctx.t("pengguna.role"),
            roles,
            format_func=lambda r: _role_format(ctx, r),
            key="pengguna_add_role",
        )
        email = st.text_input(ctx.t("pengguna.email"), key="pengguna_add_email")
        view = _areas(ctx, "view", options, fmt, key="pengguna_add_view")
        capture = _areas(ctx, "capture", options, fmt, key="pengguna_add_capture")
        password = masuk.password_input(
            ctx.t("pengguna.password"),
            key="pengguna_add_password",
            help=ctx.t("pengguna.password_help"),
        )
        again = masuk.password_input(ctx.t("pengguna.password_again"), key="pengguna_add_again")
        submitted = st.form_submit_button(ctx.t("pengguna.add"), type="primary")
    if not submitted or not masuk.typed_twice(password, again, ctx.lang):
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
        _error(ctx, exc)
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
    _done(ctx, "pengguna.added", nama=md(added.name), peran=md(_role_format(ctx, added.role)))


def _edit_section(
    ctx: PageContext, who: Principal, rows: list[dict[str, Any]], options: list[str], fmt: Callable
) -> None:
    store = ctx.store
    names = [u["name"] for u in rows]
    by_name = {u["name"]: u for u in rows}
    chosen = st.selectbox(ctx.t("pengguna.choose"), names, key="pengguna_choice")
    u = by_name[chosen]
    roles = list(access.role_ids())
    with st.form(f"pengguna_grant_{chosen}"):
        role = st.selectbox(
            ctx.t("pengguna.role"),
            roles,
            index=roles.index(u["role"]) if u["role"] in roles else 0,
            format_func=lambda r: _role_format(ctx, r),
        )
        email = st.text_input(ctx.t("pengguna.email"), value=u["email"] or "")
        view = _areas(ctx, "view", options, fmt, default=[c for c in u["view"] if c in options])
        capture = _areas(
            ctx, "capture", options, fmt, default=[c for c in u["capture"] if c in options]
        )
        save = st.form_submit_button(ctx.t("pengguna.save"), type="primary")
    if save:
        try:
            users.grant(
                store, chosen, role=role, email=email, view=view, capture=capture, actor=who
            )
        except StoreError as exc:
            _error(ctx, exc)
        else:
            _done(ctx, "pengguna.saved", nama=md(chosen))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('pengguna.state_title')}**")
        label = "pengguna.enable" if u["disabled"] else "pengguna.disable"
        if st.button(ctx.t(label), key=f"pengguna_toggle_{chosen}"):
            try:
                users.set_disabled(store, chosen, not u["disabled"], actor=who)
            except StoreError as exc:
                _error(ctx, exc)
            else:
                done = "pengguna.enabled" if u["disabled"] else "pengguna.disabled"
                _done(ctx, done, nama=md(chosen))
    with right, st.form(f"pengguna_reset_{chosen}", clear_on_submit=True):
        st.markdown(f"**{ctx.t('pengguna.reset_title')}**")
        new = masuk.password_input(ctx.t("akses.password_new"))
        again = masuk.password_input(ctx.t("akses.password_again"))
        reset = st.form_submit_button(ctx.t("pengguna.reset"))
    if reset:
        if not masuk.typed_twice(new, again, ctx.lang):
            return
        try:
            users.reset_password(store, chosen, new, actor=who)
        except StoreError as exc:
            _error(ctx, exc)
        else:
            _done(ctx, "pengguna.reset_done", nama=md(chosen))


def _settings_form(ctx: PageContext, who: Principal) -> None:
    store = ctx.store
    now = auth.get_settings(store)
    with st.form("pengguna_settings"):
        attempts = st.number_input(ctx.t("pengguna.max_attempts"), 1, 100, now.max_attempts, step=1)
        lock = st.number_input(ctx.t("pengguna.lock_minutes"), 1, 24 * 60, now.lock_minutes)
        idle = st.number_input(
            ctx.t("pengguna.idle_hours"), 0.1, 720.0, float(now.idle_hours), step=0.5
        )
        save = st.form_submit_button(ctx.t("pengguna.save"))
    if save:
        try:
            auth.save_settings(
                store,
                {"max_attempts": int(attempts), "lock_minutes": int(lock), "idle_hours": idle},
                actor=who,
            )
        except StoreError as exc:
            _error(ctx, exc)
        else:
            _done(ctx, "pengguna.settings_saved")
