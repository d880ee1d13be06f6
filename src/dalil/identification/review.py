"""The review policy: who may decide what, and when an identification is confirmed.

A ranking is a list of leads, never an identification. Reviewers decide each lead
*reject*, *possible* or *likely*, each decision with their identity and a reason. Only
a reviewer's latest decision on a pair counts. The pair is *confirmed* when two
different reviewers' latest decisions are both *likely* and nobody's latest decision
rejects it: one person's conviction, however expert, is not enough to tell a mother her
son is dead. A confirmation creates a task for a person (the family liaison), who
decides how and when to tell the family; dalil never sends a message to a family.

A report may be confirmed against one case only, and a case against one report; a
second confirmation is refused until the first is withdrawn by new decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dalil.identification.errors import ReviewRefused


class Decision(StrEnum):
    REJECT = "reject"
    POSSIBLE = "possible"
    LIKELY = "likely"


class Status(StrEnum):
    UNREVIEWED = "unreviewed"
    REJECTED = "rejected"
    POSSIBLE = "possible"
    LIKELY = "likely"  # one reviewer says likely: waits for a second, different reviewer
    DISPUTED = "disputed"  # reviewers disagree: needs discussion, not a vote
    CONFIRMED = "confirmed"


class TaskOutcome(StrEnum):
    """How a notification task ended, as the family liaison records it."""

    INFORMED = "family informed"
    NOT_REACHABLE = "family not reachable"
    DECLINED = "family declined"


REVIEWERS_TO_CONFIRM = 2
MIN_REASON_CHARS = 10  # "ok" is not a reason a court or a family can be given
NOTIFY_ROLE = "family_liaison"


@dataclass(frozen=True)
class ReviewDecision:
    report: str
    case_id: str
    reviewer: str
    decision: Decision
    reason: str
    at: str  # ISO 8601 UTC; decisions are ordered by (at, order given)


@dataclass(frozen=True)
class NotificationTask:
    """Work for a person: tell a family, with care. Holds no message text and no channel."""

    report: str
    case_id: str
    assigned_role: str
    confirmed_by: tuple[str, ...]


def check_decision(decision: ReviewDecision) -> None:
    """Refuse a decision without an identity or a real reason."""
    if not decision.reviewer.strip():
        raise ReviewRefused("a decision must name the reviewer who made it")
    if len(decision.reason.strip()) < MIN_REASON_CHARS:
        raise ReviewRefused(
            f"give the reason for the decision in at least {MIN_REASON_CHARS} characters: "
            "what in the photos, numbers or report supports it"
        )


def latest_by_reviewer(decisions: Iterable[ReviewDecision]) -> dict[str, ReviewDecision]:
    latest: dict[str, ReviewDecision] = {}
    for decision in sorted(decisions, key=lambda d: d.at):
        latest[decision.reviewer] = decision
    return latest


def status(decisions: Iterable[ReviewDecision]) -> Status:
    """The state of one report-case pair from its decisions."""
    latest = latest_by_reviewer(decisions).values()
    kinds = [d.decision for d in latest]
    if not kinds:
        return Status.UNREVIEWED
    rejects = kinds.count(Decision.REJECT)
    likely = kinds.count(Decision.LIKELY)
    if rejects and len(kinds) > rejects:
        return Status.DISPUTED
    if rejects:
        return Status.REJECTED
    if likely >= REVIEWERS_TO_CONFIRM:
        return Status.CONFIRMED
    return Status.LIKELY if likely else Status.POSSIBLE


def confirmers(decisions: Iterable[ReviewDecision]) -> tuple[str, ...]:
    latest = latest_by_reviewer(decisions).values()
    return tuple(sorted(d.reviewer for d in latest if d.decision is Decision.LIKELY))


def check_unique_confirmation(
    report: str, case_id: str, confirmed_pairs: Sequence[tuple[str, str]]
) -> None:
    """Refuse a confirmation that would give a report two bodies or a body two reports."""
    for other_report, other_case in confirmed_pairs:
        if (other_report, other_case) == (report, case_id):
            continue
        if other_report == report:
            raise ReviewRefused(
                f"report {report} is already confirmed as case {other_case}; "
                "review that identification before confirming another"
            )
        if other_case == case_id:
            raise ReviewRefused(
                f"case {case_id} is already confirmed as report {other_report}; "
                "review that identification before confirming another"
            )


def notification_task(decisions: Sequence[ReviewDecision]) -> NotificationTask | None:
    """The task a confirmation creates, or None if the pair is not confirmed."""
    if status(decisions) is not Status.CONFIRMED:
        return None
    first = decisions[0]
    return NotificationTask(first.report, first.case_id, NOTIFY_ROLE, confirmers(decisions))
