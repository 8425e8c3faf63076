"""Periods: a month (2024-08), quarter (2024-Q3), semester (2024-S2), year (2024) or range
(2024-01..2024-12), each a first and a last month (both the first day of their month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_SEMESTER = re.compile(r"^(\d{4})-?[Ss]([12])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    pass


def add_months(d: date, n: int) -> date:
    """The first of the month ``n`` months after ``d``'s month."""
    index = d.year * 12 + (d.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """Number of months from ``first`` to ``last`` inclusive."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    kind: str  # bulan, triwulan, semester, tahun, rentang
    first: date
    last: date

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)

    @property
    def label(self) -> str:
        y = self.first.year
        if self.kind == "bulan":
            return f"{y}-{self.first.month:02d}"
        if self.kind == "triwulan":
            return f"{y}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "semester":
            return f"{y}-S{(self.first.month - 1) // 6 + 1}"
        if self.kind == "tahun":
            return str(y)
        return f"{y}-{self.first.month:02d}..{self.last.year}-{self.last.month:02d}"

    def shift(self, months: int) -> Period:
        return Period(self.kind, add_months(self.first, months), add_months(self.last, months))

    def previous_year(self) -> Period:
        """The same period a year earlier."""
        return self.shift(-12)

    def year_to_date(self) -> Period:
        """January of the last month's year to the last month."""
        return Period("rentang", date(self.last.year, 1, 1), self.last)

    def month_list(self) -> list[date]:
        return [add_months(self.first, i) for i in range(self.months)]


def _month(year: str, month: str, text: str) -> date:
    m = int(month)
    if not 1 <= m <= 12:
        raise PeriodError(f"bulan tidak valid / invalid month in {text!r}")
    return date(int(year), m, 1)


def parse_period(text: str | date | Period) -> Period:
    """Parse a period; raise PeriodError with a message in both languages if it is not one."""
    if isinstance(text, Period):
        return text
    if isinstance(text, date):
        d = date(text.year, text.month, 1)
        return Period("bulan", d, d)
    s = str(text).strip()
    if ".." in s:
        a, b = (x.strip() for x in s.split("..", 1))
        first, last = parse_period(a), parse_period(b)
        if last.last < first.first:
            raise PeriodError(f"rentang terbalik / reversed range {s!r}")
        return Period("rentang", first.first, last.last)
    if m := _MONTH.match(s):
        d = _month(m.group(1), m.group(2), s)
        return Period("bulan", d, d)
    if m := _QUARTER.match(s):
        y, q = int(m.group(1)), int(m.group(2))
        return Period("triwulan", date(y, 3 * q - 2, 1), date(y, 3 * q, 1))
    if m := _SEMESTER.match(s):
        y, h = int(m.group(1)), int(m.group(2))
        return Period("semester", date(y, 6 * h - 5, 1), date(y, 6 * h, 1))
    if m := _YEAR.match(s):
        y = int(m.group(1))
        return Period("tahun", date(y, 1, 1), date(y, 12, 1))
    raise PeriodError(
        f"Periode {s!r} tidak dikenali (contoh: 2024-08, 2024-Q3, 2024-S2, 2024, "
        f"2024-01..2024-12) / unknown period {s!r}"
    )


def window(last: date, months: int) -> Period:
    """The ``months`` months ending at ``last`` (a coaching window)."""
    end = date(last.year, last.month, 1)
    return Period("rentang" if months > 1 else "bulan", add_months(end, -(months - 1)), end)
