"""Stories on a real archive (SQLite and PostgreSQL): a family's report, sealed, withdrawn."""

from __future__ import annotations

import json
import stat
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from dalil.identification import keyring, reports
from dalil.identification.am_report import ReportInput, parse_report
from dalil.identification.consent import Purpose
from dalil.identification.errors import ConsentRequired, ContactKeyError, ReportWithdrawn
from dalil.identification.tables import am_contacts, am_reports
from dalil.vault import custody
from dalil.vault.archive import Archive

TODAY = date(2026, 1, 1)


class Family:
    """Names and contact unique to one test, so tests can share an archive and still
    look for exactly their own bytes in the database file."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.given = f"Khaled{tag}"
        self.family = f"Zeitouni{tag}"
        self.mother = f"Fatima Haddad {tag}"
        self.contact_name = f"Umm Khaled {tag}"
        self.phone = f"+963 944 {int(tag, 16) % 10**6:06d}"
        self.email = f"family.{tag}@example.org"

    def report(self, **overrides: str) -> ReportInput:
        values = {
            "name_ar_given": "خالد",
            "name_latin_given": self.given,
            "name_latin_family": self.family,
            "mother_name": self.mother,
            "sex": "male",
            "birth_date": "1984-05-02",
            "arrest_date": "2012-03",
            "arresting_branch": "فرع ٢١٥",
            "marks": "scar:left_arm:burn",
            "contact_name": self.contact_name,
            "contact_phone": self.phone,
            "contact_email": self.email,
            "consent_identification": "yes",
            "consent_court": "no",
        }
        values.update(overrides)
        return parse_report(values, TODAY)

    @property
    def contact(self) -> list[str]:
        return [self.phone, self.contact_name, self.email]

    @property
    def personal(self) -> list[str]:
        return [self.given, self.family, self.mother]


def _database_bytes(archive: Archive) -> bytes:
    """Everything SQLite keeps on disk for the catalogue: main file, WAL, journal."""
    return b"".join(p.read_bytes() for p in sorted(archive.root.glob("catalogue.sqlite*")))


def _log_text(archive: Archive, code: str) -> str:
    with archive.read() as conn:
        events = [e.body.decode() for e in custody.iter_events(conn)]
    return "\n".join(e for e in events if f'"{code}"' in e)


def _events(archive: Archive, code: str) -> list[str]:
    with archive.read() as conn:
        return [e.type for e in custody.iter_events(conn) if e.data.get("report") == code]


def test_contact_fields_are_never_in_clear_in_the_database(shared_archive: Archive) -> None:
    family = Family()
    code = reports.add_report(shared_archive, family.report())
    with shared_archive.read() as conn:
        report_id = reports.get_report(conn, code).id
        sealed = [
            bytes(r.sealed)
            for r in conn.execute(
                select(am_contacts.c.sealed).where(am_contacts.c.report_id == report_id)
            )
        ]
    assert len(sealed) == 3
    assert not any(s.encode() in blob for s in family.contact for blob in sealed)
    if shared_archive.engine.dialect.name == "sqlite":
        raw = _database_bytes(shared_archive)
        assert family.given.encode() in raw  # the check does see plaintext that is there
        assert not any(s.encode() in raw for s in family.contact)
    assert reports.reveal_contact(shared_archive, code, "test").phone == family.phone


def test_every_change_is_a_custody_event_without_personal_data(shared_archive: Archive) -> None:
    family = Family()
    code = reports.add_report(shared_archive, family.report())
    reports.set_consent(shared_archive, code, Purpose.COURT, True)
    reports.reveal_contact(shared_archive, code, "notification")
    reports.withdraw(shared_archive, code, "family request")
    assert _events(shared_archive, code) == [
        "am.report.added",
        "am.consent.changed",
        "am.contact.opened",
        "am.report.withdrawn",
    ]
    log = _log_text(shared_archive, code)
    for secret in [*family.contact, *family.personal, "خالد", "1984"]:
        assert secret not in log


def test_withdrawal_removes_personal_data_and_leaves_a_tombstone(shared_archive: Archive) -> None:
    family = Family()
    code = reports.add_report(shared_archive, family.report())
    reports.add_portrait(shared_archive, code, b"portrait bytes", [])
    reports.withdraw(shared_archive, code, "family request")
    with shared_archive.read() as conn:
        tomb = reports.get_report(conn, code)
        assert reports.count_sealed_rows(conn, tomb.id) == {"keys": 0, "contacts": 0, "faces": 0}
    assert tomb.withdrawn and tomb.person is None and tomb.withdrawn_at
    assert not tomb.consent.identification and not tomb.consent.court
    if shared_archive.engine.dialect.name == "sqlite":
        raw = _database_bytes(shared_archive)
        for gone in family.personal:
            assert gone.encode() not in raw
    with pytest.raises(ReportWithdrawn):
        reports.reveal_contact(shared_archive, code, "test")
    with pytest.raises(ReportWithdrawn):
        reports.face_embeddings(shared_archive, code)


def test_withdrawing_the_last_consent_withdraws_the_report(shared_archive: Archive) -> None:
    code = reports.add_report(shared_archive, Family().report(consent_court="yes"))
    assert not reports.set_consent(shared_archive, code, Purpose.COURT, False).withdrawn
    assert reports.set_consent(shared_archive, code, Purpose.IDENTIFICATION, False).withdrawn


def test_no_matching_without_identification_consent(shared_archive: Archive) -> None:
    report = Family().report(consent_identification="no", consent_court="yes")
    code = reports.add_report(shared_archive, report)
    with pytest.raises(ConsentRequired, match="comparison with the bodies"):
        reports.face_embeddings(shared_archive, code)
    reports.set_consent(shared_archive, code, Purpose.IDENTIFICATION, True)
    assert reports.face_embeddings(shared_archive, code) == []


def test_no_court_export_without_court_consent(shared_archive: Archive) -> None:
    family = Family()
    code = reports.add_report(shared_archive, family.report())
    with pytest.raises(ConsentRequired, match="court"):
        reports.court_record(shared_archive, code)
    reports.set_consent(shared_archive, code, Purpose.COURT, True)
    record = reports.court_record(shared_archive, code)
    assert record["person"]["name_latin"]["family"] == family.family
    assert not any(s in json.dumps(record) for s in family.contact)


def test_sealed_contact_moved_to_another_report_does_not_open(shared_archive: Archive) -> None:
    first = reports.add_report(shared_archive, Family().report())
    second = reports.add_report(shared_archive, Family().report())
    with shared_archive.write() as conn:
        ids = {r.code: r.id for r in conn.execute(select(am_reports.c.code, am_reports.c.id))}
        stolen = conn.execute(
            select(am_contacts.c.sealed).where(
                am_contacts.c.report_id == ids[first], am_contacts.c.field == "phone"
            )
        ).scalar_one()
        conn.execute(
            update(am_contacts)
            .where(am_contacts.c.report_id == ids[second], am_contacts.c.field == "phone")
            .values(sealed=stolen)
        )
    with pytest.raises(ContactKeyError, match="moved or altered"):
        reports.reveal_contact(shared_archive, second, "test")


def test_key_file_is_owner_only_and_missing_key_is_named_not_replaced(archive: Archive) -> None:
    code = reports.add_report(archive, Family().report())
    path: Path = keyring.key_path(archive.root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    key_hex = path.read_text().strip()
    if archive.engine.dialect.name == "sqlite":
        raw = _database_bytes(archive)
        assert key_hex.encode() not in raw and bytes.fromhex(key_hex) not in raw
    path.chmod(0o600)
    path.unlink()
    with pytest.raises(ContactKeyError, match="restore it from your backup"):
        reports.reveal_contact(archive, code, "test")
    with pytest.raises(ContactKeyError):
        reports.add_report(archive, Family().report())
    assert not path.exists()
