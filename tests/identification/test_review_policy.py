"""The two-person rule, as a table of decision sequences and as a property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.identification import review
from dalil.identification.errors import ReviewRefused
from dalil.identification.review import Decision, ReviewDecision, Status

R, P, L = Decision.REJECT, Decision.POSSIBLE, Decision.LIKELY


def _seq(*steps: tuple[str, Decision]) -> list[ReviewDecision]:
    return [
        ReviewDecision(
            "AM-1", "C1", who, what, "reason given at length", f"2026-01-01T00:00:{i:02d}Z"
        )
        for i, (who, what) in enumerate(steps)
    ]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ((), Status.UNREVIEWED),
        ((("ana", L),), Status.LIKELY),
        ((("ana", L), ("ana", L)), Status.LIKELY),  # the same person twice is one person
        ((("ana", L), ("ben", L)), Status.CONFIRMED),
        ((("ana", L), ("ben", P)), Status.LIKELY),
        ((("ana", L), ("ben", L), ("cem", R)), Status.DISPUTED),
        ((("ana", L), ("ben", L), ("ben", P)), Status.LIKELY),  # a change of mind counts
        ((("ana", R),), Status.REJECTED),
        ((("ana", R), ("ben", R)), Status.REJECTED),
        ((("ana", P), ("ben", R)), Status.DISPUTED),
        ((("ana", R), ("ana", L), ("ben", L)), Status.CONFIRMED),  # only the latest counts
        ((("ana", P),), Status.POSSIBLE),
    ],
)
def test_status_of_a_pair(steps: tuple[tuple[str, Decision], ...], expected: Status) -> None:
    assert review.status(_seq(*steps)) is expected


@given(st.lists(st.sampled_from(list(Decision)), max_size=12))
def test_one_reviewer_alone_never_confirms(decisions: list[Decision]) -> None:
    assert review.status(_seq(*[("ana", d) for d in decisions])) is not Status.CONFIRMED


@given(st.lists(st.tuples(st.sampled_from(["ana", "ben", "cem"]), st.sampled_from(list(Decision)))))
def test_confirmed_means_two_different_reviewers_say_likely(
    steps: list[tuple[str, Decision]],
) -> None:
    decisions = _seq(*steps)
    if review.status(decisions) is Status.CONFIRMED:
        assert len(review.confirmers(decisions)) >= 2
        assert review.notification_task(decisions) is not None
    else:
        assert review.notification_task(decisions) is None


def test_confirmation_creates_a_task_for_a_person_not_a_message() -> None:
    task = review.notification_task(_seq(("ana", L), ("ben", L)))
    assert task is not None
    assert task.assigned_role == "family_liaison"
    assert task.confirmed_by == ("ana", "ben")
    assert not {"message", "channel", "phone", "email", "text"} & set(vars(task))


@pytest.mark.parametrize(
    ("reviewer", "reason"), [("", "a sufficiently long reason"), ("ana", "ok"), ("ana", "   ")]
)
def test_decision_without_identity_or_reason_is_refused(reviewer: str, reason: str) -> None:
    with pytest.raises(ReviewRefused):
        review.check_decision(ReviewDecision("AM-1", "C1", reviewer, L, reason, "t"))


def test_a_report_is_confirmed_against_one_body_only() -> None:
    with pytest.raises(ReviewRefused, match="already confirmed as case C7"):
        review.check_unique_confirmation("AM-1", "C1", [("AM-1", "C7")])
    with pytest.raises(ReviewRefused, match="already confirmed as report AM-2"):
        review.check_unique_confirmation("AM-1", "C1", [("AM-2", "C1")])
    review.check_unique_confirmation("AM-1", "C1", [("AM-1", "C1"), ("AM-2", "C2")])
