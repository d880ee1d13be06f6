"""Double entry: two different people must type the same value before it is confirmed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.catalogue import review
from dalil.catalogue.review import (
    AWAITING,
    CONFIRMED,
    DISPUTED,
    Entry,
    case_state,
    field_state,
    parse_entry,
    refuse_correction,
    refuse_entry,
)
from dalil.errors import InputError


def entry(seq: int, reviewer: str, line: str, kind: str = "entry") -> Entry:
    return Entry(seq, reviewer, kind, parse_entry(line))


def test_two_reviewers_agreeing_confirm_every_field() -> None:
    entries = [entry(1, "alice", "1608 251 2801"), entry(2, "bob", "1608 251 2801")]
    state = case_state(entries)
    assert state.status == CONFIRMED
    assert state.fields["detainee"].value == "1608"
    assert state.fields["report"].reviewers == ("alice", "bob")
    assert state.needs is None


def test_one_entry_confirms_nothing_even_when_the_machine_agrees() -> None:
    state = case_state([entry(1, "alice", "1608 251 2801")])
    assert state.status == AWAITING and state.needs == "second entry"
    assert all(f.value is None for f in state.fields.values())


def test_the_same_person_typing_twice_confirms_nothing_and_is_refused() -> None:
    entries = [entry(1, "alice", "1608 251 2801"), entry(2, " Alice ", "1608 251 2801")]
    assert case_state(entries).status == AWAITING
    assert refuse_entry(entries[:1], "ALICE") is not None


def test_disagreement_goes_to_a_third_person_whose_value_confirms_one_side() -> None:
    entries = [entry(1, "alice", "1608 251 2801"), entry(2, "bob", "1603 251 2801")]
    state = case_state(entries)
    assert state.fields["detainee"].status == DISPUTED
    assert state.fields["branch"].status == CONFIRMED
    assert state.needs == "third person"
    assert refuse_entry(entries, "alice") is not None and refuse_entry(entries, "bob") is not None
    assert refuse_entry(entries, "carol") is None
    entries.append(entry(3, "carol", "1608 251 2801"))
    resolved = field_state(entries, "detainee")
    assert (resolved.status, resolved.value, resolved.reviewers) == (
        CONFIRMED, "1608", ("alice", "carol"),
    )  # fmt: skip


def test_a_third_value_leaves_the_field_disputed() -> None:
    entries = [
        entry(1, "alice", "1608 251 2801"),
        entry(2, "bob", "1603 251 2801"),
        entry(3, "carol", "1606 251 2801"),
    ]
    assert field_state(entries, "detainee").status == DISPUTED


def test_a_correction_replaces_the_reviewers_own_value_only() -> None:
    entries = [entry(1, "alice", "1608 251 2801"), entry(2, "bob", "1603 251 2801")]
    assert refuse_correction(entries, "bob", parse_entry("1608 251 2801")) is None
    entries.append(entry(3, "bob", "1608 251 2801", kind="correction"))
    assert field_state(entries, "detainee").value == "1608"
    assert refuse_correction(entries, "carol", parse_entry("1 2 3")) is not None


def test_a_confirmed_field_cannot_be_changed_by_a_correction() -> None:
    entries = [entry(1, "alice", "1608 251 2801"), entry(2, "bob", "1608 251 2801")]
    refusal = refuse_correction(entries, "bob", parse_entry("1608 251 2809"))
    assert refusal is not None and "report" in refusal


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("1608 251 2801", ("1608", "251", "2801")),
        ("١٦٠٨ ٢٥١ ٢٨٠١", ("1608", "251", "2801")),
        ("1608/251 2801", ("1608", "251", "2801")),
        ("- - 2801", ("-", "-", "2801")),
        ("? 251 ?", ("?", "251", "?")),
        ("  0160  251  2801 ", ("0160", "251", "2801")),
    ],
)
def test_typed_lines_in_any_digits(line: str, values: tuple[str, str, str]) -> None:
    assert tuple(parse_entry(line).values()) == values


@pytest.mark.parametrize("line", ["", "1608 251", "1608 251 2801 7", "16o8 251 2801", "1 2 3x"])
def test_malformed_lines_are_refused_with_a_reason(line: str) -> None:
    with pytest.raises(InputError):
        parse_entry(line)


def test_both_typing_not_written_makes_an_other_case() -> None:
    assert review.confirmed_category({"detainee": "-", "branch": "-", "report": "2801"}) == "other"
    assert (
        review.confirmed_category({"detainee": "1", "branch": "215", "report": "?"}) == "detainee"
    )


values = st.sampled_from(["1608", "1603", "?", "-"])
steps = st.lists(
    st.tuples(
        st.sampled_from(["alice", "bob", "carol", "ALICE", "dave"]),
        values,
        st.sampled_from(["entry", "correction"]),
    ),
    max_size=8,
)


@given(steps)
def test_no_value_is_ever_confirmed_that_only_one_reviewer_typed(
    history: list[tuple[str, str, str]],
) -> None:
    entries = [
        Entry(i, who, kind, {"detainee": v, "branch": "215", "report": "2801"})
        for i, (who, v, kind) in enumerate(history, start=1)
    ]
    state = field_state(entries, "detainee")
    if state.status != CONFIRMED:
        return
    first, second = state.reviewers
    assert not review.same_person(first, second)
    for who, seq in zip(state.reviewers, state.entries, strict=True):
        typed = next(e for e in entries if e.seq == seq)
        assert review.same_person(typed.reviewer, who)
        assert typed.values["detainee"] == state.value
