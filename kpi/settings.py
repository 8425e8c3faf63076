"""The program's settings, typed: the score, the coaching rules, the closing of months, imports.

Each setting is stored under its key in the store's ``settings`` table as JSON (what the audit
trail records); the defaults come from the catalogue's ``skor``, ``pembinaan`` and ``penutupan``
sections (kpi/catalogue.yaml) and, for imports, from ``IMPORT_DEFAULTS`` here. Code reads the
typed objects (``ScoreSettings.of``, ``CoachingSettings.of``, ``ClosingSettings.of``): a value
missing from a stored or candidate setting is the default, never a literal retyped at the call.

``validate`` returns every problem of candidate settings as message keys of data/i18n
(``pengaturan.err.<key>``) with their values; ``save`` always validates before it stores (through
kpi.audit.save_setting, so every change is an audit event with its before and after).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, cast

from kpi import audit
from kpi.catalogue import (
    SCORE_PILLARS,
    Band,
    Catalogue,
    CatalogueError,
    Issue,
    bands_from,
    catalogue,
    validate_skor,
)
from kpi.vocab import BANDS, POINT_TIERS, RULES, Rule, Tier

if TYPE_CHECKING:
    from kpi.access import Principal
    from kpi.store import Store

SCORE_KEY = "skor"
COACHING_KEY = "pembinaan"
CLOSING_KEY = "penutupan"
# import limits: one settings key each (kpi.ingest.read)
IMPORT_MAX_MB_KEY = "impor.batas_ukuran_mb"
IMPORT_MAX_UNZIPPED_MB_KEY = "impor.batas_terurai_mb"
IMPORT_DEFAULTS: dict[str, float] = {IMPORT_MAX_MB_KEY: 50.0, IMPORT_MAX_UNZIPPED_MB_KEY: 600.0}
WINDOWS: tuple[int, ...] = (3, 6, 12)
KEYS: tuple[str, ...] = (SCORE_KEY, COACHING_KEY, CLOSING_KEY)


# -- raw settings: the stored value over the defaults --------------------------------------------


def defaults(key: str, cat: Catalogue | None = None) -> dict[str, Any]:
    """The default value of a setting (a fresh copy)."""
    cat = cat or catalogue()
    if key == SCORE_KEY:
        return cat.skor_defaults()
    if key == COACHING_KEY:
        return cat.pembinaan_defaults()
    if key == CLOSING_KEY:
        return cat.penutupan_defaults()
    raise KeyError(f"unknown setting {key!r}")


def merged(
    key: str, given: Mapping[str, Any] | None, cat: Catalogue | None = None
) -> dict[str, Any]:
    """``given`` over the defaults of ``key``: the score key by key, the coaching rules rule by
    rule (a rule's missing threshold keeps its default), the closing only its known keys."""
    out = defaults(key, cat)
    if not isinstance(given, Mapping):
        return out
    for k, v in given.items():
        if key == CLOSING_KEY and k not in out:
            continue
        if key == COACHING_KEY and isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k].update(copy.deepcopy(dict(v)))
        else:
            out[k] = copy.deepcopy(v)
    return out


def stored(store: Store, key: str, cat: Catalogue | None = None) -> dict[str, Any]:
    """The setting in use: the stored value over the defaults."""
    return merged(key, store.get_setting(key, None), cat)


# -- typed settings -------------------------------------------------------------------------------


class _Section:
    """A section of the stored settings (``KEY`` in the settings table), read typed: ``of(raw)``
    lays ``raw`` over the defaults (merged) and reads the result (``read``)."""

    KEY: ClassVar[str]

    @classmethod
    def of(cls, raw: Mapping[str, Any] | Self, cat: Catalogue | None = None) -> Self:
        if isinstance(raw, cls):
            return raw
        return cls.read(merged(cls.KEY, cast("Mapping[str, Any] | None", raw), cat))

    @classmethod
    def read(cls, s: Mapping[str, Any]) -> Self:
        raise NotImplementedError


@dataclass(frozen=True)
class ScoreSettings(_Section):
    """The composite score (kpi.score): pillar weights and components, the percentile of the
    peers that benchmarks a component, the minimum completeness of a scored library, the
    minimum share of scored libraries for an area's band, and the bands (lowest first)."""

    bobot: Mapping[str, float]
    komponen: Mapping[str, tuple[str, ...]]
    persentil_pembanding: float
    kelengkapan_minimum: float
    porsi_berskor_minimum: float
    bands: tuple[Band, ...]

    KEY = SCORE_KEY

    @classmethod
    def read(cls, s: Mapping[str, Any]) -> ScoreSettings:
        bobot = s.get("bobot") or {}
        komponen = s.get("komponen") or {}
        issues: list[Issue] = []
        return cls(
            bobot={p: float(bobot.get(p, 0) or 0) for p in SCORE_PILLARS},
            komponen={p: tuple(komponen.get(p) or ()) for p in SCORE_PILLARS},
            persentil_pembanding=float(s["persentil_pembanding"]),
            kelengkapan_minimum=float(s["kelengkapan_minimum"]),
            porsi_berskor_minimum=float(s["porsi_berskor_minimum"]),
            bands=tuple(
                sorted(bands_from(s.get("bands"), SCORE_KEY, issues), key=lambda b: b.dari)
            ),
        )

    @property
    def lowest_band(self) -> str:
        return self.bands[0].id if self.bands else BANDS[0]


@dataclass(frozen=True)
class CoachingSettings(_Section):
    """The coaching rules (kpi.coaching, coaching-rules.md): the window, the minimum age of a
    library judged on growth, each rule's thresholds and points, the tiers' point thresholds and
    the confidence of the areas' ranking."""

    jendela_bulan: int
    bulan_bergabung_minimum: int
    d_bulan_terakhir: int
    d_kelengkapan_minimum: float
    r2_capaian_minimum: float
    r3_kpi: tuple[str, ...]
    r3_perubahan_maksimum: float
    r4_persen_terbawah: float
    r5_bulan_berturut: int
    r6_selisih_minimum: float
    poin: Mapping[str, float]
    tier: Mapping[str, float]
    selang_kepercayaan: float

    KEY = COACHING_KEY

    @classmethod
    def read(cls, s: Mapping[str, Any]) -> CoachingSettings:

        def rule(r: Rule) -> Mapping[str, Any]:
            return s.get(r) or {}

        tiers = s.get("tier") or {}
        return cls(
            jendela_bulan=int(s["jendela_bulan"]),
            bulan_bergabung_minimum=int(s["bulan_bergabung_minimum"]),
            d_bulan_terakhir=int(rule(Rule.D)["bulan_terakhir"]),
            d_kelengkapan_minimum=float(rule(Rule.D)["kelengkapan_minimum"]),
            r2_capaian_minimum=float(rule(Rule.R2)["capaian_minimum"]),
            r3_kpi=tuple(str(k) for k in rule(Rule.R3).get("kpi") or ()),
            r3_perubahan_maksimum=float(rule(Rule.R3)["perubahan_maksimum"]),
            r4_persen_terbawah=float(rule(Rule.R4)["persen_terbawah"]),
            r5_bulan_berturut=int(rule(Rule.R5)["bulan_berturut"]),
            r6_selisih_minimum=float(rule(Rule.R6)["selisih_minimum"]),
            poin={r: float(rule(r).get("poin") or 0) for r in RULES},
            tier={t: float(tiers[t]) for t in POINT_TIERS},
            selang_kepercayaan=float(s.get("selang_kepercayaan") or 90),
        )

    def tier_of(self, points: float) -> Tier | None:
        """The performance tier of a library's points (None below the lowest threshold)."""
        for t in POINT_TIERS:
            if points >= self.tier[t]:
                return t
        return None


@dataclass(frozen=True)
class ClosingSettings(_Section):
    """The closing of months (kpi.closing): the reporting deadline (day of the following month),
    the completeness relative to the median of the months before, and how many months before."""

    tenggat_hari: int
    kelengkapan_relatif: float
    bulan_pembanding: int

    KEY = CLOSING_KEY

    @classmethod
    def read(cls, s: Mapping[str, Any]) -> ClosingSettings:
        return cls(
            tenggat_hari=int(s["tenggat_hari"]),
            kelengkapan_relatif=float(s["kelengkapan_relatif"]),
            bulan_pembanding=int(s["bulan_pembanding"]),
        )


@dataclass(frozen=True)
class ImportLimits:
    """The largest file an import reads, and the largest an .xlsx may unzip to (MB)."""

    max_mb: float = IMPORT_DEFAULTS[IMPORT_MAX_MB_KEY]
    max_unzipped_mb: float = IMPORT_DEFAULTS[IMPORT_MAX_UNZIPPED_MB_KEY]


@dataclass(frozen=True)
class Settings:
    score: ScoreSettings
    coaching: CoachingSettings
    closing: ClosingSettings
    imports: ImportLimits


def import_limits(store: Store) -> ImportLimits:
    return ImportLimits(
        max_mb=float(store.get_setting(IMPORT_MAX_MB_KEY, IMPORT_DEFAULTS[IMPORT_MAX_MB_KEY])),
        max_unzipped_mb=float(
            store.get_setting(
                IMPORT_MAX_UNZIPPED_MB_KEY, IMPORT_DEFAULTS[IMPORT_MAX_UNZIPPED_MB_KEY]
            )
        ),
    )


def deadline_day(store: Store, cat: Catalogue | None = None) -> int:
    """The reporting deadline: the day of the following month a report counts as on time."""
    return ClosingSettings.of(stored(store, CLOSING_KEY, cat), cat).tenggat_hari


def load(store: Store, cat: Catalogue | None = None) -> Settings:
    """Every setting in use, typed."""
    cat = cat or catalogue()
    return Settings(
        score=ScoreSettings.of(stored(store, SCORE_KEY, cat), cat),
        coaching=CoachingSettings.of(stored(store, COACHING_KEY, cat), cat),
        closing=ClosingSettings.of(stored(store, CLOSING_KEY, cat), cat),
        imports=import_limits(store),
    )


# -- validation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A problem of a candidate setting: a message key (pengaturan.err.<key>) and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


class SettingsError(CatalogueError):
    """Settings that cannot be saved, with every problem."""

    def __init__(self, problems: list[Problem], issues: list[Issue] | None = None) -> None:
        self.problems = problems
        shown = list(issues or []) or [Issue(p.key, str(p.values or "")) for p in problems]
        super().__init__(shown)


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    f = float(v)
    return None if math.isnan(f) else f


def _score_problems(skor: Mapping[str, Any], cat: Catalogue) -> list[Problem]:
    out: list[Problem] = []
    bobot = skor.get("bobot") or {}
    weights = [_number(bobot.get(p, 0)) for p in SCORE_PILLARS]
    if any(w is None or w < 0 for w in weights):
        out.append(Problem("bobot_negatif"))
    else:
        total = sum(w or 0.0 for w in weights)
        if abs(total - 100.0) > 1e-6:
            out.append(Problem("bobot_jumlah", {"jumlah": total}))
    komponen = skor.get("komponen") or {}
    for p, w in zip(SCORE_PILLARS, weights, strict=True):
        comps = list(komponen.get(p) or [])
        if (w or 0) > 0 and not comps:
            out.append(Problem("komponen_kosong", {"pilar": p}))
        unknown = [c for c in comps if c not in cat]
        if unknown:
            out.append(Problem("komponen_tidak_dikenal", {"pilar": p, "kpi": ", ".join(unknown)}))
    pct = _number(skor.get("persentil_pembanding"))
    if pct is None or not 0 < pct <= 100:
        out.append(Problem("persentil"))
    minimum = _number(skor.get("kelengkapan_minimum"))
    if minimum is None or not 0 <= minimum <= 100:
        out.append(Problem("kelengkapan", {"nama": "kelengkapan_minimum"}))
    porsi = _number(skor.get("porsi_berskor_minimum"))
    if porsi is None or not 0 <= porsi <= 100:
        out.append(Problem("porsi_berskor"))
    issues: list[Issue] = []
    bands = tuple(sorted(bands_from(skor.get("bands"), SCORE_KEY, issues), key=lambda b: b.dari))
    if [b.id for b in bands] != list(BANDS) or not (
        bands[0].dari < bands[1].dari < bands[2].dari < bands[2].sampai
        and bands[0].sampai == bands[1].dari
        and bands[1].sampai == bands[2].dari
    ):
        out.append(Problem("batas_pita"))
    return out


def _coaching_problems(s: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    window = _number(s.get("jendela_bulan"))
    if int(window or 0) not in WINDOWS:
        out.append(Problem("jendela"))
    d = s.get(Rule.D) or {}
    last_n = _number(d.get("bulan_terakhir"))
    if last_n is None or not 1 <= last_n <= (window or max(WINDOWS)):
        out.append(Problem("bulan_terakhir"))
    d_min = _number(d.get("kelengkapan_minimum"))
    if d_min is None or not 0 <= d_min <= 100:
        out.append(Problem("kelengkapan", {"nama": Rule.D.value}))
    for rule in RULES[1:]:
        poin = _number((s.get(rule) or {}).get("poin"))
        if poin is None or poin < 0:
            out.append(Problem("poin", {"aturan": rule.value}))
    tier = s.get("tier") or {}
    p1, p2, pantau = (_number(tier.get(k)) for k in POINT_TIERS)
    if p1 is None or p2 is None or pantau is None or not p1 > p2 > pantau > 0:
        out.append(Problem("tier"))
    return out


def _closing_problems(settings: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for key, low, high in (
        ("tenggat_hari", 1, 31),
        ("kelengkapan_relatif", 0, 100),
        ("bulan_pembanding", 1, 36),
    ):
        v = _number(settings.get(key))
        if v is None or not low <= v <= high:
            out.append(Problem(key))
    return out


def validate(
    skor: Mapping[str, Any] | None = None,
    pembinaan: Mapping[str, Any] | None = None,
    penutupan: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
) -> list[Problem]:
    """Every problem of the candidate settings given (empty when they can be saved)."""
    cat = cat or catalogue()
    out: list[Problem] = []
    if skor is not None:
        out += _score_problems(skor, cat)
    if pembinaan is not None:
        out += _coaching_problems(pembinaan)
    if penutupan is not None:
        out += _closing_problems(penutupan)
    return out


def save(
    store: Store,
    key: str,
    value: Mapping[str, Any],
    cat: Catalogue | None = None,
    actor: Principal | None = None,
) -> dict[str, Any]:
    """Validate ``value`` over the defaults and store it (an audit event with the value before
    and after); raise SettingsError listing every problem, storing nothing. The score and the
    closing are stored whole, the coaching rules as given (read back rule by rule over the
    defaults). Returns what was stored."""
    cat = cat or catalogue()
    full = merged(key, value, cat)
    issues = validate_skor(full, cat.ids, SCORE_KEY) if key == SCORE_KEY else []
    problems = validate(**{_ARG[key]: full}, cat=cat)
    if issues or problems:
        raise SettingsError(problems, issues)
    kept = copy.deepcopy(_plain(value)) if key == COACHING_KEY else full
    audit.save_setting(store, key, kept, actor)
    return kept


_ARG = {SCORE_KEY: "skor", COACHING_KEY: "pembinaan", CLOSING_KEY: "penutupan"}


class Saver(Protocol):
    def __call__(
        self,
        store: Store,
        settings: Mapping[str, Any],
        cat: Catalogue | None = None,
        actor: Principal | None = None,
    ) -> None: ...


def saver(key: str) -> Saver:
    """The ``save_settings`` of the section ``key`` (kpi.score, kpi.closing): validate and store
    the settings, raising SettingsError (a CatalogueError) that names every problem; ``actor``
    (default the local operator) needs the right to save settings, and the change is an audit
    event with the settings before and after."""

    def save_settings(
        store: Store,
        settings: Mapping[str, Any],
        cat: Catalogue | None = None,
        actor: Principal | None = None,
    ) -> None:
        save(store, key, settings, cat, actor)

    save_settings.__doc__ = saver.__doc__
    return save_settings


def _plain(value: Any) -> Any:
    """A value as JSON holds it (an enum key or member becomes its text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def restore_defaults(store: Store, actor: Principal | None = None) -> None:
    """Back to the defaults for the score, the coaching rules and the closing of months (one
    transaction, one audit event)."""
    audit.delete_settings(store, list(KEYS), actor)
