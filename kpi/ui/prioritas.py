"""Prioritas pembinaan (coaching priorities): the page's data, tables, figures and drawing.

The rules themselves live in kpi.coaching (coaching-rules.md); this module only arranges their
result for people: the ranked list with tier, points and reasons in words, the roll-up of areas
for leadership, the quadrant chart and the Excel export for field teams.

- Data: ``data.evaluation`` (cached per data version) and, from it, the ``Priorities`` bundle
  (cached on the same key): the flagged libraries in the field teams' order, the roll-ups to
  kab/kota and provinces, the register's contact columns and the score settings.
- Pure builders (frame -> frame or figure, tested without Streamlit): ``filter_libraries``,
  ``area_list``, ``library_table``, ``area_table``, ``export_table``, ``export_xlsx``,
  ``quadrant_chart``, ``area_bars``.
- ``render``: the drawing, called by pages/prioritas.py.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi import coaching, export, i18n, kontak, score
from kpi.periods import parse_period
from kpi.store import open_store
from kpi.ui import data, masuk, plot, state
from kpi.ui.filters import View, month_span
from kpi.ui.literal import html as esc
from kpi.ui.literal import md
from kpi.ui.maps import TIER_COLOURS

# the tiers in the order handed to field teams (coaching.TIER_ORDER), and the unflagged class
TIERS: tuple[str, ...] = tuple(sorted(coaching.TIER_ORDER, key=coaching.TIER_ORDER.__getitem__))
NO_FLAG = "tanpa_tanda"
LEVELS: tuple[str, ...] = ("perpustakaan", "kabupaten_kota", "provinsi")
AREA_LEVELS: tuple[str, ...] = ("kabupaten_kota", "provinsi")
# what the areas' ranking counts (coaching.BASES): every need, performance only, reporting only
BASES: tuple[str, ...] = tuple(coaching.BASES)
BASIS_KEY = "prio_basis"
WINDOWS: tuple[int, ...] = (3, 6, 12)
# marker shapes per tier, so the quadrant chart reads without colour too
TIER_SYMBOLS = {
    "prioritas_1": "diamond",
    "prioritas_2": "square",
    "pantau": "triangle-up",
    "pelaporan": "x",
    NO_FLAG: "circle",
}
QUADRANT_NUMERALS = {"teladan": "I", "waspada": "II", "berkembang": "III", "prioritas": "IV"}
PROFILE_PAGE = "pages/profil.py"
PROFILE_PATH = "profil"
TOP_AREAS = 15
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _t(lang: str) -> Callable[..., str]:
    return lambda key, **kw: i18n.t(key, lang, **kw)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


# --------------------------------------------------------------------------------------------
# data


@dataclass(frozen=True)
class Priorities:
    """What the page shows for one window and one sidebar filter."""

    rows: pd.DataFrame  # flagged libraries, in the field teams' order (coaching.priorities)
    window: str  # the evaluated window, e.g. "2025-01..2025-12"
    settings: dict[str, Any]  # the coaching rule settings used
    skor_settings: dict[str, Any]  # the score settings behind R1, R4 and Q
    contacts: pd.DataFrame  # kode + the register's filled contact columns


@st.cache_data(show_spinner=False, max_entries=8)
def _default_window(db: str, version: int) -> int:
    del version
    return int(coaching.get_settings(open_store(db)).get("jendela_bulan", 12))


# what identifies one evaluation besides the database and its version: the window's end and
# length, and the sidebar's filters
EvalKey = tuple[str, int, data.FilterKey]


@st.cache_data(show_spinner=False, max_entries=32)
def _priorities(db: str, version: int, key: EvalKey, _frame: pd.DataFrame) -> Priorities:
    """Derived from the evaluation ``_frame`` (not hashed: the other arguments identify it)."""
    del version, key
    store = open_store(db)
    rows = coaching.priorities(_frame)
    # pandas copies attrs (the settings) into every derived frame; the bundle keeps them once
    rows.attrs = {}
    return Priorities(
        rows=rows,
        window=str(_frame.attrs.get("window", "")),
        settings=dict(_frame.attrs.get("settings") or coaching.get_settings(store)),
        skor_settings=score.get_settings(store),
        contacts=kontak.contacts(store),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _rollup(
    db: str, version: int, key: EvalKey, level: str, basis: str, _frame: pd.DataFrame
) -> pd.DataFrame:
    """The roll-up of one area level and basis, made when the page first shows it."""
    del db, version, key
    roll = coaching.rollup(_frame, level, basis)
    roll.attrs = {}
    return roll


# --------------------------------------------------------------------------------------------
# pure builders


def _rules_of(reasons: Any) -> set[str]:
    """Every rule behind the reasons (one reason may stand for R1, R4 and Q together)."""
    if not isinstance(reasons, list):
        return set()
    return {str(rule) for r in reasons for rule in (r.get("rules") or [r.get("rule")])}


def filter_libraries(
    rows: pd.DataFrame, tiers: Sequence[str] = (), rules: Sequence[str] = ()
) -> pd.DataFrame:
    """The flagged libraries in ``tiers`` having any of ``rules`` (an empty choice keeps all)."""
    keep = pd.Series(True, index=rows.index)
    if tiers:
        keep &= rows["tier"].isin(list(tiers))
    if rules:
        chosen = set(rules)
        keep &= rows["reasons"].map(lambda rs: bool(_rules_of(rs) & chosen))
    return rows[keep].reset_index(drop=True)


def area_list(
    roll: pd.DataFrame, rows: pd.DataFrame, level: str, tiers: Sequence[str], rules: Sequence[str]
) -> pd.DataFrame:
    """The roll-up's areas (in its ranking) that have a library matching the tiers and rules.

    Counts and shares stay those of all the area's libraries: the filter chooses areas, it does
    not change what an area's figures mean.
    """
    if not tiers and not rules:
        return roll[roll["jumlah_prioritas"] + roll["jumlah_pelaporan"] + roll["jumlah_pantau"] > 0]
    matched = filter_libraries(rows, tiers, rules)
    codes = set(matched[f"kode_{level}"].dropna().astype(str))
    return roll[roll["kode"].isin(codes)]


def profile_url(kode: str, tingkat: str, periode: str | None = None, lang: str = "id") -> str:
    """A link to the Profil page (relative, so that it works under any base URL)."""
    params = {"kode": kode, "tingkat": tingkat}
    if periode:
        params["periode"] = periode
    params["lang"] = i18n.norm_lang(lang)
    return f"{PROFILE_PATH}?{urlencode(params)}"


def reasons_text(reasons: Any, lang: str, sep: str = " · ") -> str:
    """The reasons of one location in the user's language, in the rules' order."""
    if not isinstance(reasons, list):
        return ""
    key = "text_en" if i18n.norm_lang(lang) == "en" else "text_id"
    return sep.join(str(r.get(key, "")) for r in reasons)


def _tier_name(tier: Any, lang: str) -> str:
    return i18n.t(f"tier.{NO_FLAG if _blank(tier) else tier}", lang)


def _quadrant_name(quadrant: Any, lang: str) -> str:
    if _blank(quadrant):
        return ""
    name = i18n.t(f"coaching.quadrant.{quadrant}", lang)
    return f"{QUADRANT_NUMERALS.get(str(quadrant), '')} {name}"


def library_table(rows: pd.DataFrame, lang: str, periode: str | None = None) -> pd.DataFrame:
    """The ranked list as shown: names instead of ids, numbers formatted for the language."""
    return pd.DataFrame(
        {
            "no": range(1, len(rows) + 1),
            "tier": [_tier_name(v, lang) for v in rows["tier"]],
            "points": rows["points"].fillna(0).astype(int).to_numpy(),
            "nama": rows["nama"].to_numpy(),
            "reasons": [reasons_text(r, lang) for r in rows["reasons"]],
            "skor": [i18n.format_number(v, lang, 1) for v in rows["skor"]],
            "quadrant": [_quadrant_name(q, lang) for q in rows["quadrant"]],
            "provinsi": rows["provinsi"].to_numpy(),
            "kabupaten_kota": rows["kabupaten_kota"].to_numpy(),
            "jenis": [i18n.t(f"jenis.{j}", lang) for j in rows["jenis"]],
            "profil": [profile_url(str(k), "perpustakaan", periode, lang) for k in rows["kode"]],
        }
    )


def at_least(value: Any, lang: str) -> str:
    """'sekurang-kurangnya 73,6%' / 'at least 73.6%' (the lower bound of the share)."""
    if _blank(value):
        return "–"
    return i18n.t("prioritas.at_least", lang, p=i18n.format_percent(value, lang))


def area_table(
    roll: pd.DataFrame, level: str, lang: str, periode: str | None = None
) -> pd.DataFrame:
    """The areas of the roll-up as shown: rank, the share needing coaching with its lower bound
    ("at least X%", what ranks them), each tier in its own column, the area's own library."""
    own_tier = [
        "" if _blank(k) else _tier_name(tr, lang)
        for k, tr in zip(roll["sendiri_kode"], roll["sendiri_tier"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "no": roll["peringkat"].astype(int).to_numpy(),
            "nama": roll["nama"].to_numpy(),
            "at_least": [at_least(v, lang) for v in roll["batas_bawah"]],
            "share": [i18n.format_percent(v, lang) for v in roll["porsi_perlu"]],
            "concerned": roll["jumlah_perlu"].astype(int).to_numpy(),
            "libraries": roll["jumlah_perpustakaan"].astype(int).to_numpy(),
            "prioritas_1": roll["jumlah_prioritas_1"].astype(int).to_numpy(),
            "prioritas_2": roll["jumlah_prioritas_2"].astype(int).to_numpy(),
            "pelaporan": roll["jumlah_pelaporan"].astype(int).to_numpy(),
            "pantau": roll["jumlah_pantau"].astype(int).to_numpy(),
            "own_tier": own_tier,
            "own_reasons": [reasons_text(r, lang) for r in roll["sendiri_reasons"]],
            "provinsi": roll["provinsi"].to_numpy(),
            "profil": [profile_url(str(k), level, periode, lang) for k in roll["kode"]],
        }
    )
    if level == "provinsi":
        out = out.drop(columns="provinsi")
    return out


_LIBRARY_EXPORT = (
    "kode",
    "nama",
    "jenis",
    "provinsi",
    "kabupaten_kota",
    "tier",
    "points",
    "quadrant",
    "skor",
    "band",
    "skor_tahun_lalu",
    "median_sejawat",
    "kelengkapan",
    "bulan_dilaporkan",
    "bulan_diharapkan",
    "reasons",
)


def export_table(rows: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """The list at ``level`` as written to Excel (kpi.export.write_priorities_xlsx flattens the
    reasons): tier, quadrant and level in words of the language, points as whole numbers."""

    def words(frame: pd.DataFrame) -> pd.DataFrame:
        frame["tier"] = [
            None if _blank(v) else i18n.t(f"coaching.tier.{v}", lang) for v in frame["tier"]
        ]
        frame["quadrant"] = [
            None if _blank(q) else i18n.t(f"coaching.quadrant.{q}", lang) for q in frame["quadrant"]
        ]
        frame["points"] = [None if _blank(p) else int(p) for p in frame["points"]]
        frame["reasons"] = [r if isinstance(r, list) else [] for r in frame["reasons"]]
        return frame

    if level == "perpustakaan":
        out = rows[[c for c in _LIBRARY_EXPORT if c in rows.columns]].copy()
        out["jenis"] = [i18n.t(f"jenis.{j}", lang) for j in out["jenis"]]
        for col in ("skor", "skor_tahun_lalu", "median_sejawat", "kelengkapan"):
            out[col] = out[col].astype(float).round(1)
        return words(out).reset_index(drop=True)
    out = rows.rename(
        columns={
            "sendiri_kode": "kode_perpustakaan_wilayah",
            "sendiri_nama": "perpustakaan_wilayah",
            "sendiri_tier": "tier",
            "sendiri_points": "points",
            "sendiri_quadrant": "quadrant",
            "sendiri_reasons": "reasons",
        }
    )
    first = ["peringkat", "kode", "nama", "tingkat", "provinsi"]
    if level == "provinsi":
        first.remove("provinsi")
    counts = [c for c in out.columns if c.startswith(("jumlah_", "porsi_"))]
    counts += [c for c in ("batas_bawah", "basis") if c in out.columns]
    own = ["kode_perpustakaan_wilayah", "perpustakaan_wilayah", "tier", "points", "quadrant"]
    out = out[[*first, *counts, *own, "reasons"]].copy()
    for col in counts:
        if col.startswith("porsi_") or col == "batas_bawah":
            out[col] = out[col].astype(float).round(1)
    return words(out).reset_index(drop=True)


def area_contacts(contacts: pd.DataFrame, roll: pd.DataFrame) -> pd.DataFrame:
    """The contacts of each area's own library, keyed by the area's code (for the export)."""
    own = roll[["kode", "sendiri_kode"]].dropna()
    if own.empty or len(contacts.columns) <= 1:
        return contacts.iloc[0:0]
    merged = own.merge(contacts, left_on="sendiri_kode", right_on="kode", suffixes=("", "_lib"))
    return merged.drop(columns=["sendiri_kode", "kode_lib"])


def export_xlsx(
    table: pd.DataFrame,
    settings: Mapping[str, Any],
    lang: str,
    contacts: pd.DataFrame | None = None,
) -> bytes:
    """The workbook for field teams: the list, then the settings used (never a formula)."""
    buf = io.BytesIO()
    has_contacts = contacts is not None and len(contacts.columns) > 1 and len(contacts)
    export.write_priorities_xlsx(table, settings, buf, lang, contacts if has_contacts else None)
    return buf.getvalue()


def export_settings(
    bundle: Priorities, view: View, level: str, tiers: Sequence[str], rules: Sequence[str]
) -> dict[str, Any]:
    """Everything that decided the list, for the workbook's second sheet."""
    f = view.filters
    return {
        "jendela": bundle.window,
        "tingkat_daftar": level,
        "filter": {
            "provinsi": f.provinsi,
            "kabupaten_kota": f.kabupaten_kota,
            "jenis": f.jenis,
            "tahun_bergabung": f.tahun_bergabung,
            "jenis_dukungan": f.jenis_dukungan,
            "tier": list(tiers) or list(TIERS),
            "aturan": list(rules) or list(coaching.RULES),
        },
        "pembinaan": bundle.settings,
        "skor": bundle.skor_settings,
    }


def _fig_layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        separators=",." if i18n.norm_lang(lang) == "id" else ".,",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        height=height,
        # a white plot with light grid lines (the plotly_white template's look, without the
        # cost of copying a whole template into every figure)
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#ebf0f8", linecolor="#ebf0f8")
    fig.update_yaxes(gridcolor="#ebf0f8", linecolor="#ebf0f8")
    return fig


def quadrant_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Score against its change (Klassen quadrants), one trace per tier (colour and shape).

    ``frame``: nama, skor, median_sejawat, skor_tahun_lalu, quadrant and tier (None: no flag),
    as coaching.evaluate gives them. x = skor - median_sejawat, y = skor - skor_tahun_lalu; only
    libraries placed in a quadrant are drawn.
    """
    t = _t(lang)
    cols = ["nama", "skor", "median_sejawat", "skor_tahun_lalu", "quadrant", "tier"]
    data_ = frame.loc[frame["quadrant"].notna(), cols]
    data_.attrs = {}  # pandas would copy the evaluation's settings into every derived frame
    data_["x"] = data_["skor"].astype(float) - data_["median_sejawat"].astype(float)
    data_["y"] = data_["skor"].astype(float) - data_["skor_tahun_lalu"].astype(float)
    data_ = data_.dropna(subset=["x", "y"])
    data_["_tier"] = data_["tier"].where(data_["tier"].notna(), NO_FLAG)
    # one hover text per point (a single string array is much cheaper for plotly to validate)
    line = "<br>".join(
        [
            "<b>{0}</b>",
            t("prioritas.hover.skor", s="{1}") + f" ({t('prioritas.hover.median', m='{2}')})",
            t("prioritas.hover.change", c="{3}"),
            "{4}",
        ]
    )
    quadrants = {q: _quadrant_name(q, lang) for q in QUADRANT_NUMERALS}
    fig = go.Figure()
    for tier in (*TIERS, NO_FLAG):
        part = data_[data_["_tier"] == tier]
        if part.empty:
            continue
        name = _tier_name(tier, lang)
        hover = [
            line.format(
                esc(n),
                i18n.format_number(sk, lang, 1),
                i18n.format_number(med, lang, 1),
                _signed(ch, lang),
                quadrants.get(q, ""),
            )
            for n, sk, med, ch, q in zip(
                part["nama"],
                part["skor"],
                part["median_sejawat"],
                part["y"],
                part["quadrant"],
                strict=True,
            )
        ]
        fig.add_scatter(
            x=part["x"],
            y=part["y"],
            mode="markers",
            name=name,
            marker={
                "color": TIER_COLOURS.get(tier, "#888"),
                "symbol": TIER_SYMBOLS.get(tier, "circle"),
                "size": 7,
                "opacity": 0.75,
                "line": {"width": 0.5, "color": "#333"},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + name + "</extra>",
        )
    # symmetric axes put each quadrant in its own corner
    xr = max(float(data_["x"].abs().max()) if len(data_) else 0.0, 1.0) * 1.08
    yr = max(float(data_["y"].abs().max()) if len(data_) else 0.0, 1.0) * 1.08
    fig.update_xaxes(
        range=[-xr, xr],
        zeroline=True,
        zerolinewidth=1.5,
        zerolinecolor="#555",
        title=t("prioritas.quadrant_x"),
    )
    fig.update_yaxes(
        range=[-yr, yr],
        zeroline=True,
        zerolinewidth=1.5,
        zerolinecolor="#555",
        title=t("prioritas.quadrant_y"),
    )
    corners = {
        "teladan": (0.99, 0.99, "right", "top"),
        "waspada": (0.99, 0.01, "right", "bottom"),
        "berkembang": (0.01, 0.99, "left", "top"),
        "prioritas": (0.01, 0.01, "left", "bottom"),
    }
    for quadrant, (x, y, xanchor, yanchor) in corners.items():
        fig.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            xanchor=xanchor,
            yanchor=yanchor,
            text=f"<b>{_quadrant_name(quadrant, lang)}</b>",
            showarrow=False,
            font={"size": 13, "color": "#b2182b" if quadrant == "prioritas" else "#333"},
            bgcolor="rgba(255,255,255,0.75)",
        )
    return _fig_layout(fig, lang, 520)


def _signed(value: Any, lang: str) -> str:
    text = i18n.format_number(value, lang, 1)
    if text == "–" or text.startswith("-"):
        return text
    return f"+{text}"


def area_bars(
    roll: pd.DataFrame, lang: str, top: int = TOP_AREAS, basis: str = "semua"
) -> go.Figure:
    """The ``top`` areas of the ranking (coaching.rollup's frame, ranked by the lower bound of
    the share needing coaching), each a bar stacked by the tiers the basis counts, with the
    lower bound ("at least") marked. Areas where no library is concerned are left out; the
    first-ranked area is drawn at the top."""
    t = _t(lang)
    tiers = coaching.BASES.get(basis, coaching.BASES["semua"])
    data_ = roll[roll["jumlah_perlu"] > 0].head(top).iloc[::-1]
    # the names are text on the axis and in the hover, never read as tags
    labels = [
        f"{esc(n)} ({esc(p)})" if isinstance(p, str) and p and p != n else esc(n)
        for n, p in zip(data_["nama"], data_.get("provinsi", data_["nama"]), strict=True)
    ]
    if (data_["tingkat"] == "provinsi").all():
        labels = [esc(n) for n in data_["nama"]]
    fig = go.Figure()
    patterns = {"prioritas_1": "", "prioritas_2": "/", "pelaporan": "x"}
    for tier in tiers:
        name = _tier_name(tier, lang)
        hover = [
            t("prioritas.areas_hover", tier=name, n=int(n), total=int(total))
            + f" ({i18n.format_percent(p, lang)})"
            for n, total, p in zip(
                data_[f"jumlah_{tier}"],
                data_["jumlah_perpustakaan"],
                data_[f"porsi_{tier}"],
                strict=True,
            )
        ]
        fig.add_bar(
            x=data_[f"porsi_{tier}"],
            y=labels,
            orientation="h",
            name=name,
            marker={"color": TIER_COLOURS[tier], "pattern": {"shape": patterns[tier]}},
            customdata=hover,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        )
    bound = [at_least(v, lang) for v in data_["batas_bawah"]]
    fig.add_scatter(
        x=data_["batas_bawah"],
        y=labels,
        mode="markers",
        name=t("prioritas.areas_bound"),
        marker={"symbol": "line-ns-open", "size": 18, "color": "#1f1f1f", "line": {"width": 3}},
        customdata=bound,
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=t("prioritas.areas_axis"), range=[0, 100], ticksuffix="%")
    fig.update_yaxes(type="category", automargin=True)
    return _fig_layout(fig, lang, max(300, 26 * len(data_) + 90))


# --------------------------------------------------------------------------------------------
# drawing

# the figures and the long table, cached on the evaluation's key and what else shapes them


@st.cache_data(show_spinner=False, max_entries=32)
def _library_table(
    db: str,
    version: int,
    key: EvalKey,
    lang: str,
    tiers: tuple[str, ...],
    rules: tuple[str, ...],
    periode: str,
    _rows: pd.DataFrame,
) -> pd.DataFrame:
    del (
        db,
        version,
        key,
        tiers,
        rules,
    )  # cache keys: ``_rows`` is the bundle's list filtered by them
    return library_table(_rows, lang, periode)


@st.cache_data(show_spinner=False, max_entries=16)
def _area_bars(
    db: str, version: int, key: EvalKey, lang: str, level: str, basis: str, _roll: pd.DataFrame
) -> dict:
    del db, version, key, level
    return area_bars(_roll, lang, basis=basis).to_dict()


@st.cache_data(show_spinner=False, max_entries=16)
def _quadrant_chart(db: str, version: int, key: EvalKey, lang: str, _frame: pd.DataFrame) -> dict:
    del db, version, key
    return quadrant_chart(_frame, lang).to_dict()


def _page_link(kode: str, tingkat: str, label: str, url: str) -> None:
    """An in-app link to the profile; a plain link while the Profil page is not registered."""
    try:
        st.page_link(
            PROFILE_PAGE,
            label=label,
            icon=":material/open_in_new:",
            query_params={"kode": kode, "tingkat": tingkat},
        )
    except StreamlitAPIException:
        st.markdown(f"[{label}]({url})")


def _window_control(default: int) -> int:
    # bound to this run's language: format_func may be called outside the run (AppTest does)
    lang = state.lang()

    def t(key: str, **values: Any) -> str:
        return i18n.t(key, lang, **values)

    options = sorted({*WINDOWS, default})
    return int(
        st.radio(
            t("prioritas.window"),
            options,
            index=options.index(default),
            format_func=lambda n: t("prioritas.window_option", n=n),
            horizontal=True,
            key="prio_window",
            help=t("prioritas.window_help"),
        )
    )


def _metrics(frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    t, num = state.tr, state.num
    counts = frame["tier"].value_counts()
    edges = settings.get("tier") or {}
    p1, p2, pantau = (
        float(edges.get(k, d)) for k, d in (("prioritas_1", 5), ("prioritas_2", 3), ("pantau", 1))
    )
    helps = {
        "prioritas_1": t("prioritas.tier_help.prioritas_1", min=p1),
        "prioritas_2": t("prioritas.tier_help.prioritas_2", min=p2, max=p1),
        "pelaporan": t("prioritas.tier_help.pelaporan"),
        "pantau": t("prioritas.tier_help.pantau", min=pantau, max=p2),
    }
    cols = st.columns(len(TIERS) + 1)
    for col, tier in zip(cols, TIERS, strict=False):
        col.metric(t(f"tier.{tier}"), num(int(counts.get(tier, 0))), help=helps[tier])
    unflagged = int(frame["tier"].isna().sum())
    cols[-1].metric(
        t("prioritas.evaluated"),
        num(len(frame)),
        help=t("prioritas.evaluated_help", n=num(unflagged)),
    )


def _how(settings: Mapping[str, Any]) -> None:
    t = state.tr
    rules = [
        t(
            "prioritas.how_rule",
            aturan=t(f"prioritas.rule.{r}"),
            poin=float((settings.get(r) or {}).get("poin", 0)),
        )
        for r in coaching.RULES
        if r != "D"
    ]
    edges = settings.get("tier") or {}
    with st.expander(t("prioritas.how")):
        st.markdown(
            t(
                "prioritas.how_text",
                aturan="; ".join(rules),
                p1=float(edges.get("prioritas_1", 5)),
                p2=float(edges.get("prioritas_2", 3)),
                pantau=float(edges.get("pantau", 1)),
                bulan=int(settings.get("bulan_bergabung_minimum", 6)),
            )
        )


def render(view: View) -> None:
    """The whole page under the title (pages/prioritas.py draws the title)."""
    t, lang = state.tr, state.lang()
    st.caption(t("prioritas.intro"))
    if view.last_month is None:
        st.info(t("empty.no_data"))
        return
    store = state.store()
    db, version = str(store.path), store.data_version()
    months = _window_control(_default_window(db, version))
    frame = data.evaluation(view, months)
    if frame.empty:
        st.info(t("prioritas.empty.no_libraries"))
        return
    end = view.period.last.strftime("%Y-%m")
    key: EvalKey = (end, months, data.filter_key(view.filters))
    bundle = _priorities(db, version, key, frame)
    win = parse_period(bundle.window) if bundle.window else view.period
    st.caption(
        t(
            "prioritas.window_caption",
            awal=i18n.format_month(win.first, lang),
            akhir=i18n.format_month(win.last, lang),
            n=win.months,
        )
    )
    d_window = frame.attrs.get("window_pelaporan")
    if d_window != bundle.window:
        if d_window:
            st.caption(t("prioritas.d_closed", bulan=month_span(parse_period(str(d_window)), lang)))
        else:
            st.caption(t("prioritas.d_none"))
    _metrics(frame, bundle.settings)

    if bundle.rows.empty:
        st.info(t("prioritas.empty.nothing_flagged"))
    else:
        _list_section(db, version, key, view, bundle, lang, frame)
        _areas_section(db, version, key, view, bundle, lang, frame)
    _quadrant_section(db, version, key, frame, lang)
    _how(bundle.settings)


def _list_section(
    db: str,
    version: int,
    key: EvalKey,
    view: View,
    bundle: Priorities,
    lang: str,
    frame: pd.DataFrame,
) -> None:
    t, num = state.tr, state.num
    st.subheader(t("prioritas.list"))
    c_level, c_tier, c_rule = st.columns([1.2, 2, 2])
    level = c_level.radio(
        t("prioritas.level"),
        LEVELS,
        format_func=lambda v: t(f"prioritas.level.{v}"),
        key="prio_level",
    )
    tiers = c_tier.multiselect(
        t("prioritas.tiers"),
        TIERS,
        default=list(TIERS),
        format_func=lambda v: t(f"tier.{v}"),
        key="prio_tiers",
    )
    rules = c_rule.multiselect(
        t("prioritas.rules"),
        coaching.RULES,
        format_func=lambda v: t(f"prioritas.rule.{v}"),
        key="prio_rules",
        help=t("prioritas.rules_help"),
        placeholder=t("filter.all"),
    )
    link_label = t("prioritas.open_profile")
    if level == "perpustakaan":
        rows = filter_libraries(bundle.rows, tiers, rules)
        st.caption(t("prioritas.shown", n=num(len(rows)), m=num(len(bundle.rows))))
        if rows.empty:
            st.info(t("prioritas.empty.no_match"))
            return
        table = _library_table(
            db, version, key, lang, tuple(tiers), tuple(rules), view.periode, rows
        )
        config = {
            "no": st.column_config.NumberColumn(t("prioritas.col.no"), format="%d", width="small"),
            "tier": st.column_config.TextColumn(t("prioritas.col.tier")),
            "points": st.column_config.NumberColumn(
                t("prioritas.col.points"), format="%d", width="small"
            ),
            "nama": st.column_config.TextColumn(t("prioritas.col.nama")),
            "reasons": st.column_config.TextColumn(t("prioritas.col.reasons"), width="large"),
            "skor": st.column_config.TextColumn(t("prioritas.col.skor"), width="small"),
            "quadrant": st.column_config.TextColumn(t("prioritas.col.quadrant")),
            "provinsi": st.column_config.TextColumn(t("prioritas.col.provinsi")),
            "kabupaten_kota": st.column_config.TextColumn(t("prioritas.col.kabupaten_kota")),
            "jenis": st.column_config.TextColumn(t("prioritas.col.jenis")),
            "profil": st.column_config.LinkColumn(
                t("prioritas.col.profile"), display_text=link_label
            ),
        }
        chosen, contacts = rows, bundle.contacts
    else:
        basis = str(st.session_state.get(BASIS_KEY, "semua"))
        if basis not in BASES:
            basis = "semua"
        roll = area_list(
            _rollup(db, version, key, level, basis, frame), bundle.rows, level, tiers, rules
        )
        st.caption(t("prioritas.shown_areas", n=num(len(roll))))
        if roll.empty:
            st.info(t("prioritas.empty.no_match"))
            return
        table = area_table(roll, level, lang, view.periode)
        config = {
            "no": st.column_config.NumberColumn(t("prioritas.col.no"), format="%d", width="small"),
            "nama": st.column_config.TextColumn(t(f"prioritas.col.{level}")),
            "provinsi": st.column_config.TextColumn(t("prioritas.col.provinsi")),
            "at_least": st.column_config.TextColumn(
                t("prioritas.col.at_least"), width="medium", help=t("prioritas.col.at_least_help")
            ),
            "share": st.column_config.TextColumn(t(f"prioritas.col.share.{basis}")),
            "concerned": st.column_config.NumberColumn(t("prioritas.col.concerned"), format="%d"),
            "libraries": st.column_config.NumberColumn(t("prioritas.col.libraries"), format="%d"),
            "prioritas_1": st.column_config.NumberColumn(t("tier.prioritas_1"), format="%d"),
            "prioritas_2": st.column_config.NumberColumn(t("tier.prioritas_2"), format="%d"),
            "pelaporan": st.column_config.NumberColumn(t("tier.pelaporan"), format="%d"),
            "pantau": st.column_config.NumberColumn(t("tier.pantau"), format="%d"),
            "own_tier": st.column_config.TextColumn(t("prioritas.col.own_tier")),
            "own_reasons": st.column_config.TextColumn(
                t("prioritas.col.own_reasons"), width="large"
            ),
            "profil": st.column_config.LinkColumn(
                t("prioritas.col.profile"), display_text=link_label
            ),
        }
        chosen, contacts = roll, area_contacts(bundle.contacts, roll)
    st.dataframe(table, column_config=config, hide_index=True, width="stretch", key="prio_table")

    settings = export_settings(bundle, view, level, tiers, rules)
    masuk.download_button(  # with the right to export, recorded in the audit trail
        t("prioritas.export"),
        # built on click, in its own thread: writing a workbook of thousands of rows takes a while
        data=lambda: export_xlsx(export_table(chosen, level, lang), settings, lang, contacts),
        file_name=f"prioritas-pembinaan_{level}_{bundle.window.replace('..', '_')}_{lang}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        help=t("prioritas.export_help"),
        key="prio_export",
        what=f"prioritas_{level}",
        rows=len(chosen),
    )


def _areas_section(
    db: str,
    version: int,
    key: EvalKey,
    view: View,
    bundle: Priorities,
    lang: str,
    frame: pd.DataFrame,
) -> None:
    t = state.tr
    st.subheader(t("prioritas.areas"))
    st.caption(t("prioritas.areas_intro"))
    c_level, c_basis = st.columns([1, 2])
    level = c_level.radio(
        t("prioritas.areas_level"),
        AREA_LEVELS,
        format_func=lambda v: t(f"prioritas.level.{v}"),
        horizontal=True,
        key="prio_area_level",
    )
    basis = c_basis.radio(
        t("prioritas.basis"),
        BASES,
        format_func=lambda v: t(f"prioritas.basis.{v}"),
        horizontal=True,
        key=BASIS_KEY,
        help=t("prioritas.basis_help"),
    )
    roll = _rollup(db, version, key, level, basis, frame)
    ranked = roll[roll["jumlah_perlu"] > 0]
    if ranked.empty:
        st.info(t(f"prioritas.areas_none.{basis}"))
        return
    plot.chart(
        _area_bars(db, version, key, lang, level, basis, roll),
        width="stretch",
        key="prio_area_bars",
    )
    st.caption(t("prioritas.areas_links"))
    for row in ranked.head(5).itertuples(index=False):
        label = t(
            "prioritas.areas_link",
            n=int(row.peringkat),
            nama=md(row.nama),
            p=at_least(row.batas_bawah, lang),
            k=int(row.jumlah_perlu),
            m=int(row.jumlah_perpustakaan),
        )
        _page_link(
            str(row.kode), level, label, profile_url(str(row.kode), level, view.periode, lang)
        )


def _quadrant_section(db: str, version: int, key: EvalKey, frame: pd.DataFrame, lang: str) -> None:
    t, num = state.tr, state.num
    st.subheader(t("prioritas.quadrant"))
    st.caption(t("prioritas.quadrant_intro"))
    placed = frame["quadrant"].notna() & frame["skor_tahun_lalu"].notna()
    if not placed.any():
        st.info(t("prioritas.quadrant_none"))
        return
    plot.chart(_quadrant_chart(db, version, key, lang, frame), width="stretch", key="prio_quadrant")
    missing = int((~placed).sum())
    if missing:
        st.caption(t("prioritas.quadrant_missing", n=num(missing)))
