"""Steps 2 and 3, find the header and map the columns.

The header row is the row among the first ones whose cells match the most known columns (a
title row above it, a two-row header with merged group cells, a numbering row below it are all
handled). Each header cell is matched against the synonyms in data/sinonim_kolom.yaml after
folding; a saved mapping for the same header shape (table pemetaan_kolom) and the analyst's
manual choices come first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kpi.ingest import kinds
from kpi.ingest.read import RawSheet
from kpi.ingest.values import fold

SYNONYMS_PATH = Path(__file__).resolve().parents[2] / "data" / "sinonim_kolom.yaml"
MAX_HEADER_SCAN = 30
IGNORE = ""  # a manual mapping to "" means: ignore this column


@dataclass(frozen=True)
class Synonyms:
    keys: dict[str, str]  # folded key -> column
    stopwords: frozenset[str]

    def key(self, label: str) -> str:
        return _key(label, self.stopwords)

    def match(self, label: str) -> str | None:
        if not label:
            return None
        found = self.keys.get(self.key(label))
        if found is None and "(" in label:
            # "Kreativitas (skala 1-5)": the words in brackets are a unit or a note
            found = self.keys.get(self.key(re.sub(r"\(.*?\)", " ", label)))
        return found


def _key(label: str, stopwords: frozenset[str]) -> str:
    tokens = fold(label.replace("_", " ")).split()
    kept = [t for t in tokens if t not in stopwords]
    return " ".join(sorted(kept or tokens))


@cache
def load_synonyms(path: Path = SYNONYMS_PATH) -> Synonyms:
    """The synonym file, checked: a header that means two columns is an error."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    stop = frozenset(fold(str(w)) for w in data.get("abaikan", []) if fold(str(w)))
    keys: dict[str, str] = {}
    for column, words in data["kolom"].items():
        for word in [column, *(words or [])]:
            k = _key(str(word), stop)
            if not k:
                continue
            if keys.get(k, column) != column:
                raise ValueError(f"{path.name}: {word!r} means both {keys[k]!r} and {column!r}")
            keys[k] = column
    return Synonyms(keys=keys, stopwords=stop)


@dataclass(frozen=True)
class ColumnMatch:
    index: int  # 0-based column in the sheet
    header: str  # the header as the analyst wrote it ("Pelibatan Masyarakat / Kegiatan")
    column: str | None  # the kind's column, or None when not placed
    source: str  # "sinonim", "tersimpan" (saved mapping), "manual" or ""


@dataclass(frozen=True)
class HeaderResult:
    kind: str | None
    header_row: int  # 1-based row of the (last) header row in the file, 0 when none found
    header_rows: int  # 1, or 2 for a two-row header
    columns: list[ColumnMatch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns missing (near kind)
    near_kind: str | None = None  # the kind the sheet resembles when it is not recognised
    signature: str = ""  # the header shape, for saved mappings

    @property
    def first_data_row(self) -> int:
        """0-based index into the sheet's rows of the first row below the header."""
        return self.header_row

    def mapping(self) -> dict[str, int]:
        """column -> 0-based sheet column, for the placed columns."""
        return {c.column: c.index for c in self.columns if c.column}

    def unmapped(self) -> list[str]:
        return [c.header for c in self.columns if not c.column and c.header]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _filled_top(sheet: RawSheet, limit: int) -> list[list[str]]:
    """The first rows as text, merged cells filled with their top-left value."""
    top = [[_text(v) for v in row] for row in sheet.rows[:limit]]
    width = max((len(r) for r in top), default=0)
    for r in top:
        r.extend([""] * (width - len(r)))
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= limit:
            continue
        value = top[r0][c0] if c0 < width else ""
        for ri in range(r0, min(r1, limit - 1) + 1):
            for ci in range(c0, min(c1, width - 1) + 1):
                if not top[ri][ci]:
                    top[ri][ci] = value
    return top


def signature(labels: list[str]) -> str:
    """A short id of a header shape: the folded labels in order."""
    text = "|".join(fold(label) for label in labels)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _labels_two(upper: list[str], lower: list[str]) -> list[str]:
    out = []
    for up, lo in zip(upper, lower, strict=True):
        if not lo:
            out.append(up)
        elif not up or up == lo:
            out.append(lo)
        else:
            out.append(f"{up} / {lo}")
    return out


def _match_labels(labels: list[str], syn: Synonyms, two_row: bool) -> list[str | None]:
    out: list[str | None] = []
    for label in labels:
        if two_row and " / " in label:
            up, lo = label.split(" / ", 1)
            out.append(syn.match(lo) or syn.match(f"{up} {lo}"))
        else:
            out.append(syn.match(label))
    return out


def find_header(
    sheet: RawSheet,
    syn: Synonyms | None = None,
    saved: dict[str, tuple[str, dict[str, str]]] | None = None,
    manual: dict[str, str] | None = None,
    kind: str | None = None,
) -> HeaderResult:
    """Find the header row and place each column.

    ``saved``: signature -> (kind, {header: column}) from pemetaan_kolom; ``manual``: the
    analyst's choices for this sheet ({header: column, or "" to ignore}); ``kind`` forces a kind.
    """
    syn = syn or load_synonyms()
    top = _filled_top(sheet, MAX_HEADER_SCAN)
    best: tuple[tuple[int, int, int], HeaderResult] | None = None
    for i, row in enumerate(top):
        if not any(row):
            continue
        candidates = [(row, False, 1)]
        if i > 0 and any(top[i - 1]):
            candidates.append((_labels_two(top[i - 1], row), True, 2))
        for labels, two, nrows in candidates:
            sig = signature(labels)
            saved_kind, saved_map = (saved or {}).get(sig, (None, {}))
            matched = _match_labels(labels, syn, two)
            cols: list[ColumnMatch] = []
            for idx, (label, col) in enumerate(zip(labels, matched, strict=True)):
                source = "sinonim" if col else ""
                if label in saved_map:
                    col, source = saved_map[label] or None, "tersimpan"
                if manual and label in manual:
                    col, source = manual[label] or None, "manual"
                cols.append(ColumnMatch(idx, label, col, source))
            placed = {c.column for c in cols if c.column}
            if kind or saved_kind:
                chosen = kind or saved_kind
                ok, score, missing = kinds.kind_score(chosen, placed)  # type: ignore[arg-type]
                found_kind: str | None = chosen if ok else None
                near = None if ok else chosen
            else:
                found_kind, missing, near = kinds.detect_kind(placed)
                score = kinds.kind_score(found_kind, placed)[1] if found_kind else 0
            rank = (
                1 if found_kind else 0,
                len(placed) + (5 if saved_kind or manual else 0) * bool(found_kind),
                score,
            )
            result = HeaderResult(
                kind=found_kind,
                header_row=i + 1,
                header_rows=nrows,
                columns=_resolve(found_kind or near, cols),
                missing=missing,
                near_kind=near,
                signature=sig,
            )
            if best is None or rank > best[0]:
                best = (rank, result)
    if best is None or not any(c.column for c in best[1].columns):
        return HeaderResult(kind=None, header_row=0, header_rows=0)
    return best[1]


def _resolve(kind: str | None, cols: list[ColumnMatch]) -> list[ColumnMatch]:
    """Translate to the kind's own columns; a column placed twice keeps its first place."""
    if kind is None:
        return cols
    names = kinds.column_names(kind)
    alias = kinds.ALIASES.get(kind, {})
    seen: set[str] = set()
    out = []
    for c in cols:
        col = alias.get(c.column, c.column) if c.column else None
        if col is not None and (col not in names or col in seen):
            col = None
        if col:
            seen.add(col)
        out.append(ColumnMatch(c.index, c.header, col, c.source if col else ""))
    return out
