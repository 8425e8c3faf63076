"""The scope of a question: which libraries a figure covers, and the codes that name areas.

``Filters`` is the selection every page, command and engine function passes along (area codes,
the libraries' level, cohort and support type; the period is a ``kpi.periods.Period`` beside
it), ``Question`` what an engine function is asked (the store, the level of its rows, the
period, the filters, the KPIs and the catalogue: made once by ``ask`` and passed whole), and
``norm_kode`` the one normalisation of Kemendagri codes. The engine depends on this
module, never the reverse; the access scope (``wilayah``: the areas a user may see) narrows it
here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kpi.catalogue import Catalogue, catalogue
from kpi.columns import JENIS_DUKUNGAN, JENIS_PERPUSTAKAAN
from kpi.periods import Period, parse_period

if TYPE_CHECKING:
    from kpi.store import Store

NATIONAL_CODE = "00"


def norm_kode(kode: str | None) -> str | None:
    """Kemendagri codes are stored without dots: '52.01' -> '5201'."""
    if kode is None:
        return None
    text = str(kode).strip().replace(".", "")
    return text or None


@dataclass(frozen=True)
class Filters:
    """Which libraries an aggregate covers (all of them by default)."""

    provinsi: str | None = None
    kabupaten_kota: str | None = None
    jenis: str | None = None
    tahun_bergabung: int | None = None
    jenis_dukungan: str | None = None
    # the scope (access.md): the areas the reader may see, province (2-digit) and kab/kota
    # (4-digit) codes; None: no limit (the command line, the local operator); (): nothing
    wilayah: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provinsi", norm_kode(self.provinsi))
        object.__setattr__(self, "kabupaten_kota", norm_kode(self.kabupaten_kota))
        if self.wilayah is not None:
            object.__setattr__(self, "wilayah", tuple(sorted({str(c) for c in self.wilayah})))
        if self.jenis is not None and self.jenis not in JENIS_PERPUSTAKAAN:
            raise ValueError(f"unknown jenis {self.jenis!r} (one of {JENIS_PERPUSTAKAAN})")
        if self.jenis_dukungan is not None and self.jenis_dukungan not in JENIS_DUKUNGAN:
            raise ValueError(f"unknown jenis_dukungan {self.jenis_dukungan!r}")

    def without_geography(self) -> Filters:
        return replace(self, provinsi=None, kabupaten_kota=None)

    @property
    def has_geography(self) -> bool:
        return bool(self.provinsi or self.kabupaten_kota)

    def sql(self, params: dict[str, Any], alias: str = "p") -> str:
        """A WHERE clause over the register, with its values put into ``params``."""
        where = ["TRUE"]
        if self.provinsi:
            where.append(f"{alias}.kode_provinsi = $f_prov")
            params["f_prov"] = self.provinsi
        if self.kabupaten_kota:
            where.append(f"{alias}.kode_kabupaten_kota = $f_kab")
            params["f_kab"] = self.kabupaten_kota
        if self.jenis:
            where.append(f"{alias}.jenis = $f_jenis")
            params["f_jenis"] = self.jenis
        if self.tahun_bergabung is not None:
            where.append(f"{alias}.tahun_bergabung = $f_kohort")
            params["f_kohort"] = int(self.tahun_bergabung)
        if self.jenis_dukungan:
            where.append(f"{alias}.jenis_dukungan = $f_dukungan")
            params["f_dukungan"] = self.jenis_dukungan
        if self.wilayah is not None:
            where.append(self._scope_sql(params, alias))
        return " AND ".join(where)

    def _scope_sql(self, params: dict[str, Any], alias: str) -> str:
        """Libraries inside the scope: their province or their kab/kota is one of its codes
        (deny by default: an empty scope, or codes of another length, cover nothing)."""
        provinces = [c for c in self.wilayah or () if len(c) == 2]
        kabs = [c for c in self.wilayah or () if len(c) == 4 and c[:2] not in provinces]
        found: list[str] = []
        if provinces:
            found.append(f"list_contains($f_scope_prov, {alias}.kode_provinsi)")
            params["f_scope_prov"] = provinces
        if kabs:
            found.append(f"list_contains($f_scope_kab, {alias}.kode_kabupaten_kota)")
            params["f_scope_kab"] = kabs
        return f"({' OR '.join(found)})" if found else "FALSE"


@dataclass(frozen=True, eq=False)
class Question:
    """What an engine function (the KPI table, growth, achievement, the monthly trend) is asked:
    the rows of ``level`` over the libraries of ``filters`` in ``period``, for ``kpis`` (None:
    the function's own default) of ``cat``, read from ``store``. Made by ``ask``."""

    store: Store
    level: str
    period: Period
    filters: Filters = field(default_factory=Filters)
    kpis: tuple[str, ...] | None = None
    cat: Catalogue = field(default_factory=catalogue)

    def at(self, period: Period) -> Question:
        """The same question over another period."""
        return replace(self, period=period)

    def about(self, kpis: Iterable[str] | None) -> Question:
        """The same question for other KPIs."""
        return replace(self, kpis=_kpi_ids(kpis))

    def kpi_ids(self, default: Iterable[str]) -> list[str]:
        """The KPIs asked for, or ``default`` when none were named."""
        return list(default if self.kpis is None else self.kpis)


def _kpi_ids(kpis: Iterable[str] | None) -> tuple[str, ...] | None:
    if isinstance(kpis, str):  # a lone id is not a list of one-letter ids
        raise TypeError(f"kpis is a list of KPI ids, not {kpis!r}")
    return None if kpis is None else tuple(kpis)


def ask(
    store: Store,
    level: str,
    period: Period | str,
    filters: Filters | None = None,
    kpis: Iterable[str] | None = None,
    cat: Catalogue | None = None,
) -> Question:
    """The question, from the forms people write it in: a period label ('2024-03',
    '2024-01..2024-06'), no filters (every library), no KPIs (the function's default), no
    catalogue (the project's)."""
    return Question(
        store,
        level,
        parse_period(period),
        filters or Filters(),
        _kpi_ids(kpis),
        cat or catalogue(),
    )
