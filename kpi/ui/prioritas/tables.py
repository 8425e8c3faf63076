"""The Prioritas page's pure builders: the lists as shown and the field teams' workbook."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from kpi import coaching, export, i18n, rollup
from kpi.reasons import words as reason_words
from kpi.ui.filters import View
from kpi.vocab import Tier

# the tiers in the order handed to field teams (coaching.TIER_ORDER), and the unflagged class
TIERS: tuple[Tier, ...] = tuple(sorted(coaching.TIER_ORDER, key=coaching.TIER_ORDER.__getitem__))
NO_FLAG = Tier.TANPA_TANDA
LEVELS: tuple[str, ...] = ("perpustakaan", "kabupaten_kota", "provinsi")
AREA_LEVELS: tuple[str, ...] = ("kabupaten_kota", "provinsi")
# what the areas' ranking counts (coaching.BASES): every need, performance only, reporting only
BASES: tuple[str, ...] = tuple(coaching.BASES)
BASIS_KEY = "prio_basis"
WINDOWS: tuple[int, ...] = (3, 6, 12)
# marker shapes per tier, so the quadrant chart reads without colour too
TIER_SYMBOLS: dict[str, str] = {
    Tier.PRIORITAS_1: "diamond",
    Tier.PRIORITAS_2: "square",
    Tier.PANTAU: "triangle-up",
    Tier.PELAPORAN: "x",
    NO_FLAG: "circle",
}
QUADRANT_NUMERALS = {"teladan": "I", "waspada": "II", "berkembang": "III", "prioritas": "IV"}
PROFILE_PAGE = "pages/profil.py"
PROFILE_PATH = "profil"
TOP_AREAS = 15
XLSX_MIME = export.XLSX_MIME


@dataclass(frozen=True)
class Priorities:
    """What the page shows for one window and one sidebar filter."""

    rows: pd.DataFrame  # flagged libraries, in the field teams' order (coaching.priorities)
    window: str  # the evaluated window, e.g. "2025-01..2025-12"
    settings: dict[str, Any]  # the coaching rule settings used
    skor_settings: dict[str, Any]  # the score settings behind R1, R4 and Q
    contacts: pd.DataFrame  # kode + the register's filled contact columns


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _rules_of(reasons: Any) -> set[str]:
    """Every rule behind the reasons (one reason may stand for R1, R4 and Q together)."""
    if not isinstance(reasons, list):
        return set()
    return {str(rule) for r in reasons for rule in (r.get("rules") or [r.get("rule")])}


def rule_ids(reasons: Any) -> list[str]:
    """The rules behind a library's reasons, sorted (what the list's rule filter looks in)."""
    return sorted(_rules_of(reasons))


def main_reason(reasons: Any, lang: str) -> str:
    """The first of a library's reasons, in the rules' order: what the phone's list shows."""
    if not isinstance(reasons, list) or not reasons:
        return ""
    return reason_words(reasons[0], lang)


# what the libraries' list may be searched in, filtered and sorted on (kpi.queries.paging)
LIST_SEARCH: tuple[str, ...] = ("nama", "kode")
LIST_SORTS: tuple[str, ...] = ("points", "skor", "nama", "provinsi", "kabupaten_kota")
LIST_COLUMNS: tuple[str, ...] = ("tier", "rules", *LIST_SORTS)


def list_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The flagged libraries as the paged list reads them: the bundle's rows with the rules
    behind each library's reasons as a list (searched, filtered and sorted in DuckDB)."""
    out = rows[["kode", "nama", "tier", "points", "skor", "provinsi", "kabupaten_kota"]].copy()
    out["kode"] = out["kode"].astype(str)
    out["rules"] = [rule_ids(r) for r in rows["reasons"]]
    return out


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
    return sep.join(reason_words(r, lang) for r in reasons)


def _tier_name(tier: Any, lang: str) -> str:
    return i18n.t(f"tier.{NO_FLAG if _blank(tier) else tier}", lang)


def _quadrant_name(quadrant: Any, lang: str) -> str:
    if _blank(quadrant):
        return ""
    name = i18n.t(f"coaching.quadrant.{quadrant}", lang)
    return f"{QUADRANT_NUMERALS.get(str(quadrant), '')} {name}"


def library_table(
    rows: pd.DataFrame, lang: str, periode: str | None = None, first: int = 0, sep: str = " · "
) -> pd.DataFrame:
    """The ranked list as shown (a page of it: ``first`` is the position of its first row):
    names instead of ids, numbers formatted for the language; the name, the tier and the profile
    link first, so that they are on screen without scrolling right, the reasons in full after."""
    return pd.DataFrame(
        {
            "no": range(first + 1, first + len(rows) + 1),
            "nama": rows["nama"].to_numpy(),
            "tier": [_tier_name(v, lang) for v in rows["tier"]],
            "points": rows["points"].fillna(0).astype(int).to_numpy(),
            "profil": [profile_url(str(k), "perpustakaan", periode, lang) for k in rows["kode"]],
            "reasons": [reasons_text(r, lang, sep) for r in rows["reasons"]],
            "skor": [i18n.format_number(v, lang, 1) for v in rows["skor"]],
            "quadrant": [_quadrant_name(q, lang) for q in rows["quadrant"]],
            "provinsi": rows["provinsi"].to_numpy(),
            "kabupaten_kota": rows["kabupaten_kota"].to_numpy(),
            "jenis": [i18n.t(f"jenis.{j}", lang) for j in rows["jenis"]],
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
            Tier.PRIORITAS_1: roll["jumlah_prioritas_1"].astype(int).to_numpy(),
            Tier.PRIORITAS_2: roll["jumlah_prioritas_2"].astype(int).to_numpy(),
            Tier.PELAPORAN: roll["jumlah_pelaporan"].astype(int).to_numpy(),
            Tier.PANTAU: roll["jumlah_pantau"].astype(int).to_numpy(),
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
            **rollup.OWN_AS_AREA,
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


def areas_xlsx(
    roll: pd.DataFrame,
    level: str,
    settings: Mapping[str, Any],
    lang: str,
    contacts: pd.DataFrame | None = None,
) -> bytes:
    """The areas' list for people (kpi.export.write_areas_xlsx: headers in words in ``lang``,
    reasons as sentences, no JSON), as ``python -m kpi priorities --level ... --format xlsx``."""
    buf = io.BytesIO()
    has_contacts = contacts is not None and len(contacts.columns) > 1 and len(contacts)
    export.write_areas_xlsx(roll, level, buf, lang, settings, contacts if has_contacts else None)
    return buf.getvalue()


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
