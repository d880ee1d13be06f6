"""The fields of a victim list, how file columns map to them, and row validation.

Pure functions: a header and rows in, clean records and row-level errors out. Values
are kept as written (a name is evidence); only dates, sex and numbers are put in one
form, because a comparison needs them comparable and a clerk needs to be told when a
value cannot be read.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dalil.errors import InputError
from dalil.linkage import script
from dalil.linkage.spellings import GOVERNORATES

NAME_FIELDS = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
)
# A list may carry each name twice, in Arabic and in Latin script ("full_name_latin").
LATIN_NAME_FIELDS = tuple(f"{name}_latin" for name in NAME_FIELDS)
OTHER_FIELDS = (
    "sex",
    "birth_date",
    "age",
    "death_date",
    "arrest_date",
    "place",
    "governorate",
    "branch",
    "national_id",
    "record_id",
)
FIELDS = NAME_FIELDS + LATIN_NAME_FIELDS + OTHER_FIELDS
ALL_NAME_FIELDS = NAME_FIELDS + LATIN_NAME_FIELDS
DATE_FIELDS = ("birth_date", "death_date", "arrest_date")

# People who died in detention were born after 1900 and died before today; a date
# outside these years is a typing error worth showing to the clerk, not a fact.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_AGE = 120

_SEX = {
    "m": "M",
    "male": "M",
    "man": "M",
    "ذكر": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "انثى": "F",
    "أنثى": "F",
    "انثي": "F",
}
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ISO = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class RowError:
    row: int  # the row as a spreadsheet shows it, header = 1
    column: str  # the field
    message: str
    source: str = ""  # the file's column, where its header is not the field's name

    def __str__(self) -> str:
        where = (
            f"{self.column} ({self.source!r})"
            if self.source not in ("", self.column)
            else self.column
        )
        return f"row {self.row}, column {where}: {self.message}"


@dataclass
class Validated:
    records: list[dict[str, str | None]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def column_mapping(header: Sequence[str], extra: Mapping[str, str]) -> dict[str, str]:
    """Column → field for a file whose every column maps (``mapping.plan`` says how);
    ``extra`` maps other column names (``--map COLUMN=FIELD``)."""
    from dalil.linkage import mapping

    planned = mapping.plan(header, [], extra)
    if not planned.ok:
        raise InputError("; ".join(planned.problems))
    return planned.fields()


def validate(
    rows: Iterable[Sequence[str | None]],
    header: Sequence[str],
    mapping: Mapping[str, str],
    numbers: Sequence[int] | None = None,
) -> Validated:
    """Clean each row; every problem is a RowError naming its row and column.

    ``mapping`` is column → field, a column named by its header or by ``#N`` (its
    position from 1); ``numbers`` are the rows' numbers in the file (else 2, 3, ...).
    """
    result = Validated()
    positions = [(name, _index(header, column), column) for column, name in mapping.items()]
    width = max((i for _, i, _ in positions), default=-1) + 1
    source = {name: column for name, _, column in positions}
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        number = numbers[offset] if numbers is not None else offset + 2
        stray = [c for c in row[len(header) :] if c is not None and str(c).strip()]
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        raw = {name: _text(row[i]) for name, i, _ in positions}
        record, errors = _clean(raw, number, source)
        if stray:
            what = f"{stray[0]!r} is beyond the header's {len(header)} columns"
            hint = "a delimiter inside a value that is not in quotes?"
            errors.append(RowError(number, "row", f"{what} ({hint})"))
        rid = record.get("record_id") or f"row-{number}"
        record["record_id"] = rid
        if rid in seen:
            errors.append(RowError(number, "record_id", f"{rid!r} is also on row {seen[rid]}",
                                   source.get("record_id", "")))  # fmt: skip
        else:
            seen[rid] = number
        if errors:
            result.errors.extend(errors)
        else:
            result.records.append(record)
    return result


def _index(header: Sequence[str], column: str) -> int:
    if column.startswith("#") and column[1:].isdigit() and column not in header:
        return int(column[1:]) - 1
    return list(header).index(column)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return _clean_text(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=200_000)
def _clean_text(value: str) -> str | None:
    # Lists repeat names, dates and places endlessly: each distinct value is cleaned once.
    text = unicodedata.normalize("NFC", value).strip()
    return text or None


def _clean(
    raw: dict[str, str | None], number: int, source: Mapping[str, str]
) -> tuple[dict[str, str | None], list[RowError]]:
    errors: list[RowError] = []
    record: dict[str, str | None] = dict(raw)
    if not any(raw.get(name) for name in ALL_NAME_FIELDS):
        errors.append(RowError(number, "name", "no name in any name column"))
    for name in DATE_FIELDS:
        if raw.get(name):
            try:
                record[name] = parse_date(raw[name] or "")
            except ValueError as exc:
                errors.append(RowError(number, name, str(exc), source.get(name, "")))
    if raw.get("sex"):
        sex = _SEX.get((raw["sex"] or "").strip().lower())
        if sex is None:
            errors.append(RowError(number, "sex", f"{raw['sex']!r} is not M/F (male/female, "
                                   "ذكر/أنثى)", source.get("sex", "")))  # fmt: skip
        record["sex"] = sex
    if raw.get("age"):
        text = (raw["age"] or "").translate(_EASTERN_DIGITS)
        if not text.isdigit() or int(text) > MAX_AGE:
            errors.append(RowError(number, "age", f"{raw['age']!r} is not an age in years",
                                   source.get("age", "")))  # fmt: skip
        else:
            record["age"] = str(int(text))
    if raw.get("governorate"):
        record["governorate"] = canonical_governorate(raw["governorate"] or "")
    return record, errors


@functools.lru_cache(maxsize=100_000)
def parse_date(text: str) -> str:
    """A calendar date as ISO 8601, kept as partial as written: "1985", "1985-04" and
    "1985-04-12"; DD/MM/YYYY and MM/YYYY are read too. A day the month does not have
    (2013-02-30) is an error, never a date."""
    text = text.strip().translate(_EASTERN_DIGITS).split(" ")[0].split("T")[0]
    if (dmy := _DMY.match(text)) is not None:
        parts = [dmy.group(3), dmy.group(2), dmy.group(1)]
    elif (my := _MY.match(text)) is not None:
        parts = [my.group(2), my.group(1)]
    elif (iso := _ISO.match(text)) is not None:
        parts = [p for p in iso.groups() if p is not None]
    else:
        raise ValueError(
            f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY or MM/YYYY)"
        )
    year = int(parts[0])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"{text!r}: the year {year} is not plausible")
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
        raise ValueError(f"{text!r}: there is no month {parts[1]}")
    if len(parts) > 2:
        month, day = int(parts[1]), int(parts[2])
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise ValueError(
                f"{text!r} is not a date: {calendar.month_name[month]} {year} has {days} days"
            )
    return "-".join([parts[0], *(p.zfill(2) for p in parts[1:])])


_GOVERNORATE_INDEX = {
    key: arabic
    for arabic, spellings in GOVERNORATES.items()
    for key in (script.normalise_arabic(arabic), *(script.normalise_latin(s) for s in spellings))
}


@functools.lru_cache(maxsize=10_000)
def canonical_governorate(text: str) -> str:
    """The Arabic name of a Syrian governorate for any listed spelling; else as written."""
    norm = script.normalise_arabic(text) if script.is_arabic(text) else script.normalise_latin(text)
    return _GOVERNORATE_INDEX.get(norm, text.strip())
