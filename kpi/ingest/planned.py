"""What an import's dry run is (per sheet, file and table, and the whole plan) and the saved
column mappings; kpi.ingest.plan makes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.ingest import header as hdr
from kpi.ingest.messages import Message, message
from kpi.ingest.parse import ParsedSheet
from kpi.ingest.read import (
    RawSheet,
)
from kpi.ingest.validate import Validated
from kpi.store import Store

if TYPE_CHECKING:
    pass


ISSUE_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "message_id", "message_en"]
# values of vocabulary columns that could not be placed, once per file, sheet, column and value
UNPLACED_COLUMNS = ["vocab", "key", "written", "column", "header", "file", "sheet", "rows", "first"]
# a value from a file is shown in the report up to this many characters (the row keeps it all)
SHOWN_VALUE_CHARS = 200
# the order sheets are validated in: the register first, so reports can name its libraries
KIND_ORDER = {
    "perpustakaan": 0,
    "laporan_bulanan": 1,
    "target": 1,
    "penilaian_mandiri": 1,
    "indikator_konteks": 1,
}


@dataclass
class SheetPlan:
    file: str
    sheet: str
    kind: str | None
    header_row: int
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped_rows: int = 0  # totals, notes, numbering rows left out
    skipped: Message | None = None
    header: hdr.HeaderResult | None = None

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        reason = None
        if self.skipped is not None:
            reason = self.skipped.message_en if lang == "en" else self.skipped.message_id
        return {
            "sheet": self.sheet,
            "kind": self.kind,
            "header_row": self.header_row,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped_reason": reason,
        }


@dataclass
class FilePlan:
    file: str
    status: str  # "ok" or "refused"
    message: Message | None = None
    sheets: list[SheetPlan] = field(default_factory=list)
    checksum: str = ""
    size_bytes: int = 0
    content: bytes = b""
    format: str = ""
    # the same bytes were committed before: (batch id, when), and how many of this file's
    # records a later import has changed since (importing again would put them back)
    already: tuple[str, str] | None = None
    already_changed: int = 0

    def already_message(self) -> Message | None:
        if self.already is None:
            return None
        batch, when = self.already
        if self.already_changed:
            return message(
                "sudah_diimpor_berubah", batch=batch, tanggal=when, n=self.already_changed
            )
        return message("sudah_diimpor", batch=batch, tanggal=when)


@dataclass
class TablePlan:
    table: str
    # accepted records: the table's columns, _p_<column> ("provided by the sheet"), _file, _sheet,
    # _row (where the record comes from), _rn (its position) and _status (baru, berubah, sama)
    frame: pd.DataFrame
    provided: list[str]
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class Plan:
    files: list[FilePlan]
    issues: pd.DataFrame
    rejected_rows: pd.DataFrame  # file, sheet, row, data (JSON of the original row)
    tables: dict[str, TablePlan]
    accepted: int = 0
    rejected: int = 0
    # what the importer read for the analyst (same columns as issues): never a rejection
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    # values it could not place, for mapping by hand (UNPLACED_COLUMNS)
    unplaced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPLACED_COLUMNS))

    @property
    def added(self) -> int:
        return sum(t.added for t in self.tables.values())

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables.values())

    @property
    def importable(self) -> bool:
        """At least one file was read and one sheet recognised."""
        return any(f.status == "ok" and any(s.kind for s in f.sheets) for f in self.files)

    def exit_status(self) -> int:
        if not self.importable:
            return 2
        refused = any(f.status == "refused" for f in self.files)
        return 1 if self.rejected or refused else 0


@dataclass
class _SheetWork:
    file: FilePlan
    plan: SheetPlan
    raw: RawSheet
    parsed: ParsedSheet
    validated: Validated | None = None
    bad_rows: set[int] = field(default_factory=set)


def table_columns(store: Store, table: str) -> dict[str, str]:
    """column -> SQL type of a data table, batch_id left out."""
    frame = store.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    )
    return {
        c: t
        for c, t in zip(frame["column_name"], frame["data_type"], strict=True)
        if c != "batch_id"
    }


def saved_mappings(store: Store) -> dict[str, tuple[str, dict[str, str]]]:
    frame = store.query("SELECT tanda, jenis_sheet, pemetaan FROM pemetaan_kolom")
    return {
        str(t): (str(k), json.loads(m))
        for t, k, m in zip(frame["tanda"], frame["jenis_sheet"], frame["pemetaan"], strict=True)
    }


def save_mapping(store: Store, signature: str, kind: str, mapping: dict[str, str]) -> None:
    """Remember a sheet shape's mapping ({header: column, "" to ignore}) for the next file."""
    with store.write() as cur:
        cur.execute(
            "INSERT INTO pemetaan_kolom VALUES (?, ?, ?, now()) ON CONFLICT (tanda) DO UPDATE "
            "SET jenis_sheet = excluded.jenis_sheet, pemetaan = excluded.pemetaan, "
            "created_at = excluded.created_at",
            [signature, kind, json.dumps(mapping, ensure_ascii=False)],
        )


def list_mappings(store: Store) -> list[dict[str, Any]]:
    """The saved column mappings, newest first: signature, kind, {header: column}, when."""
    frame = store.query(
        "SELECT tanda, jenis_sheet, pemetaan, created_at FROM pemetaan_kolom "
        "ORDER BY created_at DESC, tanda"
    )
    return [
        {
            "signature": str(t),
            "kind": str(k),
            "mapping": json.loads(m),
            "created_at": c.isoformat(sep=" ", timespec="seconds") if c is not None else "",
        }
        for t, k, m, c in frame.itertuples(index=False, name=None)
    ]


def delete_mapping(store: Store, signature: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_kolom WHERE tanda = ?", [signature])
