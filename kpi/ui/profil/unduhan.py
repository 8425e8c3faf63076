"""The Profil page's workbooks for field teams: the coaching list of the place's area (a
library: its kab/kota) as kpi.lapangan writes it, and for a province its kab/kota ranked
(kpi.export.write_areas_xlsx). Both are made when clicked, on a connection of their own."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from kpi import coaching, kontak, lapangan, score
from kpi import export as export_mod
from kpi import profile as prof
from kpi.compute import Filters
from kpi.settings import CoachingSettings
from kpi.store import Store, open_store
from kpi.ui import masuk
from kpi.ui.context import PageContext
from kpi.ui.literal import md
from kpi.vocab import Level

XLSX_MIME = export_mod.XLSX_MIME


def area_of(p: Mapping[str, Any]) -> dict[str, Any]:
    """The area whose list a place's page offers: an area itself, a library's kab/kota."""
    if p["tingkat"] != Level.PERPUSTAKAAN or not p.get("kode_kabupaten_kota"):
        return dict(p)
    return {
        "tingkat": Level.KABUPATEN_KOTA,
        "kode": p["kode_kabupaten_kota"],
        "nama": p.get("kabupaten_kota") or p["kode_kabupaten_kota"],
        "kode_provinsi": p.get("kode_provinsi"),
        "provinsi": p.get("provinsi"),
    }


def _evaluated(store: Store, end: str, filters: Filters) -> pd.DataFrame:
    months = CoachingSettings.of(coaching.get_settings(store)).jendela_bulan
    return coaching.evaluate(store, end, months, filters)


def field_workbook(
    store: Store, area: Mapping[str, Any], end: str, filters: Filters, lang: str
) -> bytes:
    """The field team's workbook (P1, P2 and reporting) of an area's libraries."""
    frame = _evaluated(store, end, filters)
    about = lapangan.About(
        window=str(frame.attrs.get("window", "")),
        filters=filters,
        coaching_settings=dict(frame.attrs.get("settings") or {}),
        score_settings=score.get_settings(store),
        data_version=store.data_version(),
        demo=store.has_demo(),
        extra_settings={"wilayah": f"{area['kode']} {area.get('nama') or ''}".strip()},
    )
    return lapangan.workbook_bytes(frame, lang, contacts=kontak.contacts(store), about=about)


def areas_workbook(store: Store, end: str, filters: Filters, lang: str) -> bytes:
    """A province's kab/kota ranked by their share of libraries needing coaching."""
    frame = _evaluated(store, end, filters)
    roll = coaching.rollup(frame, Level.KABUPATEN_KOTA)
    buf = io.BytesIO()
    settings = {"jendela": frame.attrs.get("window"), "pembinaan": frame.attrs.get("settings")}
    export_mod.write_areas_xlsx(roll, Level.KABUPATEN_KOTA, buf, lang, settings)
    return buf.getvalue()


def downloads(ctx: PageContext, p: Mapping[str, Any]) -> None:
    """The field list of the place's area and, for a province, its kab/kota ranked."""
    t, lang = ctx.t, ctx.lang
    db = str(ctx.store.path)
    area = area_of(p)
    filters = prof.place_filters(area, ctx.view.filters)
    if p["tingkat"] == Level.PERPUSTAKAAN:  # the kab/kota's libraries, whatever the level filter
        filters = replace(filters, jenis=None)
    end = ctx.view.period.last.strftime("%Y-%m")

    def made(build: Any, *args: Any) -> Any:
        def run() -> bytes:
            try:
                return build(open_store(db), *args)
            except Exception:  # the log keeps it; the browser gets a failed download
                logging.getLogger("tpbis").exception("profile workbook %s failed", area["kode"])
                raise

        return run

    st.caption(t("profil.unduh.caption", nama=md(area.get("nama") or area["kode"])))
    cols = st.columns(2) if area["tingkat"] == Level.PROVINSI else (st.container(), None)
    files = [  # the field team's workbook; for a province also its kab/kota's list
        dict(
            label=t("profil.unduh.lapangan"),
            data=made(field_workbook, area, end, filters, lang),
            file_name=f"{area['kode']}_{lapangan.file_name(end, lang)}",
            help=t("profil.unduh.lapangan_help", nama=md(area.get("nama") or area["kode"])),
            icon=":material/table_view:",
            key="profil_lapangan",
            what=f"lapangan_{area['tingkat']}_{area['kode']}",
        ),
        dict(
            label=t("profil.unduh.wilayah"),
            data=made(areas_workbook, end, filters, lang),
            file_name=f"{area['kode']}_kabupaten-kota-perlu-pembinaan_{end}_{lang}.xlsx",
            help=t("profil.unduh.wilayah_help"),
            icon=":material/leaderboard:",
            key="profil_wilayah_xlsx",
            what=f"wilayah_kabupaten_kota_{area['kode']}",
        ),
    ]
    for where, file in zip(cols, files, strict=True):
        if where is None:
            return
        masuk.download_button(mime=XLSX_MIME, where=where, who=ctx.user, lang=ctx.lang, **file)
