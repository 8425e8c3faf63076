"""The Profil page's sections: report card, trends, peers, the 5A funnel and CIEL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kpi import compute, i18n
from kpi import profile as prof
from kpi.catalogue import catalogue
from kpi.ui import data, plot, tautan
from kpi.ui.context import PageContext
from kpi.ui.literal import md
from kpi.ui.profil.figures import (
    _finite,
    band_badge,
    band_counts_figure,
    ciel_figure,
    funnel_figure,
    peer_figure,
    stage_bars,
)
from kpi.ui.profil.loads import (
    STAGE_NAMES,
    TREND_MONTHS,
    _level,
    _trends,
    figure_spec,
    own_ciel,
    own_funnel,
    peer_columns,
)
from kpi.vocab import Band


def report_card(ctx: PageContext, p: Mapping[str, Any], row: pd.Series | None) -> None:
    lang, t = ctx.lang, ctx.t
    st.subheader(t("profil.card.title"))
    if row is None:
        st.info(t("profil.empty.not_in_view"))
        return
    skor = row.get("skor")
    band = row.get("band") if _finite(skor) else None
    area = p["tingkat"] != "perpustakaan"
    if band:
        band_label = t(f"band.{band}")
    elif area and _finite(skor):
        band_label = t("kpi.band.data_belum_cukup")  # a score from too few of its libraries
    else:
        band_label = t("kpi.band.tanpa_skor")
    cols = st.columns([1.3, 1, 1, 1, 1.2])
    cols[0].metric(t("kpi.skor"), ctx.num(skor, 1) if _finite(skor) else "–")
    for col, pillar in zip(cols[1:4], ("informasi", "pelibatan", "advokasi"), strict=True):
        col.metric(t(f"kpi.pilar.{pillar}"), ctx.num(row.get(f"skor_{pillar}"), 1))
    cols[4].metric(
        t("kpi.kelengkapan"),
        i18n.format_percent(row.get("kelengkapan_laporan"), lang),
        help=t(
            "profil.card.completeness_help",
            dilaporkan=ctx.num(row.get("bulan_dilaporkan")),
            diharapkan=ctx.num(row.get("bulan_diharapkan")),
        ),
    )
    st.markdown(band_badge(band, band_label), unsafe_allow_html=True)
    if not _finite(skor):
        st.warning(t("profil.card.no_score_area" if area else "profil.card.no_score"))
    elif area and not band:
        st.warning(
            t(
                "profil.card.not_enough",
                n=ctx.num(row.get("perpustakaan_berskor")),
                m=ctx.num(row.get("perpustakaan_diharapkan")),
            )
        )
    score_definition(ctx)
    if p["tingkat"] != "perpustakaan":
        counts = {
            b: int(row.get(f"perpustakaan_{b}", 0) or 0)
            for b in (Band.MERAH, Band.KUNING, Band.HIJAU, "tanpa_skor")
        }
        labels = {b: t(f"kpi.band.{b}") for b in counts}
        st.markdown(
            t(
                "profil.card.bands",
                n=ctx.num(row.get("perpustakaan")),
                melapor=ctx.num(row.get("perpustakaan_melapor")),
            )
        )
        plot.chart(
            band_counts_figure(counts, labels, lang),
            width="stretch",
            toolbar=False,
            key="profil_bands",
        )


def score_definition(ctx: PageContext) -> None:
    """The score's definition in words (both languages, data/i18n), with the settings in use."""
    from kpi import score

    with st.expander(ctx.t("kpi.skor.how"), expanded=False):
        st.markdown(score.definition_text(score.get_settings(ctx.store), ctx.lang))


def trends(ctx: PageContext, p: Mapping[str, Any]) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.trend.title", n=TREND_MONTHS))
    store = ctx.store
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    fig = _trends(store, (p["tingkat"], str(p["kode"])), view.periode, fkey, lang)
    if fig is None:
        st.info(t("profil.empty.no_reports"))
        return
    st.caption(t("profil.trend.caption"))
    plot.chart(fig, width="stretch", toolbar=False, key="profil_trends")


def peers(
    ctx: PageContext, p: Mapping[str, Any], table: pd.DataFrame, row: pd.Series | None
) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.peers.title"))
    if row is None:
        st.info(t("profil.empty.not_in_view"))
        return
    if p["tingkat"] == "perpustakaan":
        table = table[table["jenis"] == p.get("jenis")]
    who = "perpustakaan_provinsi" if p.get("jenis") == "provinsi" else p["tingkat"]
    st.caption(t(f"profil.peers.who.{who}", provinsi=md(p.get("provinsi") or "")))
    if len(table) < 2:
        st.info(t("profil.empty.no_peers"))
        return
    cat = catalogue()
    names = {c: _column_name(c, lang) for c in peer_columns() if c in table.columns}
    lower = [c for c in names if c in cat and cat[c].direction == "turun"]
    comp = prof.peer_comparison(table, str(p["kode"]), list(names), lower)
    first = next(iter(names))
    tautan.restore("profil_peer_kpi", list(names), first)  # in the URL: a shared link keeps it
    chosen = st.selectbox(
        t("profil.peers.kpi"), list(names), format_func=names.__getitem__, key="profil_peer_kpi"
    )
    tautan.remember("profil_peer_kpi", chosen, default=first)
    key = (
        "peers",
        str(p["tingkat"]),
        str(p["kode"]),
        str(p.get("jenis")),
        str(p["nama"]),
        view.periode,
        data.filter_key(prof.peer_filters(p, view.filters)),
        chosen,
        lang,
    )
    plot.chart(
        figure_spec(
            ctx.store,
            key,
            lambda: peer_figure(table, str(p["kode"]), chosen, names[chosen], str(p["nama"]), lang),
        ),
        width="stretch",
        toolbar=False,
        key="profil_peer_fig",
    )
    shown = pd.DataFrame(
        {
            t("profil.peers.kpi"): [names[c] for c in comp["kolom"]],
            t("profil.peers.value"): [
                _value(c, v, lang) for c, v in zip(comp["kolom"], comp["nilai"], strict=True)
            ],
            t("profil.peers.median"): [
                _value(c, v, lang) for c, v in zip(comp["kolom"], comp["median"], strict=True)
            ],
            t("profil.peers.rank"): [
                t("profil.peers.rank_of", r=ctx.num(r), n=ctx.num(n)) if _finite(r) else "–"
                for r, n in zip(comp["peringkat"], comp["n"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def _column_name(column: str, lang: str) -> str:
    if column == "skor":
        return i18n.t("kpi.skor", lang)
    if column == "kelengkapan_laporan":
        return i18n.t("kpi.kelengkapan", lang)
    return catalogue()[column].nama(lang)


def _value(column: str, value: Any, lang: str) -> str:
    """A KPI value as shown beside its peers: the KPI's decimals, and % where it is a percent."""
    if column == "kelengkapan_laporan" or (
        column in catalogue() and catalogue()[column].unit == "%"
    ):
        return i18n.format_percent(value, lang, _decimals(column))
    return i18n.format_number(value, lang, _decimals(column))


def _decimals(column: str) -> int:
    if column in ("skor", "kelengkapan_laporan"):
        return 1
    cat = catalogue()
    return cat[column].decimals if column in cat else 1


def funnel(ctx: PageContext, p: Mapping[str, Any]) -> None:
    """The 5A stages and their ratios, all from the same library-months (compute.funnel_5a): a
    narrowing funnel with conversions when the stages are nested, else counts side by side with
    each stage per 100 of the first one."""
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.funnel.title"))
    store = ctx.store
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    row = own_funnel(store, _level(p), view.periode, fkey, str(p["kode"]))
    cat = catalogue()
    stages, conversions = cat.funnel_tahap, cat.funnel_konversi
    reading = prof.funnel_reading({} if row is None else row.to_dict(), stages, conversions)
    if row is None or not reading["has_data"]:
        st.info(t("profil.empty.no_funnel"))
        return
    stage_name = dict(zip(stages, STAGE_NAMES, strict=True))
    drawn = reading["stages"]
    labels = [_stage_label(stage_name[s], cat[s].nama(lang)) for s in drawn]
    base = stage_name[reading["base"]]
    left, right = st.columns([3, 2])

    def build() -> Any:
        if reading["nested"]:
            return funnel_figure([row[s] for s in drawn], labels, lang)
        return stage_bars(
            [row[s] for s in drawn], labels, [row.get(f"per100_{s}") for s in drawn], base, lang
        )

    key = ("funnel", _level(p), str(p["kode"]), view.periode, fkey, lang)
    fig = figure_spec(store, key, build)
    plot.chart(fig, left, width="stretch", toolbar=False, key="profil_funnel")
    with right:
        if reading["nested"]:
            for conv in conversions:
                if conv not in row.index:
                    continue
                st.metric(
                    cat[conv].nama(lang),
                    i18n.format_percent(row[conv], lang),
                    help=cat[conv].definisi(lang) + " " + t("profil.funnel.same_rows"),
                )
        else:
            for s in drawn[1:]:
                st.metric(
                    t("profil.funnel.per100_title", stage=stage_name[s], base=base),
                    ctx.num(row.get(f"per100_{s}"), 1),
                    help=t("profil.funnel.per100_help", stage=cat[s].nama(lang), base=base),
                )
        a, b = st.columns(2)
        for col, ratio in ((a, "par"), (b, "bar")):
            col.metric(
                ratio.upper(),
                i18n.format_percent(row.get(ratio), lang),
                help=(cat[ratio].definisi(lang) if ratio in cat else "")
                + " "
                + t("profil.funnel.same_rows"),
            )
    months, months_any = reading["months"], reading["months_any"]
    if months is not None and months_any is not None:
        st.caption(
            t(
                "profil.funnel.rows",
                n=ctx.num(months),
                m=ctx.num(months_any),
            )
        )
    if not reading["aware_reported"]:
        st.caption(t("profil.funnel.no_aware"))
    if not reading["nested"]:
        st.caption(t("profil.funnel.not_nested", base=base))
    elif reading["over_100"]:
        st.caption(
            t(
                "profil.funnel.over_100",
                konversi=", ".join(cat[c].nama(lang) for c in reading["over_100"]),
            )
        )


def _stage_label(stage: str, name: str) -> str:
    """'Appeal · Kunjungan'; a KPI name that already says its stage stays as it is."""
    return name if stage.lower() in name.lower() else f"{stage} · {name}"


def ciel(ctx: PageContext, p: Mapping[str, Any], row: pd.Series | None) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.ciel.title"))
    store = ctx.store
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    c = own_ciel(store, _level(p), view.periode, fkey, str(p["kode"]))
    if c is None or not _finite(c.get("ciel")):
        st.info(t("profil.empty.no_ciel"))
        return
    skor = row.get("skor") if row is not None else None
    dims = {d: c.get(d) for d in compute.CIEL_COLUMNS}
    labels = {d: t(f"profil.ciel.{d}") for d in dims}
    names = {"ciel": t("profil.ciel.index"), "skor": t("kpi.skor")}
    left, right = st.columns([3, 2])
    key = (
        "ciel",
        _level(p),
        str(p["kode"]),
        view.periode,
        fkey,
        data.filter_key(prof.peer_filters(p, view.filters)),  # the score's row (``row``)
        lang,
    )
    plot.chart(
        figure_spec(
            store,
            key,
            lambda: ciel_figure(dims, labels, skor if _finite(skor) else None, names, lang),
        ),
        left,
        width="stretch",
        toolbar=False,
        key="profil_ciel",
    )
    right.metric(t("profil.ciel.index"), ctx.num(c["ciel"], 1))
    right.metric(t("kpi.skor"), ctx.num(skor, 1) if _finite(skor) else "–")
    gap, reading = prof.ciel_gap(c["ciel"], skor if _finite(skor) else None)
    if reading is None or gap is None:
        right.info(t("profil.ciel.no_score"))
    else:
        right.markdown(t(f"profil.ciel.gap.{reading}", gap=ctx.num(abs(gap), 1)))
    if p["tingkat"] != "perpustakaan":
        st.caption(t("profil.ciel.area", n=ctx.num(c.get("perpustakaan_ciel"))))
