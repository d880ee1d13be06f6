"""An ante-mortem report as a value: the missing person, the family contact, the consent.

``parse_report`` turns the text a family liaison typed (or a spreadsheet row) into a
report, or raises ReportInvalid naming every field that is wrong at once, in both
languages, so a row is fixed in one pass. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from dalil.errors import InputError
from dalil.identification import vocabulary as vocab
from dalil.identification.am_fields import BY_KEY, NAME_PARTS
from dalil.identification.consent import Consent
from dalil.identification.dates import PartialDate, parse_partial_date
from dalil.identification.errors import ReportInvalid

# Plausible human limits, to catch typing slips (170 typed as 17, a year as an age).
MAX_AGE_YEARS = 110
HEIGHT_CM = (50, 230)
MAX_TEXT = 2000
_PHONE = re.compile(r"\+?[\d\s().-]{6,24}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_YES = {"yes", "y", "true", "1", "نعم", "ن"}
_NO = {"no", "n", "false", "0", "لا", "ل", ""}


@dataclass(frozen=True)
class Name:
    given: str | None = None
    father: str | None = None
    grandfather: str | None = None
    family: str | None = None

    def full(self) -> str:
        return " ".join(p for p in (self.given, self.father, self.grandfather, self.family) if p)


@dataclass(frozen=True)
class Mark:
    kind: str  # a key of vocabulary.MARK_KINDS
    region: str | None = None  # a key of vocabulary.BODY_REGIONS
    details: str | None = None


@dataclass(frozen=True)
class MissingPerson:
    name_ar: Name = field(default_factory=Name)
    name_latin: Name = field(default_factory=Name)
    mother_name: str | None = None
    sex: str = "unknown"
    birth_date: PartialDate | None = None
    age_years: int | None = None
    arrest_date: PartialDate | None = None
    arrest_place: str | None = None
    arrest_governorate: str | None = None
    arresting_branch: str | None = None
    last_seen_date: PartialDate | None = None
    last_seen_place: str | None = None
    height_cm: int | None = None
    description: str | None = None
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Contact:
    """The family's contact: never in the custody log, encrypted field by field at rest."""

    name: str | None = None
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    notes: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(f.name, v) for f in fields(self) if (v := getattr(self, f.name)) is not None]


@dataclass(frozen=True)
class ReportInput:
    person: MissingPerson
    contact: Contact
    consent: Consent
    source: str = "interview"


def parse_report(values: Mapping[str, str | None], today: date) -> ReportInput:
    """Validate a report given as text by field key; ReportInvalid lists every problem."""
    reader = _Reader(values, today)
    person = reader.person()
    contact = Contact(
        **{k: reader.text(f"contact_{k}") for k in Contact.__dataclass_fields__},
    )
    if contact.phone and not _PHONE.fullmatch(vocab.western_digits(contact.phone)):
        reader.problem("contact_phone", f"{contact.phone!r} is not a phone number")
    if contact.email and not _EMAIL.fullmatch(contact.email):
        reader.problem("contact_email", f"{contact.email!r} is not an e-mail address")
    consent = Consent(
        reader.yes_no("consent_identification"),
        reader.yes_no("consent_court"),
        frozenset(reader.list_of("share_with")),
    )
    source = reader.text("source") or "interview"
    reader.check_person(person)
    if reader.problems:
        raise ReportInvalid(reader.problems, reader.fields)
    return ReportInput(person, contact, consent, source)


class _Reader:
    def __init__(self, values: Mapping[str, str | None], today: date) -> None:
        unknown = sorted(set(values) - set(BY_KEY))
        self.values = values
        self.today = today
        self.problems: list[str] = [f"{k}: not a field of an AM report" for k in unknown]
        self.fields: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{BY_KEY[key].label}: {message}")
        self.fields.append(key)

    def text(self, key: str) -> str | None:
        raw = self.values.get(key)
        value = " ".join(raw.split()) if raw else None
        if value and len(value) > MAX_TEXT:
            self.problem(key, f"longer than {MAX_TEXT} characters")
        return value or None

    def date(self, key: str) -> PartialDate | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            value = parse_partial_date(raw, BY_KEY[key].label)
        except InputError as exc:
            self.problems.append(str(exc))
            self.fields.append(key)
            return None
        if value.earliest > self.today:
            self.problem(key, f"{value} is in the future")
        return value

    def number(self, key: str, low: int, high: int) -> int | None:
        raw = self.text(key)
        if raw is None:
            return None
        digits = vocab.western_digits(raw)
        if not digits.isdigit() or not low <= int(digits) <= high:
            self.problem(key, f"{raw!r} is not a number from {low} to {high}")
            return None
        return int(digits)

    def keyword(self, key: str, lookup: Any, allowed: Mapping[str, Any]) -> str | None:
        raw = self.text(key)
        if raw is None:
            return None
        found: str | None = lookup(raw)
        if found is None:
            self.problem(key, f"{raw!r} is not one of: {', '.join(allowed)}")
        return found

    def yes_no(self, key: str) -> bool:
        raw = (self.text(key) or "").casefold()
        if raw in _YES:
            return True
        if raw not in _NO:
            self.problem(key, f"{raw!r}: answer yes or no (نعم أو لا)")
        return False

    def list_of(self, key: str) -> list[str]:
        return [p.strip() for p in (self.text(key) or "").split(";") if p.strip()]

    def name(self, script: str) -> Name:
        return Name(**{part: self.text(f"name_{script}_{part}") for part in NAME_PARTS})

    def marks(self) -> tuple[Mark, ...]:
        found = []
        for entry in self.list_of("marks"):
            kind_text, _, rest = entry.partition(":")
            region_text, _, details = rest.partition(":")
            kind = vocab.mark_kind_key(kind_text)
            region = vocab.body_region_key(region_text) if region_text.strip() else None
            if kind is None:
                self.problem(
                    "marks", f"{kind_text!r} is not a kind of mark ({', '.join(vocab.MARK_KINDS)})"
                )
            elif region_text.strip() and region is None:
                self.problem(
                    "marks",
                    f"{region_text!r} is not a part of the body ({', '.join(vocab.BODY_REGIONS)})",
                )
            else:
                found.append(Mark(kind, region, details.strip() or None))
        return tuple(found)

    def person(self) -> MissingPerson:
        branch_text = self.text("arresting_branch")
        return MissingPerson(
            name_ar=self.name("ar"),
            name_latin=self.name("latin"),
            mother_name=self.text("mother_name"),
            sex=self.keyword("sex", vocab.sex_key, vocab.SEXES) or "unknown",
            birth_date=self.date("birth_date"),
            age_years=self.number("age_years", 0, MAX_AGE_YEARS),
            arrest_date=self.date("arrest_date"),
            arrest_place=self.text("arrest_place"),
            arrest_governorate=self.keyword(
                "arrest_governorate", vocab.governorate_key, vocab.GOVERNORATES
            ),
            arresting_branch=(vocab.branch_number(branch_text) or branch_text)
            if branch_text
            else None,
            last_seen_date=self.date("last_seen_date"),
            last_seen_place=self.text("last_seen_place"),
            height_cm=self.number("height_cm", *HEIGHT_CM),
            description=self.text("description"),
            marks=self.marks(),
        )

    def check_person(self, person: MissingPerson) -> None:
        if not (person.name_ar.full() or person.name_latin.full()):
            self.problem("name_ar_given", "give at least one name, in Arabic or Latin letters")
        born, arrested, seen = person.birth_date, person.arrest_date, person.last_seen_date
        if born and arrested and born.earliest > arrested.latest:
            self.problem("birth_date", "the person is born after the date of arrest")
        if arrested and seen and seen.latest < arrested.earliest:
            self.problem("last_seen_date", "last seen alive before the date of arrest")


# -- JSON (canonical: no floats) -----------------------------------------------------------


def person_to_json(person: MissingPerson) -> dict[str, Any]:
    def name(value: Name) -> dict[str, str | None]:
        return {part: getattr(value, part) for part in NAME_PARTS}

    def day(value: PartialDate | None) -> str | None:
        return str(value) if value else None

    return {
        "name_ar": name(person.name_ar),
        "name_latin": name(person.name_latin),
        "mother_name": person.mother_name,
        "sex": person.sex,
        "birth_date": day(person.birth_date),
        "age_years": person.age_years,
        "arrest_date": day(person.arrest_date),
        "arrest_place": person.arrest_place,
        "arrest_governorate": person.arrest_governorate,
        "arresting_branch": person.arresting_branch,
        "last_seen_date": day(person.last_seen_date),
        "last_seen_place": person.last_seen_place,
        "height_cm": person.height_cm,
        "description": person.description,
        "marks": [{"kind": m.kind, "region": m.region, "details": m.details} for m in person.marks],
    }


def person_from_json(data: Mapping[str, Any]) -> MissingPerson:
    def day(value: str | None) -> PartialDate | None:
        return parse_partial_date(value) if value else None

    return MissingPerson(
        name_ar=Name(**data["name_ar"]),
        name_latin=Name(**data["name_latin"]),
        mother_name=data["mother_name"],
        sex=data["sex"],
        birth_date=day(data["birth_date"]),
        age_years=data["age_years"],
        arrest_date=day(data["arrest_date"]),
        arrest_place=data["arrest_place"],
        arrest_governorate=data["arrest_governorate"],
        arresting_branch=data["arresting_branch"],
        last_seen_date=day(data["last_seen_date"]),
        last_seen_place=data["last_seen_place"],
        height_cm=data["height_cm"],
        description=data["description"],
        marks=tuple(Mark(**m) for m in data["marks"]),
    )
