"""Strings and number/date formats in Bahasa Indonesia (default) and English.

Numbers, month names and dates follow the CLDR formats of each language, through Babel.

The strings live in data/i18n/<lang>/*.yaml (one folder per language, one file per part of the
app, merged; a key defined twice is an error). A key missing in English falls back to
Indonesian, and a key missing everywhere shows as itself so that it is noticed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from babel import Locale
from babel.dates import format_date, get_month_names
from babel.numbers import NumberPattern, parse_pattern

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")
DEFAULT_LANG: Lang = "id"

_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"


@cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse(lang)


# month names from the CLDR data (Babel), as a person writes them: "Agustus", "August"
MONTHS: dict[Lang, tuple[str, ...]] = {
    lang: tuple(str(get_month_names("wide", locale=_locale(lang))[m]) for m in range(1, 13))
    for lang in LANGS
}


# libyaml's parser where PyYAML has it (the same safe constructor, about ten times quicker: the
# strings of a language took ~0.5 s to read in pure Python, the first time a run needed them)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def strings(lang: Lang) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_YAML_LOADER) or {}  # a safe loader
        for key, value in data.items():
            if str(key) in merged:
                raise ValueError(f"i18n key {key!r} defined twice ({path.name})")
            merged[str(key)] = str(value)
    return merged


def norm_lang(lang: str | None) -> Lang:
    return "en" if str(lang or "").lower().startswith("en") else "id"


def t(key: str, lang: str | None = DEFAULT_LANG, **values: Any) -> str:
    """The string for ``key`` in ``lang``, with {placeholders} filled from ``values``."""
    lg = norm_lang(lang)
    text = strings(lg).get(key) or strings("id").get(key) or key
    if values:
        formatted = {k: (format_number(v, lg) if _is_number(v) else v) for k, v in values.items()}
        return text.format(**formatted)
    return text


Translator = Callable[..., str]


def translator(lang: str | None) -> Translator:
    """``t(key, **values)`` in ``lang``: the one translator of kpi/ui (PageContext.t)."""
    chosen = norm_lang(lang)

    def tr(key: str, **values: Any) -> str:
        return t(key, chosen, **values)

    return tr


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_number(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 0) -> str:
    """3505 -> '3.505' (id) or '3,505' (en); 1234.5 with decimals=1 -> '1.234,5' / '1,234.5'.

    Empty values (None, NaN) show as an en dash, never as 0.
    """
    if value is None:
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x) or math.isinf(x):
        return "–"
    return _number(x, norm_lang(lang), max(0, int(decimals)))


@cache
def _pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=65536)
def _number(x: float, lang: Lang, decimals: int) -> str:
    """A number in the language's CLDR format (Babel): grouping, decimal sign and minus sign
    (the same values repeat across a table's cells: kept)."""
    return str(_pattern(decimals).apply(x, _locale(lang)))


def format_percent(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 1) -> str:
    text = format_number(value, lang, decimals)
    return text if text == "–" else f"{text}%"


def format_change(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 1) -> str:
    """A relative change in percent with its sign: '+4,2%' / '-12.0%'."""
    text = format_percent(value, lang, decimals)
    if text == "–":
        return text
    return text if text.startswith("-") else f"+{text}"


def month_name(month: int, lang: str | None = DEFAULT_LANG) -> str:
    return MONTHS[norm_lang(lang)][month - 1]


def format_month(value: date | str, lang: str | None = DEFAULT_LANG) -> str:
    """date(2023, 8, 1) or '2023-08' -> 'Agustus 2023' / 'August 2023'."""
    if isinstance(value, str):
        value = date(int(value[:4]), int(value[5:7]), 1)
    return str(format_date(value, "MMMM y", locale=_locale(norm_lang(lang))))
