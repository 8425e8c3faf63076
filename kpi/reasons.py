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


def reason(
    rule: str, values: dict[str, Any], text_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A reason: its rule, its text in both languages (from data/i18n) and its numbers."""
    tv = text_values or values
    key = tuple((f, _hashable(tv.get(f, ""))) for f in _fields(rule))
    text_id, text_en = _reason_texts(rule, key)
    return {"rule": rule, "text_id": text_id, "text_en": text_en, "values": values}


def words(reason: Mapping[str, Any], lang: str | None = "id") -> str:
    """A reason as the user reads it, in ``lang`` (the one place the edges take its words from:
    pages, exports, the command line). A reason that carries only its rule and values gets its
    words from data/i18n with the values formatted for the language."""
    lg = i18n.norm_lang(lang)
    given = reason.get(f"text_{lg}")
    if isinstance(given, str):
        return given
    rule = str(reason.get("rule", ""))
    values = reason.get("values") or {}
    key = tuple((f, _hashable(values.get(f, ""))) for f in _fields(rule))
    return _reason_texts(rule, key)[0 if lg == "id" else 1]


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
    out: dict[str, Any] = {"rule": top, "rules": fired}
    args = {
        Rule.R1: (),
        Rule.R4: (("batas", batas), ("provinsi", values.get("provinsi", ""))),
        Rule.Q: (("median", values.get("median")), ("s_lalu", values.get("s_tahun_lalu"))),
    }
    for lang in ("id", "en"):
        bagian = ", ".join(_weak_part(r, lang, args[r]) for r in fired)
        head, _ = _template("skor", lang)
        out[f"text_{lang}"] = head.format(s=_text(_blank_none(s_value), lang), bagian=bagian)
    out["values"] = values
    return out


@lru_cache(maxsize=16384)
def _weak_part(rule: str, lang: str, args: tuple[tuple[str, Any], ...]) -> str:
    """The words of one rule within the score's reason (the same numbers repeat: kept)."""
    text, fields = _template(f"skor.{rule}", lang)
    if not fields:
        return text
    values = dict(args)
    return text.format(**{f: _text(_blank_none(values.get(f)), lang) for f in fields})
