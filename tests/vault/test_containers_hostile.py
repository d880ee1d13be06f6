"""Hostile containers and paths: every entry received under its own identity or flagged
with the reason, no traceback, verify passes, and the same ingest again is "already
received" without a duplicate.

Each container is built here, byte by byte where the libraries refuse to write it."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import shutil
import struct
import tarfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.errors import AlreadyReceived
from dalil.vault.archive import Archive
from dalil.vault.limits import Limits
from dalil.vault.replay import raw_path
from dalil.vault.verify import verify

from .factories import ingest, jpeg_bytes

SMALL_BOMB = Limits(bomb_min_entry_bytes=1 << 20, max_compression_ratio=100)


def _received(archive: Archive) -> list[tuple[bytes, str | None]]:
    """(exact path bytes, SHA-256) of every original, in the order received."""
    o = schema.originals
    with archive.read() as conn:
        rows = conn.execute(select(o.c.path, o.c.path_raw, o.c.object_sha256).order_by(o.c.seq))
        return [(raw_path(r.path, r.path_raw), r.object_sha256) for r in rows]


def _flags(archive: Archive) -> dict[str, list[tuple[str | None, str]]]:
    o, f = schema.originals, schema.flags
    with archive.read() as conn:
        rows = conn.execute(
            select(o.c.path, f.c.code, f.c.reason)
            .select_from(f)
            .outerjoin(o, o.c.seq == f.c.original_seq)
            .order_by(f.c.seq)
        ).all()
    found: dict[str, list[tuple[str | None, str]]] = {}
    for path, code, reason in rows:
        found.setdefault(code, []).append((path, reason))
    return found


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _settled(archive: Archive, drive: Path, **options: object) -> None:
    """verify passes, and the same ingest again is refused as already received."""
    report = verify(archive, rules(), record=False)
    assert report.ok, report.problems
    with archive.read() as conn:
        before = conn.execute(select(func.count()).select_from(schema.originals)).scalar()
    with pytest.raises(AlreadyReceived):
        ingest(archive, drive, **options)
    with archive.read() as conn:
        after = conn.execute(select(func.count()).select_from(schema.originals)).scalar()
    assert before == after


def _drive(tmp_path: Path, name: str, data: bytes) -> Path:
    drive = tmp_path / "drive"
    drive.mkdir(exist_ok=True)
    (drive / name).write_bytes(data)
    return drive


def _tar(entries: list[tuple[str, bytes]], mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.USTAR_FORMAT) as tar:  # type: ignore[call-overload]
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": that is the point
        with zipfile.ZipFile(out, "w", method) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return out.getvalue()


# -- two entries, one name ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_two_entries_of_one_name_are_two_receipts_each_stored(
    archive: Archive, tmp_path: Path, kind: str
) -> None:
    first, second = jpeg_bytes(1), jpeg_bytes(2)
    entries = [("IMG_1.JPG", first), ("other.txt", b"x"), ("IMG_1.JPG", second)]
    data = _tar(entries) if kind == "tar" else _zip(entries)
    drive = _drive(tmp_path, f"set.{kind}", data)
    ingest(archive, drive)
    inside = [(p, s) for p, s in _received(archive) if p.endswith(b"IMG_1.JPG")]
    assert inside == [
        (f"drive/set.{kind}!/IMG_1.JPG".encode(), _sha(first)),
        (f"drive/set.{kind}!/IMG_1.JPG".encode(), _sha(second)),
    ]
    duplicate = _flags(archive)["archive-entry-duplicate"]
    assert [path for path, _ in duplicate] == [f"drive/set.{kind}!/IMG_1.JPG"]
    assert "entry #3 has the same name as entry #1" in duplicate[0][1]
    _settled(archive, drive)


def test_tar_r_appended_copy_with_same_bytes_is_still_its_own_receipt(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "drive" / "set.tar"
    path.parent.mkdir()
    path.write_bytes(_tar([("a.txt", b"one")]))
    with tarfile.open(path, "a") as tar:  # what `tar -r` does
        for _ in range(2):
            info = tarfile.TarInfo("a.txt")
            info.size = 3
            tar.addfile(info, io.BytesIO(b"one"))
    ingest(archive, path.parent)
    assert [p for p, _ in _received(archive)].count(b"drive/set.tar!/a.txt") == 3
    assert len(_flags(archive)["archive-entry-duplicate"]) == 2
    _settled(archive, path.parent)


# -- names that differ only after a NUL ---------------------------------------------------


def _nul_zip() -> bytes:
    data = _zip([("a.jpgXone", b"first"), ("a.jpgXtwo", b"second")])
    for tail in (b"one", b"two"):  # in the local header and in the central directory
        data = data.replace(b"a.jpgX" + tail, b"a.jpg\x00" + tail)
    return data


def _nul_tar() -> bytes:
    data = bytearray(_tar([("a.jpgXone", b"first"), ("a.jpgXtwo", b"second")]))
    for tail in (b"one", b"two"):
        at = data.find(b"a.jpgX" + tail)
        data[at + 5] = 0
        header = data[at : at + 512]
        header[148:156] = b" " * 8
        data[at + 148 : at + 156] = b"%06o\x00 " % sum(header)
    return bytes(data)


@pytest.mark.parametrize(("kind", "build"), [("zip", _nul_zip), ("tar", _nul_tar)])
def test_names_that_differ_only_after_a_nul_are_both_kept_with_their_bytes(
    archive: Archive, tmp_path: Path, kind: str, build: Callable[[], bytes]
) -> None:
    drive = _drive(tmp_path, f"nul.{kind}", build())
    ingest(archive, drive)
    inside = [(p, s) for p, s in _received(archive) if b"!/" in p]
    assert inside == [
        (f"drive/nul.{kind}!/a.jpg\x00one".encode(), _sha(b"first")),
        (f"drive/nul.{kind}!/a.jpg\x00two".encode(), _sha(b"second")),
    ]
    flagged = _flags(archive)["archive-entry-name-nul"]
    assert [path for path, _ in flagged] == [
        f"drive/nul.{kind}!/a.jpg\\x00one",
        f"drive/nul.{kind}!/a.jpg\\x00two",
    ]
    assert "read it as 'a.jpg'" in flagged[0][1]
    _settled(archive, drive)


# -- bytes the central directory does not name ------------------------------------------


def _strip_central_record(data: bytes, name: bytes) -> bytes:
    """The zip without the central directory record of ``name``: a local header only."""
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HIIH", data, end + 10)[:3]
    central = data[offset : offset + size]
    records, at = [], 0
    while at < len(central):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", central, at + 28)
        length = 46 + name_len + extra_len + comment_len
        records.append(central[at : at + length])
        at += length
    kept = [r for r in records if r[46 : 46 + len(name)] != name]
    assert len(kept) == count - 1
    body = b"".join(kept)
    end_record = bytearray(data[end:])
    struct.pack_into("<HHII", end_record, 8, len(kept), len(kept), len(body), offset)
    return data[:offset] + body + bytes(end_record)


def test_entry_in_a_local_header_only_is_received_and_flagged(
    archive: Archive, tmp_path: Path
) -> None:
    hidden = jpeg_bytes(3)
    data = _zip([("a.txt", b"listed"), ("hidden.JPG", hidden), ("c.txt", b"listed too")])
    drive = _drive(tmp_path, "set.zip", _strip_central_record(data, b"hidden.JPG"))
    with zipfile.ZipFile(drive / "set.zip") as check:
        assert check.namelist() == ["a.txt", "c.txt"]  # what every zip tool shows
    ingest(archive, drive)
    assert (b"drive/set.zip!/hidden.JPG", _sha(hidden)) in _received(archive)
    ((path, reason),) = _flags(archive)["archive-entry-hidden"]
    assert path == "drive/set.zip!/hidden.JPG"
    assert "central directory does not list" in reason and "at byte" in reason
    with archive.read() as conn:
        when = conn.execute(
            select(schema.originals.c.mtime).where(schema.originals.c.path == path)
        ).scalar()
    with zipfile.ZipFile(io.BytesIO(data)) as original:
        stamp = original.getinfo("hidden.JPG").date_time
    assert when == "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*stamp)
    _settled(archive, drive)


def test_first_of_two_concatenated_zips_is_carved_out_and_opened(
    archive: Archive, tmp_path: Path
) -> None:
    first = _zip([("first.JPG", jpeg_bytes(4))])
    second = _zip([("second.JPG", jpeg_bytes(5))])
    drive = _drive(tmp_path, "both.zip", first + second)
    ingest(archive, drive)
    received = dict(_received(archive))
    assert received[b"drive/both.zip!@0"] == _sha(first)
    assert received[b"drive/both.zip!@0!/first.JPG"] == _sha(jpeg_bytes(4))
    assert received[b"drive/both.zip!/second.JPG"] == _sha(jpeg_bytes(5))
    ((path, reason),) = _flags(archive)["archive-embedded"]
    assert path == "drive/both.zip!@0" and f"bytes 0 to {len(first):,}" in reason
    assert "archive-entry-hidden" not in _flags(archive)
    _settled(archive, drive)


def test_zip_appended_to_a_jpeg_is_found_and_opened(archive: Archive, tmp_path: Path) -> None:
    photo = jpeg_bytes(6)
    inner = _zip([("hidden/note.txt", b"smuggled"), ("IMG_9.JPG", jpeg_bytes(7))])
    drive = _drive(tmp_path, "IMG_6.JPG", photo + inner)
    ingest(archive, drive)
    received = dict(_received(archive))
    assert received[b"drive/IMG_6.JPG"] == _sha(photo + inner)  # the file, byte for byte
    assert received[b"drive/IMG_6.JPG!/hidden/note.txt"] == _sha(b"smuggled")
    assert received[b"drive/IMG_6.JPG!/IMG_9.JPG"] == _sha(jpeg_bytes(7))
    ((path, reason),) = _flags(archive)["archive-appended"]
    assert path == "drive/IMG_6.JPG" and f"at byte {len(photo):,}" in reason
    with archive.read() as conn:
        opening = conn.execute(select(schema.archive_openings)).one()
    assert (opening.outcome, opening.members) == ("opened", 2)
    _settled(archive, drive)


# -- every compression format against the same limits ------------------------------------

ZEROS = b"\x00" * (4 << 20)  # 4 MiB of zeros: a bomb at SMALL_BOMB's ratio of 100


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bomb.tar.gz", _tar([("zeros.bin", ZEROS)], "w:gz")),
        ("bomb.tar.bz2", _tar([("zeros.bin", ZEROS)], "w:bz2")),
        ("bomb.tar.xz", _tar([("zeros.bin", ZEROS)], "w:xz")),
        ("zeros.bin.gz", gzip.compress(ZEROS)),
        ("zeros.bin.bz2", bz2.compress(ZEROS)),
        ("zeros.bin.xz", lzma.compress(ZEROS)),
        ("bomb.zip", _zip([("zeros.bin", ZEROS)])),
        ("bomb-bzip2.zip", _zip([("zeros.bin", ZEROS)], zipfile.ZIP_BZIP2)),
        ("bomb-lzma.zip", _zip([("zeros.bin", ZEROS)], zipfile.ZIP_LZMA)),
    ],
)
def test_every_compression_format_is_held_to_the_same_expansion_limit(
    archive: Archive, tmp_path: Path, name: str, data: bytes
) -> None:
    drive = _drive(tmp_path, name, data)
    ingest(archive, drive, limits=SMALL_BOMB)
    ((path, reason),) = _flags(archive)["archive-refused"]
    assert path == f"drive/{name}"
    assert "to 1" in reason or "bomb" in reason
    if not name.endswith(".zip"):  # a zip states its sizes: refused before inflating
        assert "over the limit of 100 to 1" in reason
    # Nothing of the expansion was stored: only the container itself.
    assert [p for p, _ in _received(archive)] == [f"drive/{name}".encode()]
    with archive.read() as conn:
        sizes = conn.execute(select(schema.objects.c.size)).scalars().all()
    assert sizes == [len(data)]
    _settled(archive, drive, limits=SMALL_BOMB)


def test_absolute_cap_holds_for_a_plain_compressed_file(archive: Archive, tmp_path: Path) -> None:
    drive = _drive(tmp_path, "big.bin.gz", gzip.compress(os.urandom(1 << 16) * 40))
    ingest(archive, drive, limits=Limits(max_archive_bytes=1 << 20))
    ((_, reason),) = _flags(archive)["archive-refused"]
    assert "more than 1,048,576 bytes, the limit" in reason


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("IMG_1.JPG.gz", gzip.compress),
        ("IMG_1.JPG.bz2", bz2.compress),
        ("IMG_1.JPG.xz", lzma.compress),
    ],
)
def test_plain_compressed_photo_is_received_decompressed_beside_its_container(
    archive: Archive, tmp_path: Path, name: str, compress: Callable[[bytes], bytes]
) -> None:
    photo = jpeg_bytes(8)
    drive = _drive(tmp_path, name, compress(photo))
    ingest(archive, drive)
    assert dict(_received(archive))[f"drive/{name}!/IMG_1.JPG".encode()] == _sha(photo)
    _settled(archive, drive)


# -- links ----------------------------------------------------------------------------


def test_tar_hardlink_out_of_the_archive_is_named_a_hardlink_with_its_target(
    archive: Archive, tmp_path: Path
) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, kind, target in (
            ("a/passwd", tarfile.LNKTYPE, "../../etc/passwd"),
            ("a/inside", tarfile.LNKTYPE, "a/passwd"),
            ("a/b/up", tarfile.SYMTYPE, "../../../x"),
            ("a/b/near", tarfile.SYMTYPE, "../c/IMG.JPG"),
        ):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
    drive = _drive(tmp_path, "links.tar", out.getvalue())
    ingest(archive, drive)
    flags = _flags(archive)
    assert [p for p, _ in flags["hardlink-not-followed"]] == [
        "drive/links.tar!/a/passwd",
        "drive/links.tar!/a/inside",
    ]
    assert [p for p, _ in flags["symlink-not-followed"]] == [
        "drive/links.tar!/a/b/up",
        "drive/links.tar!/a/b/near",
    ]
    escaping = dict(flags["archive-link-escapes"])
    assert set(escaping) == {"drive/links.tar!/a/passwd", "drive/links.tar!/a/b/up"}
    assert "'../../etc/passwd'" in escaping["drive/links.tar!/a/passwd"]
    assert "hard link" in escaping["drive/links.tar!/a/passwd"]
    with archive.read() as conn:
        kinds = conn.execute(select(schema.originals.c.entry_kind)).scalars().all()
    assert kinds.count("hardlink") == 2
    _settled(archive, drive)


def test_zip_symlink_with_a_huge_body_keeps_a_short_printable_target(
    archive: Archive, tmp_path: Path
) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("link")
        info.external_attr = 0o120777 << 16
        z.writestr(info, b"\x1b[31m/etc/" + os.urandom(200_000))
    drive = _drive(tmp_path, "link.zip", out.getvalue())
    ingest(archive, drive)
    ((_, reason),) = _flags(archive)["symlink-not-followed"]
    assert len(reason) < 5000 and "\x1b" not in reason and reason.isprintable()
    _settled(archive, drive)


# -- paths beyond PATH_MAX -------------------------------------------------------------


def test_file_under_a_path_longer_than_path_max_is_stored_under_its_full_path(
    archive: Archive, tmp_path: Path
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / "near.JPG").write_bytes(jpeg_bytes(9))
    part = "d" * 200
    fd = os.open(drive, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(25):  # 25 x 201 bytes: beyond Linux's PATH_MAX of 4,096
            os.mkdir(part, dir_fd=fd)
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        photo = jpeg_bytes(10)
        out = os.open("deep.JPG", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, photo)
        os.close(out)
    finally:
        os.close(fd)
    try:
        ingest(archive, drive)
        deep = "drive/" + "/".join([part] * 25) + "/deep.JPG"
        assert len(os.fsencode(tmp_path) + deep.encode()) > 4096
        assert dict(_received(archive))[deep.encode()] == _sha(photo)
        flags = _flags(archive)
        assert "unreadable" not in flags, flags
        _settled(archive, drive)
    finally:
        # Other tests list every test's folder by path; rmtree works through descriptors.
        shutil.rmtree(drive)
