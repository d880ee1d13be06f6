"""How ``archive-0.1.0`` was made: every capability of dalil 0.1.0 (commit 2de3434), once.

Run with that release's code, never with today's: the archive stands for the archives
custodians made before the custody log covered every table, and a test opens and
verifies it with the current code. Synthetic photos (``dalil synth``) and ORL faces of
living volunteers only.

    python tests/data/legacy/build_0_1_0.py OUT
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

from PIL import Image

os.environ["DALIL_OPERATOR"] = "legacy-operator"
OUT = Path(sys.argv[1]).absolute()
FACES = Path(__file__).resolve().parents[4] / "shared" / "data" / "faces" / "orl"


def main() -> None:
    from dalil.authenticity.pipeline import analyze
    from dalil.catalogue import store as catalogue_store
    from dalil.catalogue.assembly import group_archive
    from dalil.identification import am_import, decisions, pm_faces, reports
    from dalil.identification.faces.embedding import embed_image
    from dalil.identification.review import Decision
    from dalil.linkage import pipeline, store as link_store
    from dalil.synth import SynthOptions, generate_collection
    from dalil.vault.archive import Archive
    from dalil.vault.batches import Claim
    from dalil.vault.derive import describe_pending
    from dalil.vault.receive import ReceiveRequest, receive
    from dalil.vault.verify import verify

    shutil.rmtree(OUT, ignore_errors=True)
    work = OUT.parent / (OUT.name + "-work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    generate_collection(work / "collection", SynthOptions(photos=10, seed=5, scale=0.2))
    faces = work / "faces"
    faces.mkdir()
    for person in (1, 2):
        Image.open(FACES / f"s{person}" / "3.pgm").save(faces / f"pm-{person}.png")
    with Archive.create(OUT) as archive:
        claim = Claim("a contact of the photographer", "2013-08", "2014-01",
                      "carried across the border", "interview notes", "medium")
        receive(archive, ReceiveRequest(sorted((work / "collection" / "drives").iterdir()),
                                        "legacy", "Test NGO", "one drive", [claim]))
        receive(archive, ReceiveRequest([faces], "faces", "Test NGO", "stand-ins", []))
        describe_pending(archive)
        analyze(archive)
        # The catalogue without OCR: readings written through 0.1.0's store.
        with archive.read() as conn:
            rows = sorted(catalogue_store.photo_rows(conn, "legacy"), key=lambda r: r.paths[0])
        numbers = ["1608", "251", "2801"]
        with archive.write() as conn:
            catalogue_store.record_readings(
                conn,
                [(r.sha256, _reading(numbers if i % 4 else None)) for i, r in enumerate(rows)],
                {"reader": "legacy-reader", "models": {}, "vocabulary_sha256": "0" * 64},
            )
        group_archive(archive)
        with archive.read() as conn:
            grouping = catalogue_store.latest_grouping(conn)
            cases = catalogue_store.case_rows(conn, grouping["seq"])
        case_id = cases[0]["case_id"]
        for reviewer in ("alice", "bob"):
            with archive.write() as conn:
                seq = catalogue_store.record_entry(
                    conn, case_id, grouping["seq"], reviewer,
                    dict(zip(("detainee", "branch", "report"), numbers, strict=True)),
                    {"detainee": "1608", "branch": "251", "report": "2801"},
                )
        with archive.write() as conn:
            catalogue_store.record_confirmation(conn, case_id, "branch", "251", [seq - 1, seq],
                                                ["alice", "bob"])
        # Lists, linkage and a reviewer's decision.
        lists_dir = work / "lists"
        _write_lists(lists_dir)
        for name in ("centre", "network"):
            pipeline.import_file(archive, lists_dir / f"{name}.csv", name)
        pipeline.link(archive)
        with archive.write() as conn:
            link_store.decide(conn, "centre:C-1", "network:N-1", True, "same father and date")
            link_store.decide(conn, "centre:C-2", "network:N-3", False, "")
        pipeline.link(archive)
        # Families' reports, portraits, PM faces, two-person review, a task, a withdrawal.
        reports_csv = work / "reports.csv"
        _write_reports(reports_csv)
        imported = am_import.import_reports(archive, reports_csv, date(2026, 11, 1))
        kept, gone = imported.codes
        portrait = (FACES / "s1" / "1.pgm").read_bytes()
        face = embed_image(Image.open(io.BytesIO(portrait)))
        faces_found = [] if face is None else [reports.SealedFace(
            face.vector.astype("<f4").tobytes(), face.quality, face.method())]
        reports.add_portrait(archive, kept, portrait, faces_found)
        reports.add_portrait(archive, gone, portrait, faces_found)
        for person in (1, 2):
            sha = hashlib.sha256((faces / f"pm-{person}.png").read_bytes()).hexdigest()
            pm_faces.embed_case_photos(archive, f"case-{person}", [sha])
        for who in ("reviewer-a", "reviewer-b"):
            decisions.decide(archive, kept, "case-1", who, Decision.LIKELY, "face and branch")
        decisions.decide(archive, gone, "case-2", "reviewer-a", Decision.POSSIBLE, "the build may fit the report")
        decisions.override_exclusion(archive, gone, "case-2", "sex_mismatch", "reviewer-a",
                                     "the report's sex was a slip")
        with archive.read() as conn:
            [task] = decisions.tasks(conn)
        decisions.close_task(archive, task.id, "liaison", "family informed")
        from dalil.identification.consent import Purpose

        reports.set_consent(archive, kept, Purpose.COURT, True)
        reports.reveal_contact(archive, kept, "arrange a visit")
        reports.withdraw(archive, gone, "family request")
        report = verify(archive)
        assert report.ok, report.problems
    shutil.rmtree(work)
    print(json.dumps({"archive": str(OUT), "events": report.events}))


def _reading(numbers):  # type: ignore[no-untyped-def]
    value = {
        "script": "western" if numbers else None,
        "layout": "three_lines" if numbers else None,
        "lines": [{"text": n, "bp": 9900} for n in numbers or ()],
        "card": [[10, 10], [110, 10], [110, 60], [10, 60]] if numbers else None,
        "flags": [] if numbers else ["no-writing-found"],
    }
    for name, n in zip(("detainee", "branch", "report"), numbers or (None,) * 3, strict=True):
        value[name] = {"value": n, "bp": 9900 if n else 0}
    return value


def _write_lists(folder: Path) -> None:
    folder.mkdir()
    people = [
        ("Mohammad", "Ahmad", "Haddad", "male", "1985-03-02", "2013-01-10", "Daraa"),
        ("Yusuf", "Khalil", "Nasser", "male", "1990-07-15", "2013-02-11", "Homs"),
        ("Rami", "Samir", "Aziz", "male", "1979-11-30", "2012-12-01", "Damascus"),
        ("Huda", "Omar", "Saleh", "female", "1988-05-05", "2013-03-03", "Aleppo"),
    ]
    for name, prefix, rows in (("centre", "C", people), ("network", "N", people[::-1])):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "given_name", "father_name", "family_name", "sex",
                             "birth_date", "death_date", "governorate"])
            for i, person in enumerate(rows, start=1):
                writer.writerow([f"{prefix}-{i}", *person])


def _write_reports(path: Path) -> None:
    rows = [
        {"name_latin_given": "Mohammad", "name_latin_family": "Haddad", "sex": "male",
         "arrest_date": "2012-11", "arresting_branch": "215", "contact_phone": "+963 933 000 111",
         "consent_identification": "yes", "consent_court": "no"},
        {"name_latin_given": "Huda", "name_latin_family": "Saleh", "sex": "female",
         "arrest_date": "2012-10", "contact_name": "Omar", "consent_identification": "yes",
         "consent_court": "yes"},
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
