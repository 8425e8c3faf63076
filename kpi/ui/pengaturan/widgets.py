"""The settings widgets: started from the stored settings, read back as candidate settings."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kpi import closing, coaching, i18n, preview, score
from kpi.catalogue import SCORE_PILLARS, catalogue
from kpi.ui import state
from kpi.ui.context import translator
from kpi.ui.filters import View
from kpi.vocab import Rule, Tier

W = "pgw_"  # prefix of the settings widgets' session keys
EDITS = "_pg_unsaved"  # the widgets' values while they differ from the stored settings
FLASH = "pg_flash"
CONFIRM = "pg_confirm_restore"


# rule -> its thresholds (besides the points), with their widget ranges (min, max, step)
RULE_PARAMS: dict[str, dict[str, tuple[float, float, float]]] = {
    Rule.D: {"bulan_terakhir": (1, 12, 1), "kelengkapan_minimum": (0, 100, 5)},
    Rule.R1: {},
    Rule.R2: {"capaian_minimum": (0, 100, 5)},
    # R3's minimum base is each KPI's own (catalogue data), not a setting
    Rule.R3: {"perubahan_maksimum": (-100, 0, 5)},
    Rule.R4: {"persen_terbawah": (1, 100, 5)},
    Rule.R5: {"bulan_berturut": (1, 12, 1)},
    Rule.R6: {"selisih_minimum": (0, 100, 5)},
    Rule.Q: {},
}
# the score's band edges and its thresholds: setting -> widget range (min, max, step) and the
# string of its help (None: none)
SCORE_PARAMS: dict[str, tuple[float, float, float, str | None]] = {
    "batas_merah": (0, 100, 1, "pita_help"),
    "batas_hijau": (0, 100, 1, None),
    "persentil": (1, 100, 5, "persentil_help"),
    "kelengkapan": (0, 100, 5, "kelengkapan_help"),
    "porsi_berskor": (0, 100, 5, "porsi_berskor_help"),
}
TIER_KEYS = (Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PANTAU)
# the closing of months (kpi.closing): setting -> widget range (min, max, step)
CLOSING_PARAMS: dict[str, tuple[float, float, float]] = {
    "tenggat_hari": (1, 31, 1),
    "kelengkapan_relatif": (0, 100, 5),
}


def _init_widgets(
    skor: Mapping[str, Any],
    pembinaan: Mapping[str, Any],
    closing_now: Mapping[str, Any] | None = None,
) -> None:
    """Give every settings widget its stored value, unless the user is editing it (edits kept
    from before leaving the page come back)."""
    ss = st.session_state
    kept = ss.get(EDITS) or {}
    for key, value in widget_values(skor, pembinaan, closing_now).items():
        if key not in ss:
            ss[key] = kept.get(key, value)


def widget_values(
    skor: Mapping[str, Any],
    pembinaan: Mapping[str, Any],
    closing_now: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every settings widget's value for the given settings (session key -> value)."""
    closing_now = closing_now or closing.default_settings()
    values: dict[str, Any] = {}
    bobot = skor.get("bobot") or {}
    comps = score.components(skor)
    for p in SCORE_PILLARS:
        values[f"{W}bobot_{p}"] = float(bobot.get(p, 0) or 0)
        values[f"{W}komponen_{p}"] = list(comps[p])
    lower, upper = preview.band_edges(skor)
    values[f"{W}batas_merah"] = lower
    values[f"{W}batas_hijau"] = upper
    values[f"{W}persentil"] = float(skor["persentil_pembanding"])
    values[f"{W}kelengkapan"] = float(skor["kelengkapan_minimum"])
    values[f"{W}jendela"] = int(pembinaan["jendela_bulan"])
    values[f"{W}bergabung"] = int(pembinaan["bulan_bergabung_minimum"])
    for rule, params in RULE_PARAMS.items():
        cfg = pembinaan.get(rule) or {}
        for name in params:
            values[f"{W}{rule}_{name}"] = float(cfg.get(name, 0))
        if rule != Rule.D:
            values[f"{W}{rule}_poin"] = float(cfg.get("poin", 0))
    tier = pembinaan.get("tier") or {}
    for k in TIER_KEYS:
        values[f"{W}tier_{k}"] = float(tier.get(k, 0))
    values[f"{W}porsi_berskor"] = float(skor["porsi_berskor_minimum"])
    for name in CLOSING_PARAMS:
        values[f"{W}tutup_{name}"] = float(closing_now.get(name, 0))
    return values


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return list(a or []) != list(b or [])
    try:
        return abs(float(a) - float(b)) > 1e-9
    except (TypeError, ValueError):
        return a != b


def unsaved_edits() -> list[str]:
    """The settings widgets whose value differs from the stored settings: those on the page
    now, else the edits kept when the page was left (Streamlit drops a widget's state when
    another page runs, so edits are also kept under EDITS until saved or discarded)."""
    ss = st.session_state
    now = {k: ss[k] for k in list(ss.keys()) if str(k).startswith(W)}
    edits = now or dict(ss.get(EDITS) or {})
    if not edits:
        return []
    store = state.store()
    stored = widget_values(
        score.get_settings(store), coaching.get_settings(store), closing.get_settings(store)
    )
    return [k for k, v in edits.items() if k in stored and _differs(v, stored[k])]


def keep_edits() -> bool:
    """Keep the widgets' values while they differ from the stored settings (True: unsaved)."""
    ss = st.session_state
    if unsaved_edits():
        ss[EDITS] = {k: ss[k] for k in list(ss.keys()) if str(k).startswith(W)}
        return True
    ss.pop(EDITS, None)
    return False


def reset_widgets() -> None:
    """Drop the widgets' state: the next run starts them again from the stored settings."""
    for key in [k for k in st.session_state if str(k).startswith(W)]:
        del st.session_state[key]
    st.session_state.pop(EDITS, None)


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
        if rule != Rule.D:
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
    t = translator(lang)
    cat = catalogue()
    st.subheader(t("pengaturan.skor.title"))
    st.markdown(f"**{t('pengaturan.skor.bobot')}**")
    cols: Sequence[Any] = st.columns(len(SCORE_PILLARS))
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
    names = list(SCORE_PARAMS)
    for first in range(0, len(names), 4):  # four to a row
        for col, name in zip(st.columns(4), names[first : first + 4], strict=False):
            lo, hi, step, helps = SCORE_PARAMS[name]
            with col:
                help_text = t(f"pengaturan.skor.{helps}") if helps else None
                _number(t(f"pengaturan.skor.{name}"), f"{W}{name}", lo, hi, step, help=help_text)
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
                if rule != Rule.D:
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


def unsaved_notice() -> None:
    """In the sidebar of every page while settings edits are unsaved: say so, with the way back.

    Streamlit cannot stop a user leaving a page, so the edits are kept (EDITS) and the warning
    stays, on Pengaturan and everywhere else, until they are saved or discarded there."""
    if not unsaved_edits():
        return
    t = translator(state.lang())
    with st.sidebar:
        st.warning(t("pengaturan.unsaved.sidebar"), icon=":material/edit_note:")
        st.page_link(
            "pages/pengaturan.py", label=t("pengaturan.unsaved.back"), icon=":material/settings:"
        )
