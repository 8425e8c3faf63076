"""The program's vocabulary: the fixed ids of bands, tiers, rules, quadrants and levels.

Each is a ``StrEnum``, so a member equals the plain string the store, the settings, the i18n
files and the exports hold ("merah" == Band.MERAH): code names the member, data keeps the text.
Only the edges of the bands, the points of the rules and the tier thresholds are settings; the ids
themselves are fixed here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    """The colour of a score or a KPI value (lowest first)."""

    MERAH = "merah"
    KUNING = "kuning"
    HIJAU = "hijau"


BANDS: tuple[Band, ...] = tuple(Band)


class Tier(StrEnum):
    """A library's coaching tier; TANPA_TANDA is a library evaluated and not flagged."""

    PELAPORAN = "pelaporan"
    PRIORITAS_1 = "prioritas_1"
    PRIORITAS_2 = "prioritas_2"
    PANTAU = "pantau"
    TANPA_TANDA = "tanpa_tanda"


# the flagged tiers, as the rules assign them (reporting first)
TIERS: tuple[Tier, ...] = (Tier.PELAPORAN, Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PANTAU)
# the order of the list handed to field teams: the one place tier order is written
TIER_ORDER: dict[Tier, int] = {
    Tier.PRIORITAS_1: 0,
    Tier.PRIORITAS_2: 1,
    Tier.PELAPORAN: 2,
    Tier.PANTAU: 3,
}
TIERS_BY_ORDER: tuple[Tier, ...] = tuple(sorted(TIER_ORDER, key=TIER_ORDER.__getitem__))
# the performance tiers set by points (highest first), as the settings' thresholds name them
POINT_TIERS: tuple[Tier, ...] = (Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PANTAU)


class Rule(StrEnum):
    """The coaching rules (coaching-rules.md): D (reporting), R1-R6, and the quadrant Q."""

    D = "D"
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"
    R6 = "R6"
    Q = "Q"


RULES: tuple[Rule, ...] = tuple(Rule)
# the rules that read the score: together they count once (the largest of their points)
SCORE_RULES: tuple[Rule, ...] = (Rule.R1, Rule.R4, Rule.Q)


class Quadrant(StrEnum):
    """Score against the peer median (x) and against a year earlier (y)."""

    TELADAN = "teladan"
    WASPADA = "waspada"
    BERKEMBANG = "berkembang"
    PRIORITAS = "prioritas"


QUADRANTS: tuple[Quadrant, ...] = tuple(Quadrant)


class Jenis(StrEnum):
    """A library's level (jenis perpustakaan)."""

    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    DESA_KELURAHAN = "desa_kelurahan"


class Level(StrEnum):
    """The unit of a row of a KPI table: the nation, an area, or one library."""

    NASIONAL = "nasional"
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    PERPUSTAKAAN = "perpustakaan"


LEVELS: tuple[Level, ...] = (
    Level.NASIONAL,
    Level.PROVINSI,
    Level.KABUPATEN_KOTA,
    Level.PERPUSTAKAAN,
)
AREA_LEVELS: tuple[Level, ...] = (Level.PROVINSI, Level.KABUPATEN_KOTA)


class Basis(StrEnum):
    """What the roll-up's share of libraries "needing coaching" counts."""

    SEMUA = "semua"
    KINERJA = "kinerja"
    PELAPORAN = "pelaporan"


BASES: dict[Basis, tuple[Tier, ...]] = {
    Basis.SEMUA: (Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PELAPORAN),
    Basis.KINERJA: (Tier.PRIORITAS_1, Tier.PRIORITAS_2),
    Basis.PELAPORAN: (Tier.PELAPORAN,),
}
