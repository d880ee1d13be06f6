"""Every column of a list accounted for: mapped, ignored, or the import is refused.

The story: `lists import --map Name=full_name` imported a list and dropped its ID, sex,
date of death and province columns without a word.
"""

from __future__ import annotations

import pytest

from dalil.linkage import fields, mapping
from dalil.linkage.mapping import How

STORY = ["ID", "Name", "Sex", "Date of death", "Province"]
STORY_ROW = ["17", "Mohammad Haddad", "male", "2013-01-10", "Daraa"]


def test_the_columns_a_clerk_names_in_english_all_map_by_themselves() -> None:
    planned = mapping.plan(STORY, [STORY_ROW], {"Name": "full_name"})
    assert planned.ok, planned.problems
    assert planned.fields() == {
        "ID": "record_id",
        "Name": "full_name",
        "Sex": "sex",
        "Date of death": "death_date",
        "Province": "governorate",
    }


def test_a_column_neither_mapped_nor_ignored_refuses_the_import_and_says_how() -> None:
    header = [*STORY, "Notes", "Source"]
    planned = mapping.plan(header, [[*STORY_ROW, "seen 2014", "SNHR"]])
    assert not planned.ok
    assert planned.unmapped() == ["Notes", "Source"]
    [problem] = planned.problems
    assert "'Notes', 'Source'" in problem
    assert "--map 'Notes=FIELD'" in problem and "--ignore 'Notes'" in problem


def test_ignore_leaves_a_column_out_on_purpose() -> None:
    header = [*STORY, "Notes"]
    planned = mapping.plan(header, [[*STORY_ROW, "seen 2014"]], ignore=["Notes"])
    assert planned.ok, planned.problems
    assert planned.ignored() == ["Notes"]
    assert "Notes" not in planned.fields()


ARABIC = [
    ("الرقم", "record_id"),
    ("الاسم", "full_name"),
    ("اسم الأب", "father_name"),
    ("اسم الام", "mother_name"),
    ("الكنية", "family_name"),
    ("الجنس", "sex"),
    ("تاريخ الولادة", "birth_date"),
    ("تاريخ الوفاة", "death_date"),
    ("تاريخ الاعتقال", "arrest_date"),
    ("المحافظة", "governorate"),
    ("الفرع", "branch"),
    ("مكان الوفاة", "place"),
]


def test_arabic_headers_map_by_themselves() -> None:
    header = [h for h, _ in ARABIC]
    planned = mapping.plan(header, [["محمد"] * len(header)])
    assert planned.ok, planned.problems
    assert planned.fields() == dict(ARABIC)
    assert {c.how for c in planned.columns} == {How.HEADER}


@pytest.mark.parametrize(
    ("header", "value", "field"),
    [
        ("Name", "محمد أحمد", "full_name"),
        ("Name", "Mohammad Ahmad", "full_name_latin"),  # the values' script decides
        ("Name (English)", "محمد", "full_name_latin"),  # the header says so
        ("full_name", "Mohammad Ahmad", "full_name"),  # a field's own name is kept
        ("Mother's name", "Fatima", "mother_name_latin"),
    ],
)
def test_a_name_column_is_arabic_or_latin_as_its_values_are(
    header: str, value: str, field: str
) -> None:
    planned = mapping.plan(["record_id", header], [["1", value]])
    assert planned.fields()[header] == field


def test_columns_without_a_header_or_repeated_are_named_by_position() -> None:
    header = ["record_id", "full_name", "", "Notes", "Notes", ""]
    rows = [["1", "Ali", "x", "a", "b", ""]]
    planned = mapping.plan(header, rows, {"#3": "branch"}, ignore=["#4", "#5"])
    assert planned.ok, planned.problems
    labels = [(c.label, c.how) for c in planned.columns[2:]]
    assert labels == [("#3", How.MAP), ("#4", How.IGNORE), ("#5", How.IGNORE),
                      ("#6", How.EMPTY)]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "ignore", "said"),
    [
        ({"Name": "ful_name"}, [], "'ful_name' is not a field (did you mean 'full_name'"),
        ({"Nmae": "full_name"}, [], "no column 'Nmae' (did you mean 'Name'"),
        ({}, ["Provnce"], "no column 'Provnce' (did you mean 'Province'"),
        ({"Sex": "sex"}, ["Sex"], "'Sex' is both mapped (--map) and ignored"),
        ({"Province": "place", "Date of death": "place"}, [], "all map to place"),
    ],
)
def test_a_mistyped_option_is_refused_with_the_closest_names(
    extra: dict[str, str], ignore: list[str], said: str
) -> None:
    planned = mapping.plan(STORY, [STORY_ROW], extra, ignore)
    assert any(said in p for p in planned.problems), planned.problems


def test_a_file_read_with_the_wrong_delimiter_says_to_give_the_delimiter() -> None:
    planned = mapping.plan(["ID;Name;Sex"], [["1;Ali;M"]])
    assert any("--delimiter" in p and "no column holds a name" in p for p in planned.problems)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("2013-02-28", "2013-02-28"),
        ("2012-02-29", "2012-02-29"),  # a leap year
        ("2013", "2013"),  # year only, kept as such
        ("2013-4", "2013-04"),  # year and month, kept as such
        ("04/2013", "2013-04"),
        ("30/04/2013", "2013-04-30"),
        ("١٠/٠١/٢٠١٣", "2013-01-10"),  # Eastern Arabic digits
    ],
)
def test_calendar_dates_and_partial_dates_are_kept_as_written(text: str, kept: str) -> None:
    assert fields.parse_date(text) == kept


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2013-02-30", "February 2013 has 28 days"),
        ("2013-02-29", "February 2013 has 28 days"),
        ("31/04/2013", "April 2013 has 30 days"),
        ("2013-13", "no month 13"),
        ("2013-00-10", "no month 00"),
        ("1850", "not plausible"),
        ("yesterday", "not a date"),
    ],
)
def test_a_day_the_calendar_lacks_is_refused(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        fields.parse_date(text)


def test_a_bad_date_names_the_row_and_the_files_column() -> None:
    header = ["ID", "Name", "Date of death"]
    rows = [["1", "Ali", "2013-01-10"], ["2", "Omar", "2013-02-30"]]
    planned = mapping.plan(header, rows)
    result = fields.validate(rows, header, planned.fields(), numbers=[2, 4])
    [error] = result.errors
    assert str(error) == (
        "row 4, column death_date ('Date of death'): '2013-02-30' is not a date: "
        "February 2013 has 28 days"
    )


def test_a_value_beyond_the_last_column_is_refused_not_dropped() -> None:
    # "Haddad, Mohammad" unquoted in a comma-separated file: the sex lands past the header
    header = ["record_id", "full_name"]
    rows = [["1", "Ali"], ["2", "Haddad", " Mohammad"], ["3", "Omar", ""]]
    result = fields.validate(rows, header, {"record_id": "record_id", "full_name": "full_name"})
    [error] = result.errors
    assert str(error).startswith("row 3, column row: ' Mohammad' is beyond the header's 2")
    assert [r["record_id"] for r in result.records] == ["1", "3"]


def test_a_repeated_header_is_named_by_position() -> None:
    planned = mapping.plan(["full_name", "Notes", "Notes"], [], ignore=["Notes"])
    assert "2 columns are headed 'Notes': name each by its position (#2, #3)" in planned.problems
