"""An archive in which every capability has written every kind of row, once or twice.

Small stand-ins only: generated JPEGs with camera EXIF, a zip, a text file, two ORL
faces of living volunteers for the post-mortem side and a third for a portrait, two
short victim lists, two families' reports. Each step uses the library as the CLI
does, so the rows are the ones a custodian's archive holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image

from dalil.authenticity.params import Parameters, TimelineParams
from dalil.authenticity.pipeline import analyze
from dalil.catalogue import store as catalogue_store
from dalil.catalogue.assembly import group_archive
from dalil.clock import utc_now
from dalil.estimation import record as estimation_record
from dalil.export.court import CourtRequest, export_court
from dalil.export.public.draft import MASK, DraftRequest, draft_release
from dalil.export.public.lineage import reveal_salt
from dalil.export.public.release import release
from dalil.export.public.review import Verdict, review
from dalil.export.selection import Selection
from dalil.identification import am_import, decisions, pm_faces, reports
from dalil.identification.consent import Purpose
from dalil.identification.faces.embedding import embed_image, to_bytes
from dalil.identification.review import Decision
from dalil.linkage import pipeline
from dalil.linkage import store as link_store
from dalil.people import keyfile
from dalil.people import registry as people_registry
from dalil.vault import batches, witnesses
from dalil.vault.archive import Archive
from dalil.vault.batches import Claim
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive
from dalil.web import accounts as web_accounts
from dalil.web import reveal as web_reveal
from dalil.web import sessions as web_sessions
from dalil.witness import cosigning
from dalil.witness import state as witness_state

from ..vault.factories import camera_exif, jpeg_bytes

FACES = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces" / "orl"
NUMBERS = ("1608", "251", "2801")
WHY = "the face and the branch number agree with the report"


def build(archive: Archive, work: Path) -> None:
    """Fill ``archive`` with rows of every table; ``work`` is scratch space."""
    _vault(archive, work)
    _authenticity(archive)
    case_id = _catalogue(archive)
    _linkage(archive, work)
    _identification(archive, work, case_id)
    estimation_record.estimate_archive(archive, [], ["independence"])
    witness_and_export(archive, work)
    public_release(archive, work)
    registered_people(archive, work)
    web_access(archive)


def witness_and_export(archive: Archive, work: Path) -> Path:
    """A witness cosigns the latest checkpoint; a court package is exported against it."""
    witness = witness_state.init(work / "witness", "witness.example.org/w1")
    witnesses.add(archive, str(witness.public_key))
    asked = witnesses.request(archive, witness.name)
    line = cosigning.cosign_request(witness, asked, archive.verifier)
    witnesses.accept(archive, witness.name, line, asked)
    request = CourtRequest(Selection(collections=("caesar",)), "Court of Test", "trial of X",
                           work / "package", "J. Doe", "Test NGO", date="2026-12-03")  # fmt: skip
    return export_court(archive, request).path


def public_release(archive: Archive, work: Path) -> Path:
    """A public release of three photos: approved, rejected, revised (a reviewer's box
    added) then approved; released; one salt handed to a court."""
    with archive.read() as conn:
        rows = sorted(catalogue_store.photo_rows(conn, "caesar"), key=lambda r: r.paths[0])
    picked = tuple(r.sha256 for r in rows[:3])
    draft_release(archive, DraftRequest("press-1", Selection(items=picked), "press", MASK))
    review(archive, "press-1", 1, Verdict.APPROVE, "reviewer-a")
    review(archive, "press-1", 2, Verdict.REJECT, "reviewer-a", "too graphic")
    review(archive, "press-1", 3, Verdict.REJECT, "reviewer-b", "a mark", ((10, 10, 40, 30),))
    review(archive, "press-1", 3, Verdict.APPROVE, "reviewer-b")
    path = release(archive, "press-1", work / "public", date="2026-12-03").path
    reveal_salt(archive, "press-1", "R-0001.jpg", "Court of Test", "trial of X", "custodian")
    return path


def registered_people(archive: Archive, work: Path) -> Path:
    """Reviewers registered late (the events before stay valid as recorded): one with a
    key dalil made, one with her own; a list decision signed; one disabled. Returns the
    active person's key file."""
    keys = work / "keys"
    keys.mkdir()
    people_registry.add_with_key(archive, "alice", "Alice Haddad", keys / "alice.key")
    bob = keyfile.generate("bob", keys / "bob.key").public
    people_registry.add(archive, "bob", "Bob Nasser", bob)
    with archive.write() as conn:
        link_store.decide(conn, "centre:C-3", "network:N-2", True, "same mother",
                          by=people_registry.Author.load(keys / "alice.key"))  # fmt: skip
    people_registry.disable(archive, "bob", "left the team")
    return keys / "alice.key"


def web_access(archive: Archive) -> None:
    """The web app: roles granted (one revoked), a password set, one photo revealed to a
    session of alice's."""
    web_accounts.grant(archive, "alice", "custodian", "caesar")
    web_accounts.grant(archive, "alice", "viewer")
    web_accounts.revoke(archive, "alice", "viewer")
    web_accounts.set_password(archive, "alice", "correct horse battery staple", utc_now())
    with archive.read() as conn:
        photo = catalogue_store.photo_rows(conn, "caesar")[0].sha256
    with archive.write() as conn:
        _, session = web_sessions.begin(conn, "alice", web_sessions.FULL, datetime.now(UTC))
    web_reveal.record(archive, session, photo, "identification", datetime.now(UTC))


def _vault(archive: Archive, work: Path) -> None:
    drive = work / "drive" / "2012-05-14"
    drive.mkdir(parents=True)
    for n in range(1, 9):
        (drive / f"DSC_{n:04d}.JPG").write_bytes(jpeg_bytes(n, exif=camera_exif()))
    with zipfile.ZipFile(drive / "copies.zip", "w") as bundle:
        bundle.writestr("DSC_0009.JPG", jpeg_bytes(9, exif=camera_exif()))
    (drive / "notes.txt").write_text("taken on the second floor\n")
    (drive / "empty.JPG").write_bytes(b"")
    claim = Claim("a contact of the photographer", "carried across the border", "2013-08",
                  "2014-01", "interview notes", "medium")  # fmt: skip
    receive(archive, ReceiveRequest([drive.parent], "caesar", "Test NGO", "drive 1", [claim]))
    faces = work / "faces"
    faces.mkdir()
    for person in (1, 2):
        Image.open(FACES / f"s{person}" / "3.pgm").save(faces / f"pm-{person}.png")
    receive(archive, ReceiveRequest([faces], "faces", "Test NGO", "stand-ins", []))
    with archive.write() as conn:
        batches.add_claim(
            conn, 2, Claim("the NGO", "in person", attested_by="receipt", confidence="high")
        )
    describe_pending(archive, workers=1)


def _authenticity(archive: Archive) -> None:
    analyze(archive, workers=1)
    # Other settings: the timeline's findings are superseded by the second run's.
    analyze(archive, params=Parameters(timeline=TimelineParams(gap_s=60)), workers=1)


def _catalogue(archive: Archive) -> str:
    with archive.read() as conn:
        rows = sorted(catalogue_store.photo_rows(conn, "caesar"), key=lambda r: r.paths[0])
    with archive.write() as conn:
        catalogue_store.record_readings(
            conn,
            [(r.sha256, _reading(NUMBERS if i % 3 else None)) for i, r in enumerate(rows)],
            {"reader": "test-reader", "models": {}, "vocabulary_sha256": "0" * 64},
        )
    group_archive(archive, "caesar")
    with archive.read() as conn:
        grouping = catalogue_store.latest_grouping(conn)
        assert grouping is not None
        case_id = str(catalogue_store.case_rows(conn, grouping["seq"])[0]["case_id"])
    values = dict(zip(("detainee", "branch", "report"), NUMBERS, strict=True))
    entries = []
    seq = grouping["seq"]
    with archive.write() as conn:
        for reviewer in ("alice", "bob"):
            typed = {**values, "report": "2807"} if reviewer == "bob" else values
            entries.append(catalogue_store.record_entry(conn, case_id, seq, reviewer, typed, typed))
        correction = catalogue_store.record_entry(
            conn, case_id, seq, "bob", values, values, replaces=entries[1]
        )
        entries.append(correction)
        catalogue_store.record_confirmation(conn, case_id, "branch", "251", entries[:2],
                                            ["alice", "bob"])  # fmt: skip
    return case_id


def _reading(numbers: tuple[str, str, str] | None) -> dict[str, object]:
    value: dict[str, object] = {
        "script": "western" if numbers else None,
        "layout": "three_lines" if numbers else None,
        "lines": [{"text": n, "bp": 9900} for n in numbers or ()],
        "card": [[10, 10], [110, 10], [110, 60], [10, 60]] if numbers else None,
        "flags": [] if numbers else ["no-writing-found"],
    }
    for name, n in zip(("detainee", "branch", "report"), numbers or (None,) * 3, strict=True):
        value[name] = {"value": n, "bp": 9900 if n else 0}
    return value


PEOPLE = [
    ("Mohammad", "Ahmad", "Haddad", "male", "1985-03-02", "2013-01-10", "Daraa"),
    ("Yusuf", "Khalil", "Nasser", "male", "1990-07-15", "2013-02-11", "Homs"),
    ("Rami", "Samir", "Aziz", "male", "1979-11-30", "2012-12-01", "Damascus"),
    ("Huda", "Omar", "Saleh", "female", "1988-05-05", "2013-03-03", "Aleppo"),
]


def _linkage(archive: Archive, work: Path) -> None:
    folder = work / "lists"
    folder.mkdir()
    for name, prefix, people in (("centre", "C", PEOPLE), ("network", "N", PEOPLE[::-1])):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "given_name", "father_name", "family_name", "sex",
                             "birth_date", "death_date", "governorate"])  # fmt: skip
            for i, person in enumerate(people, start=1):
                writer.writerow([f"{prefix}-{i}", *person])
        pipeline.import_file(archive, folder / f"{name}.csv", name)
    pipeline.link(archive)
    with archive.write() as conn:
        link_store.decide(conn, "centre:C-1", "network:N-4", True, "same father and date")
        link_store.decide(conn, "centre:C-2", "network:N-1", False, "")
    _replace_and_remove_lists(archive, folder)
    pipeline.link(archive)  # the second run prunes the first run's pairs and clusters


def _replace_and_remove_lists(archive: Archive, folder: Path) -> None:
    """A corrected file replaces a list (C-2's date of death); a mistaken import is removed."""
    corrected = folder / "centre-corrected.csv"
    text = (folder / "centre.csv").read_text(encoding="utf-8")
    corrected.write_text(text.replace("2013-02-11", "2013-02-12"), encoding="utf-8")
    plan = pipeline.plan_import(corrected)
    pipeline.write_import(archive, plan, "centre", replaces="C-2's date of death corrected")
    mistaken = folder / "mistaken.csv"
    mistaken.write_text("record_id,full_name\nM-1,Test Person\n", encoding="utf-8")
    pipeline.import_file(archive, mistaken, "mistaken")
    pipeline.remove(archive, "mistaken", "imported into the wrong archive")


def _identification(archive: Archive, work: Path, case_id: str) -> None:
    path = work / "reports.csv"
    rows = [
        {"name_latin_given": "Mohammad", "name_latin_family": "Haddad", "sex": "male",
         "arrest_date": "2012-11", "arresting_branch": "215",
         "contact_phone": "+963 933 000 111", "consent_identification": "yes",
         "consent_court": "no"},
        {"name_latin_given": "Huda", "name_latin_family": "Saleh", "sex": "female",
         "arrest_date": "2012-10", "contact_name": "Omar", "consent_identification": "yes",
         "consent_court": "yes"},
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)
    kept, gone = am_import.import_reports(archive, path, date(2026, 11, 1)).codes
    portrait = (FACES / "s1" / "1.pgm").read_bytes()
    face = embed_image(Image.open(io.BytesIO(portrait)))
    assert face is not None
    sealed = [reports.SealedFace(to_bytes(face.vector), face.quality, face.method())]
    for code in (kept, gone):
        reports.add_portrait(archive, code, portrait, sealed)
    for person, case in ((1, case_id), (2, "case-2")):
        sha = hashlib.sha256((work / "faces" / f"pm-{person}.png").read_bytes()).hexdigest()
        pm_faces.embed_case_photos(archive, case, [sha])
    for who in ("reviewer-a", "reviewer-b"):
        decisions.decide(archive, kept, case_id, who, Decision.LIKELY, WHY)
    decisions.decide(archive, kept, case_id, "reviewer-a", Decision.REJECT, "the ears differ a lot")
    decisions.decide(archive, kept, case_id, "reviewer-a", Decision.LIKELY, WHY)
    with archive.read() as conn:
        task = next(t for t in decisions.tasks(conn) if t.report == kept)
    decisions.close_task(archive, task.id, "liaison", "family informed")
    decisions.override_exclusion(archive, kept, "case-2", "sex_mismatch", "reviewer-a",
                                 "the report's sex was written by mistake")  # fmt: skip
    reports.set_consent(archive, kept, Purpose.COURT, True)
    reports.reveal_contact(archive, kept, "arrange a visit")
    for who in ("reviewer-a", "reviewer-b"):
        decisions.decide(archive, gone, "case-2", who, Decision.LIKELY, WHY)
    decisions.override_exclusion(archive, gone, case_id, "sex_mismatch", "reviewer-b",
                                 "the family may have misremembered")  # fmt: skip
    reports.withdraw(archive, gone, "family request")
