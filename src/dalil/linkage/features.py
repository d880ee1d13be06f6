"""What the linkage model compares: one row of keys per record, from its fields.

Names come either as parts (given, father, ...) or as a full name that ``names.parse``
splits; when a record has both Arabic and Latin spellings, the Arabic one is used,
since Arabic spelling varies less than transliteration. Birth year is taken from the
birth date, else estimated from age at death (±1 year, handled by the comparison).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dalil.linkage import keys, names, script

PARTS = ("given", "father", "grandfather", "family", "mother")
COLUMNS = (
    "unique_id",
    "source_dataset",
    *(f"{p}_key" for p in PARTS),
    *(f"{p}_loose" for p in PARTS),
    "sex",
    "birth_date",
    "birth_year",
    "death_date",
    "governorate",
    "place",
    "branch",
    "national_id",
)


def _pick(record: Mapping[str, str | None], name: str) -> str | None:
    return record.get(name) or record.get(f"{name}_latin")


def name_parts(record: Mapping[str, str | None]) -> dict[str, str | None]:
    """Given, father, grandfather, family and mother's names of a record (raw text)."""
    parts: dict[str, str | None] = {p: _pick(record, f"{p}_name") for p in PARTS}
    full = _pick(record, "full_name")
    if full and not (parts["given"] and parts["family"]):
        parsed = names.parse(full)
        for part in ("given", "father", "grandfather", "family"):
            parts[part] = parts[part] or getattr(parsed, part)
    return parts


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def features(uid: int, source: str, record: Mapping[str, str | None]) -> dict[str, object]:
    """The comparison row of one record."""
    parts = name_parts(record)
    row: dict[str, object] = {"unique_id": uid, "source_dataset": source}
    for part, text in parts.items():
        key = names.part_key(text, family=part == "family")
        row[f"{part}_key"] = key
        row[f"{part}_loose"] = keys.loose_key(key) if key else None
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


def _normal(text: str) -> str:
    if script.is_arabic(text):
        return script.normalise_arabic(text)
    return script.normalise_latin(text)


def frame(records: Iterable[tuple[int, str, Mapping[str, str | None]]]) -> pd.DataFrame:
    """The comparison table for (unique id, list name, fields) triples."""
    rows = [features(uid, source, record) for uid, source, record in records]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["birth_year"] = table["birth_year"].astype("Int64")
    return table
