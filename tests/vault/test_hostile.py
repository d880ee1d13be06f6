"""Hostile and broken input: flagged or refused with a reason, never a crash, nothing lost,
nothing written outside the archive."""

from __future__ import annotations

import io
import os
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.limits import Limits
from dalil.vault.verify import verify

from .factories import ingest, jpeg_bytes


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink()
            else b"<dir or link>") for p in sorted(root.rglob("*"))}  # fmt: skip


def _flags(archive: Archive) -> dict[str, list[str]]:
    with archive.read() as conn:
        rows = conn.execute(
            select(schema.originals.c.path, schema.flags.c.code)
            .select_from(schema.flags)
            .outerjoin(schema.originals, schema.originals.c.seq == schema.flags.c.original_seq)
        ).all()
    found: dict[str, list[str]] = {}
    for path, code in rows:
        found.setdefault(code, []).append(path)
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the archive: a zip-slip would write here."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "untouched.txt").write_text("before")
    return folder


def test_zip_slip_entries_are_stored_by_hash_and_flagged_nothing_written_outside(
    archive: Archive, tmp_path: Path, outside: Path
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with zipfile.ZipFile(drive / "photos.zip", "w") as z:
        z.writestr("../outside/evil.txt", b"escaped")
        z.writestr("/etc/dalil-absolute.txt", b"absolute")
        z.writestr("C:\\windows\\drive.txt", b"drive letter")
        z.writestr("2012/IMG_1.JPG", jpeg_bytes(1))
    before = _tree(tmp_path.parent)
    result = ingest(archive, drive)
    assert result.counts["files"] == 5  # the zip itself and its four entries
    escapes = _flags(archive)["archive-entry-escapes"]
    assert sorted(escapes) == sorted(
        f"drive/photos.zip!/{n}"
        for n in ("../outside/evil.txt", "/etc/dalil-absolute.txt", "C:\\windows\\drive.txt")
    )
    assert archive.store.read(__import__("hashlib").sha256(b"escaped").hexdigest()) == b"escaped"
    after = _tree(tmp_path.parent)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert all(k.startswith(f"{tmp_path.name}/archive/") for k in changed), changed
    assert not Path("/etc/dalil-absolute.txt").exists()


def test_zip_bomb_is_refused_before_extraction_and_the_zip_kept(
    archive: Archive, tmp_path: Path
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with zipfile.ZipFile(drive / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(4):
            z.writestr(f"zeros{i}.bin", b"\x00" * (8 << 20))
    limits = Limits(max_archive_bytes=16 << 20)
    result = ingest(archive, drive, limits=limits)
    assert result.counts["files"] == 1  # the zip is kept; nothing came out of it
    assert _flags(archive)["archive-refused"] == ["drive/bomb.zip"]
    with archive.read() as conn:
        opening = conn.execute(select(schema.archive_openings)).one()
    assert (opening.outcome, opening.members) == ("archive-refused", 0)


def test_high_ratio_entry_is_refused_as_a_bomb(archive: Archive, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with zipfile.ZipFile(drive / "ratio.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.bin", b"\x00" * (4 << 20))
    limits = Limits(bomb_min_entry_bytes=1 << 20, max_compression_ratio=100)
    ingest(archive, drive, limits=limits)
    assert _flags(archive)["archive-refused"] == ["drive/ratio.zip"]


def test_too_many_entries_is_refused(archive: Archive, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with zipfile.ZipFile(drive / "many.zip", "w") as z:
        for i in range(30):
            z.writestr(f"f{i}.txt", b"x")
    ingest(archive, drive, limits=Limits(max_archive_entries=20))
    assert _flags(archive)["archive-refused"] == ["drive/many.zip"]


def test_tar_links_and_escapes_are_recorded_not_followed(archive: Archive, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with tarfile.open(drive / "set.tar.gz", "w:gz") as tar:
        for name, data in (("a/IMG_1.JPG", jpeg_bytes(2)), ("../../escape.txt", b"up")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("a/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    result = ingest(archive, drive)
    flags = _flags(archive)
    assert flags["symlink-not-followed"] == ["drive/set.tar.gz!/a/passwd"]
    assert flags["archive-entry-escapes"] == ["drive/set.tar.gz!/../../escape.txt"]
    assert result.counts["files"] == 3


def test_symlink_loops_and_links_out_are_recorded_not_followed(
    archive: Archive, tmp_path: Path
) -> None:
    drive = tmp_path / "drive"
    (drive / "a").mkdir(parents=True)
    (drive / "a" / "IMG_1.JPG").write_bytes(jpeg_bytes(3))
    os.symlink("../b", drive / "a" / "to_b")
    os.symlink("../a", drive / "b")
    os.symlink("/etc", drive / "etc")
    result = ingest(archive, drive)
    assert sorted(_flags(archive)["symlink-not-followed"]) == [
        "drive/a/to_b",
        "drive/b",
        "drive/etc",
    ]
    assert result.counts["files"] == 1


def test_non_utf8_names_keep_their_exact_bytes(archive: Archive, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    raw = os.fsencode(drive) + b"/\xd5\xcf\xd1\xc9 \xff.JPG"  # Windows-1256 Arabic + junk
    with open(raw, "wb") as handle:
        handle.write(jpeg_bytes(4))
    ingest(archive, drive)
    with archive.read() as conn:
        row = conn.execute(select(schema.originals)).one()
    assert bytes.fromhex(row.path_raw) == b"drive/\xd5\xcf\xd1\xc9 \xff.JPG"
    assert _flags(archive)["name-not-utf8"] == [row.path]


def _claims_100_megapixels() -> bytes:
    """A small valid JPEG whose frame header claims 10,000 x 10,000 pixels."""
    data = bytearray(jpeg_bytes(5, (64, 64)))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 10_000, 10_000)
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content", "flag"),
    [
        ("huge.JPG", _claims_100_megapixels(), "image-too-large"),
        ("cut.JPG", jpeg_bytes(6, (640, 480))[:3000], "image-truncated"),
        ("random.JPG", b"\xff\xd8\xff" + bytes(range(256)) * 8, "image-undecodable"),
        ("badexif.JPG", b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\xff\xff\xff\xff"
         + jpeg_bytes(7)[2:], "exif-malformed"),
    ],
)  # fmt: skip
def test_hostile_images_are_flagged_by_describe_and_the_run_completes(
    archive: Archive, tmp_path: Path, name: str, content: bytes, flag: str
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / name).write_bytes(content)
    (drive / "good.JPG").write_bytes(jpeg_bytes(8))
    ingest(archive, drive)
    result = describe_pending(archive, workers=1)
    assert result.described == 2
    assert f"drive/{name}" in [p for (p,) in _paths_flagged(archive, flag)], _flags(archive)
    assert verify(archive, rules()).ok


def _paths_flagged(archive: Archive, code: str) -> list[tuple[str]]:
    with archive.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(schema.originals.c.path)
                .join(
                    schema.flags, schema.flags.c.object_sha256 == schema.originals.c.object_sha256
                )
                .where(schema.flags.c.code == code)
            ).all()
        ]


def test_zero_byte_and_unreadable_files_are_kept_as_entries(
    archive: Archive, tmp_path: Path
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / "zero.JPG").write_bytes(b"")
    locked = drive / "locked.JPG"
    locked.write_bytes(jpeg_bytes(9))
    locked.chmod(0)
    try:
        result = ingest(archive, drive)
    finally:
        locked.chmod(0o644)
    flags = _flags(archive)
    assert flags["empty-file"] == ["drive/zero.JPG"]
    if os.geteuid() != 0:  # root reads anything: the file is then simply received
        assert flags["unreadable"] == ["drive/locked.JPG"]
    assert result.counts["entries"] == 2


def test_zip_entry_with_a_bad_checksum_is_flagged_and_the_rest_received(
    archive: Archive, tmp_path: Path
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    with zipfile.ZipFile(drive / "set.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.txt", b"A" * 1000)
        z.writestr("b.txt", b"B" * 1000)
    data = bytearray((drive / "set.zip").read_bytes())
    data[data.find(b"A" * 1000) + 500] ^= 0xFF  # corrupt a's bytes; its CRC no longer holds
    (drive / "set.zip").write_bytes(bytes(data))
    result = ingest(archive, drive)
    assert _flags(archive)["archive-entry-damaged"] == ["drive/set.zip!/a.txt"]
    assert result.counts["files"] == 2  # the zip and b.txt
    assert verify(archive, rules()).ok
