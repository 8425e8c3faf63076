"""What candidate score and coaching settings would change, computed without saving them.

The settings page edits the "skor" settings (kpi.score) and the "pembinaan" settings
(kpi.coaching) and shows, before anything is saved, how many libraries would move band (for the
view's period) and tier (for the coaching window ending at the period's last month).

The score side reuses kpi.score.scored_table with the candidate settings; the coaching side
reuses kpi.coaching.rule_inputs (scoring with the candidate score settings) and apply_rules, so
the preview gives exactly what the engine gives once the candidate is saved.

``check_settings`` validates a candidate before it is saved and returns every problem as a
message key of data/i18n (``pengaturan.err.*``) with its values, so the page speaks the user's
language and saves nothing while a problem remains.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi import coaching, score
from kpi import settings as settings_mod
from kpi.catalogue import Catalogue
from kpi.scope import Question
from kpi.settings import CoachingSettings, Problem
from kpi.vocab import Band, Tier

WINDOWS = settings_mod.WINDOWS  # the coaching windows, importable from here as before
NO_BAND = "tanpa_skor"
NO_TIER = Tier.TANPA_TANDA
BAND_ORDER: tuple[str, ...] = (*score.BAND_IDS, NO_BAND)
TIER_ORDER: tuple[str, ...] = (*coaching.TIERS, NO_TIER)


# -- band edges ----------------------------------------------------------------------------------


def band_edges(settings: Mapping[str, Any]) -> tuple[float, float]:
    """The two inner edges of the three bands: (merah -> kuning, kuning -> hijau)."""
    bands = score.bands_of(settings)
    if len(bands) < 3:
        return 50.0, 80.0
    return float(bands[1].dari), float(bands[2].dari)


def bands_with_edges(lower: float, upper: float, top: float = 100.0) -> list[dict[str, Any]]:
    """merah [0, lower), kuning [lower, upper), hijau [upper, top] as stored in the settings."""
    return [
        {"id": Band.MERAH, "dari": 0.0, "sampai": float(lower)},
        {"id": Band.KUNING, "dari": float(lower), "sampai": float(upper)},
        {"id": Band.HIJAU, "dari": float(upper), "sampai": float(top)},
    ]


# -- validation ----------------------------------------------------------------------------------


def check_settings(
    skor: Mapping[str, Any], pembinaan: Mapping[str, Any], cat: Catalogue | None = None
) -> list[Problem]:
    """Every problem of candidate score and coaching settings (empty when they can be saved)."""
    return settings_mod.validate(skor=skor, pembinaan=pembinaan, cat=cat)


# -- moves ---------------------------------------------------------------------------------------


def _label(v: Any, none_label: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return none_label
    return str(v)


def moves(
    before: Iterable[Any], after: Iterable[Any], order: Sequence[str], none_label: str
) -> pd.DataFrame:
    """The units that changed class: one row per (dari, ke) pair with its count (jumlah),
    in the order of ``order`` (empty values count as ``none_label``)."""
    b = [_label(v, none_label) for v in before]
    a = [_label(v, none_label) for v in after]
    pairs = pd.DataFrame({"dari": b, "ke": a})
    changed = pairs[pairs["dari"] != pairs["ke"]]
    if changed.empty:
        return pd.DataFrame({"dari": [], "ke": [], "jumlah": []}).astype({"jumlah": int})
    counted = changed.groupby(["dari", "ke"]).size().rename("jumlah").reset_index()
    rank = {k: i for i, k in enumerate(order)}
    counted["_d"] = counted["dari"].map(rank).fillna(len(rank))
    counted["_k"] = counted["ke"].map(rank).fillna(len(rank))
    counted = counted.sort_values(["_d", "_k"]).drop(columns=["_d", "_k"])
    return counted.reset_index(drop=True).astype({"jumlah": int})


def counts(values: Iterable[Any], order: Sequence[str], none_label: str) -> pd.Series:
    """How many units are in each class of ``order`` (empty values as ``none_label``)."""
    labels = pd.Series([_label(v, none_label) for v in values], dtype=object)
    return labels.value_counts().reindex(list(order), fill_value=0).astype(int)


# -- the preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """Per library: band and tier now and under the candidate settings."""

    bands: pd.DataFrame  # kode, band_kini, band_baru
    tiers: pd.DataFrame  # kode, tier_kini, tier_baru

    @property
    def libraries(self) -> int:
        return len(self.bands)

    def band_moves(self) -> pd.DataFrame:
        return moves(self.bands["band_kini"], self.bands["band_baru"], BAND_ORDER, NO_BAND)

    def tier_moves(self) -> pd.DataFrame:
        return moves(self.tiers["tier_kini"], self.tiers["tier_baru"], TIER_ORDER, NO_TIER)

    @property
    def band_moved(self) -> int:
        return int(self.band_moves()["jumlah"].sum())

    @property
    def tier_moved(self) -> int:
        return int(self.tier_moves()["jumlah"].sum())

    def band_counts(self) -> pd.DataFrame:
        """Libraries per band now (kini) and under the candidate (baru), index BAND_ORDER."""
        return pd.DataFrame(
            {
                "kini": counts(self.bands["band_kini"], BAND_ORDER, NO_BAND),
                "baru": counts(self.bands["band_baru"], BAND_ORDER, NO_BAND),
            }
        )

    def tier_counts(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kini": counts(self.tiers["tier_kini"], TIER_ORDER, NO_TIER),
                "baru": counts(self.tiers["tier_baru"], TIER_ORDER, NO_TIER),
            }
        )


def settings_key(settings: Mapping[str, Any]) -> str:
    """A canonical text of settings (equal settings, equal text): a cache key."""
    return json.dumps(settings, sort_keys=True, default=str)


def same_settings(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def band_table(q: Question, skor: Mapping[str, Any]) -> pd.DataFrame:
    """kode and band of every library of ``q.filters`` over ``q.period`` under the score
    settings ``skor``."""
    libs = score.scored_table(
        q.store, "perpustakaan", q.period, q.filters, [], settings=skor, cat=q.cat
    )
    return pd.DataFrame({"kode": libs["kode"].astype(str).to_numpy(), "band": libs["band"]})


def tier_table(q: Question, skor: Mapping[str, Any], pembinaan: Mapping[str, Any]) -> pd.DataFrame:
    """kode and tier of every library of ``q.filters`` under the settings, the coaching window
    (``jendela_bulan`` of ``pembinaan``) ending at the last month of ``q.period``."""
    cat = q.cat
    months = CoachingSettings.of(pembinaan, cat).jendela_bulan
    inputs = coaching.rule_inputs(
        q.store, q.period.last, months, q.filters, settings=pembinaan, score_settings=skor, cat=cat
    )
    bands = score.bands_of(skor)
    lowest = bands[0].id if bands else Band.MERAH
    ruled = coaching.apply_rules(inputs, pembinaan, lowest_band=lowest, cat=cat)
    return pd.DataFrame({"kode": ruled["kode"].astype(str).to_numpy(), "tier": ruled["tier"]})


def compare(
    bands_now: pd.DataFrame,
    bands_new: pd.DataFrame,
    tiers_now: pd.DataFrame,
    tiers_new: pd.DataFrame,
) -> Preview:
    """Put the tables of band_table and tier_table under two settings side by side."""
    bands = bands_now.rename(columns={"band": "band_kini"}).merge(
        bands_new.rename(columns={"band": "band_baru"}), on="kode", how="outer"
    )
    tiers = tiers_now.rename(columns={"tier": "tier_kini"}).merge(
        tiers_new.rename(columns={"tier": "tier_baru"}), on="kode", how="outer"
    )
    return Preview(bands=bands.reset_index(drop=True), tiers=tiers.reset_index(drop=True))


def preview(q: Question, skor: Mapping[str, Any], pembinaan: Mapping[str, Any]) -> Preview:
    """Band (over ``q.period``) and tier (window ending at its last month) of every library of
    ``q.filters``, under the stored settings and under the candidate ``skor`` and
    ``pembinaan``."""
    skor_now = score.get_settings(q.store, q.cat)
    pembinaan_now = coaching.get_settings(q.store, q.cat)
    bands_now = band_table(q, skor_now)
    tiers_now = tier_table(q, skor_now, pembinaan_now)
    same_skor = same_settings(skor, skor_now)
    bands_new = bands_now if same_skor else band_table(q, skor)
    if same_skor and same_settings(pembinaan, pembinaan_now):
        tiers_new = tiers_now
    else:
        tiers_new = tier_table(q, skor, pembinaan)
    return compare(bands_now, bands_new, tiers_now, tiers_new)
