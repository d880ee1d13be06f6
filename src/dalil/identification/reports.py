"""AM reports in the archive: add, read, change consent, add portraits, withdraw.

Every change writes its custody event in the same transaction. Events name a report by
its code and carry counts, field names and commitments (``sealing.commit``), never a
name, a date of birth or a phone number: the log is append-only and shared with courts,
so whatever entered it could never be taken back when a family withdraws.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select, update

from dalil import canonical
from dalil.clock import utc_now
from dalil.identification import keyring, sealing
from dalil.identification.am_report import (
    Contact,
    MissingPerson,
    ReportInput,
    person_from_json,
    person_to_json,
)
from dalil.identification.consent import Consent, Purpose, require
from dalil.identification.errors import ReportNotFound, ReportWithdrawn
from dalil.identification.tables import am_contacts, am_faces, am_keys, am_portraits, am_reports
from dalil.identification.tombstone import compact_storage, erase_report
from dalil.vault import custody
from dalil.vault.archive import Archive, operator

CODE_PREFIX = "AM-"


@dataclass(frozen=True)
class StoredReport:
    id: int
    code: str
    status: str
    person: MissingPerson | None  # None once withdrawn
    consent: Consent
    source: str | None
    received_at: str
    received_by: str
    withdrawn_at: str | None

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"


@dataclass(frozen=True)
class SealedFace:
    """A face found in a portrait: embedding bytes (float32), quality, how it was found."""

    embedding: bytes
    quality: float
    method: dict[str, Any]


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def format_code(report_id: int) -> str:
    return f"{CODE_PREFIX}{report_id:06d}"


def parse_code(text: str) -> int:
    """The report id in "AM-000042", "am-42" or "42"."""
    digits = text.strip().upper().removeprefix(CODE_PREFIX)
    if not digits.isdigit():
        raise ReportNotFound(f"{text!r} is not a report code; codes look like AM-000042")
    return int(digits)


def _content(person: MissingPerson, contact: Contact, consent: Consent) -> bytes:
    return canonical.dumps(
        {
            "person": person_to_json(person),
            "contact": dict(contact.items()),
            "consent": consent.to_json(),
        }
    )


def add_report(archive: Archive, report: ReportInput) -> str:
    """Save a validated report with its sealed contact; returns the report code."""
    with archive.write() as conn:
        master = keyring.master_key(conn, archive.root, create=True)
        return insert_report(conn, master, report)


def insert_report(conn: Connection, master: bytes, report: ReportInput) -> str:
    """Insert one report in the caller's transaction (with its custody event)."""
    appender = custody.Appender(conn)
    seq = appender.next_seq
    now = utc_now()
    report_id = _new_id(
        conn.execute(
            am_reports.insert().values(
                code=f"pending-{seq}",
                status="active",
                person=canonical.dumps(person_to_json(report.person)).decode(),
                consent_identification=report.consent.identification,
                consent_court=report.consent.court,
                share_with=json.dumps(sorted(report.consent.share_with), ensure_ascii=False),
                source=report.source,
                received_at=now,
                received_by=operator(),
                received_seq=seq,
                updated_seq=seq,
            )
        )
    )
    code = format_code(report_id)
    data_key = sealing.new_data_key()
    commitment = sealing.commit(data_key, _content(report.person, report.contact, report.consent))
    conn.execute(
        update(am_reports)
        .where(am_reports.c.id == report_id)
        .values(code=code, commitment=commitment)
    )
    conn.execute(
        am_keys.insert().values(
            report_id=report_id, wrapped=sealing.wrap_data_key(master, data_key, code)
        )
    )
    _seal_contact(conn, report_id, code, data_key, report.contact)
    appender.append(
        "am.report.added",
        {
            "report": code,
            "commitment": commitment,
            "consent": report.consent.to_json(),
            "contact_fields": [name for name, _ in report.contact.items()],
            "marks": len(report.person.marks),
            "source": report.source,
            "operator": operator(),
        },
        at=now,
    )
    appender.flush()
    return code


def _seal_contact(
    conn: Connection, report_id: int, code: str, data_key: bytes, contact: Contact
) -> None:
    rows = [
        {
            "report_id": report_id,
            "field": name,
            "sealed": sealing.seal_field(data_key, code, name, value.encode("utf-8")),
        }
        for name, value in contact.items()
    ]
    if rows:
        conn.execute(am_contacts.insert(), rows)


def _row(conn: Connection, code: str) -> Row[Any]:
    row = conn.execute(select(am_reports).where(am_reports.c.id == parse_code(code))).first()
    if row is None:
        raise ReportNotFound(f"there is no AM report {code}; list them with `dalil am list`")
    return row


def _stored(row: Row[Any]) -> StoredReport:
    consent = Consent(
        bool(row.consent_identification),
        bool(row.consent_court),
        frozenset(json.loads(row.share_with)),
    )
    person = person_from_json(json.loads(row.person)) if row.person else None
    return StoredReport(
        row.id,
        row.code,
        row.status,
        person,
        consent,
        row.source,
        row.received_at,
        row.received_by,
        row.withdrawn_at,
    )


def get_report(conn: Connection, code: str) -> StoredReport:
    return _stored(_row(conn, code))


def list_reports(conn: Connection, include_withdrawn: bool = True) -> list[StoredReport]:
    query = select(am_reports).order_by(am_reports.c.id)
    if not include_withdrawn:
        query = query.where(am_reports.c.status == "active")
    return [_stored(row) for row in conn.execute(query)]


def get_active(conn: Connection, code: str) -> StoredReport:
    report = get_report(conn, code)
    if report.withdrawn:
        raise ReportWithdrawn(
            f"report {report.code} was withdrawn on {report.withdrawn_at}; "
            "its personal data no longer exists"
        )
    return report


def data_key(conn: Connection, archive: Archive, report: StoredReport) -> bytes:
    master = keyring.master_key(conn, archive.root)
    wrapped = conn.execute(
        select(am_keys.c.wrapped).where(am_keys.c.report_id == report.id)
    ).scalar_one()
    return sealing.unwrap_data_key(master, bytes(wrapped), report.code)


def reveal_contact(archive: Archive, code: str, purpose: str) -> Contact:
    """Open the family's contact; the opening (who, why) is itself a custody event."""
    with archive.write() as conn:
        report = get_active(conn, code)
        key = data_key(conn, archive, report)
        rows = conn.execute(
            select(am_contacts.c.field, am_contacts.c.sealed).where(
                am_contacts.c.report_id == report.id
            )
        ).all()
        values = {
            row.field: sealing.open_field(key, report.code, row.field, bytes(row.sealed)).decode()
            for row in rows
        }
        custody.append(
            conn,
            "am.contact.opened",
            {"report": report.code, "purpose": purpose, "operator": operator()},
        )
    return Contact(**values)


def set_consent(
    archive: Archive, code: str, purpose: Purpose, granted: bool, partner: str | None = None
) -> StoredReport:
    """Grant or withdraw one purpose; withdrawing the last one withdraws the report.

    Data kept for no purpose is not kept: a report with no consent left is erased.
    """
    with archive.write() as conn:
        report = get_active(conn, code)
        consent = report.consent.granting(purpose, granted, partner)
        if consent.identification or consent.court or consent.share_with:
            _record_consent(conn, report, consent, purpose, granted, partner)
            return get_report(conn, code)
        erase_report(conn, report.id, report.code, "last consent withdrawn", operator())
    compact_storage(archive.engine)
    with archive.read() as conn:
        return get_report(conn, code)


def _record_consent(
    conn: Connection,
    report: StoredReport,
    consent: Consent,
    purpose: Purpose,
    granted: bool,
    partner: str | None,
) -> None:
    appender = custody.Appender(conn)
    conn.execute(
        update(am_reports)
        .where(am_reports.c.id == report.id)
        .values(
            consent_identification=consent.identification,
            consent_court=consent.court,
            share_with=json.dumps(sorted(consent.share_with), ensure_ascii=False),
            updated_seq=appender.next_seq,
        )
    )
    appender.append(
        "am.consent.changed",
        {
            "report": report.code,
            "purpose": purpose.value,
            "partner": partner,
            "granted": granted,
            "consent": consent.to_json(),
            "operator": operator(),
        },
    )
    appender.flush()


def withdraw(archive: Archive, code: str, reason: str) -> None:
    """Remove the report's personal data and keep a tombstone (see ``tombstone``)."""
    with archive.write() as conn:
        report = get_active(conn, code)
        erase_report(conn, report.id, report.code, reason, operator())
    compact_storage(archive.engine)


def add_portrait(archive: Archive, code: str, image: bytes, faces: Sequence[SealedFace]) -> int:
    """Seal a portrait and the faces found in it; returns the portrait's id."""
    with archive.write() as conn:
        report = get_active(conn, code)
        key = data_key(conn, archive, report)
        appender = custody.Appender(conn)
        seq = appender.next_seq
        commitment = sealing.commit(key, image)
        portrait_id = _new_id(
            conn.execute(
                am_portraits.insert().values(
                    report_id=report.id, sealed=b"", commitment=commitment, added_seq=seq
                )
            )
        )
        conn.execute(
            update(am_portraits)
            .where(am_portraits.c.id == portrait_id)
            .values(sealed=sealing.seal_field(key, report.code, f"portrait/{portrait_id}", image))
        )
        for face in faces:
            face_id = _new_id(
                conn.execute(
                    am_faces.insert().values(
                        portrait_id=portrait_id,
                        report_id=report.id,
                        sealed=b"",
                        quality=face.quality,
                        method=json.dumps(face.method, sort_keys=True),
                    )
                )
            )
            sealed = sealing.seal_field(key, report.code, f"face/{face_id}", face.embedding)
            conn.execute(update(am_faces).where(am_faces.c.id == face_id).values(sealed=sealed))
        appender.append(
            "am.portrait.added",
            {
                "report": report.code,
                "portrait": portrait_id,
                "commitment": commitment,
                "faces": len(faces),
                "operator": operator(),
            },
        )
        appender.flush()
    return portrait_id


def face_embeddings(archive: Archive, code: str) -> list[tuple[bytes, float]]:
    """The report's portrait embeddings, for matching: needs identification consent."""
    with archive.read() as conn:
        report = get_active(conn, code)
        require(report.consent, Purpose.IDENTIFICATION, report.code)
        key = data_key(conn, archive, report)
        rows = conn.execute(
            select(am_faces.c.id, am_faces.c.sealed, am_faces.c.quality)
            .where(am_faces.c.report_id == report.id)
            .order_by(am_faces.c.id)
        ).all()
    return [
        (sealing.open_field(key, report.code, f"face/{row.id}", bytes(row.sealed)), row.quality)
        for row in rows
    ]


def court_record(archive: Archive, code: str) -> dict[str, Any]:
    """The report as it may go into a court package: needs court consent; no contact."""
    with archive.read() as conn:
        report = get_active(conn, code)
        require(report.consent, Purpose.COURT, report.code)
        row = _row(conn, code)
        portraits = conn.execute(
            select(func.count()).where(am_portraits.c.report_id == report.id)
        ).scalar_one()
    assert report.person is not None
    return {
        "report": report.code,
        "person": person_to_json(report.person),
        "received_at": report.received_at,
        "received_seq": row.received_seq,
        "commitment": row.commitment,
        "portraits": int(portraits),
    }


def count_sealed_rows(conn: Connection, report_id: int) -> dict[str, int]:
    """How many sealed rows a report has (tests and ``am show`` use it)."""
    counts = {}
    for name, table in (("keys", am_keys), ("contacts", am_contacts), ("faces", am_faces)):
        counts[name] = int(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.report_id == report_id)
            ).scalar_one()
        )
    return counts


__all__ = [
    "SealedFace",
    "StoredReport",
    "add_portrait",
    "add_report",
    "count_sealed_rows",
    "court_record",
    "face_embeddings",
    "get_report",
    "list_reports",
    "reveal_contact",
    "set_consent",
    "withdraw",
]
