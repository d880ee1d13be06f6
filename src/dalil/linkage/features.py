"""What the linkage model compares: one row of keys per record, from its fields.

Names come either as parts (given, father, ...) or as a full name that ``names.parse``
splits. A record may carry its name in both scripts (``full_name`` in Arabic and
``full_name_latin``); the Arabic spelling gives the main keys, since Arabic spelling
varies less than transliteration, and the Latin one gives a second set (``alt_*``)
that blocking and the name comparisons also use: a typing error in one script is
rarely repeated in the other, and the two may be written in a different order.
Birth year is taken from the birth date, else estimated from age at death (±1 year,
handled by the comparison).

Names repeat endlessly across lists, so the keys of each distinct spelling are
computed once (``_parts_of`` is cached on the raw text): a list of 200,000 records
costs a few tens of thousands of parses, not 200,000.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import pandas as pd

from dalil.linkage import keys, names, script

PARTS = ("given", "father", "grandfather", "family", "mother")
NAME_PARTS = PARTS[:4]  # the parts of the person's own name, in written order
COLUMNS = (
    "unique_id",
    "source_dataset",
    *(f"{p}_key" for p in PARTS),
    *(f"{p}_loose" for p in PARTS),
    *(f"alt_{p}_key" for p in NAME_PARTS),
    "sex",
    "birth_date",
    "birth_year",
    "death_date",
    "governorate",
    "place",
    "branch",
    "national_id",
)

_FIELDS = tuple((p, f"{p}_name", f"{p}_name_latin") for p in PARTS)
_LATIN_FIELDS = tuple((p, f"{p}_name_latin") for p in NAME_PARTS)
_ANY_NAME = tuple(f"{p}_name" for p in ("full", *NAME_PARTS))
_ANY_LATIN = tuple(f"{p}_name_latin" for p in ("full", *NAME_PARTS))


def name_parts(record: Mapping[str, str | None]) -> dict[str, str | None]:
    """Given, father, grandfather, family and mother's names of a record (raw text)."""
    parts = {p: record.get(name) or record.get(latin) for p, name, latin in _FIELDS}
    if not (parts["given"] and parts["family"]):
        full = record.get("full_name") or record.get("full_name_latin")
        if full:
            _fill(parts, names.parse(full))
    return parts


def _latin_parts(record: Mapping[str, str | None]) -> dict[str, str | None] | None:
    """The Latin spelling's parts when the record also has an Arabic one, else None."""
    if not any(map(record.get, _ANY_LATIN)) or not any(map(record.get, _ANY_NAME)):
        return None
    parts = {p: record.get(latin) for p, latin in _LATIN_FIELDS}
    full = record.get("full_name_latin")
    if full and not (parts["given"] and parts["family"]):
        _fill(parts, names.parse(full))
    return parts


def _fill(parts: dict[str, str | None], parsed: names.Name) -> None:
    for part in NAME_PARTS:
        parts[part] = parts[part] or getattr(parsed, part)


@functools.lru_cache(maxsize=400_000)
def _key(text: str | None, family: bool) -> tuple[str | None, str | None]:
    key = names.part_key(text, family=family)
    return key, (keys.loose_key(key) if key else None)


def _birth_year(record: Mapping[str, str | None]) -> int | None:
    birth = record.get("birth_date")
    if birth:
        return int(birth[:4])
    age, death = record.get("age"), record.get("death_date")
    if age and death:
        return int(death[:4]) - int(age)
    return None


def _full_date(date: str | None) -> str | None:
    return date if date and len(date) == 10 else None


@functools.lru_cache(maxsize=100_000)
def _normal(text: str) -> str:
    if script.is_arabic(text):
        return script.normalise_arabic(text)
    return script.normalise_latin(text)


def frame(records: Iterable[tuple[int, str, Mapping[str, str | None]]]) -> pd.DataFrame:
    """The comparison table for (unique id, list name, fields) triples.

    Built column by column: a list of 200,000 records is one pass in Python, with
    every name part keyed once per distinct spelling (``_key``).
    """
    columns: dict[str, list[object]] = {c: [] for c in COLUMNS}
    key_columns = [(columns[f"{p}_key"], columns[f"{p}_loose"], p == "family") for p in PARTS]
    alt_columns = [(columns[f"alt_{p}_key"], p == "family") for p in NAME_PARTS]
    other = [(columns[c], c) for c in ("sex", "governorate", "branch", "national_id")]
    for uid, source, record in records:
        columns["unique_id"].append(uid)
        columns["source_dataset"].append(source)
        parts = name_parts(record)
        for (strict, loose, family), text in zip(key_columns, parts.values(), strict=True):
            key = _key(text, family)
            strict.append(key[0])
            loose.append(key[1])
        latin = _latin_parts(record)
        if latin is None:
            for alt, _ in alt_columns:
                alt.append(None)
        else:
            for (alt, family), part in zip(alt_columns, NAME_PARTS, strict=True):
                alt.append(_key(latin[part], family)[0])
        columns["birth_date"].append(_full_date(record.get("birth_date")))
        columns["birth_year"].append(_birth_year(record))
        columns["death_date"].append(_full_date(record.get("death_date")))
        place = record.get("place")
        columns["place"].append(_normal(place) if place else None)
        for column, name in other:
            column.append(record.get(name))
    table = pd.DataFrame(columns)
    table["birth_year"] = table["birth_year"].astype("Int64")
    return table
