"""What a reader is shown of reports, fields and notification tasks, as plain dicts.

The command line prints these and a web page would render them: which fields a listing
carries is decided here, once. A summary holds no contact detail (those stay sealed:
``reports.reveal_contact``), and a withdrawn report's summary is its tombstone.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection

from dalil.identification import decisions, reports
from dalil.identification.am_fields import FIELDS
from dalil.identification.am_report import person_to_json


def summarize_report(report: reports.StoredReport) -> dict[str, Any]:
    """One line's worth of a report: names, sex, arrest date, consent, dates."""
    person = report.person
    return {
        "report": report.code,
        "status": report.status,
        "name_ar": person.name_ar.full() if person else None,
        "name_latin": person.name_latin.full() if person else None,
        "sex": person.sex if person else None,
        "arrest_date": str(person.arrest_date) if person and person.arrest_date else None,
        "consent": report.consent.to_json(),
        "received_at": report.received_at,
        "withdrawn_at": report.withdrawn_at,
    }


def list_report_summaries(conn: Connection) -> list[dict[str, Any]]:
    """Every report's summary, withdrawn ones as tombstones (no personal data)."""
    return [summarize_report(r) for r in reports.list_reports(conn)]


def describe_report(conn: Connection, code: str) -> dict[str, Any]:
    """A report's summary, the missing person described, its source, and how many
    sealed rows (keys, contact fields, faces) it has; the contact itself stays sealed."""
    report = reports.get_report(conn, code)
    return summarize_report(report) | {
        "person": person_to_json(report.person) if report.person else None,
        "source": report.source,
        "received_by": report.received_by,
        "sealed": reports.count_sealed_rows(conn, report.id),
    }


def list_fields() -> list[dict[str, Any]]:
    """The fields of a report, with their English and Arabic names and hints."""
    return [
        {"key": s.key, "english": s.english, "arabic": s.arabic, "hint": s.hint} for s in FIELDS
    ]


def list_tasks(conn: Connection, open_only: bool = True) -> list[dict[str, Any]]:
    """Notification tasks for the family liaison, open ones only unless told otherwise."""
    return [asdict(t) for t in decisions.tasks(conn, open_only=open_only)]
