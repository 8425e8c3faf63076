"""The input columns of the data contract (shared/design/data-contract.md), in one place.

The store's tables, the importer and the demo all derive their column lists from here, so a
column is named once. KPIs are not defined here: they live in the KPI catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import yaml

from kpi.vocab import Jenis

Kind = Literal["flow", "stock", "state", "date"]


@dataclass(frozen=True)
class MonthlyColumn:
    name: str
    kind: Kind
    pillar: str
    sql_type: str
    label_id: str
    label_en: str


COLUMNS_PATH = Path(__file__).resolve().parent / "kolom_bulanan.yaml"
KINDS: tuple[Kind, ...] = get_args(Kind)


def _monthly_columns(path: Path = COLUMNS_PATH) -> tuple[MonthlyColumn, ...]:
    """The monthly report's columns, a table of data (kpi/kolom_bulanan.yaml), in order."""
    with path.open(encoding="utf-8") as fh:
        rows = yaml.safe_load(fh)
    out = []
    for row in rows:
        name, kind, pillar, sql_type, label_id, label_en = (str(v) for v in row)
        if kind not in KINDS:
            raise ValueError(f"{path.name}: column {name!r} has kind {kind!r} (one of {KINDS})")
        out.append(MonthlyColumn(name, kind, pillar, sql_type, label_id, label_en))
    return tuple(out)


MONTHLY_COLUMNS: tuple[MonthlyColumn, ...] = _monthly_columns()

MONTHLY_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS)
# the columns that hold a reported value (everything but the submission date)
INDICATOR_COLUMNS: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS if c.kind != "date")

JENIS_PERPUSTAKAAN: tuple[str, ...] = tuple(j.value for j in Jenis)
JENIS_DUKUNGAN: tuple[str, ...] = ("penuh", "replikasi_mandiri", "bantuan_buku")
CIEL_DIMENSIONS: tuple[str, ...] = ("kreativitas", "inovasi", "kewirausahaan", "kepemimpinan")
STRATEGY_SELF_RATINGS: tuple[str, ...] = ("layanan_informasi", "pelibatan_masyarakat", "advokasi")
