"""Dates as families and forensic reports give them: a year, a month, or a day.

A mother may remember "spring 2012" or "Ramadan 2012" better than a day; writing her
answer as 2012-06-15 would invent a precision that later excludes the right body. A
partial date is therefore an interval, and comparisons are between intervals: a death
"before the arrest" is only claimed when the latest possible death precedes the earliest
possible arrest.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from dalil.errors import InputError
from dalil.identification.vocabulary import western_digits

_PARTIAL = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")

# Nobody reported missing in Syria since 2011 was born before this year.
EARLIEST_YEAR = 1900


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)


def parse_partial_date(text: str, label: str = "date") -> PartialDate:
    """Read YYYY, YYYY-MM, YYYY-MM-DD (or DD/MM/YYYY, as written in Syria)."""
    cleaned = western_digits(text).strip()
    day_first = _DAY_FIRST.fullmatch(cleaned)
    if day_first:
        cleaned = f"{day_first.group(3)}-{day_first.group(2)}-{day_first.group(1)}"
    found = _PARTIAL.fullmatch(cleaned)
    if not found:
        raise InputError(
            f"{label}: {text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
            "(a year alone is fine when the day is not known)"
        )
    year = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else None
    day = int(found.group(3)) if found.group(3) else None
    try:
        value = PartialDate(year, month, day)
        value.latest  # noqa: B018 - validates month and day
    except ValueError as exc:
        raise InputError(f"{label}: {text!r} is not a real date ({exc})") from exc
    if year < EARLIEST_YEAR:
        raise InputError(f"{label}: {text!r} is before {EARLIEST_YEAR}; check the year")
    return value


def days_between(first: PartialDate, second: PartialDate) -> tuple[int, int]:
    """The least and most days from ``first`` to ``second`` (negative: second is earlier)."""
    return (
        (second.earliest - first.latest).days,
        (second.latest - first.earliest).days,
    )


def years_between(first: PartialDate, second: PartialDate) -> tuple[int, int]:
    """Whole years from ``first`` to ``second``, least and most (an age range)."""
    least, most = days_between(first, second)
    return (int(least // 365.25), int(most // 365.25))
