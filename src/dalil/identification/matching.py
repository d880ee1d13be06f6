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
from typing import Any

from dalil.identification import decisions, reports
from dalil.identification.calibration import DEFAULT as DEFAULT_CALIBRATION
from dalil.identification.calibration import FaceCalibration
from dalil.identification.case_table import CaseTable, rank_table
from dalil.identification.comparison import DEFAULT_WEIGHTS, Weights
from dalil.identification.consent import Purpose, require
from dalil.identification.faces.search import CaseFaces
from dalil.identification.records import AMQuery, FaceSet, PMCase
from dalil.identification.scoring import Ranking, ranking_as_json
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


class Gallery:
    """The PM cases prepared once for many queries: face index and columns."""

    def __init__(self, cases: Sequence[PMCase]) -> None:
        self.cases = list(cases)
        self.faces = CaseFaces(self.cases)
        self.table = CaseTable(self.cases)


def match(
    archive: Archive,
    code: str,
    gallery: Gallery,
    weights: Weights = DEFAULT_WEIGHTS,
    calibration: FaceCalibration = DEFAULT_CALIBRATION,
    explain: int = 50,
) -> Ranking:
    """Rank the gallery for report ``code``, reviewers' exclusion overrides applied."""
    query = query_for(archive, code)
    with archive.read() as conn:
        overrides = decisions.overrides_for(conn, query.report)
    evidence = gallery.faces.evidence(query.faces)
    return rank_table(query, gallery.table, evidence, weights, calibration, overrides, explain)


def rank_reports(
    archive: Archive, gallery: Gallery, codes: Sequence[str] | None = None, top: int = 10
) -> list[dict[str, Any]]:
    """Each report's ranking as a reviewer reads it (``scoring.ranking_as_json``); without
    ``codes``, every active report whose family consented to identification."""
    if codes is None:
        with archive.read() as conn:
            consenting = reports.consenting_reports(conn, Purpose.IDENTIFICATION)
        codes = [r.code for r in consenting]
    return [ranking_as_json(match(archive, code, gallery, explain=top), top) for code in codes]
