"""Reviewers' match decisions on report-case pairs, as far as consent lets them be seen.

A pair is shown (its status, every decision, overrides and the notification task) only
while its report is active and its family consents to identification: a withdrawn
report's decisions lost their reasons, and a family that withdrew consent to
identification did not agree to be matched, so neither is shown, only counted. Nothing
of a family's contact is read here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from dalil.identification import reports, review
from dalil.identification.consent import Purpose
from dalil.identification.review import Decision, ReviewDecision, Status
from dalil.identification.tables import exclusion_overrides, match_decisions, notification_tasks

PENDING = frozenset({Status.POSSIBLE, Status.LIKELY, Status.DISPUTED})


@dataclass(frozen=True)
class Pair:
    report: str
    case_id: str
    status: str
    decisions: list[dict[str, Any]]
    overrides: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


@dataclass(frozen=True)
class Matches:
    pairs: list[Pair] = field(default_factory=list)
    hidden: int = 0  # pairs of reports withdrawn or without consent to identification

    @property
    def seqs(self) -> list[int]:
        return [int(d["seq"]) for p in self.pairs for d in [*p.decisions, *p.overrides]] + [
            int(s)
            for p in self.pairs
            for t in p.tasks
            for s in (t["created_seq"], t["closed_seq"])
            if s is not None
        ]


def matches(
    conn: Connection,
    case_ids: set[str] | None = None,
    report_id: int | None = None,
    viewer_may_see: bool = True,
) -> Matches:
    """The pairs of these cases (or of this report) that consent lets be seen; none but
    their count when the viewer may not see matches (``viewer_may_see``: the web app's
    decision for the person looking, which this module does not make)."""
    rows = _rows(conn, match_decisions, case_ids, report_id)
    overrides = _rows(conn, exclusion_overrides, case_ids, report_id)
    tasks = _rows(conn, notification_tasks, case_ids, report_id)
    keys = sorted({(r.report_id, r.case_id) for r in [*rows, *overrides, *tasks]})
    visible = _visible(conn, {k[0] for k in keys}) if viewer_may_see else set()
    pairs = [
        _pair(
            key,
            [r for r in rows if (r.report_id, r.case_id) == key],
            [r for r in overrides if (r.report_id, r.case_id) == key],
            [r for r in tasks if (r.report_id, r.case_id) == key],
        )
        for key in keys
        if key[0] in visible
    ]
    return Matches(pairs, sum(1 for key in keys if key[0] not in visible))


def _rows(
    conn: Connection, table: Any, case_ids: set[str] | None, report_id: int | None
) -> list[Any]:
    query = select(table)
    if case_ids is not None:
        query = query.where(table.c.case_id.in_(sorted(case_ids)))
    if report_id is not None:
        query = query.where(table.c.report_id == report_id)
    order = table.c.id if "id" in table.c else table.c.seq
    return list(conn.execute(query.order_by(order)))


def _visible(conn: Connection, report_ids: set[int]) -> set[int]:
    allowed = reports.consenting_reports(conn, Purpose.IDENTIFICATION)
    return {r.id for r in allowed} & report_ids


def _pair(key: tuple[int, str], rows: list[Any], overrides: list[Any], tasks: list[Any]) -> Pair:
    code = reports.format_code(key[0])
    made = [
        ReviewDecision(code, key[1], r.reviewer, Decision(r.decision), r.reason or "", r.decided_at)
        for r in rows
    ]
    return Pair(
        code,
        key[1],
        review.status(made).value,
        [
            {
                "seq": r.seq,
                "reviewer": r.reviewer,
                "decision": r.decision,
                "reason": r.reason,
                "at": r.decided_at,
            }
            for r in rows
        ],
        [
            {
                "seq": r.seq,
                "rule": r.rule,
                "reviewer": r.reviewer,
                "reason": r.reason,
                "at": r.decided_at,
            }
            for r in overrides
        ],
        [
            {
                "task": t.id,
                "status": t.status,
                "assigned_role": t.assigned_role,
                "created_at": t.created_at,
                "created_seq": t.created_seq,
                "closed_at": t.closed_at,
                "closed_seq": t.closed_seq,
            }
            for t in tasks
        ],
    )


def pending(conn: Connection, case_ids: set[str]) -> int:
    """Pairs of these cases and active reports waiting on a reviewer: possible, one
    likely, or disputed (counted whatever the consent: the count names no one)."""
    active = {r.id for r in reports.list_reports(conn, include_withdrawn=False)}
    by_pair: dict[tuple[int, str], list[ReviewDecision]] = defaultdict(list)
    for r in _rows(conn, match_decisions, case_ids, None):
        if r.report_id not in active:
            continue
        by_pair[(r.report_id, r.case_id)].append(
            ReviewDecision("", r.case_id, r.reviewer, Decision(r.decision), "", r.decided_at)
        )
    return sum(1 for made in by_pair.values() if review.status(made) in PENDING)


def as_json(found: Matches) -> dict[str, Any]:
    return {
        "pairs": [p.__dict__ for p in found.pairs],
        "hidden": found.hidden,
    }
