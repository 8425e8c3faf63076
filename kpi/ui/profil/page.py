"""The Profil page: the picker, the header and the order of its sections; an area's libraries,
the context indicators and a library's register."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi import profile as prof
from kpi.compute import Filters
from kpi.ui import cari, data, masuk
from kpi.ui import rapor as rapor_ui
from kpi.ui.context import PageContext
from kpi.ui.filters import month_span, view_params
from kpi.ui.literal import md, md_frame
from kpi.ui.profil import unduhan
from kpi.ui.profil.figures import (
    _text,
)
from kpi.ui.profil.history import (
    flag_history,
)
from kpi.ui.profil.loads import (
    _context,
    _index,
    _level,
    _open,
    place,
    requested,
    unknown_message,
)
from kpi.ui.profil.sections import (
    ciel,
    funnel,
    peers,
    report_card,
    trends,
)


def _keep(key: str, options: Sequence[Any], default: Any = None) -> None:
    """A picker choice that the new options no longer hold goes back to the default."""
    if st.session_state.get(key) not in options:
        if default in options:
            st.session_state[key] = default
        else:
            st.session_state.pop(key, None)


def picker(ctx: PageContext) -> None:
    """Choose a level, then province -> kab/kota -> library (searchable by name or code);
    opening sets the URL's kode and tingkat. Starts at the sidebar's province and kab/kota.
    """
    view, t = ctx.view, ctx.t
    store = ctx.store
    idx = _index(store)
    if idx.empty:
        st.info(t("profil.empty.no_libraries_at_all"))
        return
    side = view.filters if view is not None else Filters()
    idx = idx[masuk.in_scope(idx, side.wilayah)]  # only the places the user may see
    cari.search_box("profil")  # by name or code, as one types (kpi.ui.cari)
    st.markdown(f"**{t('profil.picker.title')}**")
    cols = st.columns(3)
    tingkat = cols[0].selectbox(
        t("profil.picker.tingkat"),
        prof.TINGKAT,
        format_func=lambda x: t(f"profil.tingkat.{x}"),
        key="profil_tingkat",
    )
    provs = idx.dropna(subset=["kode_provinsi"]).drop_duplicates("kode_provinsi")
    prov_names = dict(
        sorted(
            zip(provs["kode_provinsi"], provs["provinsi"].fillna(""), strict=True),
            key=lambda kv: kv[1],
        )
    )
    _keep("profil_prov", list(prov_names), side.provinsi)
    prov = cols[1].selectbox(
        t("filter.provinsi"),
        list(prov_names),
        format_func=lambda k: prov_names.get(k) or k,
        key="profil_prov",
    )
    target: str | None = prov if tingkat == "provinsi" else None
    if tingkat != "provinsi":
        in_prov = idx[idx["kode_provinsi"] == prov]
        kabs = in_prov.dropna(subset=["kode_kabupaten_kota"]).drop_duplicates("kode_kabupaten_kota")
        kab_names = dict(
            sorted(
                zip(kabs["kode_kabupaten_kota"], kabs["kabupaten_kota"].fillna(""), strict=True),
                key=lambda kv: kv[1],
            )
        )
        kab_options = list(kab_names) if tingkat == "kabupaten_kota" else ["", *kab_names]
        _keep("profil_kab", kab_options, side.kabupaten_kota)
        kab = cols[2].selectbox(
            t("filter.kabupaten_kota"),
            kab_options,
            format_func=lambda k: kab_names.get(k) or t("filter.all"),
            key="profil_kab",
        )
        if tingkat == "kabupaten_kota":
            target = kab or None
        else:
            libs = in_prov if not kab else in_prov[in_prov["kode_kabupaten_kota"] == kab]
            lib_names = dict(zip(libs["kode"], libs["nama"], strict=True))
            _keep("profil_lib", list(lib_names))
            target = st.selectbox(
                t("profil.picker.perpustakaan"),
                list(lib_names),
                index=None,
                format_func=lambda k: f"{lib_names.get(k, k)} ({k})",
                key="profil_lib",
                placeholder=t("profil.picker.search"),
            )
    if st.button(t("profil.picker.open"), type="primary", disabled=not target, key="profil_open"):
        _open(tingkat, str(target))
        st.rerun()


def render(ctx: PageContext) -> None:
    """The place the URL names (?kode=...&tingkat=...), or the picker."""
    lang, t = ctx.lang, ctx.t
    tingkat, kode = requested()
    p = place(ctx.store, tingkat, kode) if kode else None
    if p is None:
        ctx.title(t("profil.title"))
        if kode:
            st.warning(unknown_message(tingkat, kode, lang))
        else:
            st.caption(t("profil.intro"))
        picker(ctx)
        return
    header(ctx, p)
    sections(ctx, p)


def header(ctx: PageContext, p: Mapping[str, Any]) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    ctx.title(t("profil.title_place", nama=md(p["nama"])))
    if p["tingkat"] == "perpustakaan":
        where = [t(f"jenis.{p['jenis']}") if p.get("jenis") else t("profil.tingkat.perpustakaan")]
        where += [md(p[k]) for k in ("kabupaten_kota", "provinsi") if p.get(k)]
    else:
        where = [t(f"profil.tingkat.{p['tingkat']}")]
        where += [md(p["provinsi"])] if p["tingkat"] != "provinsi" and p.get("provinsi") else []
    st.caption(" · ".join([*where, t("profil.period", periode=month_span(view.period, lang))]))
    links = st.columns([3, 3, 2, 1])
    if p["tingkat"] != "provinsi" and p.get("kode_provinsi"):
        links[0].page_link(
            "pages/profil.py",
            label=t("profil.link.provinsi", nama=md(p.get("provinsi") or p["kode_provinsi"])),
            query_params={"kode": p["kode_provinsi"], "tingkat": "provinsi"},
            icon=":material/north_west:",
        )
    if p["tingkat"] == "perpustakaan" and p.get("kode_kabupaten_kota"):
        links[1].page_link(
            "pages/profil.py",
            label=t(
                "profil.link.kab", nama=md(p.get("kabupaten_kota") or p["kode_kabupaten_kota"])
            ),
            query_params={"kode": p["kode_kabupaten_kota"], "tingkat": "kabupaten_kota"},
            icon=":material/north_west:",
        )
    if p["tingkat"] != "perpustakaan":  # the area's coaching list, the view's other filters kept
        params = {k: v for k, v in view_params().items() if k not in ("provinsi", "kab")}
        params["provinsi"] = str(p.get("kode_provinsi") or p["kode"])
        if p["tingkat"] == "kabupaten_kota":
            params["kab"] = str(p["kode"])
        links[1].page_link(
            "pages/prioritas.py",
            label=t("profil.link.prioritas", nama=md(p["nama"])),
            query_params=params,
            icon=":material/flag:",
        )
    if links[2].button(t("profil.picker.change"), key="profil_change"):
        st.query_params.pop("kode", None)
        st.query_params.pop("tingkat", None)
        st.rerun()


def sections(ctx: PageContext, p: Mapping[str, Any]) -> None:
    """Every section of the profile, each with its own empty state."""
    view, t = ctx.view, ctx.t
    if p["perpustakaan"] == 0:
        st.info(t("profil.empty.no_libraries"))
        return
    table = data.kpi_table(_level(p), view, filters=prof.peer_filters(p, view.filters))
    own = table[table["kode"].astype(str) == str(p["kode"])]
    row = own.iloc[0] if len(own) else None
    report_card(ctx, p, row)
    rapor_ui.download(ctx, p)  # the printable report card (kpi.rapor)
    unduhan.downloads(ctx, p)  # the field team's workbooks of the place's area
    trends(ctx, p)
    peers(ctx, p, table, row)
    funnel(ctx, p)
    ciel(ctx, p, row)
    flag_history(ctx, p)
    if p["tingkat"] == "perpustakaan":
        context(ctx, p)
        register(ctx, p)
    else:
        libraries(ctx, p)
        context(ctx, p)


def libraries(ctx: PageContext, p: Mapping[str, Any]) -> None:
    """An area's partner libraries, lowest score first, each with a link to its profile."""
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("profil.libraries.title"))
    table = data.kpi_table(
        "perpustakaan", view, kpis=("kelengkapan",), filters=prof.place_filters(p, view.filters)
    )
    if table.empty:
        st.info(t("profil.empty.not_in_view"))
        return
    table = table.sort_values(["skor", "nama"], na_position="first")
    keep = {k: st.query_params[k] for k in st.query_params if k not in ("kode", "tingkat")}
    link = t("profil.libraries.link")
    shown = pd.DataFrame(
        {
            t("profil.libraries.nama"): table["nama"].astype(str).to_numpy(),
            t("profil.register.jenis"): [t(f"jenis.{j}") for j in table["jenis"]],
            t("kpi.skor"): [ctx.num(v, 1) for v in table["skor"]],
            t("kpi.band"): [
                t(f"kpi.band.{b}") if _text(b) else t("kpi.band.tanpa_skor") for b in table["band"]
            ],
            t("kpi.kelengkapan"): [
                i18n.format_percent(v, lang) for v in table["kelengkapan_laporan"]
            ],
            link: [
                "profil?" + urlencode({**keep, "kode": k, "tingkat": "perpustakaan"})
                for k in table["kode"].astype(str)
            ],
        }
    )
    st.caption(t("profil.libraries.caption"))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(shown)),
        column_config={
            link: st.column_config.LinkColumn(link, display_text=t("profil.libraries.open"))
        },
    )


def context(ctx: PageContext, p: Mapping[str, Any]) -> None:
    view, t = ctx.view, ctx.t
    st.subheader(t("profil.context.title"))
    kodes = tuple(k for k in (p.get("kode_kabupaten_kota"), p.get("kode_provinsi")) if k)
    store = ctx.store
    frame = _context(store, kodes)
    year = view.period.last.year
    latest = prof.context_for_year(frame, year)
    if latest.empty:
        st.info(t("profil.empty.no_context"))
        return
    if p["tingkat"] == "perpustakaan":
        st.caption(t("profil.context.of_province", provinsi=md(p.get("provinsi") or "")))
    cols = st.columns(max(1, len(latest)))
    for col, r in zip(cols, latest.itertuples(index=False), strict=False):
        area = p.get("provinsi") if str(r.kode_wilayah) == p.get("kode_provinsi") else p["nama"]
        band = prof.iplm_band(r.nilai) if str(r.indikator).upper() == "IPLM" else None
        col.metric(
            t(
                "profil.context.metric",
                indikator=md(r.indikator),
                tahun=str(int(r.tahun)),
                area=md(area),
            ),
            ctx.num(r.nilai, 1),
            help=md(r.sumber) if _text(r.sumber) else None,
        )
        if band:
            col.caption(t("profil.context.iplm_band", band=t(f"profil.iplm.{band}")))
    if int(latest["tahun"].max()) < year:
        st.caption(t("profil.context.older", tahun=str(year)))
    st.caption(t("profil.context.note"))


def register(ctx: PageContext, p: Mapping[str, Any]) -> None:
    t = ctx.t
    st.subheader(t("profil.register.title"))
    rows = [
        (t("profil.register.kode"), p["kode"]),
        (t("profil.register.jenis"), t(f"jenis.{p['jenis']}") if p.get("jenis") else None),
        (t("profil.register.angkatan"), p.get("tahun_bergabung")),
        (
            t("profil.register.dukungan"),
            t(f"dukungan.{p['jenis_dukungan']}") if p.get("jenis_dukungan") else None,
        ),
        (t("profil.register.penduduk"), ctx.num(p["penduduk"]) if p.get("penduduk") else None),
        (t("profil.register.alamat"), p.get("alamat")),
        (t("profil.register.kontak_nama"), p.get("kontak_nama")),
        (t("profil.register.kontak_telepon"), p.get("kontak_telepon")),
        (t("profil.register.kontak_email"), p.get("kontak_email")),
    ]
    shown = [(k, str(v)) for k, v in rows if v not in (None, "")]
    # st.table renders Markdown in its cells: the register's address and contacts are literal
    st.table(
        md_frame(
            pd.DataFrame(shown, columns=[t("profil.register.field"), t("profil.register.value")])
        )
    )
    if not any(p.get(c) for c in ("kontak_nama", "kontak_telepon", "kontak_email")):
        st.caption(t("profil.register.no_contact"))
