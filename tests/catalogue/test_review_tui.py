"""The review screen driven by scripted keystrokes, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console
from sqlalchemy import select

from dalil.catalogue.assembly import group_archive
from dalil.catalogue.cases import list_cases, pm_record
from dalil.catalogue.tui import ReviewApp
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.db import schema
from dalil.errors import InputError
from dalil.identification.records import case_from_json
from dalil.vault.archive import Archive

from .conftest import CALIBRATION


def reviewer(archive: Archive, name: str, keys: list[str]) -> tuple[ReviewApp, Console]:
    script: Iterator[str] = iter(keys)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    app = ReviewApp(archive, name, lambda _prompt: next(script), console, load_vocabulary(),
                    include_confident=True)  # fmt: skip
    return app, console


def events(archive: Archive, prefix: str) -> list[str]:
    with archive.read() as conn:
        rows = conn.execute(select(schema.events.c.type, schema.events.c.body)).all()
    return [row.body for row in rows if row.type.startswith(prefix)]


def test_two_reviewers_typing_the_same_numbers_confirm_them(catalogued: Archive) -> None:
    alice, _ = reviewer(catalogued, "alice", ["1608 251 2801", "", "1611 215 2803", ""])
    assert alice.run().entered == 2
    with catalogued.read() as conn:
        assert all(c.review == "awaiting" for c in list_cases(conn))
    again, _ = reviewer(catalogued, "ALICE ", [])
    assert again.queue() == []  # the same person, however the name is typed
    bob, console = reviewer(catalogued, "bob", ["1608 251 2801", "", "1611 215 2803", ""])
    summary = bob.run()
    assert (summary.entered, summary.confirmed) == (2, 6)
    with catalogued.read() as conn:
        cases = list_cases(conn)
    assert [c.review for c in cases] == ["confirmed", "confirmed"]
    assert cases[0].fields["detainee"].confirmed == "1608"
    assert cases[0].reviewers == ("alice", "bob")
    assert "machine read: detainee 1608 ✓" in console.file.getvalue()  # type: ignore[attr-defined]
    entries = events(catalogued, "catalogue.entry")
    assert len(entries) == 4 and all('"reviewer":"' in e for e in entries)
    confirmations = events(catalogued, "catalogue.confirmed")
    assert len(confirmations) == 6 and '"reviewers":["alice","bob"]' in confirmations[0]
    group_archive(catalogued, calibration=CALIBRATION)  # grouped again: confirmed numbers stay
    with catalogued.read() as conn:
        regrouped = list_cases(conn)
    assert [c.case_id for c in regrouped] == [c.case_id for c in cases]
    assert regrouped[1].fields["report"].confirmed == "2803"
    assert regrouped[1].fields["report"].suggestion == "2803"
    record = case_from_json(pm_record(regrouped[0]))  # what identification builds on
    assert (record.detainee_number, record.branch, record.report_number) == ("1608", "251", "2801")
    assert record.photo_dates and record.photo_dates[0].year == 2012


def test_a_disagreement_waits_for_a_third_person(catalogued: Archive) -> None:
    reviewer(catalogued, "alice", ["1608 251 2801", "", "s"])[0].run()
    reviewer(catalogued, "bob", ["1603 251 2801", "", "s"])[0].run()
    with catalogued.read() as conn:
        first = list_cases(conn)[0]
    assert first.review == "disputed"
    assert first.fields["branch"].confirmed == "251" and first.fields["detainee"].confirmed is None
    again, _ = reviewer(catalogued, "alice", [])
    assert first.case_id not in [c.case_id for c in again.queue()]
    with pytest.raises(InputError):
        again.run(only=first.case_id)
    carol, _ = reviewer(catalogued, "carol", ["1608 251 2801", "", "q"])
    assert carol.run().confirmed == 1
    with catalogued.read() as conn:
        assert list_cases(conn)[0].fields["detainee"].confirmed == "1608"


def test_typing_slips_digits_and_unknown_branches(catalogued: Archive) -> None:
    keys = [
        "1608 251",  # two values: refused
        "16o8 251 2801",  # a letter: refused
        "1608 999 2801", "n",  # a branch not in the vocabulary, not kept: type again
        "١٦٠٨ ٢١٥ ٢٨٠١",  # Eastern Arabic digits, with a slip in the branch
        "c", "1608 251 2801",  # corrected once the machine's reading is shown
        "q",
    ]  # fmt: skip
    app, console = reviewer(catalogued, "alice", keys)
    summary = app.run()
    assert (summary.entered, summary.corrected) == (1, 1)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "type three values" in text and "is not a number" in text
    entry = events(catalogued, "catalogue.entry")[0]
    assert '"detainee":"1608"' in entry and "١٦٠٨" in entry  # stored Western, typed kept
    correction = events(catalogued, "catalogue.correction")[0]
    assert '"replaces":' in correction and '"branch":"251"' in correction
    reviewer(catalogued, "bob", ["1608 251 2801", "", "q"])[0].run()
    with catalogued.read() as conn:
        assert list_cases(conn)[0].fields["branch"].confirmed == "251"
