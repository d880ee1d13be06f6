"""Lines read on a card → (detainee, branch, report), in every layout and both scripts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.catalogue.digits import script_of, to_western
from dalil.catalogue.layout import (
    BRANCH_NOT_IN_VOCABULARY,
    INCOMPLETE,
    MIXED_DIGITS,
    Line,
    parse_lines,
)
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.synth.numbers import CaseNumbers
from dalil.synth.writing import LAYOUTS, layout_lines

VOCABULARY = load_vocabulary()


def lines_of(texts: tuple[str, ...] | list[str], confidence: float = 0.99) -> list[Line]:
    return [Line(t, (confidence,) * len(t)) for t in texts]


@pytest.mark.parametrize("digits", ["western", "eastern"])
@pytest.mark.parametrize("layout", [*LAYOUTS, "report_only"])
def test_every_layout_the_cards_use_is_parsed(layout: str, digits: str) -> None:
    numbers = (
        CaseNumbers(None, None, 2801) if layout == "report_only" else CaseNumbers(1608, 251, 2801)
    )
    written = layout_lines(numbers, layout, digits)
    parsed = parse_lines(lines_of(written), VOCABULARY)
    assert parsed.layout == layout
    expected = {"detainee": numbers.detainee, "branch": numbers.branch, "report": numbers.report}
    for name, value in expected.items():
        assert parsed.fields[name].value == (None if value is None else str(value))
    assert parsed.script == digits
    assert parsed.category == ("other" if layout == "report_only" else "detainee")
    assert parsed.flags == ()


@given(
    detainee=st.integers(100, 99_999),
    branch=st.sampled_from(sorted(VOCABULARY.numbers)),
    report=st.integers(1000, 999_999),
    layout=st.sampled_from(LAYOUTS),
    digits=st.sampled_from(["western", "eastern"]),
)
def test_written_numbers_are_recovered_in_any_layout(
    detainee: int, branch: str, report: int, layout: str, digits: str
) -> None:
    numbers = CaseNumbers(detainee, int(branch), report)
    parsed = parse_lines(lines_of(layout_lines(numbers, layout, digits)), VOCABULARY)
    values = {n: parsed.fields[n].value for n in ("detainee", "branch", "report")}
    if layout != "two_lines" and str(detainee) in VOCABULARY:
        # A detainee number that is also a branch number: three_lines and branch_first
        # read the same two lines both ways, so the pair may come out swapped, never lost.
        assert {values["detainee"], values["branch"]} == {str(detainee), branch}
    else:
        assert values == {"detainee": str(detainee), "branch": branch, "report": str(report)}


def test_a_branch_number_not_in_the_vocabulary_is_flagged() -> None:
    parsed = parse_lines(lines_of(["1614", "999", "2804"]), VOCABULARY)
    assert parsed.fields["branch"].value == "999"
    assert BRANCH_NOT_IN_VOCABULARY in parsed.flags


def test_a_known_branch_is_not_flagged_and_decides_the_layout() -> None:
    three = parse_lines(lines_of(["1614", "215", "2804"]), VOCABULARY)
    first = parse_lines(lines_of(["215", "1614", "2804"]), VOCABULARY)
    assert (three.layout, three.fields["branch"].value) == ("three_lines", "215")
    assert (first.layout, first.fields["branch"].value) == ("branch_first", "215")
    assert BRANCH_NOT_IN_VOCABULARY not in three.flags + first.flags


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["١٥٠4", "٢١٥", "٢٨٠٦"], ("1504", "215", "2806")),  # a Western 4 among Eastern digits
        (["1608/٢٥١", "٢٨٠١"], ("1608", "251", "2801")),
        (["۱۵۰۴", "۲۱۵", "۲۸۰۶"], ("1504", "215", "2806")),  # Persian forms of the digits
    ],
)
def test_eastern_and_western_digits_mixed_give_western_values(
    lines: list[str], expected: tuple[str, str, str]
) -> None:
    parsed = parse_lines(lines_of(lines), VOCABULARY)
    got = tuple(parsed.fields[n].value for n in ("detainee", "branch", "report"))
    assert got == expected
    if (
        any(script_of(line) == "mixed" for line in lines)
        or len({script_of(line) for line in lines}) > 1
    ):
        assert MIXED_DIGITS in parsed.flags


def test_digits_of_every_script_become_western() -> None:
    assert to_western("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ 0123456789") == ("0123456789 0123456789 0123456789")


def test_a_lost_line_gives_an_incomplete_reading_with_lower_confidence() -> None:
    whole = parse_lines(lines_of(["1614", "251", "2804"]), VOCABULARY)
    partial = parse_lines(lines_of(["1614", "251"]), VOCABULARY)
    assert INCOMPLETE in partial.flags
    assert partial.fields["report"].value is None
    assert partial.fields["detainee"].confidence < whole.fields["detainee"].confidence


def test_field_confidence_is_the_product_of_its_characters() -> None:
    sure = [Line(t, (1.0,) * len(t)) for t in ("1614", "251", "2804")]
    unsure = [Line("1614", (0.9, 0.9, 1.0, 1.0)), *sure[1:]]
    ratio = (
        parse_lines(unsure, VOCABULARY).fields["detainee"].confidence
        / parse_lines(sure, VOCABULARY).fields["detainee"].confidence
    )
    assert ratio == pytest.approx(0.81, abs=0.001)


def test_an_implausible_number_is_not_trusted_however_clearly_read() -> None:
    parsed = parse_lines(lines_of(["55"], confidence=1.0), VOCABULARY)
    assert parsed.fields["report"].value == "55"
    assert parsed.fields["report"].confidence < 0.2


@pytest.mark.parametrize("noise", [[], [""], ["//"], ["abc"], ["12/34/56"]])
def test_nothing_readable_gives_no_numbers(noise: list[str]) -> None:
    parsed = parse_lines(lines_of(noise), VOCABULARY)
    assert all(f.value is None for f in parsed.fields.values())
    assert parsed.category == "unknown"
