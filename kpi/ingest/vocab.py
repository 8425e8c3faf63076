"""Categorical values as people write them, matched against data/kosakata_nilai.yaml.

A vocabulary (``kosakata``) is the set of values one kind of column takes: the library level
(jenis_perpustakaan), the support type, the target level, yes/no, months, units. A cell is
compared after folding (lower case, no accents, punctuation as spaces, the words sorted), then
without the filler words ("Perpustakaan", "Dinas", "Daerah", ...), then with its words run
together ("Perpus Des" = "perpusdes"). What still cannot be placed is listed in the import page
and mapped by hand; saved mappings (table pemetaan_nilai) apply to every later file.

Matching works on distinct values: a column of 50,000 cells with four distinct levels is folded
four times (see ``map_distinct``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kpi.ingest.cells import INVALID, fold

VOCABULARY_PATH = Path(__file__).resolve().parents[2] / "data" / "kosakata_nilai.yaml"

# the column types whose values come from a vocabulary (kpi/ingest/kinds.py ValueType)
BOOL_VOCAB = "ya_tidak"
MONTH_VOCAB = "bulan"
UNIT_VOCAB = "satuan"


def _tokens(text: str) -> list[str]:
    return fold(text.replace("_", " ")).split()


def value_key(text: str) -> str:
    """The folded form a cell is compared by: words sorted, or the symbols as written."""
    tokens = _tokens(text)
    if not tokens:
        return " ".join(text.split())  # "✓", "%": no letters or digits
    return " ".join(sorted(tokens))


@dataclass(frozen=True)
class Vocabulary:
    """One vocabulary: its values (in file order), labels, and the keys that mean each value."""

    name: str
    values: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    keys: dict[str, str]  # folded key -> value
    compact: dict[str, str]  # words run together -> value (only when unambiguous)
    free: bool = False  # a value not listed is kept as written (units)

    def label(self, value: str, lang: str = "id") -> str:
        return self.labels.get(value, {}).get(lang) or value


@dataclass(frozen=True)
class Vocabularies:
    by_name: dict[str, Vocabulary]
    fillers: frozenset[str]

    def __getitem__(self, name: str) -> Vocabulary:
        return self.by_name[name]

    def keys_of(self, text: str) -> tuple[str, str, str]:
        """(full key, key without filler words, words run together) of a cell's text."""
        tokens = _tokens(text)
        if not tokens:
            full = " ".join(text.split())
            return full, full, full
        kept = [t for t in tokens if t not in self.fillers] or tokens
        return " ".join(sorted(tokens)), " ".join(sorted(kept)), "".join(tokens)

    def match(self, name: str, text: str) -> str | None:
        """The value ``text`` means in vocabulary ``name``, or None when it cannot be placed."""
        voc = self.by_name[name]
        full, stripped, compact = self.keys_of(text)
        found = voc.keys.get(full) or voc.keys.get(stripped) or voc.compact.get(compact)
        return found

    def month_words(self) -> dict[str, int]:
        """Single-word month names and abbreviations -> month number (for period parsing)."""
        voc = self.by_name[MONTH_VOCAB]
        return {k: int(v) for k, v in voc.keys.items() if k.isalpha()}


@cache
def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabularies:
    """The vocabulary file, checked: a word that means two values of one vocabulary is an
    error."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    fillers = frozenset(t for w in data.get("abaikan", []) for t in _tokens(str(w)))
    out: dict[str, Vocabulary] = {}
    for name, spec in data["kosakata"].items():
        keys: dict[str, str] = {}
        compact: dict[str, str | None] = {}
        labels: dict[str, dict[str, str]] = {}
        values: list[str] = []
        for value, entry in spec["nilai"].items():
            value = str(value)
            values.append(value)
            labels[value] = {k: str(v) for k, v in (entry.get("label") or {}).items()}
            for word in [value, *(entry.get("sebutan") or [])]:
                k = value_key(str(word))
                if not k:
                    continue
                if keys.get(k, value) != value:
                    raise ValueError(
                        f"{path.name}: {word!r} means both {keys[k]!r} and {value!r} ({name})"
                    )
                keys[k] = value
                c = "".join(_tokens(str(word))) or k
                compact[c] = value if compact.get(c, value) == value else None
        # a word whose filler-free form is another value's word would read two ways
        probe = Vocabularies({}, fillers)
        for value, entry in spec["nilai"].items():
            for word in [str(value), *(entry.get("sebutan") or [])]:
                stripped = probe.keys_of(str(word))[1]
                if keys.get(stripped, str(value)) != str(value):
                    raise ValueError(
                        f"{path.name}: {word!r} means both {keys[stripped]!r} and {value!r} "
                        f"({name})"
                    )
        out[name] = Vocabulary(
            name=name,
            values=tuple(values),
            labels=labels,
            keys=keys,
            compact={c: v for c, v in compact.items() if v is not None},
            free=bool(spec.get("bebas")),
        )
    return Vocabularies(out, fillers)


def vocabulary_of(type_: str, choices: tuple[str, ...]) -> str | None:
    """The vocabulary a column of this type and choices takes its values from, or None."""
    if type_ == "bool":
        return BOOL_VOCAB
    if type_ == "month":
        return MONTH_VOCAB
    if type_ != "choice" or not choices:
        return None
    wanted = set(choices)
    for name, voc in load_vocabulary().by_name.items():
        if set(voc.values) == wanted:
            return name
    return None


def typed(vocab: str, value: str) -> Any:
    """A vocabulary value as the column stores it: True/False for yes/no, 1-12 for months."""
    if vocab == BOOL_VOCAB:
        return value == "ya"
    if vocab == MONTH_VOCAB:
        return int(value)
    return value


# ---------------------------------------------------------------------------------------------
# mappings by hand: {vocabulary: {key of the value as written: vocabulary value}}

ValueMapping = dict[str, dict[str, str]]


def merged(*mappings: Mapping[str, Mapping[str, str]] | None) -> ValueMapping:
    """Later mappings win (saved ones first, then the analyst's choices on this page)."""
    out: ValueMapping = {}
    for m in mappings:
        for vocab, entries in (m or {}).items():
            out.setdefault(vocab, {}).update(entries)
    return out


def saved_value_mappings(store: Any) -> ValueMapping:
    frame = store.query("SELECT kosakata, kunci, nilai FROM pemetaan_nilai")
    out: ValueMapping = {}
    for vocab, key, value in frame.itertuples(index=False, name=None):
        out.setdefault(str(vocab), {})[str(key)] = str(value)
    return out


def list_value_mappings(store: Any) -> list[dict[str, Any]]:
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
            "created_at": t.isoformat(sep=" ", timespec="seconds") if t is not None else "",
        }
        for v, k, c, n, t in frame.itertuples(index=False, name=None)
    ]


def save_value_mappings(store: Any, entries: list[tuple[str, str, str, str]]) -> int:
    """Remember (vocabulary, key, value as written, meaning) for every later file."""
    vocabs = load_vocabulary()
    rows = []
    for vocab, key, written, value in entries:
        if vocab not in vocabs.by_name or value not in vocabs[vocab].values:
            raise ValueError(f"{value!r} is not a value of {vocab!r}")
        rows.append([vocab, key, written, value])
    if not rows:
        return 0
    with store.write() as cur:
        for row in rows:
            cur.execute(
                "INSERT INTO pemetaan_nilai VALUES (?, ?, ?, ?, now()) "
                "ON CONFLICT (kosakata, kunci) DO UPDATE SET contoh = excluded.contoh, "
                "nilai = excluded.nilai, created_at = excluded.created_at",
                row,
            )
    return len(rows)


def delete_value_mapping(store: Any, vocab: str, key: str) -> None:
    with store.write() as cur:
        cur.execute("DELETE FROM pemetaan_nilai WHERE kosakata = ? AND kunci = ?", [vocab, key])


def mapping_json(mapping: ValueMapping) -> str:
    return json.dumps(mapping, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# parsing a column by its distinct values


@dataclass
class Unplaced:
    """A value of a vocabulary column that could not be placed: once per distinct value."""

    vocab: str
    key: str
    written: str  # the first cell as written
    rows: list[int] = field(default_factory=list)  # data rows carrying it


def map_distinct(cells: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """``[fn(c) for c in cells]``, calling ``fn`` once per distinct (hashable) cell value."""
    cache: dict[Hashable, Any] = {}
    out: list[Any] = []
    append = out.append
    for c in cells:
        try:
            hit = cache[(type(c), c)]
        except KeyError:
            hit = cache[(type(c), c)] = fn(c)
        except TypeError:  # an unhashable cell
            hit = fn(c)
        append(hit)
    return out


def choice_parser(vocab: str) -> Callable[[Any], Any]:
    """A cell parser for a choice column: its vocabulary's value, None when empty, else
    INVALID."""
    vocabs = load_vocabulary()

    def parse(cell: Any) -> Any:
        if cell is None:
            return None
        if isinstance(cell, float) and cell != cell:
            return None
        text = cell.strip() if isinstance(cell, str) else str(cell).strip()
        if not text:
            return None
        found = vocabs.match(vocab, text)
        return INVALID if found is None else typed(vocab, found)

    return parse


def with_mapping(
    vocab: str, base: Callable[[Any], Any], mapping: ValueMapping
) -> Callable[[Any], Any]:
    """``base`` with the analyst's mapping of written values (saved or chosen now) first."""
    by_hand = mapping.get(vocab)
    if not by_hand:
        return base
    vocabs = load_vocabulary()

    def parse(cell: Any) -> Any:
        text = cell_text(cell)
        if text:
            full, stripped, _ = vocabs.keys_of(text)
            hand = by_hand.get(full) or by_hand.get(stripped)
            if hand is not None:
                return typed(vocab, hand)
        return base(cell)

    return parse


def cell_text(cell: Any) -> str:
    """A cell as text for matching and mapping: "" for empty, 2.0 -> "2"."""
    if cell is None or isinstance(cell, bool):
        return "" if cell is None else str(cell)
    if isinstance(cell, float):
        if cell != cell:
            return ""
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


def mapping_key(text: str) -> str:
    """The key a value written ``text`` is saved under (its full folded form)."""
    return load_vocabulary().keys_of(text)[0]
