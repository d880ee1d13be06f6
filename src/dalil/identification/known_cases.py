"""Which post-mortem cases exist, so that a decision names a body the archive holds.

A decision, an override or a face crop for a case id that names nothing once opened a
notification task for a family's liaison. A case exists when the catalogue's current
grouping holds it, or when faces were embedded under its id for cases given as a file
(``dalil match run --cases``) that the catalogue never grouped. A case of an earlier
grouping that regrouping replaced no longer exists: its photos are in other cases now.
"""

from __future__ import annotations

from sqlalchemy import Connection

from dalil import lookup
from dalil.catalogue.cases import current_case_ids, earlier_case_ids
from dalil.catalogue.cases import resolve_case as resolve_catalogue_case
from dalil.identification.tables import pm_faces


def known_cases(conn: Connection) -> list[str]:
    """The case ids matching can name: the current grouping's, then file-given ones."""
    current = current_case_ids(conn)
    grouped = earlier_case_ids(conn)
    embedded = lookup.distinct(conn, pm_faces.c.case_id)
    return [*current, *(c for c in embedded if c not in grouped)]


def resolve_case(conn: Connection, text: str) -> str:
    """The case id ``text`` names (whole, or a unique prefix of 8+ hex digits of a
    catalogue case id); else NotFound with the closest ids, never a silent new id."""
    return resolve_catalogue_case(conn, text, known_cases(conn))
