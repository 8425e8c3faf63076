"""The saved mappings (pemetaan_kolom: a sheet shape's columns; pemetaan_nilai: the meaning of
a value as people write it), read, saved and removed by name."""

from __future__ import annotations

import json
from typing import Any

from kpi.store import Store

# vocabulary -> {key: value}, as people wrote it
ValueMapping = dict[str, dict[str, str]]


def _when(c: Any) -> str:
    return c.isoformat(sep=" ", timespec="seconds") if c is not None else ""


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
            "INSERT OR REPLACE INTO pemetaan_kolom VALUES (?, ?, ?, now())",
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
            "created_at": _when(c),
        }
        for t, k, m, c in frame.itertuples(index=False, name=None)
    ]


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
    frame = store.query(
        "SELECT kosakata, kunci, contoh, nilai, created_at FROM pemetaan_nilai "
        "ORDER BY created_at DESC, kosakata, kunci"
    )
    return [
        {
            "vocabulary": str(v),
            "key": str(k),
            "written": str(c),
            "value": str(n),
            "created_at": _when(t),
        }
        for v, k, c, n, t in frame.itertuples(index=False, name=None)
    ]


def delete_value_mapping(store: Store, vocab: str, key: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_nilai WHERE kosakata = ? AND kunci = ?", [vocab, key])


def put_value_mappings(store: Store, rows: list[list[str]]) -> None:
    """Save (vocabulary, key, value as written, meaning) rows, one write."""
    with store.write() as cur:
        for row in rows:
            cur.execute("INSERT OR REPLACE INTO pemetaan_nilai VALUES (?, ?, ?, ?, now())", row)
