"""The reasons of the coaching rules: each names its rule and carries its numbers, with its
words in both languages from data/i18n (``coaching.reason.<rule>``); R1, R4 and Q, which read
the same score, make one reason together (one weakness counts once).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from kpi import i18n
from kpi.vocab import SCORE_RULES, Rule


def _text(v: Any, lang: str) -> str:
    """A value as shown in a reason: numbers in the language's format (as i18n.format_number,
    one decimal unless whole), names in the language."""
    if isinstance(v, dict):
        return str(v.get(lang, v.get("id", "")))
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _number_text(float(v), lang)
    return str(v)


@lru_cache(maxsize=8192)
def _number_text(x: float, lang: str) -> str:
    """A number in a reason (scores and percents repeat across libraries: kept)."""
    if x != x or x in (math.inf, -math.inf):
        return "–"
    return i18n.format_number(x, lang, 0 if x.is_integer() else 1)


def _blank_none(v: Any) -> Any:
    return "" if v is None else v


def _nan(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)
    except TypeError:  # pd.NA
        return True


def _num(v: Any, decimals: int = 1) -> float | None:
    if _nan(v):
        return None
    return round(float(v), decimals)


@cache
def _template(rule: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """The reason's text in a language (data/i18n) and the names of its placeholders."""
    text = i18n.t(f"coaching.reason.{rule}", lang)
    return text, tuple(f for _, f, _, _ in string.Formatter().parse(text) if f)


def reason(rule: str, values: dict[str, Any]) -> dict[str, Any]:
    """A reason: its rule and its numbers (the words are made at the edge, by ``words``)."""
    return {"rule": rule, "values": values}


def words(reason: Mapping[str, Any], lang: str | None = "id") -> str:
    """A reason as the user reads it, in ``lang``: the one place the edges (pages, exports, the
    command line) take its words from, data/i18n's ``coaching.reason.<rule>`` with the values
    formatted for the language (Babel's CLDR formats) and a KPI named in the language. A reason
    written before (one that carries its own ``text_<lang>``) keeps its words."""
    lg = i18n.norm_lang(lang)
    given = reason.get(f"text_{lg}")
    if isinstance(given, str):
        return given
    rule = str(reason.get("rule", ""))
    values = reason.get("values") or {}
    if rule in SCORE_RULES:
        return _weak_score_words(reason, values, lg)
    shown = _shown(rule, values)
    key = tuple((f, _hashable(shown.get(f, ""))) for f in _fields(rule))
    return _reason_texts(rule, key)[0 if lg == "id" else 1]


def with_words(reason: Mapping[str, Any]) -> dict[str, Any]:
    """A reason for a JSON export: its rule (and rules), its words in both languages and its
    numbers (``text_id``, ``text_en``), as the command line has always written it."""
    out: dict[str, Any] = {"rule": reason.get("rule")}
    if "rules" in reason:
        out["rules"] = reason["rules"]
    out["text_id"] = words(reason, "id")
    out["text_en"] = words(reason, "en")
    out["values"] = reason.get("values") or {}
    return out


def _shown(rule: str, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """The values as a reason's words show them: a KPI by its name in both languages (R2, R3),
    a fall (R3) as a positive percent."""
    if "kpi" not in values:
        return values
    shown = dict(values)
    shown["kpi"] = _kpi_names(str(values["kpi"]))
    if rule == Rule.R3 and isinstance(values.get("p"), int | float):
        shown["p"] = abs(values["p"])
    return shown


@cache
def _kpi_names(kpi_id: str) -> dict[str, str]:
    """A KPI's name in both languages (its id where the catalogue does not know it)."""
    from kpi.catalogue import catalogue

    cat = catalogue()
    if kpi_id not in cat:
        return {"id": kpi_id, "en": kpi_id}
    return {"id": cat[kpi_id].nama_id, "en": cat[kpi_id].nama_en}


@cache
def _fields(rule: str) -> tuple[str, ...]:
    """The placeholders of a reason's words in either language."""
    return tuple(dict.fromkeys((*_template(rule, "id")[1], *_template(rule, "en")[1])))


def _hashable(v: Any) -> Any:
    return tuple(sorted(v.items())) if isinstance(v, dict) else v


@lru_cache(maxsize=16384)
def _reason_texts(rule: str, key: tuple[tuple[str, Any], ...]) -> tuple[str, str]:
    """A reason's words in both languages for its values (many libraries share them: kept)."""
    tv = {f: dict(v) if isinstance(v, tuple) else v for f, v in key}
    out = []
    for lang in ("id", "en"):
        text, fields = _template(rule, lang)
        if fields:
            text = text.format(**{f: _text(tv.get(f, ""), lang) for f in fields})
        out.append(text)
    return out[0], out[1]


def weak_score_reason(
    weak: Mapping[str, Mapping[str, Any]],
    skor: float,
    points: Mapping[str, float],
    period_label: str,
    batas: int,
) -> dict[str, Any]:
    """R1, R4 and Q together: one reason, with every number of the rules that fired.

    Its ``rule`` is the fired rule with the most points (ties: R1, R4, Q in that order), so
    exports and filters by rule still find it; ``rules`` lists every rule that fired.
    """
    fired = [r for r in SCORE_RULES if r in weak]
    top = fired[0]
    for r in fired[1:]:  # the most points; ties: the first in R1, R4, Q
        if points.get(r, 0.0) > points.get(top, 0.0):
            top = r
    s_value = _num(skor)
    values: dict[str, Any] = {"s": s_value, "periode": period_label}
    for r in fired:
        values.update(weak[r])
    values["aturan"] = fired
    values["poin"] = float(points.get(top, 0.0))
    return {"rule": top, "rules": fired, "batas": batas, "values": values}


def _weak_score_words(reason: Mapping[str, Any], values: Mapping[str, Any], lang: str) -> str:
    """The words of the weak score's reason (R1, R4 and Q together): the score, then each rule
    that fired, with the R4 cut-off (``batas``) the reason carries."""
    fired = reason.get("rules") or values.get("aturan") or [reason.get("rule")]
    args = {
        Rule.R1: (),
        Rule.R4: (("batas", reason.get("batas", "")), ("provinsi", values.get("provinsi", ""))),
        Rule.Q: (("median", values.get("median")), ("s_lalu", values.get("s_tahun_lalu"))),
    }
    bagian = ", ".join(_weak_part(str(r), lang, args.get(r, ())) for r in fired)
    head, _ = _template("skor", lang)
    return head.format(s=_text(_blank_none(values.get("s")), lang), bagian=bagian)


@lru_cache(maxsize=16384)
def _weak_part(rule: str, lang: str, args: tuple[tuple[str, Any], ...]) -> str:
    """The words of one rule within the score's reason (the same numbers repeat: kept)."""
    text, fields = _template(f"skor.{rule}", lang)
    if not fields:
        return text
    values = dict(args)
    return text.format(**{f: _text(_blank_none(values.get(f)), lang) for f in fields})
