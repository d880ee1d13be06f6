"""Hostile and damaged images among good ones: each is reported as "could not analyse"
with its reason, and the run goes on."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

from sqlalchemy import select

from dalil.authenticity.listing import list_findings
from dalil.authenticity.pipeline import analyze
from dalil.authenticity.tables import authenticity_findings
from dalil.db import schema
from dalil.vault.archive import Archive
from dalil.vault.exif import read_exif
from dalil.vault.jpeg import read_header

from .conftest import ingest


def _camera_photos(collection: Path, count: int) -> list[Path]:
    truth = json.loads((collection / "ground-truth.json").read_text(encoding="utf-8"))
    loose = [
        f for f in truth["files"]
        if f["kind"] == "photo" and f["camera"] == "cam1" and not f["manipulation"]
        and not f["damage"] and f["member"] is None
    ]  # fmt: skip
    return [collection / f["path"] for f in loose[:count]]


def _claims_huge(data: bytes) -> bytes:
    """The same file with a frame header claiming 9000×9000 pixels."""
    sof = data.rindex(b"\xff\xc0")  # the image's own frame, after the thumbnail's
    return data[: sof + 5] + struct.pack(">HH", 9000, 9000) + data[sof + 9 :]


def _blank_thumbnail(data: bytes) -> bytes:
    """The same file with the bytes of its EXIF thumbnail zeroed."""
    start = data.index(b"Exif\x00\x00") + 6
    ifd1 = read_exif(read_header(data).exif or b"")["ifd1"]
    offset, size = start + ifd1["JpegIFOffset"], ifd1["JpegIFByteCount"]
    return data[:offset] + bytes(size) + data[offset + size :]


def _findings(archive: Archive, name: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(check, code) → (verdict, message) for the file received under ``name``."""
    t, o = authenticity_findings, schema.originals
    with archive.read() as conn:
        sha = conn.execute(select(o.c.object_sha256).where(o.c.path.endswith(name))).scalar_one()
        rows = conn.execute(
            select(t.c.check, t.c.code, t.c.verdict, t.c.message).where(t.c.sha256 == sha)
        )
        return {(r.check, r.code): (r.verdict, r.message) for r in rows}


def test_hostile_and_damaged_images_are_could_not_analyse_and_the_run_completes(
    archive: Archive, collection: Path, tmp_path: Path
) -> None:
    drive = tmp_path / "drives" / "drive-H" / "2012-01-01"
    drive.mkdir(parents=True)
    photos = _camera_photos(collection, 7)
    for photo in photos[:5]:
        shutil.copy2(photo, drive / photo.name)
    sample = photos[5].read_bytes()
    (drive / "BOMB.JPG").write_bytes(_claims_huge(sample))
    (drive / "CUT.JPG").write_bytes(sample[: len(sample) // 3])
    (drive / "NOTHUMB.JPG").write_bytes(_blank_thumbnail(photos[6].read_bytes()))
    (drive / "GARBAGE.JPG").write_bytes(b"\xff\xd8\xff\xdb\x00\x05\x00" + bytes(300))
    ingest(archive, tmp_path)
    analysis = analyze(archive, workers=1)
    assert analysis.images >= 8

    for name in ("BOMB.JPG", "CUT.JPG", "GARBAGE.JPG"):
        found = _findings(archive, name)
        unreadable = [m for v, m in found.values() if v == "could-not-analyse"]
        assert unreadable, f"{name}: {found}"
        assert all(m.startswith("could not analyse: ") for m in unreadable)
    assert ("reencoding", "thumbnail-unreadable") in _findings(archive, "NOTHUMB.JPG")


def test_a_collection_analysed_on_its_own_is_listed_once(
    archive: Archive, collection: Path, tmp_path: Path
) -> None:
    drive = tmp_path / "drives" / "drive-C" / "2012-01-01"
    drive.mkdir(parents=True)
    for photo in _camera_photos(collection, 5):
        shutil.copy2(photo, drive / photo.name)
    ingest(archive, tmp_path)
    whole = analyze(archive, workers=1)
    own = analyze(archive, collection="caesar-test", workers=1)
    assert own.counts.added == whole.counts.added  # the same questions, in another scope
    with archive.read() as conn:
        for scope in (None, "caesar-test"):
            items = list_findings(conn, collection=scope, everything=True)
            keys = [(i["sha256"], i["check"], i["code"], i["subject"]) for i in items]
            assert len(keys) == len(set(keys)) == whole.counts.added
            assert {i["scope"] for i in items} == {scope or ""}
