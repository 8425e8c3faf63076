"""The saved mappings (pemetaan_kolom: a sheet shape's columns; pemetaan_nilai: the meaning of
a value as people write it), read, saved and removed by name."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kpi.store import Store

# vocabulary -> {key: value}, as people wrote it
ValueMapping = dict[str, dict[str, str]]


def _newest_first(store: Store, table: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """Every row of a mappings table, newest first then by its key columns: the columns of
    ``names`` as text under their English names, the other columns as they are, and when it
    was saved (``created_at``, as text)."""
    frame = store.query(f"SELECT * FROM {table} ORDER BY created_at DESC, {', '.join(names)}")
    out = []
    for rec in frame.to_dict("records"):
        row: dict[str, Any] = {names.get(c, c): str(v) if c in names else v for c, v in rec.items()}
        when = row.pop("created_at")
        row["created_at"] = (
            "" if when is None or pd.isna(when) else when.isoformat(sep=" ", timespec="seconds")
        )
        out.append(row)
    return out


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
    rows = _newest_first(store, "pemetaan_kolom", {"tanda": "signature", "jenis_sheet": "kind"})
    for r in rows:
        r["mapping"] = json.loads(r.pop("pemetaan"))
        r["created_at"] = r.pop("created_at")  # last, as it always was
    return rows


def delete_mapping(store: Store, signature: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_kolom WHERE tanda = ?", [signature])


def saved_value_mappings(store: Store) -> ValueMapping:
    frame = store.query("SELECT kosakata, kunci, nilai FROM pemetaan_nilai")
    out: ValueMapping = {}
    for vocab, key, value in frame.itertuples(index=False, name=None):
        out.setdefault(str(vocab), {})[str(key)] = str(value)
    return out


def list_value_mappings(store: Store) -> list[dict[str, Any]]:
    """The saved value mappings, newest first: vocabulary, key, value as first written,
    meaning, when."""
    names = {"kosakata": "vocabulary", "kunci": "key", "contoh": "written", "nilai": "value"}
    return _newest_first(store, "pemetaan_nilai", names)


def delete_value_mapping(store: Store, vocab: str, key: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_nilai WHERE kosakata = ? AND kunci = ?", [vocab, key])


def put_value_mappings(store: Store, rows: list[list[str]]) -> None:
    """Save (vocabulary, key, value as written, meaning) rows, one write."""
    with store.write() as cur:
        for row in rows:
            cur.execute(
                "INSERT INTO pemetaan_nilai VALUES (?, ?, ?, ?, now()) "
                "ON CONFLICT (kosakata, kunci) DO UPDATE SET contoh = excluded.contoh, "
                "nilai = excluded.nilai, created_at = excluded.created_at",
                row,
            )
