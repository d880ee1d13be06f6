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

Parts = tuple[str | None, str | None, str | None, str | None]


def _pick(record: Mapping[str, str | None], name: str) -> str | None:
    return record.get(name) or record.get(f"{name}_latin")


def name_parts(record: Mapping[str, str | None]) -> dict[str, str | None]:
    """Given, father, grandfather, family and mother's names of a record (raw text)."""
    parts: dict[str, str | None] = {p: _pick(record, f"{p}_name") for p in PARTS}
    full = _pick(record, "full_name")
    if full and not (parts["given"] and parts["family"]):
        parsed = names.parse(full)
        for part in NAME_PARTS:
            parts[part] = parts[part] or getattr(parsed, part)
    return parts


def _latin_parts(record: Mapping[str, str | None]) -> dict[str, str | None] | None:
    """The Latin spelling's parts when the record also has an Arabic one, else None."""
    if not any(record.get(f"{p}_name_latin") for p in ("full", *NAME_PARTS)):
        return None
    if not any(record.get(f"{p}_name") for p in ("full", *NAME_PARTS)):
        return None
    parts = {p: record.get(f"{p}_name_latin") for p in NAME_PARTS}
    full = record.get("full_name_latin")
    if full and not (parts["given"] and parts["family"]):
        parsed = names.parse(full)
        for part in NAME_PARTS:
            parts[part] = parts[part] or getattr(parsed, part)
    return parts


@functools.lru_cache(maxsize=400_000)
def _key(text: str | None, family: bool) -> tuple[str | None, str | None]:
    key = names.part_key(text, family=family)
    return key, (keys.loose_key(key) if key else None)


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def features(uid: int, source: str, record: Mapping[str, str | None]) -> dict[str, object]:
    """The comparison row of one record."""
    parts = name_parts(record)
    row: dict[str, object] = {"unique_id": uid, "source_dataset": source}
    for part, text in parts.items():
        row[f"{part}_key"], row[f"{part}_loose"] = _key(text, part == "family")
    latin = _latin_parts(record)
    for part in NAME_PARTS:
        row[f"alt_{part}_key"] = _key(latin[part], part == "family")[0] if latin else None
    birth = record.get("birth_date")
    death = record.get("death_date")
    birth_year = _year(birth)
    if birth_year is None and record.get("age") and death:
        birth_year = int(death[:4]) - int(record["age"] or 0)
    place = record.get("place")
    row.update(
        sex=record.get("sex"),
        birth_date=birth if birth and len(birth) == 10 else None,
        birth_year=birth_year,
        death_date=death if death and len(death) == 10 else None,
        governorate=record.get("governorate"),
        place=_normal(place) if place else None,
        branch=record.get("branch"),
        national_id=record.get("national_id"),
    )
    return row


@functools.lru_cache(maxsize=100_000)
def _normal(text: str) -> str:
    if script.is_arabic(text):
        return script.normalise_arabic(text)
    return script.normalise_latin(text)


def frame(records: Iterable[tuple[int, str, Mapping[str, str | None]]]) -> pd.DataFrame:
    """The comparison table for (unique id, list name, fields) triples."""
    rows = [features(uid, source, record) for uid, source, record in records]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["birth_year"] = table["birth_year"].astype("Int64")
    table["name_tokens"] = name_tokens(table)
    return table


def name_tokens(table: pd.DataFrame) -> pd.Series:
    """The distinct keys of a record's own name parts in both scripts, in any order."""
    columns = [f"{p}_key" for p in NAME_PARTS] + [f"alt_{p}_key" for p in NAME_PARTS]
    rows = table[columns].itertuples(index=False, name=None)
    tokens = [sorted({v for v in row if isinstance(v, str)}) for row in rows]
    return pd.Series([t if len(t) >= 2 else None for t in tokens], index=table.index, dtype=object)
