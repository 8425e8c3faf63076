"""The engine's results for the Pengaturan page, kept per data version (kpi.ui.cache)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi import boundaries, closing, coaching, compute, places, preview, score, targets
from kpi.catalogue import catalogue
from kpi.periods import parse_period
from kpi.scope import Question, ask
from kpi.settings import CoachingSettings
from kpi.store import Store
from kpi.ui.cache import cached
from kpi.ui.data import FilterKey, evaluation_at, filter_key
from kpi.ui.filters import View
from kpi.ui.pengaturan.tables import target_frame


@cached(max_entries=32)
def _band_table(store: Store, periode: str, fkey: FilterKey, skor: str) -> pd.DataFrame:
    return preview.band_table(_libraries(store, periode, fkey), json.loads(skor))


@cached(max_entries=32)
def _tier_table(
    store: Store, periode: str, fkey: FilterKey, skor: str, pembinaan: str
) -> pd.DataFrame:
    return preview.tier_table(
        _libraries(store, periode, fkey), json.loads(skor), json.loads(pembinaan)
    )


def _libraries(store: Store, periode: str, fkey: FilterKey) -> Question:
    return ask(store, "perpustakaan", periode, compute.Filters(*fkey))


@cached(max_entries=16)
def _targets(store: Store, tahun: int) -> pd.DataFrame:
    return targets.targets(store, catalogue().ids, tahun)


@cached(max_entries=1, kept=True, versioned=False)
def _area_names() -> dict[str, str]:
    """Province and kab/kota names by code (the places a target can be set for)."""
    frames = (places.provinsi(), places.kabupaten_kota())
    return {str(k): str(n) for f in frames for k, n in zip(f["kode"], f["nama"], strict=True)}


@cached(max_entries=16)
def _target_view(store: Store, tahun: int, lang: str) -> tuple[int, pd.DataFrame]:
    """How many targets a year has, and its table as shown."""
    frame = _targets(store, tahun)
    if frame.empty:
        return 0, frame
    names = _area_names()
    return len(frame), target_frame(frame, lang, lambda k: names.get(k, k))


@cached(max_entries=4)
def _stored_boundaries(store: Store) -> dict[str, Any] | None:
    # the stored file can be large: read once per data version
    return boundaries.stored_info(store)


@cached(max_entries=4, versioned=False)
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


def _tiers(
    store: Store, periode: str, fkey: FilterKey, settings: tuple[str, str], stored: tuple[str, str]
) -> pd.DataFrame:
    """kode and tier under ``settings``: under the stored ones, the tiers of the coaching
    evaluation every other page reads (kpi.ui.data, computed once per data version, and ahead
    of the first visitor by kpi.ui.warm); else preview.tier_table's."""
    if settings != stored:
        return _tier_table(store, periode, fkey, settings[0], settings[1])
    months = CoachingSettings.of(json.loads(stored[1])).jendela_bulan
    end = parse_period(periode).last.strftime("%Y-%m")
    ruled = evaluation_at(store, end, int(months), fkey)
    return pd.DataFrame({"kode": ruled["kode"].astype(str).to_numpy(), "tier": ruled["tier"]})


@cached(max_entries=32)
def _summary(
    store: Store, periode: str, fkey: FilterKey, now: tuple[str, str], new: tuple[str, str]
) -> PreviewSummary:
    """``now``: the stored settings (score, coaching), ``new``: the candidates."""
    return summarise(
        preview.compare(
            _band_table(store, periode, fkey, now[0]),
            _band_table(store, periode, fkey, new[0]),
            _tiers(store, periode, fkey, now, now),
            _tiers(store, periode, fkey, new, now),
        )
    )


def compute_preview(
    store: Store, view: View, skor: Mapping[str, Any], pembinaan: Mapping[str, Any]
) -> PreviewSummary:
    """The preview of candidate settings against the stored ones (kept per data version)."""
    now = (
        preview.settings_key(score.get_settings(store)),
        preview.settings_key(coaching.get_settings(store)),
    )
    new = (preview.settings_key(skor), preview.settings_key(pembinaan))
    return _summary(store, view.periode, filter_key(view.filters), now, new)


@cached(max_entries=16)
def _last_closed(store: Store, today: Any, tutup: str) -> Any:
    return closing.last_closed(store, today, json.loads(tutup))
