"""How the columns of a list file map to the fields of a record, every column accounted for.

Each column is mapped to a field (by its header, in English or Arabic, or by
``--map COLUMN=FIELD``), ignored by name (``--ignore COLUMN``), or empty (no header and
no value in any row). A column that is none of these refuses the import: a column
dropped in silence is evidence lost. (A list imported with only its name column mapped
lost its ID, sex, date of death and province, and nobody was told.)

Columns are named by their header, or by ``#N`` (their position, from 1) where the
header is empty or repeated, so that every column can be mapped or ignored.

Pure functions: a header and rows in, the mapping and its problems out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dalil import lookup
from dalil.linkage import script
from dalil.linkage.fields import ALL_NAME_FIELDS, FIELDS, NAME_FIELDS

# Values looked at to tell a name column in Latin script from one in Arabic script.
SCRIPT_SAMPLE = 200


class How(StrEnum):
    """Why a column maps where it does."""

    FIELD = "named like the field"
    HEADER = "header recognised"
    MAP = "--map"
    IGNORE = "--ignore"
    EMPTY = "empty column"
    UNMAPPED = "not mapped"


# Headers lists are seen with, in English and Arabic, for each field. Compared after
# folding case, punctuation and Arabic letter variants (``header_key``).
HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "full name", "names", "victim", "victim name", "name of victim",
                  "الاسم", "الاسم الكامل", "الاسم الثلاثي", "الاسم الرباعي", "اسم الضحية",
                  "اسم الشهيد", "الاسم والكنية", "الاسم و الكنية"),
    "given_name": ("first name", "given name", "forename", "first", "الاسم الاول",
                   "الاسم الأول"),
    "father_name": ("father", "father name", "fathers name", "name of father", "اسم الاب",
                    "اسم الأب", "الاب", "الأب"),
    "grandfather_name": ("grandfather", "grandfather name", "grandfathers name", "اسم الجد",
                         "الجد"),
    "family_name": ("family", "family name", "surname", "last name", "last", "الكنية",
                    "اسم العائلة", "العائلة", "الشهرة", "النسبة"),
    "mother_name": ("mother", "mother name", "mothers name", "name of mother", "اسم الام",
                    "اسم الأم", "الام", "الأم"),
    "sex": ("gender", "الجنس", "النوع"),
    "birth_date": ("date of birth", "dob", "born", "birth", "birthdate", "تاريخ الولادة",
                   "تاريخ الميلاد", "المواليد", "الولادة", "مواليد"),
    "age": ("age at death", "العمر", "السن"),
    "death_date": ("date of death", "dod", "died", "death", "deathdate", "date died",
                   "تاريخ الوفاة", "تاريخ الاستشهاد", "تاريخ الموت", "تاريخ القتل"),
    "arrest_date": ("date of arrest", "arrested", "arrest", "date arrested", "detention date",
                    "date of detention", "تاريخ الاعتقال", "تاريخ الاحتجاز", "تاريخ التوقيف"),
    "place": ("place of death", "location", "place of detention", "مكان الوفاة", "المكان",
              "مكان الاستشهاد", "مكان الاحتجاز", "مكان"),
    "governorate": ("province", "governorate", "muhafaza", "region", "المحافظة", "محافظة"),
    "branch": ("security branch", "detention branch", "الفرع", "الفرع الامني",
               "الفرع الأمني", "الجهة", "فرع"),
    "national_id": ("national id", "national number", "id number", "الرقم الوطني",
                    "الرقم الوطنى"),
    "record_id": ("id", "record", "record number", "no", "number", "serial", "ref",
                  "reference", "الرقم", "الرقم التسلسلي", "الرقم المتسلسل", "المعرف",
                  "رقم", "الرقم المرجعي", "م"),
}  # fmt: skip
# Words in a header that say a name is written in Latin script ("Name (English)").
LATIN_MARKERS = frozenset({"latin", "english", "en", "transliterated", "translit"})

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """A header folded for comparison: case, punctuation, Arabic letter variants."""
    if script.is_arabic(text):
        return script.normalise_arabic(text)
    return " ".join(_NOT_WORD.sub(" ", text.lower().replace("'", "")).split())


_KNOWN = {header_key(h): name for name, headers in HEADERS.items() for h in headers}


@dataclass(frozen=True)
class Column:
    position: int  # from 0
    label: str  # the header, or "#N" where it is empty or repeated
    field: str | None
    how: How
    sample: str | None  # the first value, to check the encoding and the mapping by eye


@dataclass(frozen=True)
class ColumnMapping:
    columns: list[Column]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def fields(self) -> dict[str, str]:
        """Column label → field, of the mapped columns (as the import's event records)."""
        return {c.label: c.field for c in self.columns if c.field is not None}

    def positions(self) -> dict[str, int]:
        """Field → the column's position."""
        return {c.field: c.position for c in self.columns if c.field is not None}

    def labels(self) -> dict[str, str]:
        """Field → the column's label, to name a column in a row's problems."""
        return {c.field: c.label for c in self.columns if c.field is not None}

    def ignored(self) -> list[str]:
        return [c.label for c in self.columns if c.how is How.IGNORE]

    def unmapped(self) -> list[str]:
        return [c.label for c in self.columns if c.how is How.UNMAPPED]


def labels(header: Sequence[str]) -> list[str]:
    """Each column's name: its header, or ``#N`` where the header is empty or repeated."""
    counts: dict[str, int] = {}
    for h in header:
        counts[h] = counts.get(h, 0) + 1
    return [h if h and counts[h] == 1 else f"#{i}" for i, h in enumerate(header, start=1)]


def plan(
    header: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    extra: Mapping[str, str] | None = None,
    ignore: Sequence[str] = (),
) -> ColumnMapping:
    """Map every column of the file, or say which columns are neither mapped nor ignored."""
    extra, names = dict(extra or {}), labels(header)
    problems = _check_options(header, names, extra, ignore)
    given = {_position(header, names, c): f for c, f in extra.items()}
    ignored = {_position(header, names, c) for c in ignore}
    columns = []
    for i, label in enumerate(names):
        values = [v for row in rows if i < len(row) and (v := (row[i] or "").strip())]
        sample = values[0] if values else None
        if i in given:
            columns.append(Column(i, label, given[i], How.MAP, sample))
        elif i in ignored:
            columns.append(Column(i, label, None, How.IGNORE, sample))
        elif (found := _field(header[i], values)) is not None:
            columns.append(Column(i, label, found[0], found[1], sample))
        elif not header[i] and not values:
            columns.append(Column(i, label, None, How.EMPTY, None))
        else:
            columns.append(Column(i, label, None, How.UNMAPPED, sample))
    result = ColumnMapping(columns, problems)
    result.problems.extend(_conflicts(columns))
    if result.unmapped():
        result.problems.append(_unmapped_message(result.unmapped()))
    if not any(c.field in ALL_NAME_FIELDS for c in columns):
        result.problems.append(
            "no column holds a name; map one with --map COLUMN=full_name (or given_name and "
            "family_name); if the columns above run together, the file is separated by "
            "another character: say it with --delimiter"
        )
    return result


def _check_options(
    header: Sequence[str], names: list[str], extra: Mapping[str, str], ignore: Sequence[str]
) -> list[str]:
    problems = []
    for column, target in extra.items():
        if target not in FIELDS:
            problems.append(f"--map {column}={target}: {target!r} is not a field"
                            f"{_closest(target, FIELDS)}; fields: {', '.join(FIELDS)}")  # fmt: skip
    for column in [*extra, *ignore]:
        if header.count(column) > 1:
            same = ", ".join(f"#{i}" for i, h in enumerate(header, start=1) if h == column)
            problems.append(f"{header.count(column)} columns are headed {column!r}: name "
                            f"each by its position ({same})")  # fmt: skip
        elif _position(header, names, column) is None:
            problems.append(f"the file has no column {column!r}{_closest(column, names)}")
    both = set(extra) & set(ignore)
    problems.extend(f"{c!r} is both mapped (--map) and ignored (--ignore)" for c in sorted(both))
    return problems


def _position(header: Sequence[str], names: list[str], column: str) -> int | None:
    if column in names:
        return names.index(column)
    if column.startswith("#") and column[1:].isdigit() and 1 <= int(column[1:]) <= len(names):
        return int(column[1:]) - 1
    if header.count(column) == 1:
        return header.index(column)
    return None


def _field(header: str, values: Sequence[str]) -> tuple[str, How] | None:
    """The field a header names, by itself or among the headers lists are seen with."""
    name = header.strip().lower().replace(" ", "_").replace("-", "_")
    if name in FIELDS:
        return name, How.FIELD
    key = header_key(header)
    words = key.split()
    latin = bool(LATIN_MARKERS & set(words))
    if latin:
        key = " ".join(w for w in words if w not in LATIN_MARKERS)
    found = _KNOWN.get(key)
    if found is None:
        return None
    if found in NAME_FIELDS and (latin or _mostly_latin(values)):
        found = f"{found}_latin"
    return found, How.HEADER


def _mostly_latin(values: Sequence[str]) -> bool:
    sample = values[:SCRIPT_SAMPLE]
    return bool(sample) and sum(script.is_arabic(v) for v in sample) * 2 < len(sample)


def _conflicts(columns: Sequence[Column]) -> list[str]:
    claimed: dict[str, list[str]] = {}
    for column in columns:
        if column.field is not None:
            claimed.setdefault(column.field, []).append(column.label)
    return [
        f"columns {', '.join(repr(c) for c in labels)} all map to {field}; map all but one "
        f"elsewhere with --map COLUMN=FIELD, or leave them out with --ignore COLUMN"
        for field, labels in claimed.items()
        if len(labels) > 1
    ]


def _unmapped_message(unmapped: Sequence[str]) -> str:
    shown = ", ".join(repr(c) for c in unmapped)
    first = unmapped[0]
    return (
        f"{len(unmapped)} column(s) neither mapped nor ignored: {shown}. Map each to a field "
        f"with --map '{first}=FIELD' (fields: {', '.join(FIELDS)}), or say it is left out "
        f"with --ignore '{first}'"
    )


def _closest(value: str, choices: Sequence[str]) -> str:
    close = lookup.suggest(value, choices, limit=3)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
