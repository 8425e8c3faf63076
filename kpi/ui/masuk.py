"""Signing in to the app, and who the session acts as (access.md).

- ``gate(store)``: the session's principal for this run. While the store has no user, the local
  operator (login off; ``login_off_banner`` says so and how to turn it on). Once a user exists,
  the signed-in user, read again from the store on every run (a user disabled meanwhile, or whose
  grants changed, acts as the store says now); None until someone signs in, after the idle
  timeout (kpi.auth settings) or after signing out. app.py then draws ``login_page`` instead of
  the page: a link to any page shows the sign-in form and no data, and opens that page after.
- ``principal()``: the principal of this run, for every write (import, undo, settings,
  boundaries, demo) as ``actor`` and for the audit of downloads; None when nobody signed in.
- ``restrict(pages, who)``: pages the principal may not use leave the navigation; their URL
  still opens, and ``allowed`` / ``no_access`` make app.py say "tidak ada akses" (recorded).
- ``account_sidebar``: who is signed in, the change of one's own password, sign-out.
- ``download_button``: a download of data, offered only with the right to export, recorded in
  the audit trail (what, in which format, with which filters) when clicked.
- Single sign-on: when ``[auth]`` is configured in .streamlit/secrets.toml, Streamlit's st.login
  (OIDC) identifies the person; kpi.auth.login_identity grants the local user of that e-mail.

Nothing secret is kept: a password lives only in the submitted form's widget, cleared on submit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from kpi import access, audit, auth
from kpi.access import Action, Principal
from kpi.i18n import translator
from kpi.store import Store, StoreError
from kpi.ui import state
from kpi.ui.cache import cached
from kpi.ui.literal import md

log = logging.getLogger("tpbis")

PRINCIPAL = "akses_principal"  # the signed-in Principal (or the local operator)
LAST_SEEN = "akses_last_seen"  # UTC time of the session's last run
NOTICE = "akses_notice"  # a message for the sign-in form (signed out, session ended)
LAST_NAME = "akses_last_name"  # the name typed last, kept for the next try
_REFUSED = "akses_refused_seen"  # refusals recorded already in this session
FAILED_HERE = "akses_failed_here"  # failed sign-ins in this session
SSO_REFUSED = "akses_sso_refused"  # the identity refused in this session, and why

# the rights a page needs (any one of them), by its URL path; every other page needs "see"
PAGE_ACTIONS: dict[str, tuple[Action, ...]] = {
    "impor": (Action.IMPORT, Action.TARGETS, Action.UNDO),
    "pengaturan": (Action.SETTINGS,),
    "pengguna": (Action.USERS,),
    "jejak-audit": (Action.AUDIT,),
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _message(err: StoreError | auth.LoginResult, lang: str) -> str:
    text = err.message_en if lang == "en" else err.message_id
    return md(text)


# -- the session's principal ----------------------------------------------------------------------


def principal() -> Principal | None:
    """Who the session acts as in this run (set by ``gate``); None: nobody signed in."""
    return st.session_state.get(PRINCIPAL)


NOBODY = Principal("?", "?")  # no role, no right: what acts when nobody signed in


def actor() -> Principal:
    """The principal for a write; a write without one is refused by the domain (a principal
    without any right). A page takes it from its context (``ctx.actor``)."""
    return principal() or NOBODY


def _sign_out(notice: str | None = None) -> None:
    for key in (PRINCIPAL, LAST_SEEN, _REFUSED):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice


def gate(store: Store) -> Principal | None:
    """The principal of this run (see the module's docstring)."""
    if not auth.login_required(store):
        who = st.session_state.get(PRINCIPAL)
        if who is None or not who.local:
            who = access.local_operator()
            st.session_state[PRINCIPAL] = who
        return who
    who = st.session_state.get(PRINCIPAL)
    if who is None:
        return None
    if who.local:  # the first user was created in this session: everyone signs in now
        _sign_out("akses.now_on")
        return None
    now = _now()
    last = st.session_state.get(LAST_SEEN)
    if last is None or auth.session_expired(last, auth.get_settings(store), now):
        auth.logout(store, who, expired=True, now=now)
        _sign_out("akses.expired")
        return None
    fresh = access.load_principal(store.cursor(), who.name)
    if fresh is None:  # disabled (or gone) since signing in
        _sign_out("akses.disabled")
        return None
    st.session_state[PRINCIPAL] = fresh
    st.session_state[LAST_SEEN] = now
    return fresh


def _signed_in(result: auth.LoginResult) -> None:
    assert result.principal is not None
    st.session_state[PRINCIPAL] = result.principal
    st.session_state[LAST_SEEN] = _now()
    st.session_state.pop(NOTICE, None)
    st.session_state.pop(_REFUSED, None)


# -- pages ----------------------------------------------------------------------------------------


def page_actions(url_path: str) -> tuple[Action, ...]:
    return PAGE_ACTIONS.get(url_path, (Action.SEE,))


def allowed(who: Principal | None, url_path: str) -> bool:
    """The principal may use the page at ``url_path`` (deny by default)."""
    return who is not None and any(who.can(a) for a in page_actions(url_path))


def restrict(pages: Sequence[Any], who: Principal | None) -> list[Any]:
    """The pages, with those ``who`` may not use hidden from the navigation (their URL still
    resolves, so that app.py can say "no access" instead of opening another page)."""
    for page in pages:
        if not allowed(who, page.url_path):
            # st.Page's visibility, set after it was made (pages() builds them in one place)
            page._visibility = "hidden"
    return list(pages)


def no_access(
    store: Store, who: Principal, what: str, lang: str, *, area: str | None = None
) -> None:
    """Say "tidak ada akses" and record the refusal (once per session and request)."""
    t = translator(lang)
    st.title(t("akses.no_access_title"))
    st.error(t("akses.no_access", nama=md(who.name), peran=md(_role(who, lang))))
    _record_refusal(store, who, (what, area), what, area, {"halaman": what})


def _record_refusal(
    store: Store,
    who: Principal,
    key: tuple[Any, ...],
    objek: str,
    wilayah: str | None,
    rincian: Mapping[str, Any],
) -> None:
    """One "access.refused" event per session and ``key``, with the request's URL parameters."""
    seen: set = st.session_state.setdefault(_REFUSED, set())
    if key in seen:
        return
    seen.add(key)
    params = {k: str(v)[:80] for k, v in st.query_params.to_dict().items()}
    audit.log(
        store,
        who,
        "access.refused",
        objek=objek,
        wilayah=wilayah,
        rincian={"aksi": "see", **rincian, "url": params},
    )


def _role(who: Principal, lang: str) -> str:
    return access.role_label(who.role, lang)


# -- the sign-in form -----------------------------------------------------------------------------


def sso_configured() -> bool:
    """Streamlit's OIDC sign-in is configured ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def password_input(label: str, *, new: bool = True, **kw: Any) -> str:
    """A password field (the browser's password manager told whether it is a new one)."""
    kind = "new-password" if new else "current-password"
    return st.text_input(label, type="password", autocomplete=kind, **kw)


def typed_twice(password: str, again: str, lang: str) -> bool:
    """The password was typed the same twice; otherwise the form says so."""
    if password != again:
        st.error(translator(lang)("akses.password_mismatch"))
        return False
    return True


def login_page(store: Store, lang: str) -> None:
    """The sign-in form (name and password; single sign-on when configured). No data."""
    t = translator(lang)
    st.title(t("akses.login_title"))
    st.caption(t("akses.login_intro"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice))
    if sso_configured() and _sso_login(store, lang):
        return
    with st.form("akses_login", clear_on_submit=True):
        name = st.text_input(
            t("akses.name"),
            value=st.session_state.get(LAST_NAME, ""),
            key="akses_name",
            autocomplete="username",
        )
        password = password_input(t("akses.password"), key="akses_password", new=False)
        submitted = st.form_submit_button(t("akses.login"), type="primary")
    if not submitted:
        return
    st.session_state[LAST_NAME] = name
    if not name.strip() or not password:
        st.error(t("akses.missing"))
        return
    result = auth.authenticate(store, name, password)
    if result.ok:
        st.session_state.pop(FAILED_HERE, None)
        _signed_in(result)
        st.rerun()
    if result.status == "locked":
        st.error(_message(result, lang), icon=":material/lock:")
    else:
        st.error(_message(result, lang))
    # the session's own count (it says nothing of whether the name exists) and the rule
    failed = st.session_state.get(FAILED_HERE, 0) + 1
    st.session_state[FAILED_HERE] = failed
    settings = auth.get_settings(store)
    st.caption(
        t(
            "akses.failed_here",
            n=failed,
            max=settings.max_attempts,
            menit=settings.lock_minutes,
        )
    )


def _sso_login(store: Store, lang: str) -> bool:
    """Single sign-on: a button that starts st.login; back from the provider, the identity is
    granted the local user of its e-mail. True when the session is signed in now."""
    t = translator(lang)
    user = st.user
    if getattr(user, "is_logged_in", False):
        provider = str(user.get("iss") or "oidc")
        subject = str(user.get("sub") or "")
        refused = st.session_state.get(SSO_REFUSED)
        if refused is not None and refused[0] == (provider, subject):
            result = refused[1]  # asked once: every rerun would record the refusal again
        else:
            email = user.get("email")
            result = auth.login_identity(
                store, provider, subject, email if isinstance(email, str) else None
            )
        if result.ok:
            st.session_state.pop(SSO_REFUSED, None)
            _signed_in(result)
            st.rerun()
        st.session_state[SSO_REFUSED] = ((provider, subject), result)
        st.error(_message(result, lang))
        if st.button(t("akses.sso_logout"), key="akses_sso_out"):
            st.logout()
        return False
    if st.button(t("akses.sso_login"), type="primary", key="akses_sso"):
        st.login()
    st.caption(t("akses.sso_or_password"))
    return False


# -- the sidebar ----------------------------------------------------------------------------------


def login_off_banner(store: Store, lang: str) -> None:
    """While the store has no user: login is off, and how to turn it on."""
    if auth.login_required(store):
        return
    # a bordered note, not an alert: the pages' own messages stay the only alerts on a page
    st.sidebar.container(border=True).caption(
        f":material/lock_open: {translator(lang)('akses.off')}"
    )


def account_sidebar(store: Store, who: Principal, lang: str) -> None:
    """Who is signed in, with their role and areas; change password; sign out."""
    if who.local:
        login_off_banner(store, lang)
        return
    t = translator(lang)
    with st.sidebar:
        st.markdown(
            t(
                "akses.signed_in",
                nama=md(who.name),
                peran=md(_role(who, lang)),
            )
        )
        st.caption(t("akses.areas", wilayah=md(who.areas(Action.SEE).label(lang))))
        left, right = st.columns(2)
        with left.popover(t("akses.change_password"), width="stretch"):
            _password_form(store, who, lang)
        if right.button(t("akses.logout"), key="akses_logout", width="stretch"):
            auth.logout(store, who)
            _sign_out("akses.logged_out")
            if sso_configured() and getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()


def _password_form(store: Store, who: Principal, lang: str) -> None:
    t = translator(lang)
    with st.form("akses_password_form", clear_on_submit=True):
        old = password_input(t("akses.password_old"), new=False)
        new = password_input(t("akses.password_new"))
        again = password_input(t("akses.password_again"))
        submitted = st.form_submit_button(t("akses.password_save"), type="primary")
    if not submitted or not typed_twice(new, again, lang):
        return
    try:
        auth.change_password(store, who.name, old, new)
    except StoreError as exc:
        st.error(_message(exc, lang))
        return
    st.success(t("akses.password_changed"))


# -- the scope of the pages -----------------------------------------------------------------------


@cached(max_entries=64)
def _coverage(store: Store, codes: tuple[str, ...], everywhere: bool) -> access.Coverage:
    return access.coverage(store, access.Areas(frozenset(codes), everywhere))


def coverage(store: Store, who: Principal | None) -> access.Coverage:
    """What ``who`` may see, as province and kab/kota codes (nobody: nothing)."""
    if who is None:
        return access.Coverage(False)
    areas = who.areas(Action.SEE)
    return _coverage(store, tuple(sorted(areas.codes)), areas.everywhere)


def scope_codes(cov: access.Coverage) -> tuple[str, ...] | None:
    """The Filters' scope for a coverage: None for the whole country, else the provinces covered
    whole and the kab/kota covered outside them (empty: nothing)."""
    if cov.whole_country:
        return None
    partial = [k for k in cov.kabupaten_kota if k[:2] not in cov.provinsi]
    return tuple(sorted([*cov.provinsi, *partial]))


def in_scope(frame: Any, scope: tuple[str, ...] | None) -> Any:
    """A boolean mask of a frame's rows (columns kode_provinsi, kode_kabupaten_kota) inside the
    Filters' scope (None: every row)."""
    if scope is None:
        return frame.index == frame.index
    provinces = {c for c in scope if len(c) == 2}
    kabs = {c for c in scope if len(c) == 4}
    return frame["kode_provinsi"].isin(provinces) | frame["kode_kabupaten_kota"].isin(kabs)


def refused_area(store: Store, who: Principal | None, code: str, lang: str) -> None:
    """A URL named an area outside the scope: say so (no data) and record it."""
    from kpi import places

    shown = places.format_kode(code) if places.normalise_kode(code) else code
    if who is None:
        return
    st.error(translator(lang)("akses.no_access_area", kode=md(shown)))
    _record_refusal(
        store,
        who,
        ("area", code),
        str(code)[:80],
        places.normalise_kode(code) or None,
        {"alasan": "di luar wilayah lihat"},
    )


def library_visible(store: Store, who: Principal | None, kode: str) -> bool:
    """A library (by its code) or an area code lies in what ``who`` may see."""
    cov = coverage(store, who)
    if cov.whole_country:
        return True
    area = access.library_area(store, kode)
    return cov.covers(area) if area is not None else cov.covers(kode)


# -- downloads ------------------------------------------------------------------------------------


def may_export(who: Principal | None = None) -> bool:
    who = who if who is not None else principal()
    return who is not None and who.can(Action.EXPORT)


def download_button(
    label: str,
    data: Any,
    file_name: str,
    mime: str,
    *,
    key: str,
    what: str,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    report_card: bool = False,
    where: Any = None,
    who: Principal | None = None,
    lang: str | None = None,
    **kwargs: Any,
) -> bool:
    """st.download_button for data leaving the app: drawn only with the right to export; the
    file is made when clicked, and recorded in the audit trail first (what, format, the view's
    filters unless ``filters``, rows). ``data``: bytes or text, or a function making them.
    ``where``: the container (default the page); ``who``: the page's principal (``ctx.user``;
    default the session's); ``lang``: the page's language (``ctx.lang``)."""
    target = where if where is not None else st
    who = who if who is not None else principal()
    if not may_export(who):
        target.caption(translator(lang or state.lang())("akses.no_export"))
        return False
    assert who is not None
    store = state.store()  # bound now: the file is made outside the script's run
    fmt = file_name.rsplit(".", 1)[-1] if "." in file_name else mime
    shown = dict(filters) if filters is not None else view_filters(st.session_state.get("_view"))

    def build() -> Any:
        # a refusal (the right taken away meanwhile) is recorded and raised: no file
        audit.record_download(
            store, who, what, fmt=fmt, filters=shown, rows=rows, report_card=report_card
        )
        return data() if callable(data) else data

    kwargs.setdefault("on_click", "ignore")
    return bool(
        target.download_button(label, data=build, file_name=file_name, mime=mime, key=key, **kwargs)
    )


def view_filters(view: Any) -> dict[str, Any]:
    """The view's filters as an audit event keeps them (period and the filters set)."""
    out: dict[str, Any] = {"periode": getattr(view, "periode", None)}
    f = getattr(view, "filters", None)
    for name in ("provinsi", "kabupaten_kota", "jenis", "tahun_bergabung", "jenis_dukungan"):
        value = getattr(f, name, None)
        if value not in (None, ""):
            out[name] = value
    return out


def areas_text(codes: Iterable[str], lang: str | None = None) -> str:
    """Area codes as an administrator reads them ('Kabupaten Bogor (32.01)')."""
    codes = list(codes)
    if not codes:
        return ""
    return access.Areas(frozenset(codes)).label(lang or state.lang())
