"""Parse cell values as analysts type them: numbers, counts, periods, dates, years, codes.

Each parser takes a raw cell (whatever the reader gave: str, float, int, bool, date, datetime or
None) and returns the parsed value, ``None`` for "not reported", or ``INVALID``. They are plain
functions over single cells with a fast path for the common types, so a column of 50,000 cells
parses in a few milliseconds.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from kpi.ingest.cells import INVALID as INVALID
from kpi.ingest.cells import _Invalid
from kpi.ingest.cells import fold as fold

DASHES = {"-", "–", "—", "−", "--", "---"}
NOT_REPORTED = {
    "n/a",
    "na",
    "#n/a",
    "t/a",
    "tidak ada data",
    "tdk ada data",
    "belum ada data",
    "null",
    "none",
    "nan",
    "",
}

_NUM_CLEAN = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"^(rp\.?|idr)", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"(rupiah|rp|idr|orang|org|kali|buah|unit|judul|eks)\.?$", re.IGNORECASE)
_PLAIN = re.compile(r"^\d+$")
_THOUSANDS_DOT = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[1-9]\d{0,2}(,\d{3})+$")
_ID_DECIMAL = re.compile(r"^([1-9]\d{0,2}(\.\d{3})*|0|\d+),\d+$")
_EN_DECIMAL = re.compile(r"^([1-9]\d{0,2}(,\d{3})*|0|\d+)\.\d+$")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)

EXCEL_EPOCH = date(1899, 12, 30)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip() == ""
    return False


def parse_number(value: Any) -> float | None | _Invalid:
    """1.234 / 1,234 / 1.234,5 / 1,234.5 / "Rp 2.500.000" / "-" (zero) / empty (None)."""
    t = type(value)
    if t is float:
        return None if math.isnan(value) else value
    if t is int:
        return float(value)
    if value is None:
        return None
    if t is bool:
        return INVALID
    if not isinstance(value, str):
        return INVALID
    s = _NUM_CLEAN.sub("", value)
    if not s:
        return None
    low = s.lower()
    if low in DASHES:
        return 0.0
    if low in NOT_REPORTED or value.strip().lower() in NOT_REPORTED:
        return None
    s = _UNIT_SUFFIX.sub("", _CURRENCY.sub("", s))
    if s in DASHES:  # "Rp -"
        return 0.0
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s[:1] in ("-", "−", "–"):
        negative, s = True, s[1:]
    elif s[:1] == "+":
        s = s[1:]
    if s.endswith(",-") or s.endswith(".-"):  # "Rp 2.500.000,-"
        s = s[:-2]
    if not s:
        return INVALID
    number = _parse_unsigned(s)
    if isinstance(number, _Invalid) or number is None:
        return INVALID
    return -number if negative else number


def _parse_unsigned(s: str) -> float | _Invalid:
    if _PLAIN.match(s):
        return float(s)
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):  # 1.234,5 (Indonesian)
            if _ID_DECIMAL.match(s):
                return float(s.replace(".", "").replace(",", "."))
            return INVALID
        if _EN_DECIMAL.match(s):  # 1,234.5 (English)
            return float(s.replace(",", ""))
        return INVALID
    if has_dot:
        if _THOUSANDS_DOT.match(s):  # 1.234 and 1.234.567: thousands (the contract's reading)
            return float(s.replace(".", ""))
        if _EN_DECIMAL.match(s):
            return float(s)
        if _SCIENTIFIC.match(s):
            return float(s)
        return INVALID
    if has_comma:
        if _THOUSANDS_COMMA.match(s):
            return float(s.replace(",", ""))
        if _ID_DECIMAL.match(s):
            return float(s.replace(",", "."))
        return INVALID
    if _SCIENTIFIC.match(s):
        return float(s)
    return INVALID


def parse_bool(value: Any) -> bool | None | _Invalid:
    """Yes/no as people write it ("Ya", "Ada", "Tersedia", "✓", "Tidak ada", 1/0), from the
    ya_tidak vocabulary of data/kosakata_nilai.yaml; "-" and "n/a" are not reported."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return {1: True, 0: False}.get(value, INVALID)  # type: ignore[arg-type]
    text = str(value).strip()
    if not text:
        return None
    found = _vocabulary().match("ya_tidak", text)
    if found is not None:
        return found == "ya"
    s = fold(text)
    if not s or s in DASHES or s in NOT_REPORTED or text in DASHES:
        return None
    return INVALID


@cache
def _vocabulary() -> Any:
    from kpi.ingest.vocab import load_vocabulary  # the vocabulary file imports this module

    return load_vocabulary()


@cache
def month_names() -> dict[str, int]:
    """Month names and abbreviations (Indonesian and English) -> 1-12, from the bulan
    vocabulary of data/kosakata_nilai.yaml."""
    return _vocabulary().month_words()  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# months, periods and dates


def parse_month(value: Any) -> int | None | _Invalid:
    """A month as 8, "08", "Agustus", "Agu", "August", "Aug"."""
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 12:
            return int(value)
        return INVALID
    s = fold(str(value))
    if s.isdigit():
        m = int(s)
        return m if 1 <= m <= 12 else INVALID
    if s.endswith(" 0") and s[:-2].isdigit():  # "8.0"
        m = int(s[:-2])
        return m if 1 <= m <= 12 else INVALID
    found = month_names().get(s.replace(" ", ""))
    if found is None:
        found = _vocabulary().match("bulan", s)
        return INVALID if found is None else int(found)
    return found


def _year(text: str) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        return 2000 + int(text)
    return None


def excel_serial_to_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(serial))


_RE_YM = re.compile(r"^(\d{4})[-/.\s](\d{1,2})$")
_RE_MY = re.compile(r"^(\d{1,2})[-/.\s](\d{4})$")
_RE_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$")
_RE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:\s.*)?$")
_RE_NAME_Y = re.compile(r"^([a-z]+)[\s\-/.,']*('?\d{4}|'?\d{2})$")
_RE_Y_NAME = re.compile(r"^(\d{4})[\s\-/.,]*([a-z]+)$")
_RE_D_NAME_Y = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.,]+(\d{4}|\d{2})$")
_RE_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")


def _month_date(year: int, month: int) -> date | _Invalid:
    if 1 <= month <= 12 and 1900 <= year <= 2200:
        return date(year, month, 1)
    return INVALID


def parse_period(value: Any) -> date | None | _Invalid:
    """A month as the first day: 2023-08, 08/2023, Agu 2023, Agustus 2023, Aug-23, a date."""
    if isinstance(value, datetime):
        return date(value.year, value.month, 1)
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        v = float(value)
        if not v.is_integer():
            return INVALID
        if 100000 <= v <= 999999:  # 202308
            return _month_date(int(v) // 100, int(v) % 100)
        if 20000 <= v <= 80000:  # an Excel date serial that reached us as a number
            d = excel_serial_to_date(v)
            return date(d.year, d.month, 1)
        return INVALID
    s = str(value).strip().lower()
    if m := _RE_YM.match(s):
        return _month_date(int(m[1]), int(m[2]))
    if m := _RE_MY.match(s):
        return _month_date(int(m[2]), int(m[1]))
    if m := _RE_YMD.match(s):
        return _month_date(int(m[1]), int(m[2]))
    if m := _RE_DMY.match(s):
        y = _year(m[3])
        return INVALID if y is None else _month_date(y, int(m[2]))
    if m := _RE_YYYYMM.match(s):
        return _month_date(int(m[1]), int(m[2]))
    if m := _RE_NAME_Y.match(s.replace("’", "'")):
        month = month_names().get(m[1])
        y = _year(m[2].lstrip("'"))
        if month and y:
            return _month_date(y, month)
    if m := _RE_Y_NAME.match(s):
        month = month_names().get(m[2])
        if month:
            return _month_date(int(m[1]), month)
    if m := _RE_D_NAME_Y.match(s):
        month = month_names().get(m[2])
        y = _year(m[3])
        if month and y:
            return _month_date(y, month)
    return INVALID


def parse_date(value: Any) -> date | None | _Invalid:
    """A day, day first as Indonesians write it: 15/08/2023, 15-08-23, 15 Agustus 2023."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        v = float(value)
        if 20000 <= v <= 80000:
            return excel_serial_to_date(v)
        return INVALID
    s = str(value).strip().lower()
    try:
        if m := _RE_YMD.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _RE_DMY.match(s):
            y = _year(m[3])
            return INVALID if y is None else date(y, int(m[2]), int(m[1]))
        if m := _RE_D_NAME_Y.match(s):
            month = month_names().get(m[2])
            y = _year(m[3])
            if month and y:
                return date(y, month, int(m[1]))
    except ValueError:
        return INVALID
    return INVALID


def parse_year(value: Any) -> int | None | _Invalid:
    if isinstance(value, datetime | date):
        return value.year
    if is_empty(value):
        return None
    if isinstance(value, str):
        s = value.strip()
        if re.fullmatch(r"\d{4}(\.0+)?", s):
            y = int(s[:4])
        else:
            return INVALID
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not float(value).is_integer():
            return INVALID
        y = int(value)
    else:
        return INVALID
    return y if 1900 <= y <= 2200 else INVALID


_RE_HALF = re.compile(r"^(\d{4})\s*[-/ ]?\s*(s|sem|semester|h)\s*([12])$")
_RE_HALF_REV = re.compile(r"^(s|sem|semester|h)\s*([12])\s*[-/ ]?\s*(\d{4})$")


def parse_half_year(value: Any) -> tuple[int, int | None] | None | _Invalid:
    """A year (2023) or a half-year (2023-S2, S2 2023, Semester 2 2023, Semester II 2023,
    Semester Genap 2023, 2023/H2) -> (year, semester)."""
    if is_empty(value):
        return None
    y = parse_year(value)
    if isinstance(y, int):
        return (y, None)
    parts = re.findall(r"\d+|[a-z]+", fold(str(value)))
    years = [p for p in parts if len(p) == 4 and p.isdigit()]
    if len(years) != 1 or not 1900 <= int(years[0]) <= 2200:
        return INVALID
    rest = [p for p in parts if p != years[0] and p not in _HALF_FILLER]
    if not rest:  # "Tahun 2024"
        return (int(years[0]), None)
    if len(rest) == 1 and rest[0] in _HALF_WORDS:
        return (int(years[0]), _HALF_WORDS[rest[0]])
    return INVALID


# the half of a year as people write it: 2, II, "genap" (the even, second half), "kedua"
_HALF_WORDS = {
    "1": 1,
    "2": 2,
    "01": 1,
    "02": 2,
    "i": 1,
    "ii": 2,
    "ganjil": 1,
    "genap": 2,
    "satu": 1,
    "dua": 2,
    "pertama": 1,
    "kedua": 2,
    "first": 1,
    "second": 2,
}
_HALF_FILLER = {
    "semester",
    "sem",
    "smt",
    "smstr",
    "s",
    "h",
    "half",
    "tahun",
    "th",
    "thn",
    "year",
    "periode",
    "ke",
    "ta",
}


def parse_semester(value: Any) -> int | None | _Invalid:
    """1 or 2: 1, "2", "II", "S1", "Semester 2", "ganjil" (first half), "genap" (second)."""
    if is_empty(value):
        return None
    s = fold(str(value)).replace("semester", "").replace(" ", "")
    s = s[1:] if s[:1] in ("s", "h") and len(s) > 1 else s
    return {"1": 1, "10": 1, "i": 1, "ganjil": 1, "2": 2, "20": 2, "ii": 2, "genap": 2}.get(
        s, INVALID
    )


def parse_text(value: Any) -> str | None:
    """Text as typed; a number that is a whole number becomes its digits ("5201", not 5201.0)."""
    if value is None:
        return None
    t = type(value)
    if t is str:
        s = value.strip()
        return s or None
    if t is float:
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if t is int:
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def parse_code(value: Any) -> str | None:
    """A library code: text kept as typed, a number restored to its digits, "5201.0" -> "5201"."""
    s = parse_text(value)
    if s is None:
        return None
    s = s.lstrip("'").strip()  # '5201: Excel's "keep as text" mark typed into a csv
    if not s:
        return None
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s


_LEVEL_CODE = re.compile(r"^([a-z]+)[-_./ ]*([0-9][0-9. ]*)$")
_LEVEL_CODE_WIDTH = {
    "prov": 2,
    "provinsi": 2,
    "propinsi": 2,
    "kab": 4,
    "kabupaten": 4,
    "kota": 4,
    "kabkota": 4,
    "kec": 6,
    "kecamatan": 6,
    "desa": 10,
    "ds": 10,
    "kel": 10,
    "kelurahan": 10,
}


def parse_area_code(value: Any) -> str | None | _Invalid:
    """A Kemendagri code, with or without dots, as digits: "52.01" / 5201 / 5201.0 -> "5201";
    also after a word naming its level: "KAB-3201" -> "3201", "PROV-32" -> "32"."""
    s = parse_code(value)
    if s is None:
        return None
    if (m := _LEVEL_CODE.match(s.lower())) is not None:
        width = _LEVEL_CODE_WIDTH.get(m[1])
        inner = m[2].replace(".", "").replace(" ", "")
        return inner if width is not None and len(inner) == width else INVALID
    digits = s.replace(".", "").replace(" ", "")
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 10):
        return INVALID
    return digits
