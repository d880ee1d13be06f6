"""`dalil status`: each collection's counts, as the rows hold them, and the next command
for an archive at each stage (fresh, received, described, read, grouped), on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from dalil.authenticity.listing import list_findings
from dalil.authenticity.pipeline import analyze
from dalil.catalogue import store as catalogue_store
from dalil.catalogue.assembly import group_archive
from dalil.catalogue.cases import list_cases
from dalil.errors import NotFound
from dalil.identification.tables import pm_faces
from dalil.overview.progress import NOTHING_RECEIVED
from dalil.overview.status import archive_status
from dalil.vault import custody
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending, pending_work
from dalil.vault.receive import ReceiveRequest, receive

from ..cli import dalil
from ..custody.full_archive import _reading
from ..vault.factories import camera_exif, jpeg_bytes


def test_the_counts_are_what_each_stage_holds_for_the_collection(full: Archive) -> None:
    with full.read() as conn:
        status = {c.collection: c for c in archive_status(conn).collections}
        photos = set(catalogue_store.photo_objects(conn, "caesar"))
        waiting = {w.sha256 for w in pending_work(conn)}
        analysed = {x["sha256"] for x in list_findings(conn, collection="caesar", everything=True)}
        read = {r.sha256 for r in catalogue_store.photo_rows(conn, "caesar") if r.reading}
        cases = [c for c in list_cases(conn) if {p.sha256 for p in c.photos} & photos]
        faces = set(conn.execute(select(pm_faces.c.object_sha256)).scalars())
    caesar = status["caesar"]
    assert set(status) == {"caesar", "faces"}
    assert not waiting and caesar.received == len(photos) > 0
    assert caesar.described == len(photos) and caesar.analysed == len(analysed & photos)
    assert caesar.read == len(read) and caesar.cases == len(cases)
    assert caesar.grouped == len({p.sha256 for c in cases for p in c.photos} & photos)
    assert caesar.reviewed == sum(1 for c in cases if c.review == "confirmed")
    assert caesar.faces == len(faces & photos)
    assert status["faces"].faces == 2 and status["faces"].read == 0
    assert caesar.pending_matches == 0 and caesar.open_tasks == 0  # confirmed, task closed


def test_the_next_command_names_the_first_collection_with_work(full: Archive) -> None:
    with full.read() as conn:
        status = archive_status(conn)
    assert status.next.startswith(("caesar: ", "faces: ")) and "`dalil " in status.next


def test_an_unknown_collection_is_refused_with_the_closest(full: Archive) -> None:
    with full.read() as conn, pytest.raises(NotFound, match="caesar"):
        archive_status(conn, "ceasar")


def _photos(folder: Path) -> Path:
    drive = folder / "drive" / "2012-05-14"
    drive.mkdir(parents=True)
    for n in range(1, 5):
        (drive / f"DSC_{n:04d}.JPG").write_bytes(jpeg_bytes(n, exif=camera_exif()))
    return drive.parent


def _next(archive: Archive) -> str:
    with archive.read() as conn:
        return archive_status(conn).next


def test_the_next_command_follows_an_archive_from_fresh_to_grouped(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _next(archive) == NOTHING_RECEIVED
    receive(archive, ReceiveRequest([_photos(tmp_path)], "caesar", "Test NGO", "drive 1", []))
    assert _next(archive) == "caesar: 4 images of 4 not described yet: run `dalil derive`."
    describe_pending(archive, workers=1)
    assert "`dalil analyze authenticity`" in _next(archive)
    analyze(archive, workers=1)
    assert "4 images without the numbers read" in _next(archive)
    with archive.read() as conn:
        shas = catalogue_store.photo_objects(conn, "caesar")
    with archive.write() as conn:
        catalogue_store.record_readings(
            conn,
            [(sha, _reading(("1608", "251", "2801"))) for sha in shas],
            {"reader": "test-reader", "models": {}, "vocabulary_sha256": "0" * 64},
        )
    assert _next(archive).endswith("run `dalil catalogue group --collection caesar`.")
    group_archive(archive, "caesar")
    assert _next(archive).startswith("caesar: no faces embedded")
    with archive.read() as conn:
        events = custody.count_events(conn)
    code, out, _ = dalil(capsys, "status", "-a", str(archive.root))
    assert code == 0 and "4 images received" in out and "next: caesar: no faces" in out
    code, out, _ = dalil(capsys, "status", "--json", "-a", str(archive.root))
    assert code == 0 and '"next"' in out
    with archive.read() as conn:
        assert custody.count_events(conn) == events  # status only reads
