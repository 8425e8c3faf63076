"""Areas: the codes a user may see or capture, each covering every code below it, and what they
cover in the store's regions (``Coverage``: province and kab/kota codes, with a SQL predicate for
the scope object of the pages); ``parse_areas`` reads the codes an administrator writes. Who holds
which areas is kpi.access."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kpi.queries import regions
from kpi.store import StoreError

if TYPE_CHECKING:
    from kpi.store import Store

# a capture (or view) area that stands for the whole country
NATIONAL = "nasional"


# -- areas ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Areas:
    """Area codes, each covering every code that begins with it; or everywhere."""

    codes: frozenset[str] = frozenset()
    everywhere: bool = False

    def covers(self, code: str | None) -> bool:
        """``code`` (an area code; "" for the national level) lies in these areas."""
        if self.everywhere:
            return True
        if not code:
            return False
        return any(code.startswith(a) for a in self.codes)

    @property
    def empty(self) -> bool:
        return not self.everywhere and not self.codes

    def label(self, lang: str = "id") -> str:
        """'Kabupaten Bogor (32.01), Jawa Tengah (33)', 'seluruh Indonesia' or 'tidak ada'."""
        from kpi import places

        if self.everywhere:
            return "seluruh Indonesia" if lang == "id" else "the whole country"
        if not self.codes:
            return "tidak ada" if lang == "id" else "none"
        return ", ".join(
            f"{places.region_name(c) or c} ({places.format_kode(c)})" for c in sorted(self.codes)
        )


EVERYWHERE = Areas(everywhere=True)
NOWHERE = Areas()


def areas_of(codes: Iterable[str], *, empty_is_everywhere: bool) -> Areas:
    codes = frozenset(codes)
    if NATIONAL in codes or (not codes and empty_is_everywhere):
        return EVERYWHERE
    return Areas(codes)


def norm(code: str | None) -> str | None:
    if code is None or code == "":
        return code
    from kpi import places

    return places.normalise_kode(code) or str(code)


# -- coverage: areas as the province and kab/kota codes they cover --------------------------------


@dataclass(frozen=True)
class Coverage:
    """The codes an ``Areas`` covers, read against the store's regions.

    ``provinsi``: provinces covered whole; ``kabupaten_kota``: every kab/kota covered (those of
    whole provinces included); ``provinsi_tersentuh``: provinces with at least one covered
    kab/kota (for a province filter's choices). A library lies inside when its province is
    covered whole or its kab/kota is covered.
    """

    whole_country: bool
    provinsi: frozenset[str] = frozenset()
    kabupaten_kota: frozenset[str] = frozenset()
    provinsi_tersentuh: frozenset[str] = field(default=frozenset())

    @property
    def nothing(self) -> bool:
        return not self.whole_country and not self.provinsi and not self.kabupaten_kota

    def covers(self, code: str | None) -> bool:
        """An area code of any level (a 6- or 10-digit code by its kab/kota)."""
        if self.whole_country:
            return True
        code = norm(code)
        if not code:
            return False
        if code[:2] in self.provinsi:
            return True
        return len(code) >= 4 and code[:4] in self.kabupaten_kota

    def predicate(
        self, provinsi_col: str = "kode_provinsi", kabupaten_col: str = "kode_kabupaten_kota"
    ) -> tuple[str, list[Any]]:
        """A parameterised SQL condition on a table's province and kab/kota columns (column
        names from the caller's code, never from input): deny by default."""
        if self.whole_country:
            return "TRUE", []
        if self.nothing:
            return "FALSE", []
        partial = sorted(k for k in self.kabupaten_kota if k[:2] not in self.provinsi)
        return (
            f"(list_contains(?, {provinsi_col}) OR list_contains(?, {kabupaten_col}))",
            [sorted(self.provinsi), partial],
        )


def coverage(store: Store, areas: Areas) -> Coverage:
    """The province and kab/kota codes ``areas`` covers (from the store's region table)."""
    if areas.everywhere:
        return Coverage(True)
    if areas.empty:
        return Coverage(False)
    levels = regions.levels(store)
    provinces = {str(k) for k, t in levels.items() if t == "provinsi"}
    kabs = {str(k) for k, t in levels.items() if t != "provinsi"}
    whole = frozenset(c for c in areas.codes if len(c) == 2 and c in provinces)
    covered = frozenset(k for k in kabs if areas.covers(k))
    return Coverage(False, whole, covered, frozenset(k[:2] for k in covered) | whole)


# -- area codes given by an administrator ----------------------------------------------------------


def parse_areas(store: Store, values: str | Sequence[str] | None) -> tuple[str, ...]:
    """Area codes as an administrator writes them ("32", "32.01", "3201", "Jawa Barat",
    "Kab. Bogor", "nasional"), comma separated or as a list: canonical province or kab/kota
    codes, sorted, each once (an area inside another one given is left out). Raises StoreError
    naming a value that is not a province or kab/kota of the store's regions."""
    from kpi import places

    if values is None:
        return ()
    items = values.split(",") if isinstance(values, str) else list(values)
    known = regions.names(store)
    out: set[str] = set()
    for raw in items:
        text = str(raw).strip()
        if not text:
            continue
        if text.lower() in (NATIONAL, "indonesia", "seluruh indonesia"):
            out.add(NATIONAL)
            continue
        code = places.normalise_kode(text)
        if code is None and not any(ch.isdigit() for ch in text):
            code = _area_by_name(text)
        if code is None or code not in known:
            raise StoreError(
                f"Wilayah '{text}' bukan kode atau nama provinsi atau kabupaten/kota yang dikenal "
                "(contoh: 32, 32.01, Jawa Barat, Kab. Bogor, nasional).",
                f"Area '{text}' is not a known province or regency/city code or name "
                "(for example: 32, 32.01, Jawa Barat, Kab. Bogor, nasional).",
            )
        out.add(code)
    if NATIONAL in out:
        return (NATIONAL,)
    # an area inside another one listed adds nothing
    return tuple(sorted(c for c in out if not any(c != o and c.startswith(o) for o in out)))


def _area_by_name(text: str) -> str | None:
    from kpi import places

    prov = places.match_provinsi(text)
    kab = places.match_kabupaten_kota(text)
    found = [m for m in (prov, kab) if m.ok]
    if len(found) == 1:
        return found[0].kode
    candidates = [*prov.candidates, *kab.candidates]
    if len(candidates) > 1:
        items = ", ".join(f"{n} ({places.format_kode(k)})" for k, n in candidates[:5])
        raise StoreError(
            f"Wilayah '{text}' ambigu: {items}. Tulis kodenya.",
            f"Area '{text}' is ambiguous: {items}. Write its code.",
        )
    return None
