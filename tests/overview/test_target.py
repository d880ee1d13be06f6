"""What the shape of a typed argument says it could name, before the archive is asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.errors import InputError
from dalil.overview.target import Kind, readings, too_short

SHA = "3fa2" * 16
CASE = SHA[:16]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("AM-000001", (Kind.REPORT,)),
        ("am-42", (Kind.REPORT,)),
        (SHA, (Kind.PHOTO, Kind.PATH)),
        (SHA.upper(), (Kind.PHOTO, Kind.PATH)),
        (SHA[:20], (Kind.PHOTO, Kind.PATH)),
        (CASE, (Kind.CASE, Kind.PHOTO, Kind.PATH)),
        (SHA[:8], (Kind.PHOTO, Kind.CASE, Kind.PATH)),
        ("3fa2", (Kind.PATH,)),
        ("centre:C-1", (Kind.PATH, Kind.RECORD, Kind.CASE)),
        ("2012-05-14/DSC_0001.JPG", (Kind.PATH, Kind.CASE)),
        ("case-2", (Kind.PATH, Kind.CASE)),
        ("  " + CASE + " ", (Kind.CASE, Kind.PHOTO, Kind.PATH)),
    ],
)
def test_the_shape_of_an_argument_orders_the_kinds_tried(
    text: str, kinds: tuple[Kind, ...]
) -> None:
    assert readings(text) == kinds


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_argument_is_refused_with_what_to_give(text: str) -> None:
    with pytest.raises(InputError, match="AM-"):
        readings(text)


def test_a_short_hex_prefix_says_how_many_digits_are_needed() -> None:
    assert too_short("3fa2") is not None and "8" in str(too_short("3fa2"))
    assert too_short(SHA[:8]) is None and too_short("DSC_0001.JPG") is None


@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_every_non_empty_text_can_be_tried_as_something(text: str) -> None:
    kinds = readings(text)
    assert kinds and len(set(kinds)) == len(kinds)
