"""Post-mortem cases for matching, read from the catalogue (one case per body).

The catalogue decides which photos show which body and which numbers to rely on
(confirmed by two reviewers, else confidently read, else unknown); identification takes
its cases as they stand, with the faces embedded from their photos.
"""

from __future__ import annotations

from sqlalchemy import Connection

from dalil.identification.pm_faces import embed_case_photos, load_case_faces
from dalil.identification.records import PMCase, case_from_json
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive


def from_catalogue(conn: Connection) -> list[PMCase]:
    """Every catalogued case as a PM case, with its faces if they were embedded."""
    from dalil.catalogue import list_cases, pm_record

    faces = load_case_faces(conn)
    return [case_from_json(pm_record(case), faces.get(case.case_id)) for case in list_cases(conn)]


def embed_catalogue_faces(archive: Archive, reporter: Reporter = SILENT) -> int:
    """Embed the faces of every catalogued case's photos not embedded yet; faces added."""
    from dalil.catalogue import list_cases

    with archive.read() as conn:
        cases = list_cases(conn)
    reporter.start("embedding faces of cases", len(cases), "cases")
    added = 0
    for case in cases:
        added += embed_case_photos(archive, case.case_id, [p.sha256 for p in case.photos])
        reporter.advance()
    reporter.finish()
    return added
