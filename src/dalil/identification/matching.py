"""Matching a registered report against PM cases: consent first, then the ranking.

There is deliberately no function here that takes a face from outside: a search starts
from an AM report saved in the archive, and only if the family consented to
identification. That closes the door on the archive becoming a face search engine for
anyone holding a photo (of a relative, of a witness, of a defector).

The PM cases are given by the caller: the catalogue will load them from its tables
(``PMCase`` is the interface); tests and the benchmark build them directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from dalil.identification import decisions, reports
from dalil.identification.calibration import DEFAULT as DEFAULT_CALIBRATION
from dalil.identification.calibration import FaceCalibration
from dalil.identification.comparison import DEFAULT_WEIGHTS, Weights
from dalil.identification.consent import Purpose, require
from dalil.identification.faces.search import CaseFaces
from dalil.identification.records import AMQuery, FaceSet, PMCase
from dalil.identification.scoring import Ranking, rank
from dalil.vault.archive import Archive


def query_for(archive: Archive, code: str) -> AMQuery:
    """The report as matching sees it; refuses without identification consent."""
    from dalil.identification.faces.embedding import from_bytes

    with archive.read() as conn:
        report = reports.get_active(conn, code)
        require(report.consent, Purpose.IDENTIFICATION, report.code)
    assert report.person is not None
    sealed = reports.face_embeddings(archive, report.code)
    faces = FaceSet()
    if sealed:
        faces = FaceSet.of([from_bytes(v) for v, _ in sealed], [q for _, q in sealed])
    return AMQuery(report.code, report.person, faces)


def match(
    archive: Archive,
    code: str,
    cases: Sequence[PMCase],
    case_faces: CaseFaces | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    calibration: FaceCalibration = DEFAULT_CALIBRATION,
) -> Ranking:
    """Rank ``cases`` for report ``code`` with the reviewers' exclusion overrides applied."""
    query = query_for(archive, code)
    case_faces = case_faces or CaseFaces(cases)
    with archive.read() as conn:
        overrides = decisions.overrides_for(conn, query.report)
    evidence = case_faces.evidence(query.faces)
    return rank(query, cases, evidence, weights, calibration, overrides)
