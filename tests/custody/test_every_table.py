"""Every table of every capability, tampered with three ways: verify names it each time.

The cases are generated from the capabilities' own list of tables, so a table added
without a replay rule is a failing case here (and in ``test_coverage``), not a silent
gap. An edit of any column of a row, the deletion of a row and the insertion of a row
are each named by verify: the table, the row and the event.
"""

from __future__ import annotations

import pytest

from dalil.capabilities import rules
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

from .tampering import add, edit, remove

RULES = rules()
TABLES = {rule.name: rule.table for rule in RULES.table_rules()}
COLUMNS = [(name, column.name) for name, table in TABLES.items() for column in table.columns]
# What a row's own check says when a column bound by a hash, not by the event, is edited.
BOUND = ("changed after it was logged", "cannot be read", "data say")


def _problems(archive: Archive) -> list[str]:
    report = verify(archive, RULES, fast=True, record=False)
    assert not report.ok
    return [str(p) for p in report.problems]


def test_the_full_archive_verifies(full: Archive) -> None:
    report = verify(full, RULES, fast=True, record=False)
    assert report.ok, report.problems


@pytest.mark.parametrize(("table", "column"), COLUMNS, ids=[f"{t}.{c}" for t, c in COLUMNS])
def test_an_edited_column_is_named_with_its_row_and_event(
    full: Archive, table: str, column: str
) -> None:
    undo = edit(full, TABLES[table], column)
    try:
        problems = _problems(full)
    finally:
        undo()
    named = [p for p in problems if table in p and "#" in p]
    assert named, problems
    assert any(column in p or any(b in p for b in BOUND) or "event" in p for p in named), named


@pytest.mark.parametrize("table", list(TABLES))
def test_a_deleted_row_is_named_with_its_event(full: Archive, table: str) -> None:
    _, undo = remove(full, TABLES[table])
    try:
        problems = _problems(full)
    finally:
        undo()
    assert any(table in p and "#" in p and ("missing" in p or "fewer" in p or "rows;" in p)
               for p in problems), problems  # fmt: skip


@pytest.mark.parametrize("table", list(TABLES))
def test_an_inserted_row_is_named(full: Archive, table: str) -> None:
    _, undo = add(full, TABLES[table])
    try:
        problems = _problems(full)
    finally:
        undo()
    assert any(table in p and ("no matching event" in p or "inserted again" in p
                               or "name no event" in p) for p in problems), problems  # fmt: skip


def test_the_full_archive_verifies_after_every_undo(full: Archive) -> None:
    report = verify(full, RULES, fast=True, record=False)
    assert report.ok, report.problems
