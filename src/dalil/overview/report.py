"""Everything about one family's AM report: its fields, matches, tasks and events.

The fields are exactly what `dalil am show` shows (``identification.listing``): the
missing person described, consent, source and how many sealed rows it has; the
family's contact stays sealed (`dalil am contact` opens it, with a purpose, as an
event). A withdrawn report is its tombstone. Matches are shown only while consent to
identification stands (``overview.matches``); events never hold personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from dalil.identification import decisions, reports
from dalil.identification.listing import describe_report
from dalil.identification.tables import am_portraits, am_reports
from dalil.overview import matches
from dalil.overview.events import CustodyEvent, events_of, naming

# The event types that name a report in their data ("report": code).
TYPES = ("am.", "match.", "pm.")


@dataclass(frozen=True)
class ReportOverview:
    code: str
    fields: dict[str, Any]  # as `dalil am show` gives them
    matches: matches.Matches
    tasks: list[dict[str, Any]]
    events: list[CustodyEvent]
    proof_seq: int  # the event that received the report

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "report",
            "code": self.code,
            "fields": self.fields,
            "matches": matches.as_json(self.matches),
            "tasks": self.tasks,
            "events": [e.as_json() for e in self.events],
        }


def describe(conn: Connection, code: str, see_matches: bool = True) -> ReportOverview:
    """Everything about the report ``code`` (resolved already: ``overview.resolve``);
    its matches and their events only if ``see_matches`` (see ``matches.matches``)."""
    fields = describe_report(conn, code)
    report = reports.get_report(conn, code)
    row = conn.execute(select(am_reports).where(am_reports.c.id == report.id)).one()
    found = matches.matches(conn, report_id=report.id, viewer_may_see=see_matches)
    tasks = [asdict(t) for t in decisions.tasks(conn, open_only=False) if t.report == report.code]
    if not report.consent.identification or report.withdrawn:
        tasks = [{k: t[k] for k in ("id", "status", "created_at")} for t in tasks]
    portraits = conn.execute(
        select(am_portraits.c.added_seq).where(am_portraits.c.report_id == report.id)
    ).scalars()
    seqs = [
        row.received_seq,
        row.updated_seq,
        row.withdrawn_seq,
        *portraits,
        *found.seqs,
        *naming(conn, TYPES if see_matches else ("am.",), "report", report.code),
    ]
    return ReportOverview(
        report.code, fields, found, tasks, events_of(conn, seqs), int(row.received_seq)
    )
