"""Post-mortem cases for matching, read from the catalogue (one case per body).

The catalogue decides which photos show which body and which numbers to rely on
(confirmed by two reviewers, else confidently read, else unknown); identification takes
its cases as they stand, with the faces embedded from their photos.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Connection

from dalil.errors import InputError
from dalil.identification.pm_faces import embed_case_photos, load_case_faces
from dalil.identification.records import PMCase, case_from_json
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive


def from_catalogue(conn: Connection) -> list[PMCase]:
    """Every catalogued case as a PM case, with its faces if they were embedded."""
    from dalil.catalogue import list_cases, pm_record

    faces = load_case_faces(conn)
    return [case_from_json(pm_record(case), faces.get(case.case_id)) for case in list_cases(conn)]


def load_cases(archive: Archive, path: Path | None = None) -> list[PMCase]:
    """The cases to match against: the catalogue's, or those of a JSON file (a list of
    objects with case_id, branch, death_date, photo_dates, sex, age_min, age_max, marks,
    place), each with the faces embedded for its case id."""
    if path is None:
        with archive.read() as conn:
            cases = from_catalogue(conn)
        if not cases:
            raise InputError(
                "the catalogue has no cases yet: run `dalil catalogue read` and "
                "`dalil catalogue group` first (or give --cases FILE)"
            )
        return cases
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the PM cases in {path}: {exc}") from exc
    with archive.read() as conn:
        faces = load_case_faces(conn)
    return [case_from_json(item, faces.get(str(item["case_id"]))) for item in data]


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
