"""The KPI catalogue: kpi/catalogue.yaml loaded into small typed objects and validated at load.

Validation collects every issue (in the manner of dbt's semantic validations) and raises one
``CatalogueError`` listing them all, each naming the KPI it belongs to.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kpi.columns import INDICATOR_COLUMNS, JENIS_PERPUSTAKAAN
from kpi.vocab import Rule

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yaml"

DIRECTIONS: tuple[str, ...] = ("naik", "turun", "konteks")
PILLARS: tuple[str, ...] = ("informasi", "pelibatan", "advokasi", "data", "5a")
SCORE_PILLARS: tuple[str, ...] = ("informasi", "pelibatan", "advokasi")
AGGREGATIONS: tuple[str, ...] = (
    "flow",
    "stok",
    "kumulatif",
    "rasio",
    "porsi_perpustakaan",
    "data",
)
# measure kinds and whether they need a column
MEASURES_WITH_COLUMN: tuple[str, ...] = (
    "sum",
    "count",
    "end",
    "cum",
    "cum_libraries",
    "penduduk",
    "penduduk_bulan",
    "end_bulan",
    "sum_tahun",
    "penduduk_tahun",
)
# measures of a library's population (counted once at area level, see kpi.compute)
POPULATION_MEASURES: frozenset[str] = frozenset({"penduduk", "penduduk_bulan", "penduduk_tahun"})
MEASURES_WITHOUT_COLUMN: tuple[str, ...] = (
    "expected_months",
    "reported_months",
    "ontime_months",
)
MEASURES: tuple[str, ...] = (
    *MEASURES_WITH_COLUMN,
    *MEASURES_WITHOUT_COLUMN,
    "libraries_where",
    "libraries_reporting",
)
# measures computed from the months of the period (as opposed to a library-level value)
MONTHLY_MEASURES: frozenset[str] = frozenset({"sum", "count", "penduduk_bulan"})
CONDITION_OPS: tuple[str, ...] = ("=", ">=", ">", "<=", "<", "<>")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: float | bool


@dataclass(frozen=True)
class Measure:
    agg: str
    column: str | None = None
    columns: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    @property
    def input_columns(self) -> tuple[str, ...]:
        cols = list(self.columns) + [c.column for c in self.conditions]
        if self.column:
            cols.insert(0, self.column)
        return tuple(dict.fromkeys(cols))


@dataclass(frozen=True)
class Band:
    id: str
    dari: float
    sampai: float


@dataclass(frozen=True)
class Kpi:
    id: str
    nama_id: str
    nama_en: str
    definisi_id: str
    definisi_en: str
    numerator: Measure
    denominator: Measure | None
    factor: float
    unit: str
    decimals: int
    direction: str
    pillar: str
    agregasi: str
    jenis: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    # flows: the smallest earlier value a growth figure is computed from (else it is empty)
    basis_minimum: float | None = None

    @property
    def uses_population(self) -> bool:
        """A per-capita KPI (its population is counted once at area level)."""
        return any(
            m is not None and m.agg in POPULATION_MEASURES
            for m in (self.numerator, self.denominator)
        )

    @property
    def is_flow(self) -> bool:
        """A total over months (targets for it are annual and pro-rated by months)."""
        return self.denominator is None and self.numerator.agg == "sum"

    def nama(self, lang: str = "id") -> str:
        return self.nama_en if str(lang).startswith("en") else self.nama_id

    def definisi(self, lang: str = "id") -> str:
        return self.definisi_en if str(lang).startswith("en") else self.definisi_id


@dataclass(frozen=True)
class Catalogue:
    kpis: tuple[Kpi, ...]
    utama: tuple[str, ...]
    funnel_tahap: tuple[str, ...]
    funnel_konversi: tuple[str, ...]
    skor_default: Mapping[str, Any] = field(default_factory=dict)
    pembinaan_default: Mapping[str, Any] = field(default_factory=dict)
    # the headline KPIs of the overview (Ringkasan), in order
    ringkasan: tuple[str, ...] = ()
    penutupan_default: Mapping[str, Any] = field(default_factory=dict)
    # the flow KPIs whose year-on-year growth is given when none is named (compute.growth)
    pertumbuhan: tuple[str, ...] = ()
    # the flow KPIs drawn month by month (the report card's trend panels)
    tren: tuple[str, ...] = ()
    # the profile: a library's monthly panels, what an area adds, the KPIs beside the peers
    profil_tren: tuple[str, ...] = ()
    profil_tren_wilayah: tuple[str, ...] = ()
    profil_sebaya: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {k.id: k for k in self.kpis})

    def __getitem__(self, kpi_id: str) -> Kpi:
        return self._by_id[kpi_id]  # type: ignore[attr-defined,no-any-return]

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self._by_id  # type: ignore[attr-defined]

    def monthly_columns(self, kpi_ids: Iterable[str]) -> tuple[str, ...]:
        """The monthly input columns that flow KPIs sum (a KPI's numerator column), in order."""
        return tuple(str(self[k].numerator.column) for k in kpi_ids)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(k.id for k in self.kpis)

    def skor_defaults(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.skor_default))

    def pembinaan_defaults(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.pembinaan_default))

    def penutupan_defaults(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.penutupan_default))

    def min_base(self, kpi_id: str, default: float = 30.0) -> float:
        """A flow KPI's minimum base for growth (catalogue data; ``default`` when it has none)."""
        value = self[kpi_id].basis_minimum
        return float(default if value is None else value)


@dataclass(frozen=True)
class Issue:
    kpi: str
    message: str

    def __str__(self) -> str:
        return f"{self.kpi}: {self.message}"


class CatalogueError(ValueError):
    """The catalogue is invalid; ``issues`` lists every problem found, each with its KPI id."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(
            f"{len(issues)} masalah di katalog KPI / issues in the KPI catalogue:\n"
            + "\n".join(f"- {i}" for i in issues)
        )


# ---------------------------------------------------------------------------------------------


def validate_bands(bands: Iterable[Band], owner: str) -> list[Issue]:
    """Contiguous half-open intervals (the last one closed): no overlap, no gap, no empty band."""
    issues: list[Issue] = []
    ordered = sorted(bands, key=lambda b: (b.dari, b.sampai))
    if not ordered:
        return [Issue(owner, "legend has no band")]
    seen: set[str] = set()
    for b in ordered:
        if b.id in seen:
            issues.append(Issue(owner, f"band {b.id!r} defined twice"))
        seen.add(b.id)
        if not b.dari < b.sampai:
            issues.append(
                Issue(owner, f"band {b.id!r} is empty or reversed [{b.dari}, {b.sampai})")
            )
    for prev, nxt in zip(ordered, ordered[1:], strict=False):
        if nxt.dari < prev.sampai:
            issues.append(
                Issue(
                    owner,
                    f"bands {prev.id!r} [{prev.dari}, {prev.sampai}) and {nxt.id!r} "
                    f"[{nxt.dari}, {nxt.sampai}) overlap",
                )
            )
        elif nxt.dari > prev.sampai:
            issues.append(
                Issue(
                    owner,
                    f"gap between bands {prev.id!r} (ends {prev.sampai}) and {nxt.id!r} "
                    f"(starts {nxt.dari})",
                )
            )
    return issues


def bands_from(raw: Any, owner: str, issues: list[Issue]) -> tuple[Band, ...]:
    out: list[Band] = []
    if raw is None:
        return ()
    if not isinstance(raw, list):
        issues.append(Issue(owner, "bands must be a list"))
        return ()
    for item in raw:
        try:
            out.append(Band(str(item["id"]), float(item["dari"]), float(item["sampai"])))
        except (KeyError, TypeError, ValueError):
            issues.append(Issue(owner, f"band {item!r} needs id, dari and sampai"))
    return tuple(out)


def _measure(raw: Any, kpi_id: str, role: str, issues: list[Issue]) -> Measure | None:
    if not isinstance(raw, dict):
        issues.append(Issue(kpi_id, f"{role} must be a mapping with 'agg'"))
        return None
    agg = str(raw.get("agg", ""))
    if agg not in MEASURES:
        issues.append(Issue(kpi_id, f"{role}: unknown aggregation {agg!r}"))
        return None
    column = raw.get("column")
    columns = tuple(str(c) for c in raw.get("columns", []) or [])
    conditions: list[Condition] = []
    for c in raw.get("conditions", []) or []:
        op = str(c.get("op", ""))
        if op not in CONDITION_OPS:
            issues.append(Issue(kpi_id, f"{role}: unknown operator {op!r}"))
            continue
        value = c.get("value")
        if not isinstance(value, bool | int | float):
            issues.append(Issue(kpi_id, f"{role}: condition value {value!r} is not a number"))
            continue
        conditions.append(Condition(str(c.get("column")), op, value))
    if agg in MEASURES_WITH_COLUMN and not column:
        issues.append(Issue(kpi_id, f"{role}: aggregation {agg!r} needs a column"))
    if agg == "libraries_where" and not conditions:
        issues.append(Issue(kpi_id, f"{role}: libraries_where needs conditions"))
    if agg == "libraries_reporting" and not columns:
        issues.append(Issue(kpi_id, f"{role}: libraries_reporting needs columns"))
    m = Measure(agg, str(column) if column else None, columns, tuple(conditions))
    for col in m.input_columns:
        if col not in INDICATOR_COLUMNS:
            issues.append(Issue(kpi_id, f"{role}: unknown input column {col!r}"))
    return m


_REQUIRED = (
    "id",
    "nama_id",
    "nama_en",
    "definisi_id",
    "definisi_en",
    "numerator",
    "factor",
    "unit",
    "decimals",
    "direction",
    "pillar",
    "agregasi",
)


def _kpi(raw: Any, index: int, issues: list[Issue]) -> Kpi | None:
    if not isinstance(raw, dict):
        issues.append(Issue(f"#{index}", "a KPI must be a mapping"))
        return None
    kpi_id = str(raw.get("id") or f"#{index}")
    n_before = len(issues)
    for key in _REQUIRED:
        if raw.get(key) in (None, ""):
            issues.append(Issue(kpi_id, f"missing {key!r}"))
    if not kpi_id.isidentifier() or kpi_id != kpi_id.lower():
        issues.append(Issue(kpi_id, "id must be a lower-case identifier"))
    direction = str(raw.get("direction", ""))
    if direction not in DIRECTIONS:
        issues.append(
            Issue(kpi_id, f"bad direction {direction!r} (one of {', '.join(DIRECTIONS)})")
        )
    pillar = str(raw.get("pillar", ""))
    if pillar not in PILLARS:
        issues.append(Issue(kpi_id, f"unknown pillar {pillar!r}"))
    agregasi = str(raw.get("agregasi", ""))
    if agregasi not in AGGREGATIONS:
        issues.append(Issue(kpi_id, f"unknown aggregation kind {agregasi!r}"))
    num = _measure(raw.get("numerator"), kpi_id, "numerator", issues)
    den = None
    if raw.get("denominator") is not None:
        den = _measure(raw.get("denominator"), kpi_id, "denominator", issues)
    jenis = tuple(str(j) for j in raw.get("jenis", []) or [])
    for j in jenis:
        if j not in JENIS_PERPUSTAKAAN:
            issues.append(Issue(kpi_id, f"unknown library level {j!r}"))
    bands = bands_from(raw.get("bands"), kpi_id, issues)
    if bands:
        issues.extend(validate_bands(bands, kpi_id))
    try:
        factor = float(raw.get("factor", 1))
        decimals = int(raw.get("decimals", 0))
    except (TypeError, ValueError):
        issues.append(Issue(kpi_id, "factor and decimals must be numbers"))
        factor, decimals = 1.0, 0
    base = raw.get("basis_minimum")
    if base is not None and (
        isinstance(base, bool) or not isinstance(base, int | float) or base < 0
    ):
        issues.append(Issue(kpi_id, "basis_minimum must be a number >= 0"))
        base = None
    if len(issues) > n_before or num is None:
        return None
    return Kpi(
        id=kpi_id,
        nama_id=str(raw["nama_id"]),
        nama_en=str(raw["nama_en"]),
        definisi_id=str(raw["definisi_id"]),
        definisi_en=str(raw["definisi_en"]),
        numerator=num,
        denominator=den,
        factor=factor,
        unit=str(raw["unit"]),
        decimals=decimals,
        direction=direction,
        pillar=pillar,
        agregasi=agregasi,
        jenis=jenis,
        bands=bands,
        basis_minimum=None if base is None else float(base),
    )


def validate_skor(settings: Mapping[str, Any], known: Iterable[str], owner: str) -> list[Issue]:
    """The composite score's settings: pillars, components that exist, weights, bands."""
    issues: list[Issue] = []
    ids = set(known)
    bobot = settings.get("bobot") or {}
    komponen = settings.get("komponen") or {}
    for pillar in list(bobot) + list(komponen):
        if pillar not in SCORE_PILLARS:
            issues.append(Issue(owner, f"unknown score pillar {pillar!r}"))
    for pillar, w in bobot.items():
        if not isinstance(w, int | float) or w < 0:
            issues.append(Issue(owner, f"weight of {pillar!r} must be a number >= 0"))
    for pillar, comps in komponen.items():
        for c in comps or []:
            if c not in ids:
                issues.append(Issue(owner, f"component {c!r} of {pillar!r} is not a KPI"))
    p = settings.get("persentil_pembanding")
    if p is not None and (not isinstance(p, int | float) or not 0 < p <= 100):
        issues.append(Issue(owner, "persentil_pembanding must be in (0, 100]"))
    issues.extend(validate_bands(bands_from(settings.get("bands"), owner, issues), owner))
    return issues


def parse(data: Mapping[str, Any]) -> Catalogue:
    """Build and validate a catalogue from parsed YAML; raise CatalogueError with every issue."""
    issues: list[Issue] = []
    kpis: list[Kpi] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("kpi") or []):
        kpi = _kpi(raw, i, issues)
        if isinstance(raw, dict) and raw.get("id") in seen:
            issues.append(Issue(str(raw.get("id")), "id defined twice"))
        if isinstance(raw, dict):
            seen.add(str(raw.get("id")))
        if kpi is not None:
            kpis.append(kpi)
    ids = {k.id for k in kpis} | seen
    utama = _listed(data, "utama", ids, issues, [k.id for k in kpis])
    ringkasan = _listed(data, "ringkasan", ids, issues)
    by_id = {k.id: k for k in kpis}
    pertumbuhan = _listed(data, "pertumbuhan", ids, issues)
    tren = _listed(data, "tren", ids, issues)
    profil = data.get("profil") or {}
    profil_tren = _listed(profil, "tren", ids, issues, label="profil.tren")
    profil_wilayah = _listed(profil, "tren_wilayah", ids, issues, label="profil.tren_wilayah")
    profil_sebaya = _listed(profil, "sebaya", ids, issues, label="profil.sebaya")
    for name, listed in (
        ("pertumbuhan", pertumbuhan),
        ("tren", tren),
        ("profil.tren", profil_tren),
        ("profil.tren_wilayah", profil_wilayah),
    ):
        for x in listed:
            if x in by_id and not by_id[x].is_flow:
                issues.append(Issue(x, f"listed in {name!r} but not a flow KPI (a monthly sum)"))
    funnel = data.get("funnel_5a") or {}
    tahap = tuple(str(x) for x in funnel.get("tahap", []))
    konversi = tuple(str(x) for x in funnel.get("konversi", []))
    for x in (*tahap, *konversi):
        if x not in ids:
            issues.append(Issue(x, "listed in 'funnel_5a' but not defined"))
    skor = dict(data.get("skor") or {})
    issues.extend(validate_skor(skor, ids, "skor"))
    pembinaan = dict(data.get("pembinaan") or {})
    for kpi_id in (pembinaan.get(Rule.R3) or {}).get("kpi", []):
        if kpi_id not in ids:
            issues.append(Issue(kpi_id, "listed in pembinaan.R3 but not defined"))
    penutupan = dict(data.get("penutupan") or {})
    if issues:
        raise CatalogueError(issues)
    return Catalogue(
        tuple(kpis),
        utama,
        tahap,
        konversi,
        skor,
        pembinaan,
        ringkasan,
        penutupan,
        pertumbuhan=pertumbuhan,
        tren=tren,
        profil_tren=profil_tren,
        profil_tren_wilayah=profil_wilayah,
        profil_sebaya=profil_sebaya,
    )


def _listed(
    data: Mapping[str, Any],
    name: str,
    ids: set[str],
    issues: list[Issue],
    default: Any = (),
    label: str | None = None,
) -> tuple[str, ...]:
    """A list of KPI ids (``default`` when absent), each one that is not defined an issue
    (``label``: the list's name in the message, when it is not top-level)."""
    listed = tuple(str(x) for x in data.get(name) or default)
    where = label or name
    issues.extend(Issue(x, f"listed in {where!r} but not defined") for x in listed if x not in ids)
    return listed


def load(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue file (default: kpi/catalogue.yaml)."""
    with Path(path or CATALOGUE_PATH).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return parse(data)


@cache
def catalogue() -> Catalogue:
    """The project's catalogue, loaded once."""
    return load()
