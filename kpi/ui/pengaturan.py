"""Pengaturan (settings): score and coaching settings with a live preview, targets, boundaries.

The settings are edited in plain widgets (not an st.form) so that every change reruns the page
and the preview follows at once; nothing is stored until "Simpan". The widgets start from the
stored settings; after a save or a restore their state is dropped so they start again from the
store. Engine results are cached per data version (saving bumps it, see kpi/ui/data.py); the
candidate settings travel into the cache as canonical JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import boundaries, closing, coaching, compute, i18n, places, preview, score
from kpi.catalogue import SCORE_PILLARS, CatalogueError, catalogue
from kpi.store import open_store
from kpi.ui import masuk, plot, state
from kpi.ui.charts import BAND_COLOURS, _layout
from kpi.ui.data import FilterKey, filter_key
from kpi.ui.filters import View
from kpi.ui.literal import md
from kpi.ui.maps import NO_DATA_COLOUR, TIER_COLOURS

W = "pgw_"  # prefix of the settings widgets' session keys
FLASH = "pg_flash"
CONFIRM = "pg_confirm_restore"
BAND_BAR_COLOURS = {**BAND_COLOURS, preview.NO_BAND: NO_DATA_COLOUR}
# rule -> its thresholds (besides the points), with their widget ranges (min, max, step)
RULE_PARAMS: dict[str, dict[str, tuple[float, float, float]]] = {
    "D": {"bulan_terakhir": (1, 12, 1), "kelengkapan_minimum": (0, 100, 5)},
    "R1": {},
    "R2": {"capaian_minimum": (0, 100, 5)},
    # R3's minimum base is each KPI's own (catalogue data), not a setting
    "R3": {"perubahan_maksimum": (-100, 0, 5)},
    "R4": {"persen_terbawah": (1, 100, 5)},
    "R5": {"bulan_berturut": (1, 12, 1)},
    "R6": {"selisih_minimum": (0, 100, 5)},
    "Q": {},
}
TIER_KEYS = ("prioritas_1", "prioritas_2", "pantau")
# the closing of months (kpi.closing): setting -> widget range (min, max, step)
CLOSING_PARAMS: dict[str, tuple[float, float, float]] = {
    "tenggat_hari": (1, 31, 1),
    "kelengkapan_relatif": (0, 100, 5),
}


# -- cached engine results -----------------------------------------------------------------------


def _filters(key: FilterKey) -> compute.Filters:
    return compute.Filters(*key)


@st.cache_data(show_spinner=False, max_entries=32)
def _band_table(db: str, version: int, periode: str, fkey: FilterKey, skor: str) -> pd.DataFrame:
    del version
    return preview.band_table(open_store(db), periode, _filters(fkey), json.loads(skor))


@st.cache_data(show_spinner=False, max_entries=32)
def _tier_table(
    db: str, version: int, periode: str, fkey: FilterKey, skor: str, pembinaan: str
) -> pd.DataFrame:
    del version
    return preview.tier_table(
        open_store(db), periode, _filters(fkey), json.loads(skor), json.loads(pembinaan)
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _targets(db: str, version: int, tahun: int) -> pd.DataFrame:
    del version
    return compute.targets(open_store(db), catalogue().ids, tahun)


@cache
def _area_names() -> dict[str, str]:
    """Province and kab/kota names by code (the places a target can be set for)."""
    frames = (places.provinsi(), places.kabupaten_kota())
    return {str(k): str(n) for f in frames for k, n in zip(f["kode"], f["nama"], strict=True)}


@st.cache_data(show_spinner=False, max_entries=16)
def _target_view(db: str, version: int, tahun: int, lang: str) -> tuple[int, pd.DataFrame]:
    """How many targets a year has, and its table as shown."""
    frame = _targets(db, version, tahun)
    if frame.empty:
        return 0, frame
    names = _area_names()
    return len(frame), target_frame(frame, lang, lambda k: names.get(k, k))


@st.cache_data(show_spinner=False, max_entries=4)
def _stored_boundaries(db: str, version: int) -> dict[str, Any] | None:
    del version  # the stored file can be large: read it once per data version
    return boundaries.stored_info(open_store(db))


@st.cache_data(show_spinner=False, max_entries=4)
def _match_file(data: bytes) -> boundaries.BoundaryReport:
    return boundaries.match_features(boundaries.read_geojson(data))


@dataclass(frozen=True)
class PreviewSummary:
    """What the page shows of a Preview (small: cached as it is)."""

    libraries: int
    band_moved: int
    tier_moved: int
    band_counts: pd.DataFrame
    tier_counts: pd.DataFrame
    band_moves: pd.DataFrame
    tier_moves: pd.DataFrame


def summarise(p: preview.Preview) -> PreviewSummary:
    band_moves, tier_moves = p.band_moves(), p.tier_moves()
    return PreviewSummary(
        libraries=p.libraries,
        band_moved=int(band_moves["jumlah"].sum()),
        tier_moved=int(tier_moves["jumlah"].sum()),
        band_counts=p.band_counts(),
        tier_counts=p.tier_counts(),
        band_moves=band_moves,
        tier_moves=tier_moves,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _summary(
    db: str, version: int, periode: str, fkey: FilterKey, now: tuple[str, str], new: tuple[str, str]
) -> PreviewSummary:
    return summarise(
        preview.compare(
            _band_table(db, version, periode, fkey, now[0]),
            _band_table(db, version, periode, fkey, new[0]),
            _tier_table(db, version, periode, fkey, now[0], now[1]),
            _tier_table(db, version, periode, fkey, new[0], new[1]),
        )
    )


def compute_preview(
    view: View, skor: Mapping[str, Any], pembinaan: Mapping[str, Any]
) -> PreviewSummary:
    """The preview of candidate settings against the stored ones (cached per data version)."""
    store = state.store()
    db, version = str(store.path), store.data_version()
    now = (
        preview.settings_key(score.get_settings(store)),
        preview.settings_key(coaching.get_settings(store)),
    )
    new = (preview.settings_key(skor), preview.settings_key(pembinaan))
    return _summary(db, version, view.periode, filter_key(view.filters), now, new)


# -- figure builders (pure) ----------------------------------------------------------------------


def shift_bars(
    counts: pd.DataFrame,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    lang: str,
    title: str | None = None,
) -> go.Figure:
    """Units per class now and under the proposal, as horizontal bars (class names stay
    readable in a narrow column): two bars per class, the proposal solid and "now" lighter and
    hatched (distinguishable without colour), the count written at each bar.

    counts: index = class ids, columns kini and baru (as Preview.band_counts).
    """
    names = [labels.get(str(k), str(k)) for k in counts.index]
    colour = [colours.get(str(k), NO_DATA_COLOUR) for k in counts.index]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=counts["kini"].tolist(),
        orientation="h",
        name=i18n.t("pengaturan.preview.kini", lang),
        marker={"color": colour, "opacity": 0.45, "pattern": {"shape": "/"}},
        text=[i18n.format_number(v, lang) for v in counts["kini"]],
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_bar(
        y=names,
        x=counts["baru"].tolist(),
        orientation="h",
        name=i18n.t("pengaturan.preview.baru", lang),
        marker={"color": colour},
        text=[i18n.format_number(v, lang) for v in counts["baru"]],
        textposition="outside",
        cliponaxis=False,
    )
    _layout(fig, lang, title)
    fig.update_layout(
        barmode="group",
        height=100 + 56 * len(names),
        showlegend=True,
        margin={"l": 10, "r": 50, "t": 70 if title else 30, "b": 10},
    )
    fig.update_xaxes(tickformat=",.0f", title=None)
    fig.update_yaxes(autorange="reversed")
    return fig


def moves_frame(moves: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The moves table with class names and column titles in the language."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("pengaturan.preview.dari"): [labels.get(str(v), str(v)) for v in moves["dari"]],
            t("pengaturan.preview.ke"): [labels.get(str(v), str(v)) for v in moves["ke"]],
            t("pengaturan.preview.jumlah"): [i18n.format_number(v, lang) for v in moves["jumlah"]],
        }
    )


def band_labels(lang: str) -> dict[str, str]:
    labels = {b: i18n.t(f"kpi.band.{b}", lang) for b in score.BAND_IDS}
    labels[preview.NO_BAND] = i18n.t("pengaturan.preview.tanpa_skor", lang)
    return labels


def tier_labels(lang: str) -> dict[str, str]:
    return {t: i18n.t(f"tier.{t}", lang) for t in preview.TIER_ORDER}


# -- the settings widgets ------------------------------------------------------------------------


def _init_widgets(
    skor: Mapping[str, Any],
    pembinaan: Mapping[str, Any],
    closing_now: Mapping[str, Any] | None = None,
) -> None:
    """Give every settings widget its stored value, unless the user is editing it."""
    closing_now = closing_now or closing.default_settings()
    ss = st.session_state
    values: dict[str, Any] = {}
    bobot = skor.get("bobot") or {}
    comps = score.components(skor)
    for p in SCORE_PILLARS:
        values[f"{W}bobot_{p}"] = float(bobot.get(p, 0) or 0)
        values[f"{W}komponen_{p}"] = list(comps[p])
    lower, upper = preview.band_edges(skor)
    values[f"{W}batas_merah"] = lower
    values[f"{W}batas_hijau"] = upper
    values[f"{W}persentil"] = float(skor.get("persentil_pembanding", 90))
    values[f"{W}kelengkapan"] = float(skor.get("kelengkapan_minimum", 50))
    values[f"{W}jendela"] = int(pembinaan.get("jendela_bulan", 12))
    values[f"{W}bergabung"] = int(pembinaan.get("bulan_bergabung_minimum", 6))
    for rule, params in RULE_PARAMS.items():
        cfg = pembinaan.get(rule) or {}
        for name in params:
            values[f"{W}{rule}_{name}"] = float(cfg.get(name, 0))
        if rule != "D":
            values[f"{W}{rule}_poin"] = float(cfg.get("poin", 0))
    tier = pembinaan.get("tier") or {}
    for k in TIER_KEYS:
        values[f"{W}tier_{k}"] = float(tier.get(k, 0))
    values[f"{W}porsi_berskor"] = float(skor.get("porsi_berskor_minimum", 50))
    for name in CLOSING_PARAMS:
        values[f"{W}tutup_{name}"] = float(closing_now.get(name, 0))
    for key, value in values.items():
        if key not in ss:
            ss[key] = value


def reset_widgets() -> None:
    """Drop the widgets' state: the next run starts them again from the stored settings."""
    for key in [k for k in st.session_state if str(k).startswith(W)]:
        del st.session_state[key]


def candidate(
    skor_now: Mapping[str, Any], pembinaan_now: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The candidate settings: the stored ones with the widgets' values."""
    ss = st.session_state
    skor = json.loads(json.dumps(skor_now))
    pembinaan = json.loads(json.dumps(pembinaan_now))
    skor["bobot"] = {p: _plain(ss[f"{W}bobot_{p}"]) for p in SCORE_PILLARS}
    skor["komponen"] = {p: list(ss[f"{W}komponen_{p}"]) for p in SCORE_PILLARS}
    top = score.bands_of(skor_now)[-1].sampai if score.bands_of(skor_now) else 100.0
    skor["bands"] = preview.bands_with_edges(
        float(ss[f"{W}batas_merah"]), float(ss[f"{W}batas_hijau"]), float(top)
    )
    if preview.band_edges(skor_now) == (ss[f"{W}batas_merah"], ss[f"{W}batas_hijau"]):
        skor["bands"] = skor_now.get("bands")  # untouched: keep the stored form exactly
    skor["persentil_pembanding"] = _plain(ss[f"{W}persentil"])
    skor["kelengkapan_minimum"] = _plain(ss[f"{W}kelengkapan"])
    if f"{W}porsi_berskor" in ss:
        skor["porsi_berskor_minimum"] = _plain(ss[f"{W}porsi_berskor"])
    pembinaan["jendela_bulan"] = int(ss[f"{W}jendela"])
    pembinaan["bulan_bergabung_minimum"] = int(ss[f"{W}bergabung"])
    for rule, params in RULE_PARAMS.items():
        cfg = dict(pembinaan.get(rule) or {})
        for name in params:
            cfg[name] = _plain(ss[f"{W}{rule}_{name}"])
        if rule != "D":
            cfg["poin"] = _plain(ss[f"{W}{rule}_poin"])
        pembinaan[rule] = cfg
    pembinaan["tier"] = {k: _plain(ss[f"{W}tier_{k}"]) for k in TIER_KEYS}
    return skor, pembinaan


def closing_candidate(closing_now: Mapping[str, Any]) -> dict[str, Any]:
    """The candidate closing settings: the stored ones with the widgets' values."""
    ss = st.session_state
    out = dict(closing_now)
    for name in CLOSING_PARAMS:
        if f"{W}tutup_{name}" in ss:
            out[name] = _plain(ss[f"{W}tutup_{name}"])
    return out


def _plain(v: Any) -> int | float:
    """Whole numbers as int, so an unchanged widget gives back exactly the stored value."""
    f = float(v)
    return int(f) if f.is_integer() else f


def _number(label: str, key: str, lo: float, hi: float, step: float, **kw: Any) -> None:
    st.number_input(
        label,
        min_value=float(lo),
        max_value=float(hi),
        step=float(step),
        key=key,
        format="%g",
        **kw,
    )


def settings_form(lang: str) -> None:
    """The score and coaching-rule widgets (their values live in st.session_state)."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    cat = catalogue()
    st.subheader(t("pengaturan.skor.title"))
    st.markdown(f"**{t('pengaturan.skor.bobot')}**")
    cols = st.columns(len(SCORE_PILLARS))
    for col, p in zip(cols, SCORE_PILLARS, strict=True):
        with col:
            _number(t(f"kpi.pilar.{p}"), f"{W}bobot_{p}", 0, 100, 5)
    total = sum(float(st.session_state[f"{W}bobot_{p}"]) for p in SCORE_PILLARS)
    st.caption(t("pengaturan.skor.bobot_jumlah", jumlah=i18n.format_number(total, lang, 1)))

    st.markdown(f"**{t('pengaturan.skor.komponen')}**")
    for p in SCORE_PILLARS:
        chosen = list(st.session_state[f"{W}komponen_{p}"])
        options = list(dict.fromkeys([*[k.id for k in cat.kpis if k.pillar == p], *chosen]))
        st.multiselect(
            t(f"kpi.pilar.{p}"),
            options,
            key=f"{W}komponen_{p}",
            format_func=lambda k: cat[k].nama(lang) if k in cat else k,
            help=t("pengaturan.skor.komponen_help"),
        )

    st.markdown(f"**{t('pengaturan.skor.pita')}**")
    cols = st.columns(4)
    with cols[0]:
        _number(
            t("pengaturan.skor.batas_merah"),
            f"{W}batas_merah",
            0,
            100,
            1,
            help=t("pengaturan.skor.pita_help"),
        )
    with cols[1]:
        _number(t("pengaturan.skor.batas_hijau"), f"{W}batas_hijau", 0, 100, 1)
    with cols[2]:
        _number(
            t("pengaturan.skor.persentil"),
            f"{W}persentil",
            1,
            100,
            5,
            help=t("pengaturan.skor.persentil_help"),
        )
    with cols[3]:
        _number(
            t("pengaturan.skor.kelengkapan"),
            f"{W}kelengkapan",
            0,
            100,
            5,
            help=t("pengaturan.skor.kelengkapan_help"),
        )
    cols = st.columns(4)
    with cols[0]:
        _number(
            t("pengaturan.skor.porsi_berskor"),
            f"{W}porsi_berskor",
            0,
            100,
            5,
            help=t("pengaturan.skor.porsi_berskor_help"),
        )
    with st.expander(i18n.t("kpi.skor.how", lang)):
        # the rules in words, with the settings as they are now in the widgets
        st.markdown(score.definition_text(candidate_skor_preview(), lang))

    st.subheader(t("pengaturan.pembinaan.title"))
    cols = st.columns(4)
    with cols[0]:
        st.selectbox(t("pengaturan.pembinaan.jendela"), list(preview.WINDOWS), key=f"{W}jendela")
    with cols[1]:
        st.number_input(
            t("pengaturan.pembinaan.bergabung"),
            min_value=0,
            max_value=36,
            step=1,
            key=f"{W}bergabung",
        )
    rules = list(RULE_PARAMS)
    for start in range(0, len(rules), 3):
        cols = st.columns(3)
        for col, rule in zip(cols, rules[start : start + 3], strict=False):
            with col, st.container(border=True):
                st.markdown(f"**{t(f'pengaturan.rule.{rule}')}**")
                for name, (lo, hi, step) in RULE_PARAMS[rule].items():
                    _number(t(f"pengaturan.param.{name}"), f"{W}{rule}_{name}", lo, hi, step)
                if rule != "D":
                    _number(t("pengaturan.pembinaan.poin"), f"{W}{rule}_poin", 0, 10, 1)
    st.markdown(f"**{t('pengaturan.tier.title')}**")
    cols = st.columns(3)
    for col, k in zip(cols, TIER_KEYS, strict=False):
        with col:
            _number(i18n.t(f"tier.{k}", lang), f"{W}tier_{k}", 0, 30, 1)

    st.subheader(t("pengaturan.tutup.title"))
    st.caption(t("pengaturan.tutup.intro"))
    cols = st.columns(2)
    for col, (name, (lo, hi, step)) in zip(cols, CLOSING_PARAMS.items(), strict=True):
        with col:
            _number(
                t(f"pengaturan.tutup.{name}"),
                f"{W}tutup_{name}",
                lo,
                hi,
                step,
                help=t(f"pengaturan.tutup.{name}_help"),
            )


# -- the page's parts ----------------------------------------------------------------------------


def candidate_skor_preview() -> dict[str, Any]:
    """The score settings as the widgets hold them now (for the definition in words)."""
    store = state.store()
    skor, _ = candidate(score.get_settings(store), coaching.get_settings(store))
    return skor


def problem_texts(problems: list[preview.Problem], lang: str) -> list[str]:
    out = []
    for p in problems:
        values = dict(p.values)
        if "pilar" in values:
            values["pilar"] = i18n.t(f"kpi.pilar.{values['pilar']}", lang)
        if "jumlah" in values:
            values["jumlah"] = i18n.format_number(values["jumlah"], lang, 1)
        out.append(i18n.t(f"pengaturan.err.{p.key}", lang, **values))
    return out


def period_text(view: View, lang: str) -> str:
    """The view's period in words: 'Agustus 2025' or 'Januari 2025 – Desember 2025'."""
    first, last = view.period.first, view.period.last
    if (first.year, first.month) == (last.year, last.month):
        return i18n.format_month(first, lang)
    return f"{i18n.format_month(first, lang)} – {i18n.format_month(last, lang)}"


def render_preview(view: View, skor: dict[str, Any], pembinaan: dict[str, Any], lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    st.subheader(t("pengaturan.preview.title"))
    if view.last_month is None:
        st.info(t("pengaturan.preview.no_data"))
        return
    problems = preview.check_settings(skor, pembinaan)
    if problems:
        st.warning(
            "\n".join(
                [
                    t("pengaturan.preview.invalid"),
                    *(f"- {x}" for x in problem_texts(problems, lang)),
                ]
            )
        )
        return
    st.caption(
        t(
            "pengaturan.preview.caption",
            periode=period_text(view, lang),
            jendela=int(pembinaan["jendela_bulan"]),
            bulan=i18n.format_month(view.period.last, lang),
        )
    )
    store = state.store()
    unchanged = preview.same_settings(skor, score.get_settings(store)) and preview.same_settings(
        pembinaan, coaching.get_settings(store)
    )
    if unchanged and preview.same_settings(
        closing_candidate(closing.get_settings(store)), closing.get_settings(store)
    ):
        st.info(t("pengaturan.preview.unchanged"))
    result = compute_preview(view, skor, pembinaan)
    bl, tl = band_labels(lang), tier_labels(lang)
    c = st.columns(2)
    of = t("pengaturan.preview.of", n=result.libraries)
    c[0].metric(t("pengaturan.preview.band_moved"), state.num(result.band_moved), help=of)
    c[1].metric(t("pengaturan.preview.tier_moved"), state.num(result.tier_moved), help=of)
    st.caption(of)
    st.markdown(f"**{t('pengaturan.preview.band_chart')}**")
    plot.chart(
        shift_bars(result.band_counts, bl, BAND_BAR_COLOURS, lang),
        width="stretch",
        key="pg_band_chart",
    )
    _moves_table(result.band_moves, bl, lang, "pg_band_moves")
    st.markdown(f"**{t('pengaturan.preview.tier_chart')}**")
    plot.chart(
        shift_bars(result.tier_counts, tl, TIER_COLOURS, lang),
        width="stretch",
        key="pg_tier_chart",
    )
    _moves_table(result.tier_moves, tl, lang, "pg_tier_moves")


@st.cache_data(show_spinner=False, max_entries=16)
def _last_closed(db: str, version: int, today: Any, tutup: str) -> Any:
    del version  # cache key only
    return closing.last_closed(open_store(db), today, json.loads(tutup))


def render_closing_preview(view: View, tutup: Mapping[str, Any], lang: str) -> None:
    """The last closed month now and under the candidate closing settings."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    if view.last_month is None:
        return
    problems = _closing_problems(tutup)
    if problems:
        st.warning("\n".join(f"- {x}" for x in problem_texts(problems, lang)))
        return
    store = state.store()
    db, version, today = str(store.path), store.data_version(), closing.today()
    now = _last_closed(db, version, today, preview.settings_key(closing.get_settings(store)))
    new = _last_closed(db, version, today, preview.settings_key(tutup))

    def month(d: Any) -> str:
        return i18n.format_month(d, lang) if d is not None else t("pengaturan.tutup.none")

    if now == new:
        st.caption(t("pengaturan.tutup.preview_same", bulan=month(now)))
    else:
        st.info(t("pengaturan.tutup.preview_moves", kini=month(now), baru=month(new)))


def _moves_table(moves: pd.DataFrame, labels: Mapping[str, str], lang: str, key: str) -> None:
    if moves.empty:
        st.caption(i18n.t("pengaturan.preview.no_moves", lang))
        return
    st.dataframe(moves_frame(moves, labels, lang), hide_index=True, width="stretch", key=key)


def _closing_problems(tutup: Mapping[str, Any]) -> list[preview.Problem]:
    return [preview.Problem(key) for key in closing.check_settings(tutup)]


def _save(
    skor: dict[str, Any],
    pembinaan: dict[str, Any],
    lang: str,
    tutup: dict[str, Any] | None = None,
) -> None:
    store = state.store()
    tutup = tutup if tutup is not None else closing.get_settings(store)
    problems = preview.check_settings(skor, pembinaan) + _closing_problems(tutup)
    if problems:
        st.error(
            "\n".join(
                [
                    i18n.t("pengaturan.save_failed", lang),
                    *(f"- {x}" for x in problem_texts(problems, lang)),
                ]
            )
        )
        return
    if (
        preview.same_settings(skor, score.get_settings(store))
        and preview.same_settings(pembinaan, coaching.get_settings(store))
        and preview.same_settings(tutup, closing.get_settings(store))
    ):
        st.info(i18n.t("pengaturan.nothing_to_save", lang))  # no write: caches stay valid
        return
    try:
        score.save_settings(store, skor, actor=masuk.actor())
    except CatalogueError as exc:  # the engine's own check: shown, nothing saved
        st.error(
            "\n".join(
                [i18n.t("pengaturan.save_failed", lang), *(f"- {i.message}" for i in exc.issues)]
            )
        )
        return
    coaching.save_settings(store, pembinaan, actor=masuk.actor())
    if not preview.same_settings(tutup, closing.get_settings(store)):
        closing.save_settings(store, tutup, actor=masuk.actor())
    reset_widgets()
    st.session_state[FLASH] = "pengaturan.saved"
    st.rerun()


def _restore() -> None:
    score.restore_defaults(state.store(), actor=masuk.actor())
    reset_widgets()
    st.session_state.pop(CONFIRM, None)
    st.session_state[FLASH] = "pengaturan.restored"
    st.rerun()


def render_settings(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    store = state.store()
    skor_now, pembinaan_now = score.get_settings(store), coaching.get_settings(store)
    tutup_now = closing.get_settings(store)
    _init_widgets(skor_now, pembinaan_now, tutup_now)
    form, side = st.columns([3, 2], gap="large")
    with form:
        settings_form(lang)
    skor, pembinaan = candidate(skor_now, pembinaan_now)
    tutup = closing_candidate(tutup_now)
    with side:
        render_closing_preview(view, tutup, lang)
        render_preview(view, skor, pembinaan, lang)
        st.divider()
        c = st.columns(2)
        if c[0].button(t("pengaturan.save"), type="primary", key="pg_save", width="stretch"):
            _save(skor, pembinaan, lang, tutup)
        if c[1].button(t("pengaturan.restore"), key="pg_restore", width="stretch"):
            st.session_state[CONFIRM] = True
        if st.session_state.get(CONFIRM):
            st.warning(t("pengaturan.restore_confirm"))
            c = st.columns(2)
            if c[0].button(t("pengaturan.restore_yes"), type="primary", key="pg_restore_yes"):
                _restore()
            if c[1].button(t("pengaturan.restore_no"), key="pg_restore_no"):
                st.session_state.pop(CONFIRM, None)
                st.rerun()


def target_frame(targets: pd.DataFrame, lang: str, names: Callable[[str], str]) -> pd.DataFrame:
    """The target table as shown: one row per place (national first), one column per KPI."""
    cat = catalogue()
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows = targets.copy()
    rows["_o"] = rows["tingkat"].map({"nasional": 0, "provinsi": 1, "kabupaten_kota": 2}).fillna(3)
    rows["wilayah"] = [
        t("pengaturan.target.nasional") if tk == "nasional" else names(str(k))
        for tk, k in zip(rows["tingkat"], rows["kode"], strict=True)
    ]
    jenis = rows["jenis"] if "jenis" in rows.columns else pd.Series([""] * len(rows))
    rows["berlaku"] = [
        t("pengaturan.target.berlaku_wilayah")
        if not isinstance(j, str) or not j
        else i18n.t("pengaturan.target.berlaku_jenis", lang, jenis=i18n.t(f"jenis.{j}", lang))
        for j in jenis
    ]
    rows.loc[rows["tingkat"] == "perpustakaan", "berlaku"] = t("pengaturan.target.berlaku_sendiri")
    rows["nilai_teks"] = [
        i18n.format_number(v, lang, cat[k].decimals if k in cat else 2)
        for k, v in zip(rows["kpi"], rows["nilai"], strict=True)
    ]
    kpi_order = [k for k in cat.ids if k in set(rows["kpi"])]
    table = rows.pivot_table(
        index=["_o", "kode", "wilayah", "berlaku"],
        columns="kpi",
        values="nilai_teks",
        aggfunc="first",
    ).reindex(columns=kpi_order)
    table = table.reset_index().drop(columns=["_o"])
    table.columns = [
        t("pengaturan.batas.col_kode")
        if c == "kode"
        else t("pengaturan.target.wilayah")
        if c == "wilayah"
        else t("pengaturan.target.berlaku")
        if c == "berlaku"
        else cat[c].nama(lang)
        if c in cat
        else str(c)
        for c in table.columns
    ]
    return table.fillna("–")


def render_targets(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    st.subheader(t("pengaturan.target.title"))
    st.caption(t("pengaturan.target.how"))
    store = state.store()
    last = view.last_month.year if view.last_month else view.period.last.year
    years = list(range(last + 1, 2017, -1))
    default = view.period.last.year
    tahun = st.selectbox(
        t("pengaturan.target.tahun"),
        years,
        index=years.index(default) if default in years else 0,
        key="pg_target_tahun",
    )
    n, table = _target_view(str(store.path), store.data_version(), int(tahun), lang)
    if n == 0:
        st.info(t("pengaturan.target.empty", tahun=str(tahun)))
        return
    st.caption(t("pengaturan.target.count", n=n, tahun=str(tahun)))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="pg_target_table",
    )


def render_boundaries(lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    store = state.store()
    st.subheader(t("pengaturan.batas.title"))
    st.caption(t("pengaturan.batas.intro"))
    info = _stored_boundaries(str(store.path), store.data_version())
    if info is None:
        st.info(t("pengaturan.batas.none"))
    else:
        st.success(
            t(
                "pengaturan.batas.stored",
                kabkota=info["kabkota"],
                # the uploaded file's name is literal text, never Markdown for every user
                sumber=md(info.get("sumber") or "GeoJSON"),
                disimpan=str(info.get("disimpan", "")).replace("T", " "),
            )
        )
        if st.button(t("pengaturan.batas.delete"), key="pg_batas_delete"):
            boundaries.delete(store, actor=masuk.actor())
            st.session_state[FLASH] = "pengaturan.batas.deleted"
            st.rerun()
    upload = st.file_uploader(
        t("pengaturan.batas.upload"), type=["geojson", "json"], key="pg_batas_file"
    )
    if upload is None:
        return
    try:
        report = _match_file(upload.getvalue())
    except boundaries.BoundaryError as exc:
        st.error(t(f"pengaturan.batas.err.{exc.key}", **exc.values))
        return
    c = st.columns(4)
    c[0].metric(t("pengaturan.batas.fitur"), state.num(len(report.features)))
    c[1].metric(t("pengaturan.batas.cocok"), state.num(len(report.matched)))
    c[2].metric(t("pengaturan.batas.kabkota"), state.num(report.kabkota))
    c[3].metric(t("pengaturan.batas.tidak_cocok"), state.num(len(report.unmatched)))
    if report.unmatched:
        st.markdown(f"**{t('pengaturan.batas.unmatched_title')}**")
        st.dataframe(unmatched_frame(report, lang), hide_index=True, width="stretch")
    if report.matched:
        with st.expander(t("pengaturan.batas.matched_title")):
            st.dataframe(matched_frame(report, lang), hide_index=True, width="stretch")
        if st.button(t("pengaturan.batas.save"), type="primary", key="pg_batas_save"):
            n = boundaries.save(store, report, upload.name, actor=masuk.actor())
            st.session_state[FLASH] = "pengaturan.batas.saved"
            st.session_state[f"{FLASH}_n"] = n
            st.rerun()
    else:
        st.error(t("pengaturan.batas.err.tanpa_kecocokan"))


def unmatched_frame(report: boundaries.BoundaryReport, lang: str) -> pd.DataFrame:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("pengaturan.batas.col_no"): [f.index + 1 for f in report.unmatched],
            t("pengaturan.batas.col_label"): [f.label for f in report.unmatched],
            t("pengaturan.batas.col_reason"): [
                t(f"pengaturan.batas.reason.{f.reason}") for f in report.unmatched
            ],
            t("pengaturan.batas.col_saran"): ["; ".join(f.suggestions) for f in report.unmatched],
        }
    )


def matched_frame(report: boundaries.BoundaryReport, lang: str) -> pd.DataFrame:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("pengaturan.batas.col_no"): [f.index + 1 for f in report.matched],
            t("pengaturan.batas.col_label"): [f.label for f in report.matched],
            t("pengaturan.batas.col_kode"): [places.format_kode(f.kode) for f in report.matched],
            t("pengaturan.batas.col_nama"): [f.nama for f in report.matched],
            t("pengaturan.batas.col_via"): [
                t(f"pengaturan.batas.via.{f.via}") for f in report.matched
            ],
        }
    )


def render(view: View, lang: str) -> None:
    """The whole page: a message from the last action, then the three tabs."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(i18n.t(flash, lang, kabkota=st.session_state.pop(f"{FLASH}_n", 0)))
    tabs = st.tabs(
        [
            i18n.t("pengaturan.tab.aturan", lang),
            i18n.t("pengaturan.tab.target", lang),
            i18n.t("pengaturan.tab.batas", lang),
        ]
    )
    with tabs[0]:
        render_settings(view, lang)
    with tabs[1]:
        render_targets(view, lang)
    with tabs[2]:
        render_boundaries(lang)
