"""AM reports in the archive: add, read, change consent, add portraits, withdraw.

Every change writes its custody event in the same transaction. Events name a report by
its code and carry counts, field names and commitments (``sealing.commit``), never a
name, a date of birth or a phone number: the log is append-only and shared with courts,
so whatever entered it could never be taken back when a family withdraws.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select

from dalil import canonical, lookup
from dalil.errors import NotFound
from dalil.identification import keyring, replay, sealing
from dalil.identification.am_report import (
    Contact,
    MissingPerson,
    ReportInput,
    person_from_json,
    person_to_json,
)
from dalil.identification.consent import Consent, Purpose, require
from dalil.identification.errors import ReportNotFound, ReportWithdrawn
from dalil.identification.replay import IDENTIFICATION
from dalil.identification.tables import am_contacts, am_faces, am_keys, am_portraits, am_reports
from dalil.identification.tombstone import compact_storage, erase_report
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer

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
    return replay.report_content(person_to_json(person), dict(contact.items()), consent.to_json())


def add_report(archive: Archive, report: ReportInput) -> str:
    """Save a validated report with its sealed contact; returns the report code."""
    with archive.write() as conn:
        master = keyring.master_key(conn, archive.root, create=True)
        return insert_report(conn, master, report)


def insert_report(conn: Connection, master: bytes, report: ReportInput) -> str:
    """Insert one report in the caller's transaction (with its custody event)."""
    with Writer(conn, IDENTIFICATION) as writer:
        rid = int(conn.execute(select(func.coalesce(func.max(am_reports.c.id), 0))).scalar_one())
        code = format_code(rid + 1)
        data_key = sealing.new_data_key()
        wrapped = sealing.wrap_data_key(master, data_key, code)
        contact = {
            name: sealing.seal_field(data_key, code, name, value.encode("utf-8"))
            for name, value in report.contact.items()
        }
        data = {
            "v": replay.VERSION,
            "report": code,
            "commitment": sealing.commit(
                data_key, _content(report.person, report.contact, report.consent)
            ),
            "consent": report.consent.to_json(),
            "contact_fields": list(contact),
            "contact_sha256": {name: _sha256(sealed) for name, sealed in contact.items()},
            "key_sha256": _sha256(wrapped),
            "marks": len(report.person.marks),
            "source": report.source,
            "operator": operator(),
        }
        person = canonical.dumps(person_to_json(report.person)).decode()
        writer.record(
            replay.ADDED, data, blobs=[wrapped, *contact.values()], given={"person": person}
        )
    return code


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _row(conn: Connection, code: str) -> Row[Any]:
    try:
        report_id: int | None = parse_code(code)
    except ReportNotFound:
        report_id = None
    query = select(am_reports).where(am_reports.c.id == report_id)
    row = None if report_id is None else conn.execute(query).first()
    if row is None:
        codes = lookup.distinct(conn, am_reports.c.code)
        raise lookup.not_found("AM report", code, codes, "dalil am list", error=ReportNotFound)
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


def consenting_reports(
    conn: Connection, purpose: Purpose, partner: str | None = None
) -> list[StoredReport]:
    """The active reports whose families consented to ``purpose`` (with ``partner``)."""
    reports = list_reports(conn, include_withdrawn=False)
    return [r for r in reports if r.consent.allows(purpose, partner)]


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
        with Writer(conn, IDENTIFICATION) as writer:
            opened = {"report": report.code, "purpose": purpose, "operator": operator()}
            writer.record("am.contact.opened", opened)
    return Contact(**values)


def set_consent(
    archive: Archive, code: str, purpose: Purpose, granted: bool, partner: str | None = None
) -> StoredReport:
    """Grant or withdraw one purpose; withdrawing the last one withdraws the report.

    Data kept for no purpose is not kept: a report with no consent left is erased.
    """
    with archive.write() as conn:
        report = get_active(conn, code)
        if purpose is Purpose.SHARING and not granted and partner:
            partner = _shared_with(report, partner)
        consent = report.consent.granting(purpose, granted, partner)
        if consent.identification or consent.court or consent.share_with:
            _record_consent(conn, report, consent, purpose, granted, partner)
            return get_report(conn, code)
        erase_report(conn, report.id, report.code, "last consent withdrawn", operator())
    compact_storage(archive.engine)
    with archive.read() as conn:
        return get_report(conn, code)


def _shared_with(report: StoredReport, partner: str) -> str:
    """The partner, among those the family agreed to share ``report`` with."""
    partners = sorted(report.consent.share_with)
    if not partners:
        raise NotFound(
            f"{report.code} is shared with no partner, so not with {partner!r}: "
            "there is no sharing consent to withdraw",
            partner,
        )
    return lookup.choose("partner", partner, partners, f"dalil am show {report.code}",
                         where=f"sharing {report.code}")  # fmt: skip


def _record_consent(
    conn: Connection,
    report: StoredReport,
    consent: Consent,
    purpose: Purpose,
    granted: bool,
    partner: str | None,
) -> None:
    data = {
        "report": report.code,
        "purpose": purpose.value,
        "partner": partner,
        "granted": granted,
        "consent": consent.to_json(),
        "operator": operator(),
    }
    with Writer(conn, IDENTIFICATION) as writer:
        writer.record(replay.CONSENT, data)


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
        with Writer(conn, IDENTIFICATION) as writer:
            portrait_id = _next(conn, am_portraits.c.id)
            first_face = _next(conn, am_faces.c.id)
            sealed = sealing.seal_field(key, report.code, f"portrait/{portrait_id}", image)
            sealed_faces = [
                sealing.seal_field(key, report.code, f"face/{first_face + i}", face.embedding)
                for i, face in enumerate(faces)
            ]
            data = {
                "v": replay.VERSION,
                "report": report.code,
                "portrait": portrait_id,
                "commitment": sealing.commit(key, image),
                "sealed_sha256": _sha256(sealed),
                "faces": [
                    {
                        "id": first_face + i,
                        "sealed_sha256": _sha256(sealed_face),
                        "quality": repr(float(face.quality)),
                        "method": face.method,
                    }
                    for i, (face, sealed_face) in enumerate(zip(faces, sealed_faces, strict=True))
                ],
                "operator": operator(),
            }
            writer.record(replay.PORTRAIT, data, blobs=[sealed, *sealed_faces])
    return portrait_id


def _next(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


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
    "consenting_reports",
    "count_sealed_rows",
    "court_record",
    "face_embeddings",
    "get_report",
    "list_reports",
    "reveal_contact",
    "set_consent",
    "withdraw",
]
