"""Stories on a real archive: two reviewers confirm, a task for a person, withdrawal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from dalil.errors import NotFound
from dalil.identification import decisions, reports
from dalil.identification.am_report import parse_report
from dalil.identification.consent import Purpose
from dalil.identification.errors import ConsentRequired, ReviewRefused
from dalil.identification.review import Decision, Status
from dalil.identification.tables import match_decisions
from dalil.vault import custody
from dalil.vault.archive import Archive

WHY = "branch and scar on the left arm agree; face crop similar"


def _report(archive: Archive, consent: str = "yes") -> str:
    values = {
        "name_latin_given": f"Samir{uuid.uuid4().hex[:6]}",
        "consent_identification": consent,
        "consent_court": "yes",
    }
    return reports.add_report(archive, parse_report(values, date(2026, 1, 1)))


def test_two_different_reviewers_confirm_and_a_task_is_opened(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case = _report(shared_archive), next(cases)
    first = decisions.decide(shared_archive, code, case, "ana", Decision.LIKELY, WHY)
    assert first == decisions.Outcome(Status.LIKELY, None)
    second = decisions.decide(shared_archive, code, case, "ben", Decision.LIKELY, WHY)
    assert second.status is Status.CONFIRMED and second.task_id is not None
    with shared_archive.read() as conn:
        [task] = [t for t in decisions.tasks(conn) if t.case_id == case]
        events = [
            e
            for e in custody.iter_events(conn)
            if e.data.get("case") == case and e.type.startswith("match.")
        ]
    assert task.assigned_role == "family_liaison" and task.status == "open"
    assert [e.type for e in events] == ["match.decided", "match.decided", "match.confirmed"]
    assert events[2].data["confirmed_by"] == ["ana", "ben"]
    assert all(WHY not in e.body.decode() for e in events)


def test_the_same_reviewer_twice_does_not_confirm(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case = _report(shared_archive), next(cases)
    decisions.decide(shared_archive, code, case, "ana", Decision.LIKELY, WHY)
    outcome = decisions.decide(shared_archive, code, case, "ana", Decision.LIKELY, WHY)
    assert outcome == decisions.Outcome(Status.LIKELY, None)


def test_a_later_doubt_cancels_the_open_task(shared_archive: Archive, cases: Iterator[str]) -> None:
    code, case = _report(shared_archive), next(cases)
    decisions.decide(shared_archive, code, case, "ana", Decision.LIKELY, WHY)
    decisions.decide(shared_archive, code, case, "ben", Decision.LIKELY, WHY)
    decisions.decide(shared_archive, code, case, "cem", Decision.REJECT, "the teeth differ clearly")
    with shared_archive.read() as conn:
        assert decisions.pair_status(conn, code, case) is Status.DISPUTED
        assert not [t for t in decisions.tasks(conn) if t.case_id == case]


def test_second_body_for_a_confirmed_report_is_refused(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case, other = _report(shared_archive), next(cases), next(cases)
    for reviewer in ("ana", "ben"):
        decisions.decide(shared_archive, code, case, reviewer, Decision.LIKELY, WHY)
    decisions.decide(shared_archive, code, other, "ana", Decision.LIKELY, WHY)
    with pytest.raises(ReviewRefused, match="already confirmed"):
        decisions.decide(shared_archive, code, other, "ben", Decision.LIKELY, WHY)


def test_no_review_without_identification_consent(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code = _report(shared_archive, consent="no")
    with pytest.raises(ConsentRequired):
        decisions.decide(shared_archive, code, next(cases), "ana", Decision.LIKELY, WHY)


def test_withdrawal_erases_reasons_and_cancels_tasks_but_keeps_who_decided(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case = _report(shared_archive), next(cases)
    for reviewer in ("ana", "ben"):
        decisions.decide(shared_archive, code, case, reviewer, Decision.LIKELY, WHY)
    decisions.override_exclusion(
        shared_archive, code, case, "sex_mismatch", "ana", "sex misread on a damaged body"
    )
    reports.withdraw(shared_archive, code, "family request")
    with shared_archive.read() as conn:
        rows = conn.execute(
            select(match_decisions.c.reviewer, match_decisions.c.reason).where(
                match_decisions.c.case_id == case
            )
        ).all()
        assert [(r.reviewer, r.reason) for r in rows] == [("ana", None), ("ben", None)]
        assert not [t for t in decisions.tasks(conn) if t.case_id == case]
        assert decisions.overrides_for(conn, code)[case][0].reason == ""


def test_override_needs_a_known_rule_and_a_reason(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code = _report(shared_archive)
    with pytest.raises(ReviewRefused, match="not an exclusion rule"):
        decisions.override_exclusion(shared_archive, code, next(cases), "branch", "ana", WHY)
    with pytest.raises(ReviewRefused, match="reason"):
        decisions.override_exclusion(shared_archive, code, next(cases), "sex_mismatch", "ana", "")


def test_closing_a_task_records_an_outcome_from_the_list(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case = _report(shared_archive), next(cases)
    for reviewer in ("ana", "ben"):
        outcome = decisions.decide(shared_archive, code, case, reviewer, Decision.LIKELY, WHY)
    assert outcome.task_id is not None
    with pytest.raises(ReviewRefused):
        decisions.close_task(shared_archive, outcome.task_id, "liaison", "sent an SMS")
    decisions.close_task(shared_archive, outcome.task_id, "liaison", "family informed")
    with pytest.raises(ReviewRefused, match="no open notification task"):
        decisions.close_task(shared_archive, outcome.task_id, "liaison", "family informed")


def test_court_consent_alone_allows_court_use_but_not_review(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code = _report(shared_archive, consent="no")
    assert reports.court_record(shared_archive, code)["report"] == code
    reports.set_consent(shared_archive, code, Purpose.IDENTIFICATION, True)
    decisions.decide(shared_archive, code, next(cases), "ana", Decision.POSSIBLE, WHY)


def test_a_case_the_archive_does_not_hold_is_never_confirmed(shared_archive: Archive) -> None:
    code = _report(shared_archive)
    with shared_archive.read() as conn:
        before, tasks = custody.log_size(conn), decisions.tasks(conn, open_only=False)
    for reviewer in ("ana", "ben"):
        with pytest.raises(NotFound, match=r"no case 'deadbeefdeadbeef'.*it holds"):
            decisions.decide(shared_archive, code, "deadbeefdeadbeef", reviewer,
                             Decision.LIKELY, WHY)  # fmt: skip
    with pytest.raises(NotFound, match="deadbeefdeadbeef"):
        decisions.override_exclusion(shared_archive, code, "deadbeefdeadbeef", "sex_mismatch",
                                     "ana", WHY)  # fmt: skip
    with shared_archive.read() as conn:
        assert custody.log_size(conn) == before
        assert decisions.tasks(conn, open_only=False) == tasks


def test_a_unique_prefix_names_the_whole_case(
    shared_archive: Archive, cases: Iterator[str]
) -> None:
    code, case = _report(shared_archive), next(cases)
    outcome = decisions.decide(shared_archive, code, case[:10].upper(), "ana", Decision.LIKELY, WHY)
    assert outcome.case_id == case
    with shared_archive.read() as conn:
        assert decisions.pair_status(conn, code, case) is Status.LIKELY
        rows = conn.execute(select(match_decisions.c.case_id).where(
            match_decisions.c.case_id.startswith(case[:10]))).scalars().all()  # fmt: skip
    assert rows == [case]
