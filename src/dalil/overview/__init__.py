"""One thing whole, and where each collection stands: what `dalil show` and `dalil status`
print and the web app renders.

- ``show(conn, text)``: the photo, case, AM report or list record that ``text`` names
  (``resolve``: a SHA-256 or a prefix of 8+ hex digits, a path received, a case id or
  prefix, ``AM-...``, ``LIST:RECORD``), with everything the archive holds about it and
  its custody events. An unknown or ambiguous ``text`` is refused with suggestions.
- ``proof(conn, overview, signer)``: the inclusion proof bundle of the event that
  recorded it (the object's first receipt, the case as last grouped, the report's
  receipt, the record's import), as `dalil log proof` writes it.
- ``status.archive_status(conn)``: per collection, counts and the next command.

One module per kind of thing (``photo``, ``case``, ``report``, ``record``, ``status``);
each returns a plain dataclass with ``as_json``. Everything here only reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from dalil.errors import InputError
from dalil.overview import case, photo, record, report
from dalil.overview.resolve import resolve
from dalil.overview.target import Kind, Target
from dalil.vault import proofs
from dalil.vault.note import Signer

Overview = photo.PhotoOverview | case.CaseOverview | report.ReportOverview | record.RecordOverview

__all__ = ["Kind", "Overview", "Target", "describe", "proof", "resolve", "show"]


def describe(conn: Connection, target: Target, see_matches: bool = True) -> Overview:
    """Everything about a resolved target; reviewers' matches only if ``see_matches``
    (the caller's decision for the person looking: the web app asks its roles)."""
    if target.kind is Kind.PHOTO:
        return photo.describe_photo(conn, target.id, see_matches)
    if target.kind is Kind.CASE:
        return case.describe_case(conn, target.id, see_matches)
    if target.kind is Kind.REPORT:
        return report.describe(conn, target.id, see_matches)
    return record.describe(conn, target.id)


def show(conn: Connection, text: str, see_matches: bool = True) -> Overview:
    """Everything about what ``text`` names (see ``resolve``)."""
    return describe(conn, resolve(conn, text), see_matches)


def proof(conn: Connection, overview: Overview, signer: Signer | None) -> dict[str, Any]:
    """The inclusion proof bundle of the event that recorded the thing shown; signs a
    checkpoint when none covers it yet (so ``conn`` must be a write connection then)."""
    seq = overview.proof_seq
    if seq is None:
        raise InputError("nothing recorded this case in the log yet: it has no proof to save")
    return proofs.inclusion_bundle(conn, seq, signer)
