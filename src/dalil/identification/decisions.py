"""Reviewers' decisions, exclusion overrides and notification tasks, in the archive.

The shell around ``review``: every decision is a row and a custody event written in one
transaction; the event carries the reviewer, the decision and a commitment to the
reason (the reason itself may quote the report, so it stays in the table, where a
withdrawal can erase it). Reviewers are named by the caller: the CLI passes the
operator running it, the web app its logged-in user, never a name typed as an option,
so that one person cannot act as the second reviewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from dalil import lookup
from dalil.clock import utc_now
from dalil.identification import replay, reports, review, sealing
from dalil.identification.comparison import EXCLUSION_RULES
from dalil.identification.consent import Purpose, require
from dalil.identification.errors import ReviewRefused
from dalil.identification.known_cases import resolve_case
from dalil.identification.replay import IDENTIFICATION
from dalil.identification.review import Decision, ReviewDecision, Status, TaskOutcome
from dalil.identification.scoring import Override
from dalil.identification.tables import exclusion_overrides, match_decisions, notification_tasks
from dalil.people import registry as people
from dalil.vault.archive import Archive
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Outcome:
    status: Status
    task_id: int | None  # the notification task a confirmation created
    case_id: str = field(default="", compare=False)  # the case decided on, in full


def _decisions(
    conn: Connection, report: reports.StoredReport, case_id: str
) -> list[ReviewDecision]:
    rows = conn.execute(
        select(match_decisions)
        .where(match_decisions.c.report_id == report.id, match_decisions.c.case_id == case_id)
        .order_by(match_decisions.c.seq)
    ).all()
    return [
        ReviewDecision(
            report.code, case_id, r.reviewer, Decision(r.decision), r.reason or "", r.decided_at
        )
        for r in rows
    ]


def _confirmed_pairs(conn: Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(notification_tasks.c.report_id, notification_tasks.c.case_id).where(
            notification_tasks.c.status != "cancelled"
        )
    ).all()
    return [(reports.format_code(r.report_id), r.case_id) for r in rows]


def decide(
    archive: Archive,
    code: str,
    case_id: str,
    who: people.Acting,
    decision: Decision,
    reason: str,
) -> Outcome:
    """Record one reviewer's decision; a second "likely" from another reviewer confirms.
    The case must exist (``known_cases``): a decision on an unknown id is refused. With
    people registered, ``who`` is a person with their key, and the events are signed."""
    now = utc_now()
    named = who if isinstance(who, str) else who.person
    review.check_decision(ReviewDecision(code, case_id, named, decision, reason, now))
    with archive.write() as conn:
        report = reports.get_active(conn, code)
        case_id = resolve_case(conn, case_id)
        require(report.consent, Purpose.IDENTIFICATION, report.code)
        reviewer = people.acting(conn, who)
        before = _decisions(conn, report, case_id)
        after = [*before, ReviewDecision(report.code, case_id, reviewer, decision, reason, now)]
        state = review.status(after)
        was = review.status(before)
        if state is Status.CONFIRMED and was is not Status.CONFIRMED:
            review.check_unique_confirmation(report.code, case_id, _confirmed_pairs(conn))
        key = reports.data_key(conn, archive, report)
        data = {
            "report": report.code,
            "case": case_id,
            "reviewer": reviewer,
            "decision": decision.value,
            "reason_commitment": sealing.commit(key, reason.encode("utf-8")),
            "status": state.value,
        }
        data = people.sign(conn, who, replay.DECIDED, data)
        task_id = None
        with Writer(conn, IDENTIFICATION) as writer:
            writer.record(replay.DECIDED, data, at=now, given={"reason": reason})
            if state is Status.CONFIRMED and was is not Status.CONFIRMED:
                task_id = _open_task(conn, writer, report, case_id, after, now, who)
            if was is Status.CONFIRMED and state is not Status.CONFIRMED:
                unconfirmed = {"report": report.code, "case": case_id}
                unconfirmed = people.sign(conn, who, replay.UNCONFIRMED, unconfirmed)
                writer.record(replay.UNCONFIRMED, unconfirmed, at=now)
    return Outcome(state, task_id, case_id)


def _open_task(
    conn: Connection,
    writer: Writer,
    report: reports.StoredReport,
    case_id: str,
    decisions: list[ReviewDecision],
    now: str,
    who: people.Acting,
) -> int:
    task = review.notification_task(decisions)
    assert task is not None
    column = notification_tasks.c.id
    task_id = int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
    data = {
        "report": report.code,
        "case": case_id,
        "confirmed_by": list(task.confirmed_by),
        "task": task_id,
        "assigned_role": task.assigned_role,
    }
    writer.record(replay.CONFIRMED, people.sign(conn, who, replay.CONFIRMED, data), at=now)
    return task_id


def override_exclusion(
    archive: Archive, code: str, case_id: str, rule: str, who: people.Acting, reason: str
) -> None:
    """Let a hard-excluded case back into the ranking; the rule stays in its explanation."""
    if rule not in EXCLUSION_RULES:
        raise ReviewRefused(f"{rule!r} is not an exclusion rule ({', '.join(EXCLUSION_RULES)})")
    named = who if isinstance(who, str) else who.person
    review.check_decision(ReviewDecision(code, case_id, named, Decision.POSSIBLE, reason, ""))
    now = utc_now()
    with archive.write() as conn:
        report = reports.get_active(conn, code)
        case_id = resolve_case(conn, case_id)
        require(report.consent, Purpose.IDENTIFICATION, report.code)
        reviewer = people.acting(conn, who)
        key = reports.data_key(conn, archive, report)
        data = {
            "report": report.code,
            "case": case_id,
            "rule": rule,
            "reviewer": reviewer,
            "reason_commitment": sealing.commit(key, reason.encode("utf-8")),
        }
        data = people.sign(conn, who, replay.OVERRIDDEN, data)
        with Writer(conn, IDENTIFICATION) as writer:
            writer.record(replay.OVERRIDDEN, data, at=now, given={"reason": reason})


def overrides_for(conn: Connection, code: str) -> dict[str, list[Override]]:
    report_id = reports.parse_code(code)
    found: dict[str, list[Override]] = defaultdict(list)
    rows = conn.execute(
        select(exclusion_overrides)
        .where(exclusion_overrides.c.report_id == report_id)
        .order_by(exclusion_overrides.c.seq)
    )
    for row in rows:
        found[row.case_id].append(Override(row.rule, row.reviewer, row.reason or ""))
    return dict(found)


def pair_status(conn: Connection, code: str, case_id: str) -> Status:
    report = reports.get_report(conn, code)
    return review.status(_decisions(conn, report, resolve_case(conn, case_id)))


@dataclass(frozen=True)
class Task:
    id: int
    report: str
    case_id: str
    status: str
    assigned_role: str
    created_at: str


def tasks(conn: Connection, open_only: bool = True) -> list[Task]:
    query = select(notification_tasks).order_by(notification_tasks.c.id)
    if open_only:
        query = query.where(notification_tasks.c.status == "open")
    return [
        Task(
            r.id,
            reports.format_code(r.report_id),
            r.case_id,
            r.status,
            r.assigned_role,
            r.created_at,
        )
        for r in conn.execute(query)
    ]


def close_task(archive: Archive, task_id: int, by: people.Acting, outcome: str) -> None:
    """The liaison records that the family was told (or why not); outcome stays private."""
    if outcome not in tuple(TaskOutcome):
        raise ReviewRefused(f"outcome must be: {', '.join(TaskOutcome)}")
    now = utc_now()
    with archive.write() as conn:
        row = conn.execute(
            select(notification_tasks.c.id).where(
                notification_tasks.c.id == task_id, notification_tasks.c.status == "open"
            )
        ).first()
        if row is None:
            raise _no_open_task(conn, task_id)
        data = {"task": task_id, "by": people.acting(conn, by), "outcome": outcome}
        data = people.sign(conn, by, replay.TASK_CLOSED, data)
        with Writer(conn, IDENTIFICATION) as writer:
            writer.record(replay.TASK_CLOSED, data, at=now)


def _no_open_task(conn: Connection, task_id: int) -> ReviewRefused:
    t = notification_tasks
    row = conn.execute(select(t.c.status).where(t.c.id == task_id)).first()
    found = [str(v) for v in conn.execute(
        select(t.c.id).where(t.c.status == "open").order_by(t.c.id)).scalars()]  # fmt: skip
    state = f"task {task_id} is {row.status}, not open" if row else f"no task {task_id}"
    close = lookup.suggest(str(task_id), found) or found[: lookup.SHOWN]
    held = f"open tasks: {', '.join(close)}" if close else "no task is open"
    return ReviewRefused(
        f"there is no open notification task {task_id} ({state}); {held} "
        "(list them with `dalil match tasks --all`)"
    )
