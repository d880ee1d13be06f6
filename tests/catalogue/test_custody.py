"""Every catalogue row is replayed from its custody event: an edited number is named."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import text

from dalil.capabilities import rules
from dalil.catalogue.tui import ReviewApp
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.vault.archive import Archive
from dalil.vault.verify import verify


def _type(archive: Archive, name: str, line: str) -> None:
    keys = iter([line, "", "q"])
    ReviewApp(archive, name, lambda _: next(keys), Console(file=io.StringIO()),
              load_vocabulary(), include_confident=True).run()  # fmt: skip


def test_edited_readings_cases_entries_and_confirmations_are_named_by_verify(
    catalogued: Archive,
) -> None:
    _type(catalogued, "alice", "1608 251 2801")
    _type(catalogued, "bob", "1608 251 2801")
    assert verify(catalogued, rules(), record=False).ok
    edits = {
        "catalogue_readings": "UPDATE catalogue_readings SET report = '2807' WHERE seq = "
        "(SELECT MIN(seq) FROM catalogue_readings WHERE report = '2801')",
        "catalogue_cases": "UPDATE catalogue_cases SET branch_confident = NOT branch_confident",
        "catalogue_entries": "UPDATE catalogue_entries SET detainee = '1603' "
        "WHERE reviewer = 'bob'",
        "catalogue_confirmations": "UPDATE catalogue_confirmations SET value = '9999' "
        "WHERE field = 'report'",
        "catalogue_groupings": "UPDATE catalogue_groupings SET unassigned = '[]'",
    }
    with catalogued.write() as conn:
        for statement in edits.values():
            conn.execute(text(statement))
    problems = [str(p) for p in verify(catalogued, rules(), record=False).problems]
    for table in edits:
        assert any(f"{table} row of event" in p for p in problems), table
