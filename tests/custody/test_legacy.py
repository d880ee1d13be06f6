"""An archive made by dalil 0.1.0 opens, upgrades, verifies, and goes on being used.

``tests/data/legacy/archive-0.1.0`` was made by that release's code (the script beside
it says how): every capability wrote its rows the old way, when only the vault,
authenticity and catalogue were replayed. Today's verify replays all of it, checking
what the old events recorded only as a hash or a count as far as they allow, and an
edit of a row is named as in any archive.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dalil.capabilities import rules
from dalil.db import schema
from dalil.linkage import pipeline
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

LEGACY = Path(__file__).resolve().parents[1] / "data" / "legacy" / "archive-0.1.0"


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    shutil.copytree(LEGACY, folder)
    # Git keeps no empty folders (the store's unused fan-out folders, tmp/, checkpoints/)
    # and no file modes but the executable bit: the copy is made to look like a clone
    # here too, whatever this checkout's working tree holds.
    for empty in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    for key in (folder / "keys").iterdir():
        key.chmod(0o400)
    return folder


def test_an_archive_of_0_1_0_opens_upgraded_and_verifies(legacy: Path) -> None:
    with Archive.open(legacy) as archive:
        report = verify(archive, rules(), record=False)
        with archive.read() as conn:
            query = select(schema.events.c.type).order_by(schema.events.c.seq)
            types = list(conn.execute(query).scalars())
    assert report.ok, report.problems
    assert types[-1] == "schema.upgraded"
    assert any("earlier release" in note and "list_records 8" in note for note in report.notes)


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE list_records SET fields = replace(fields, 'Haddad', 'Hadad') WHERE id = 1",
         "list_records rows of event"),
        ("UPDATE link_decisions SET decision = 'different' WHERE decision = 'same'",
         "decision is 'different'"),
        ("DELETE FROM link_clusters WHERE record = 3", "link_clusters rows of event"),
        ("UPDATE link_clusters SET cluster = cluster + 1 WHERE record = 1",
         "do not hash to what event"),
        ("UPDATE am_reports SET consent_court = NOT consent_court WHERE id = 1",
         "consent_court is"),
        ("UPDATE match_decisions SET reason = 'looked alike' WHERE reason IS NOT NULL",
         "reason was changed"),
        ("UPDATE notification_tasks SET outcome = 'family declined'", "outcome is"),
        ("DELETE FROM pm_faces WHERE id = 1", "pm_faces row"),
    ],
)  # fmt: skip
def test_tampering_with_an_old_row_is_named(legacy: Path, statement: str, named: str) -> None:
    with Archive.open(legacy) as archive:
        with archive.write() as conn:
            assert conn.execute(text(statement)).rowcount > 0
        problems = [str(p) for p in verify(archive, rules(), fast=True, record=False).problems]
    assert any(named in p for p in problems), problems


def test_an_upgraded_archive_goes_on_with_new_events(legacy: Path, tmp_path: Path) -> None:
    listing = tmp_path / "late.csv"
    listing.write_text("record_id,given_name,family_name,sex\nL-1,Mohammad,Haddad,male\n")
    with Archive.open(legacy) as archive:
        pipeline.import_file(archive, listing, "late")
        pipeline.link(archive)
        report = verify(archive, rules(), record=False)
    assert report.ok, report.problems
