"""A family liaison's typing, read the way it was meant, or refused with a clear reason."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil import canonical
from dalil.identification.am_fields import FIELDS, header_key
from dalil.identification.am_report import (
    MissingPerson,
    Name,
    parse_report,
    person_from_json,
    person_to_json,
)
from dalil.identification.dates import PartialDate, days_between, parse_partial_date
from dalil.identification.errors import ReportInvalid

TODAY = date(2026, 1, 1)
BASE = {"name_latin_given": "Omar", "consent_identification": "yes"}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("sex", "yes", "not one of"),
        ("birth_date", "1984-13-01", "not a real date"),
        ("birth_date", "May 1984", "not a date"),
        ("arrest_date", "2030", "in the future"),
        ("age_years", "170", "from 0 to 110"),
        ("height_cm", "17", "from 50 to 230"),
        ("contact_phone", "call the neighbour", "not a phone number"),
        ("contact_email", "no-at-sign", "not an e-mail"),
        ("consent_court", "maybe", "yes or no"),
        ("marks", "wound:left_arm", "not a kind of mark"),
        ("marks", "scar:elbow", "not a part of the body"),
        ("arrest_governorate", "Atlantis", "not one of"),
        ("favourite_colour", "blue", "not a field"),
    ],
)
def test_bad_value_is_refused_with_the_field_named_in_both_languages(
    field: str, value: str, says: str
) -> None:
    with pytest.raises(ReportInvalid) as caught:
        parse_report({**BASE, field: value}, TODAY)
    assert says in str(caught.value)
    if field != "favourite_colour":
        spec = next(s for s in FIELDS if s.key == field)
        assert spec.arabic in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    bad = {"sex": "?", "birth_date": "x", "height_cm": "9"}
    with pytest.raises(ReportInvalid) as caught:
        parse_report(bad, TODAY)
    assert len(caught.value.problems) == 4  # three fields and the missing name


def test_born_after_arrest_is_refused() -> None:
    with pytest.raises(ReportInvalid, match="born after"):
        parse_report({**BASE, "birth_date": "2013", "arrest_date": "2012-05"}, TODAY)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("٢٠١٢-٠٣-١٤", PartialDate(2012, 3, 14)),
        ("14/03/2012", PartialDate(2012, 3, 14)),
        ("2012-3", PartialDate(2012, 3)),
        ("2012", PartialDate(2012)),
    ],
)
def test_dates_in_arabic_digits_and_syrian_order_are_read(typed: str, read: PartialDate) -> None:
    assert parse_partial_date(typed) == read


def test_arabic_answers_are_understood() -> None:
    report = parse_report(
        {
            "name_ar_given": "عمر",
            "sex": "ذكر",
            "arresting_branch": "فرع ٢٢٧",
            "arrest_governorate": "ريف دمشق",
            "marks": "وشم:الذراع اليمنى:نسر",
            "consent_identification": "نعم",
            "consent_court": "لا",
        },
        TODAY,
    )
    person = report.person
    assert (person.sex, person.arresting_branch, person.arrest_governorate) == (
        "male",
        "227",
        "rif_dimashq",
    )
    assert person.marks[0].kind == "tattoo" and person.marks[0].region == "right_arm"
    assert report.consent.identification and not report.consent.court


def test_a_year_is_an_interval_not_a_day() -> None:
    assert days_between(PartialDate(2012), PartialDate(2012, 6, 1)) == (-213, 152)


@pytest.mark.parametrize("header", ["arrest_date", "date of arrest", "تاريخ الاعتقال"])
def test_spreadsheet_headers_in_either_language_name_the_field(header: str) -> None:
    assert header_key(header) == "arrest_date"


_text = st.one_of(st.none(), st.text(min_size=1, max_size=20))
_dates = st.one_of(
    st.none(),
    st.builds(PartialDate, st.integers(1900, 2025)),
    st.builds(PartialDate, st.integers(1900, 2025), st.integers(1, 12)),
    st.builds(PartialDate, st.integers(1900, 2025), st.integers(1, 12), st.integers(1, 28)),
)


@given(
    st.builds(
        MissingPerson,
        name_ar=st.builds(Name, _text, _text, _text, _text),
        mother_name=_text,
        sex=st.sampled_from(["male", "female", "unknown"]),
        birth_date=_dates,
        age_years=st.one_of(st.none(), st.integers(0, 110)),
        arrest_date=_dates,
        last_seen_date=_dates,
    )
)
def test_person_survives_canonical_json(person: MissingPerson) -> None:
    data = person_to_json(person)
    assert person_from_json(canonical.loads(canonical.dumps(data))) == person
