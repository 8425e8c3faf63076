"""What a report card (rapor) says, gathered from the engine: nothing here computes a KPI.

Every figure comes from the modules the pages use: the KPI table with the score and its band
(kpi.score.kpi_table), targets and achievement (kpi.targets.achievement), the 5A
funnel and CIEL (kpi.compute), peers, funnel reading and CIEL gap (kpi.profile), the coaching
tiers and reasons (kpi.coaching.evaluate, the whole program as the profile's flag history
evaluates it) and, for an area, its libraries per tier (kpi.profile.tier_history) and its
kab/kota ranking (kpi.coaching.rollup). This module only picks the place's rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from kpi import closing, coaching, compute, score, targets
from kpi import profile as prof
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.periods import Period, add_months, parse_period, window
from kpi.scope import Filters, Question, ask
from kpi.store import Store
from kpi.vocab import TIERS, TIERS_BY_ORDER, Level, Tier

# the tiers an area card lists as "needing coaching", in the field teams' order
NEEDING: tuple[Tier, ...] = tuple(t for t in TIERS_BY_ORDER if t != Tier.PANTAU)
TREND_MONTHS = 24
# a province card lists at most this many libraries (the field-team workbook holds them all)
MAX_LIBRARIES = 60
# the profile's peer columns that are not KPIs of the catalogue
OWN_COLUMNS: tuple[str, ...] = ("skor", "kelengkapan_laporan")


def trend_columns(cat: Catalogue | None = None) -> tuple[str, ...]:
    """The monthly columns of the catalogue's trend KPIs (``tren``), one panel each."""
    cat = cat or catalogue()
    return cat.monthly_columns(cat.tren)


class UnknownPlaceError(LookupError):
    """The store knows no place of this level and code."""

    def __init__(self, tingkat: str, kode: str) -> None:
        super().__init__(f"{tingkat} {kode!r}")
        self.tingkat = tingkat
        self.kode = kode


@dataclass
class Card:
    """Everything one report card shows (plain values and small frames)."""

    place: dict[str, Any]
    period: Period
    row: dict[str, Any] | None  # the place's row of the KPI table (score, band, pillars ...)
    row_last_year: dict[str, Any] | None
    kpis: list[dict[str, Any]]  # id, value, last_year, target, capaian, median, rank, n
    funnel: dict[str, Any] | None  # the funnel row and its reading
    ciel: dict[str, Any] | None  # index, dims, gap, reading
    coaching: dict[str, Any]  # tier, points, quadrant, reasons (the place's own library)
    window: str | None  # the coaching window (label)
    series: pd.DataFrame  # monthly trend of the place
    tiers: dict[str, int] = field(default_factory=dict)  # an area: libraries per tier
    needing: pd.DataFrame = field(default_factory=pd.DataFrame)  # an area: libraries to coach
    needing_total: int = 0
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)  # a province: its kab/kota
    score_settings: dict[str, Any] = field(default_factory=dict)
    coaching_settings: dict[str, Any] = field(default_factory=dict)
    last_report: date | None = None
    last_closed: date | None = None
    data_version: int = 0
    demo: bool = False
    made: datetime = field(default_factory=lambda: datetime.now(UTC))


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


def _own(frame: pd.DataFrame, kode: str) -> dict[str, Any] | None:
    if frame is None or frame.empty or "kode" not in frame.columns:
        return None
    own = frame[frame["kode"].astype(str) == str(kode)]
    if own.empty:
        return None
    return {c: _clean(v) for c, v in own.iloc[0].items()}


class _Memo:
    """Engine frames kept by what they were asked with, within one batch of cards."""

    def __init__(self, shared: dict[tuple[Any, ...], Any] | None) -> None:
        self.shared = shared

    def __call__(self, *key_and_fn: Any) -> Any:
        *key, fn = key_and_fn
        if self.shared is None:
            return fn()
        k = tuple(key)
        if k not in self.shared:
            self.shared[k] = fn()
        return self.shared[k]

    def answer(self, name: str, q: Question, fn: Callable[[Question], Any]) -> Any:
        """``fn(q)``, kept by ``name`` and what ``q`` asks (level, period, filters)."""
        return self(name, q.level, q.period, q.filters, lambda: fn(q))


def default_period(store: Store) -> Period | None:
    """The app's default view: the 12 months ending at the last closed month."""
    end = closing.default_end(store)
    return None if end is None else window(end, 12)


def card_kpis(settings: Mapping[str, Any], cat: Catalogue | None = None) -> list[str]:
    """The KPIs a card lists: the overview's headline flows, then each pillar's score
    components (the score settings in use), catalogue ids only, each once."""
    cat = cat or catalogue()
    wanted = [k for k in cat.ringkasan if k in cat and k != "kelengkapan"]
    comps = score.components(settings)
    for pillar in SCORE_PILLARS:
        wanted += comps.get(pillar, [])
    return [k for k in dict.fromkeys(wanted) if k in cat]


def gather(
    store: Store,
    tingkat: str,
    kode: str,
    period: str | Period | None = None,
    filters: Filters | None = None,
    *,
    evaluation: pd.DataFrame | None = None,
    cat: Catalogue | None = None,
    shared: dict[tuple[Any, ...], Any] | None = None,
) -> Card:
    """The report card of one library, kab/kota or province for ``period`` (default: the app's
    default view). ``filters`` are the view's non-geographic filters (an area's figures cover
    its libraries within them; a library stands for itself). ``evaluation`` may pass a coaching
    evaluation at the period's end already made (the page's cache). ``shared``: a dict that
    keeps the engine's frames between the cards of one batch (the libraries of a province
    share their peers' table, last year's, the targets, the 5A and CIEL tables and the
    evaluation).

    Raises UnknownPlaceError for a code the store does not know at that level, and PeriodError for
    a period that cannot be read.
    """
    cat = cat or catalogue()
    place = prof.find_place(store, tingkat, kode)
    if place is None:
        raise UnknownPlaceError(tingkat, str(kode))
    if period is None:
        per = default_period(store)
        if per is None:  # nothing reported yet: the card says so, for the current month
            per = window(closing.today().replace(day=1), 12)
    else:
        per = parse_period(period)
    level = place["tingkat"]
    own_kode = str(place["kode"])
    s_settings = score.get_settings(store, cat)
    c_settings = coaching.get_settings(store, cat)
    ids = card_kpis(s_settings, cat)

    memo = _Memo(shared)
    peer_f, own_f = prof.peer_filters(place, filters), prof.place_filters(place, filters)
    own_q = ask(store, level, per, own_f, ids, cat)
    peers = memo.answer("kpi", ask(store, level, per, peer_f, ids, cat), score.kpi_table)
    if level == Level.PERPUSTAKAAN and "jenis" in peers.columns:
        peers = peers[peers["jenis"] == place.get("jenis")]
    row = _own(peers, own_kode)
    ly = per.previous_year()
    last_year = memo.answer("kpi", own_q.at(ly), score.kpi_table)
    row_ly = _own(last_year, own_kode)
    reach = memo.answer("capaian", own_q, targets.achievement)
    reach = reach[reach["kode"].astype(str) == own_kode].set_index("kpi")

    columns = [*OWN_COLUMNS, *ids]
    lower = [c for c in ids if cat[c].direction == "turun"]
    present = [c for c in columns if c in peers.columns]
    comp = prof.peer_comparison(peers, own_kode, present, lower).set_index("kolom")
    kpis = []
    for c in ids:
        if c not in comp.index:
            continue
        r = comp.loc[c]
        kpis.append(
            {
                "id": c,
                "value": _clean(r["nilai"]),
                "last_year": _clean((row_ly or {}).get(c)),
                "target": _clean(reach.loc[c, "target_prorata"]) if c in reach.index else None,
                "capaian": _clean(reach.loc[c, "capaian"]) if c in reach.index else None,
                "median": _clean(r["median"]),
                "rank": _clean(r["peringkat"]),
                "n": int(r["n"]),
            }
        )
    if row is not None and "skor" in comp.index:
        row["_rank_skor"] = _clean(comp.loc["skor", "peringkat"])
        row["_n_skor"] = int(comp.loc["skor", "n"])
        row["_median_skor"] = _clean(comp.loc["skor", "median"])

    own_filters = own_f
    funnel_all = memo.answer("5a", own_q, compute.funnel_5a)
    funnel_row = _own(funnel_all, own_kode)
    funnel = None
    if funnel_row is not None:
        funnel_read = prof.funnel_reading(funnel_row, cat.funnel_tahap, cat.funnel_konversi)
        if funnel_read["has_data"]:
            funnel = {"row": funnel_row, "reading": funnel_read}
    ciel_all = memo.answer("ciel", own_q, compute.ciel)
    ciel_row = _own(ciel_all, own_kode)
    ciel = None
    if ciel_row is not None and ciel_row.get("ciel") is not None:
        gap, reading = prof.ciel_gap(ciel_row["ciel"], (row or {}).get("skor"))
        ciel = {"row": ciel_row, "gap": gap, "reading": reading}

    end = per.last
    ev = evaluation
    if ev is None:
        ev = memo(
            "ev", end, lambda: coaching.evaluate(store, end.strftime("%Y-%m"), None, Filters())
        )
    if level != Level.PERPUSTAKAAN and filters is not None and filters.jenis:
        ev = ev[ev["jenis"] == filters.jenis]  # an area's libraries within the view's level
    history = prof.tier_history({end: ev}, place)
    h = history.iloc[0].to_dict() if len(history) else {}
    own_coaching: dict[str, Any] = {"tier": None, "points": None, "quadrant": None, "reasons": []}
    if level == Level.PERPUSTAKAAN:
        own_coaching.update(
            tier=h.get("tier"),
            points=_clean(h.get("points")),
            quadrant=h.get("quadrant"),
            reasons=h.get("reasons") or [],
        )
    else:
        own_coaching.update(tier=h.get("tier_sendiri"), reasons=h.get("reasons_sendiri") or [])
    card = Card(
        place=place,
        period=per,
        row=row,
        row_last_year=row_ly,
        kpis=kpis,
        funnel=funnel,
        ciel=ciel,
        coaching=own_coaching,
        window=ev.attrs.get("window") if hasattr(ev, "attrs") else None,
        series=prof.monthly_series(
            store, place, add_months(end, -(TREND_MONTHS - 1)), end, own_filters, trend_columns(cat)
        ),
        score_settings=s_settings,
        coaching_settings=c_settings,
        last_report=compute.last_month(store),
        last_closed=closing.default_end(store),
        data_version=store.data_version(),
        demo=store.has_demo(),
    )
    if level != Level.PERPUSTAKAAN:
        card.tiers = {t: int(h.get(f"jumlah_{t}", 0) or 0) for t in (*TIERS, Tier.TANPA_TANDA)}
        card.tiers["perpustakaan"] = int(h.get("perpustakaan", 0) or 0)
        libs = ev[ev[f"kode_{level}"].astype(str) == own_kode]
        needing = coaching.priorities(libs)
        needing = needing[needing["tier"].isin(NEEDING)].reset_index(drop=True)
        card.needing_total = len(needing)
        card.needing = needing.head(MAX_LIBRARIES) if level == Level.PROVINSI else needing
        if level == Level.PROVINSI and len(libs):
            card.areas = coaching.rollup(libs, Level.KABUPATEN_KOTA)
    return card
