"""The sidebar filters every page shares, kept in the URL so a link opens the same view.

URL parameters: periode (2025-08, 2025-Q3, 2025-S2, 2025 or 2025-01..2025-12), provinsi, kab,
jenis, angkatan, dukungan, lang. The period defaults to the 12 months ending at the last closed
month (kpi.closing): a month whose reports are still coming in ("belum ditutup", open) is
offered, marked as open, but never chosen by default, so a few rows imported for a new month
change no default view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from kpi import closing, i18n
from kpi.columns import JENIS_PERPUSTAKAAN
from kpi.compute import Filters
from kpi.periods import Period, PeriodError, add_months, parse_period, window
from kpi.store import Store
from kpi.summary import filter_options
from kpi.ui import masuk, state
from kpi.ui.cache import cached

# session key -> URL parameter
_PARAMS = {
    "f_periode": "periode",
    "f_provinsi": "provinsi",
    "f_kab": "kab",
    "f_jenis": "jenis",
    "f_angkatan": "angkatan",
    "f_dukungan": "dukungan",
}
PERIOD_KINDS = ("rentang", "bulan", "triwulan", "semester", "tahun")


@dataclass(frozen=True)
class View:
    """The filters in force: the period, which libraries, the last month in the store and the
    last closed month (None when no month is closed yet)."""

    period: Period
    filters: Filters
    last_month: date | None
    last_closed: date | None = None

    @property
    def periode(self) -> str:
        return self.period.label

    @property
    def default_end(self) -> date | None:
        """Where default windows end: the last closed month, else the last reported one."""
        return self.last_closed or self.last_month

    @property
    def is_open(self) -> bool:
        """The period reaches beyond the last closed month (chosen by hand)."""
        return is_open(self.period, self.last_closed, self.last_month)


@cached(max_entries=8)
def _options(store: Store, today: date) -> dict:
    return filter_options(store, today)


def is_open(period: Period, last_closed: date | None, last_month: date | None) -> bool:
    """A period with a month after the last closed one (with none closed: any month)."""
    if last_month is None:
        return False
    if last_closed is None:
        return True
    return period.last > last_closed


_SYNCED = "_filters_synced"  # the filter values this session last wrote into the URL


def _sync_url() -> None:
    synced: dict[str, str] = {}
    for key, param in _PARAMS.items():
        value = st.session_state.get(key)
        if value in (None, ""):
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = synced[param] = str(value)
    st.session_state[_SYNCED] = synced
    st.query_params["lang"] = state.lang()


def view_params() -> dict[str, str]:
    """The sidebar's filters and the language as URL parameters: a link to another page that
    keeps the same view (period, province, kab/kota, level, cohort, support)."""
    out = {
        param: str(value)
        for key, param in _PARAMS.items()
        if (value := st.session_state.get(key)) not in (None, "")
    }
    out["lang"] = state.lang()
    return out


def request(**values: str) -> None:
    """Change filters from a page (e.g. a province clicked on the map) and rerun.

    Widgets' keys cannot be set once the widgets are drawn in a run, so the values wait in
    session state and ``sidebar()`` applies them before drawing at the start of the next run.
    ``values`` use the URL names: provinsi="52", kab="", periode="2025"...
    """
    by_param = {param: key for key, param in _PARAMS.items()}
    st.session_state["_filters_pending"] = {by_param[k]: v for k, v in values.items()}
    st.rerun()


def _init_from_url() -> None:
    pending = st.session_state.pop("_filters_pending", None)
    if pending:
        st.session_state.update(pending)
        if "f_periode" in pending:
            st.session_state.pop("f_kind", None)
    if st.session_state.get("_filters_init"):
        # a link within the app (st.page_link with filters) or an edited URL: a filter the URL
        # holds that this session did not write there itself is applied
        synced = st.session_state.get(_SYNCED) or {}
        for key, param in _PARAMS.items():
            value = st.query_params.get(param)
            if value is not None and value != synced.get(param, ""):
                st.session_state[key] = value
                if key == "f_periode":
                    st.session_state.pop("f_kind", None)
        return
    for key, param in _PARAMS.items():
        if param in st.query_params and key not in st.session_state:
            st.session_state[key] = st.query_params[param]
    st.session_state["_filters_init"] = True


def period_choices(kind: str, first: str, last: str, closed: str | None = None) -> list[str]:
    """Period labels of one kind between two months (newest first). Rolling windows end at the
    last closed month ``closed`` (default: ``last``), and, when later months are open, also at
    the last month."""
    f, lm = parse_period(first).first, parse_period(last).first
    end = parse_period(closed).first if closed else lm
    out: list[str] = []
    if kind == "bulan":
        d = lm
        while d >= f:
            out.append(f"{d.year}-{d.month:02d}")
            d = add_months(d, -1)
    elif kind == "triwulan":
        out = [f"{y}-Q{q}" for y in range(lm.year, f.year - 1, -1) for q in (4, 3, 2, 1)]
    elif kind == "semester":
        out = [f"{y}-S{h}" for y in range(lm.year, f.year - 1, -1) for h in (2, 1)]
    elif kind == "tahun":
        out = [str(y) for y in range(lm.year, f.year - 1, -1)]
    else:  # rolling windows ending at the last closed month (and at the last, open, month)
        out = [window(end, n).label for n in (12, 6, 3, 24, 36)]
        if lm > end:
            out += [window(lm, n).label for n in (12, 6, 3)]
    if kind in ("triwulan", "semester"):
        out = [p for p in out if parse_period(p).first <= lm and parse_period(p).last >= f]
    return out


def default_choice(choices: list[str], closed: str | None) -> str:
    """The default among a kind's periods: the newest that ends by the last closed month."""
    if closed:
        end = parse_period(closed).first
        for p in choices:
            if parse_period(p).last <= end:
                return p
    return choices[0]


def default_view(store: Store) -> View:
    """The view a new session opens with, its sidebar untouched: the newest 12 months that end
    by the last closed month, every library of the country (no login, or a national one).
    kpi.ui.warm computes its results ahead of the first visitor; tests check that it is the
    sidebar's own default."""
    opts = _options(store, closing.today())
    last, closed = opts["last_month"], opts.get("last_closed")
    if last is None:
        period = window(closing.today().replace(day=1), 12)
    else:
        choices = period_choices("rentang", opts["first_month"], last, closed)
        period = parse_period(default_choice(choices, closed))
    return View(
        period=period,
        filters=Filters(),
        last_month=None if last is None else parse_period(last).first,
        last_closed=None if closed is None else parse_period(closed).first,
    )


def _area_select(label: str, names: Mapping[str, str], key: str, every: str, **kw: Any) -> str:
    """A choice of one area by name, ``every`` (no area) first; a choice no longer among
    ``names`` (another province chosen, a stale link) falls back to no area."""
    if st.session_state.get(key) not in (None, "", *names):
        st.session_state[key] = ""
    return st.selectbox(
        label, ["", *names], format_func=lambda k: names.get(k, every), key=key, **kw
    )


def sidebar() -> View:
    """Draw the filters in the sidebar and return what they select."""
    _init_from_url()
    store = state.store()
    opts = _options(store, closing.today())
    # the scope (access.md): the choices are the principal's view areas, a URL outside says so
    opts, scope, refused = _in_scope(store, opts)
    # format functions run later too (AppTest calls them outside the run): bind the language now
    lang = state.lang()

    def tr(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    last = opts["last_month"]
    closed = opts.get("last_closed")
    closed_date = None if closed is None else parse_period(closed).first
    last_date = None if last is None else parse_period(last).first

    def shown(p: str) -> str:
        text = _period_label(p, lang)
        if is_open(parse_period(p), closed_date, last_date):
            text += f" · {tr('filter.open')}"
        return text

    with st.sidebar:
        st.markdown(f"**{tr('filter.title')}**")
        if last is None:
            period = window(closing.today().replace(day=1), 12)
        else:
            current = st.session_state.get("f_periode")
            try:
                kind = parse_period(current).kind if current else "rentang"
            except PeriodError:
                kind, current = "rentang", None
            kind = st.selectbox(
                tr("filter.period_kind"),
                PERIOD_KINDS,
                index=PERIOD_KINDS.index(kind),
                format_func=lambda k: tr(f"filter.kind.{k}"),
                key="f_kind",
            )
            choices = period_choices(kind, opts["first_month"], last, closed)
            if current not in choices:
                st.session_state["f_periode"] = default_choice(choices, closed)
            st.selectbox(
                tr("filter.period"),
                choices,
                format_func=shown,
                key="f_periode",
                help=tr("filter.period_help"),
            )
            period = parse_period(st.session_state["f_periode"])
            st.caption(closed_caption(closed_date, last_date, lang))

        prov = _area_select(tr("filter.provinsi"), opts["provinsi"], "f_provinsi", tr("filter.all"))
        kabs = {k: v[0] for k, v in opts["kabupaten_kota"].items() if prov and v[1] == prov}
        kab = _area_select(
            tr("filter.kabupaten_kota"), kabs, "f_kab", tr("filter.all"), disabled=not prov
        )
        jenis = st.selectbox(
            tr("filter.jenis"),
            ["", *JENIS_PERPUSTAKAAN],
            format_func=lambda j: tr(f"jenis.{j}") if j else tr("filter.all"),
            key="f_jenis",
        )
        cohorts = [str(y) for y in opts["tahun_bergabung"]]
        if st.session_state.get("f_angkatan") not in (None, "", *cohorts):
            st.session_state["f_angkatan"] = ""
        cohort = st.selectbox(
            tr("filter.angkatan"),
            ["", *cohorts],
            format_func=lambda y: y or tr("filter.all"),
            key="f_angkatan",
        )
        support = opts["jenis_dukungan"]
        if st.session_state.get("f_dukungan") not in (None, "", *support):
            st.session_state["f_dukungan"] = ""
        dukungan = st.selectbox(
            tr("filter.dukungan"),
            ["", *support],
            format_func=lambda d: tr(f"dukungan.{d}") if d else tr("filter.all"),
            key="f_dukungan",
        )
    _sync_url()
    view = View(
        period=period,
        filters=Filters(
            provinsi=prov or None,
            kabupaten_kota=kab or None,
            jenis=jenis or None,
            tahun_bergabung=int(cohort) if cohort else None,
            jenis_dukungan=dukungan or None,
            wilayah=scope,
        ),
        last_month=last_date,
        last_closed=closed_date,
    )
    st.session_state["_view"] = view
    if refused is not None:  # a URL named an area outside the scope: no data
        masuk.refused_area(store, masuk.principal(), refused, state.lang())
        st.stop()
    return view


def _in_scope(store: Store, opts: dict) -> tuple[dict, tuple[str, ...] | None, str | None]:
    """The filter choices within the principal's view areas, the Filters' scope, and the area a
    URL (provinsi, kab, or Profil's kode) asked for outside them (it falls back to the scope)."""
    who = masuk.principal()
    cov = masuk.coverage(store, who)
    scope = masuk.scope_codes(cov)
    refused = None
    if scope is not None:
        provinces = {k: v for k, v in opts["provinsi"].items() if k in cov.provinsi_tersentuh}
        kabs = {k: v for k, v in opts["kabupaten_kota"].items() if cov.covers(k)}
        for key, known, inside in (
            ("f_provinsi", opts["provinsi"], provinces),
            ("f_kab", opts["kabupaten_kota"], kabs),
        ):
            value = st.session_state.get(key)
            if value and value in known and value not in inside:
                refused, st.session_state[key] = str(value), ""
        opts = {**opts, "provinsi": provinces, "kabupaten_kota": kabs}
    kode = st.query_params.get("kode")
    if refused is None and kode and not masuk.library_visible(store, who, str(kode).strip()):
        refused = str(kode).strip()
    return opts, scope, refused


def closed_caption(closed: date | None, last: date | None, lang: str) -> str:
    """'Bulan terakhir yang ditutup: Desember 2025' and, when later months have reports, that
    they are still open."""
    if last is None:
        return ""
    if closed is None:
        return i18n.t("filter.closed_none", lang, akhir=i18n.format_month(last, lang))
    text = i18n.t("filter.closed", lang, bulan=i18n.format_month(closed, lang))
    if last > closed:
        opened = Period("rentang", add_months(closed, 1), last)
        text += " " + i18n.t("filter.closed_open", lang, bulan=month_span(opened, lang))
    return text


def current() -> View:
    """The filters drawn by app.py in this run (pages call this, never draw their own)."""
    view = st.session_state.get("_view")
    return view if view is not None else sidebar()


def period_label(period: Period, lang: str) -> str:
    """'Agustus 2025', 'Triwulan III 2025', '2025' or 'Januari 2025 – Desember 2025'."""
    if period.kind == "bulan":
        return i18n.format_month(period.first, lang)
    if period.kind == "triwulan":
        q = ("I", "II", "III", "IV")[(period.first.month - 1) // 3]
        return i18n.t("filter.quarter", lang, q=q, y=str(period.first.year))
    if period.kind == "semester":
        half = str((period.first.month - 1) // 6 + 1)
        return i18n.t("filter.semester", lang, s=half, y=str(period.first.year))
    if period.kind == "tahun":
        return str(period.first.year)
    return month_span(period, lang)


def month_span(period: Period, lang: str) -> str:
    """'Agustus 2025' for one month, else 'Januari 2025 – Desember 2025'."""
    if period.first == period.last:
        return i18n.format_month(period.first, lang)
    return f"{i18n.format_month(period.first, lang)} – {i18n.format_month(period.last, lang)}"


def _period_label(label: str, lang: str) -> str:
    """'2025-08' -> 'Agustus 2025'; '2025-Q3' -> 'Triwulan III 2025'; ranges as 'Jan 2025 – ...'."""
    return period_label(parse_period(label), lang)


def seed_from_url(
    key: str, param: str, choices: Sequence[str] | None = None, *, many: bool = False
) -> None:
    """A page's own widget state from a shared link (``?param=value``; ``many``: comma-separated
    values, empty for none), before the widget is drawn and only when the session holds none:
    the link opens the view it was copied from. Values outside ``choices`` are dropped."""
    if key in st.session_state or param not in st.query_params:
        return
    raw = str(st.query_params.get(param, ""))
    if many:
        values = [v for v in raw.split(",") if v and (choices is None or v in choices)]
        st.session_state[key] = values
    elif choices is None or raw in choices:
        st.session_state[key] = raw


def keep_in_url(param: str, value: object, default: object = None) -> None:
    """Write a page's own choice into the URL (lists comma-separated), so a copied link keeps
    it; the default leaves the parameter out."""
    if value == default or (value in (None, "") and default is None):
        st.query_params.pop(param, None)
        return
    text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text
