"""The two-person rules count registered people, each proved by their own key."""

from __future__ import annotations

import pytest

from dalil.capabilities import rules
from dalil.catalogue import review
from dalil.catalogue import store as catalogue_store
from dalil.errors import InputError
from dalil.identification import decisions
from dalil.identification.review import Decision, Status
from dalil.people import registry
from dalil.vault import custody
from dalil.vault.verify import verify
from tests.identification.conftest import record_cases

from .conftest import Team, add_report

WHY = "the branch and the scar on the left arm agree"
NUMBERS = {"detainee": "1608", "branch": "251", "report": "2801"}


def test_one_person_under_two_names_cannot_confirm_a_match(team: Team) -> None:
    [case] = record_cases(team.archive, 1)
    code = add_report(team.archive)
    first = decisions.decide(team.archive, code, case, team.author("alice"), Decision.LIKELY, WHY)
    again = team.author("alice", as_="Alice Haddad")  # her display name, her key
    second = decisions.decide(team.archive, code, case, again, Decision.LIKELY, WHY)
    assert (first.status, second.status) == (Status.LIKELY, Status.LIKELY)
    assert second.task_id is None
    third = decisions.decide(team.archive, code, case, team.author("bob"), Decision.LIKELY, WHY)
    assert third.status is Status.CONFIRMED and third.task_id is not None
    with team.archive.read() as conn:
        events = [e for e in custody.iter_events(conn) if e.type.startswith("match.")]
    assert [(e.type, e.data["by"]) for e in events] == [
        ("match.decided", "alice"),
        ("match.decided", "alice"),
        ("match.decided", "bob"),
        ("match.confirmed", "bob"),
    ]
    assert events[3].data["confirmed_by"] == ["alice", "bob"]
    assert verify(team.archive, rules(), record=False).ok


def test_one_person_under_two_names_types_a_case_once(team: Team) -> None:
    [case] = record_cases(team.archive, 1)
    with team.archive.read() as conn:
        grouping = catalogue_store.latest_grouping(conn)
    assert grouping is not None
    seq = grouping["seq"]
    with team.archive.write() as conn:
        for alice in (team.author("alice"), team.author("alice", as_="ALICE")):
            catalogue_store.record_entry(conn, case, seq, alice, NUMBERS, NUMBERS)
        entries = catalogue_store.entries_by_case(conn, [case])[case]
    state = review.case_state(entries)
    assert state.reviewers == ("alice",) and state.status == review.AWAITING
    assert review.refuse_entry(entries, "alice") is not None
    bob = team.author("bob")
    with team.archive.write() as conn:
        catalogue_store.record_entry(conn, case, seq, bob, NUMBERS, NUMBERS)
        entries = catalogue_store.entries_by_case(conn, [case])[case]
        state = review.case_state(entries)
        for name, field in review.new_confirmations(entries, {}):
            assert field.value is not None
            catalogue_store.record_confirmation(conn, case, name, field.value,
                                                list(field.entries), list(field.reviewers),
                                                by=bob)  # fmt: skip
    assert state.status == review.CONFIRMED
    assert state.fields["branch"].reviewers == ("alice", "bob")
    assert verify(team.archive, rules(), record=False).ok


def test_another_persons_name_with_ones_own_key_is_refused(team: Team) -> None:
    [case] = record_cases(team.archive, 1)
    code = add_report(team.archive)
    posing = team.author("alice", as_="bob")
    with pytest.raises(InputError, match="not bob's registered key \\(it is alice's\\)"):
        decisions.decide(team.archive, code, case, posing, Decision.LIKELY, WHY)


def test_a_plain_name_is_refused_once_people_are_registered(team: Team) -> None:
    [case] = record_cases(team.archive, 1)
    code = add_report(team.archive)
    with pytest.raises(InputError, match="--as PERSON and --key FILE"):
        decisions.decide(team.archive, code, case, "alice", Decision.LIKELY, WHY)
    with team.archive.read() as conn:
        assert decisions.pair_status(conn, code, case) is Status.UNREVIEWED


def test_a_disabled_person_can_no_longer_decide(team: Team) -> None:
    [case] = record_cases(team.archive, 1)
    code = add_report(team.archive)
    registry.disable(team.archive, "cem", "left the team")
    with pytest.raises(InputError, match="cem was disabled"):
        decisions.decide(team.archive, code, case, team.author("cem"), Decision.LIKELY, WHY)
