"""Tampering with any part of an archive makes verify fail and name what was touched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Table, select, text, update

from dalil.capabilities import rules
from dalil.db import schema
from dalil.vault import checkpoints, custody
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.frontier import Frontier
from dalil.vault.keys import create_key
from dalil.vault.note import Checkpoint, Signer
from dalil.vault.verify import verify

from .factories import ingest


@pytest.fixture
def filled(archive: Archive, photo_tree: Path) -> Archive:
    ingest(archive, photo_tree)
    describe_pending(archive, workers=1)
    assert verify(archive, rules(), record=False).ok
    return archive


def _an_object(archive: Archive, kind: str = "original") -> str:
    with archive.read() as conn:
        return str(
            conn.execute(
                select(schema.objects.c.sha256)
                .where(schema.objects.c.kind == kind, schema.objects.c.size > 0)
                .order_by(schema.objects.c.sha256)
            )
            .scalars()
            .first()
        )


def _problems(archive: Archive, fast: bool = False) -> list[str]:
    report = verify(archive, rules(), fast=fast, record=False)
    assert not report.ok
    return [str(p) for p in report.problems]


def _writable(path: Path) -> None:
    path.chmod(0o644)


def test_flipped_byte_in_store_is_named_by_verify(filled: Archive) -> None:
    sha = _an_object(filled)
    path = filled.store.path_for(sha)
    _writable(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = _problems(filled)
    assert problems == [f"[store] {sha}: its bytes hash to " + problems[0].split("hash to ")[1]]
    assert "altered" in problems[0]
    # Same size: only a full verify sees it.
    assert verify(filled, rules(), fast=True, record=False).ok


def test_deleted_object_is_named(filled: Archive) -> None:
    sha = _an_object(filled, "derived")
    filled.store.path_for(sha).unlink()
    assert _problems(filled, fast=True) == [f"[store] {sha}: missing from the store"]


def test_added_object_is_named(filled: Archive) -> None:
    planted = "ab" * 32
    (filled.store.objects_dir / "ab" / planted).write_bytes(b"planted")
    (filled.store.objects_dir / "ab" / "notes.txt").write_bytes(b"x")
    problems = _problems(filled, fast=True)
    assert any(planted in p and "not in the catalogue" in p for p in problems)
    assert any("notes.txt" in p and "not an object name" in p for p in problems)


def test_truncated_object_is_named_even_by_fast_verify(filled: Archive) -> None:
    sha = _an_object(filled)
    path = filled.store.path_for(sha)
    _writable(path)
    with path.open("r+b") as handle:
        handle.truncate(10)
    assert "is 10 bytes" in _problems(filled, fast=True)[0]


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        (schema.originals, "path", "drive/forged.JPG", "path is 'drive/forged.JPG'"),
        (schema.originals, "size", 1, "size is 1"),
        (schema.objects, "media_type", "image/png", "media_type is 'image/png'"),
        (schema.flags, "code", "image-too-large", "code is 'image-too-large'"),
        (schema.batches, "custodian", "Someone Else", "custodian is 'Someone Else'"),
        (schema.image_facts, "serial", "0000", "serial is '0000'; the row's own data say"),
        (schema.image_facts, "facts", '{"make":"Canon"}', "facts was changed after it was logged"),
    ],
)
def test_edited_catalogue_row_is_named(
    filled: Archive, table: Table, column: str, value: object, expected: str
) -> None:
    with filled.write() as conn:
        key = next(iter(table.primary_key.columns))
        first = conn.execute(select(key).order_by(key)).scalars().first()
        conn.execute(update(table).where(key == first).values({column: value}))
    problems = _problems(filled)
    assert any(expected in p and p.startswith("[catalogue]") for p in problems), problems


def test_row_added_outside_dalil_is_named(filled: Archive) -> None:
    with filled.write() as conn:
        row = conn.execute(select(schema.originals).order_by(schema.originals.c.seq)).first()
        assert row is not None
        values = dict(row._mapping)
        values.update(seq=10_000, path_key="f" * 64, path="drive/smuggled.JPG")
        conn.execute(schema.originals.insert().values(**values))
    problems = _problems(filled)
    assert any("originals row of event #10000" in p and "no matching event" in p for p in problems)


def test_deleted_event_is_named(filled: Archive) -> None:
    with filled.write() as conn:
        conn.execute(schema.events.delete().where(schema.events.c.seq == 5))
    problems = _problems(filled)
    assert "[log] event #5: missing (1 event(s) before #6 are gone)" in problems
    assert any("no longer has the root this checkpoint signed" in p for p in problems)


def test_deleted_row_and_its_event_are_caught_by_the_checkpoint(filled: Archive) -> None:
    with filled.write() as conn:
        original = (
            conn.execute(select(schema.originals.c.seq).order_by(schema.originals.c.seq.desc()))
            .scalars()
            .first()
        )
        conn.execute(schema.flags.delete().where(schema.flags.c.original_seq == original))
        conn.execute(schema.originals.delete().where(schema.originals.c.seq == original))
        conn.execute(schema.events.delete().where(schema.events.c.seq == original))
    problems = _problems(filled)
    assert any(f"event #{original}: missing" in p for p in problems)


def test_reordered_events_are_named(filled: Archive) -> None:
    with filled.write() as conn:
        bodies = dict(conn.execute(select(schema.events.c.seq, schema.events.c.body).where(
            schema.events.c.seq.in_([3, 4]))).all())  # fmt: skip
        for seq, other in ((3, 4), (4, 3)):
            conn.execute(update(schema.events).where(schema.events.c.seq == seq)
                         .values(body=bodies[other]))  # fmt: skip
    problems = _problems(filled)
    assert any("event #3 says it is event #4: the log was reordered" in p for p in problems)


def test_truncated_log_is_caught_by_the_exported_checkpoint(
    filled: Archive, tmp_path: Path
) -> None:
    with filled.write() as conn:
        stored = checkpoints.sign_head(conn, filled.signer())
        checkpoints.mark_exported(conn, stored, "USB key in the safe")
    (filled.checkpoints_dir / "exported.txt").write_text(stored.note)
    with filled.write() as conn:
        # Remove the tail of the log and every checkpoint row, leaving a consistent-looking
        # shorter log: only the exported copy can tell.
        conn.execute(schema.events.delete().where(schema.events.c.seq >= stored.size - 3))
        conn.execute(schema.checkpoints.delete())
        head = Frontier().extend(custody.leaves(conn, stored.size - 3))
        peaks = json.dumps(head.to_hex())
        conn.execute(update(schema.log_head).values(size=head.size, peaks=peaks))
    problems = _problems(filled)
    assert any("exported.txt" in p and "events were removed" in p for p in problems)


def test_replaced_checkpoint_is_named(filled: Archive, tmp_path: Path) -> None:
    forger = Signer(filled.origin, create_key(tmp_path / "forger.key"))
    forged = forger.sign(Checkpoint(filled.origin, 3, b"\x00" * 32).text())
    with filled.write() as conn:
        conn.execute(update(schema.checkpoints).where(schema.checkpoints.c.id == 1)
                     .values(note=forged))  # fmt: skip
    problems = _problems(filled)
    assert any(p.startswith("[checkpoint] checkpoint 1") and "rejected" in p for p in problems)


def test_replaced_key_file_is_named(filled: Archive, tmp_path: Path) -> None:
    filled.key_path.chmod(0o600)
    filled.key_path.unlink()
    create_key(filled.key_path)
    problems = _problems(filled)
    assert any("[identity]" in p and "not the key this archive was created with" in p
               for p in problems)  # fmt: skip


def test_verify_records_success_and_signs_only_when_clean(filled: Archive) -> None:
    with filled.read() as conn:
        before = conn.execute(text("select count(*) from events")).scalar_one()
    assert verify(filled, rules()).ok
    with filled.read() as conn:
        after = conn.execute(text("select count(*) from events")).scalar_one()
        last = (
            conn.execute(select(schema.events.c.type).order_by(schema.events.c.seq.desc()))
            .scalars()
            .first()
        )
    assert (after, last) == (before + 1, "verify.completed")
    sha = _an_object(filled)
    os.chmod(filled.store.path_for(sha), 0o644)
    filled.store.path_for(sha).write_bytes(b"changed")
    assert not verify(filled, rules()).ok
    with filled.read() as conn:
        assert conn.execute(text("select count(*) from events")).scalar_one() == after


def test_damaged_log_head_is_named_not_a_crash(filled: Archive) -> None:
    with filled.write() as conn:
        conn.execute(update(schema.log_head).values(size=18, peaks="[]"))
    assert any(p.startswith("[log] head") for p in _problems(filled))
