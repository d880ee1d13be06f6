"""Ingest stories, on SQLite and on PostgreSQL: what a custodian receives is what is kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.errors import AlreadyReceived, InputError, SourceError
from dalil.vault import batches
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.verify import verify

from .factories import ingest


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_file_is_stored_byte_for_byte_and_identical_files_once(
    archive: Archive, photo_tree: Path
) -> None:
    result = ingest(archive, photo_tree)
    files = sorted(p for p in photo_tree.rglob("*") if p.is_file())
    assert result.counts["entries"] == len(files) == 9
    assert result.counts["new_objects"] == 8  # the copy and its original are one object
    assert result.counts["duplicates"] == 1
    for path in files:
        assert archive.store.read(_sha(path)) == path.read_bytes()
    with archive.read() as conn:
        paths = conn.execute(
            select(schema.originals.c.path).where(
                schema.originals.c.object_sha256 == _sha(photo_tree / "2012-05-14/IMG_0001.JPG")
            )
        ).scalars()
        assert sorted(paths) == ["drive/2012-05-14/IMG_0001.JPG", "drive/copies/IMG_0001 copy.JPG"]


def test_source_is_only_read(archive: Archive, photo_tree: Path) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in photo_tree.rglob("*")
              if p.is_file()}  # fmt: skip
    ingest(archive, photo_tree)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in photo_tree.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before


def test_stored_objects_are_read_only(archive: Archive, photo_tree: Path) -> None:
    ingest(archive, photo_tree)
    for _, path in archive.store.iter_names():
        assert path.stat().st_mode & 0o222 == 0


def test_receipt_counts_flags_and_checkpoint(archive: Archive, photo_tree: Path) -> None:
    result = ingest(archive, photo_tree)
    assert result.counts["flagged_entries"] == 2  # the empty file and the text note
    with archive.read() as conn:
        codes = sorted(conn.execute(select(schema.flags.c.code)).scalars())
    assert codes == ["empty-file", "not-an-image"]
    assert result.checkpoint_note.startswith(archive.origin + "\n")


def test_rerunning_a_finished_ingest_changes_nothing_and_says_why(
    archive: Archive, photo_tree: Path
) -> None:
    ingest(archive, photo_tree)
    with archive.read() as conn:
        events = conn.execute(select(func.count()).select_from(schema.events)).scalar_one()
    with pytest.raises(AlreadyReceived, match="already received"):
        ingest(archive, photo_tree)
    with archive.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.events)).scalar_one() == events


def test_a_second_receipt_of_the_same_drive_is_recorded_with_again(
    archive: Archive, photo_tree: Path
) -> None:
    first = ingest(archive, photo_tree)
    second = ingest(archive, photo_tree, again=True)
    assert second.batch_id == first.batch_id + 1
    assert second.counts["new_objects"] == 0
    assert second.counts["files"] == first.counts["files"]


def test_custody_claims_are_kept_apart_and_logged(archive: Archive, photo_tree: Path) -> None:
    claim = batches.Claim.parse(
        "holder=Caesar's contact;from=2013-08;until=2014-01;transfer=hand carried across the "
        "border;by=the custodian's interview notes;confidence=medium"
    )
    result = ingest(archive, photo_tree, claims=[claim])
    with archive.read() as conn:
        row = conn.execute(select(schema.custody_claims)).one()
        event = conn.execute(
            select(schema.events.c.type).where(schema.events.c.seq == row.seq)
        ).scalar_one()
    assert (row.batch_id, row.holder, row.confidence) == (
        result.batch_id,
        "Caesar's contact",
        "medium",
    )
    assert event == "claim.recorded"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("from=2013", "holder"),
        ("holder=x;confidence=sure", "confidence"),
        ("holder", "cannot read"),
    ],
)
def test_malformed_claims_are_refused_with_a_reason(text: str, error: str) -> None:
    with pytest.raises(InputError, match=error):
        batches.Claim.parse(text)


def test_ingest_refuses_to_receive_the_archive_itself(archive: Archive) -> None:
    with pytest.raises(SourceError, match="contains the archive"):
        ingest(archive, archive.root.parent)


def test_missing_source_is_a_clear_error(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        ingest(archive, tmp_path / "no-such-drive")


def test_describe_records_facts_thumbnails_and_verifies(archive: Archive, photo_tree: Path) -> None:
    ingest(archive, photo_tree)
    result = describe_pending(archive, workers=1)
    assert result.described == 6  # six distinct JPEGs; the empty and text files are not images
    with archive.read() as conn:
        rows = conn.execute(select(schema.image_facts)).all()
        thumbs = conn.execute(
            select(schema.objects).where(schema.objects.c.kind == "derived")
        ).all()
    assert {(r.make, r.model, r.serial) for r in rows} == {("Nikon", "D90", "3001234")}
    assert all(r.datetime_original == "2012:05:14 10:31:07" and r.pdq for r in rows)
    assert len(thumbs) == 6 and all(t.derived_from for t in thumbs)
    assert describe_pending(archive).described == 0  # nothing left: re-running is a no-op
    report = verify(archive, rules())
    assert report.ok, report.problems
