"""An archive with six photos of two bodies, read (without OCR) and grouped into cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dalil.catalogue import store
from dalil.catalogue.assembly import group_archive
from dalil.catalogue.consensus import Calibration
from dalil.vault.archive import Archive

from ..vault.factories import camera_exif, ingest, jpeg_bytes

FIRST = ("1608", "251", "2801")
SECOND = ("1611", "215", "2803")
# Two readings of one value make a bucket this table calls confident.
CALIBRATION = Calibration({"western:agree=3:dissent=0": (999, 1000),
                           "western:agree=2:dissent=0": (5000, 5000)})  # fmt: skip


def reading(numbers: tuple[str, str, str] | None, bp: int = 9900) -> dict[str, Any]:
    value: dict[str, Any] = {
        "script": "western" if numbers else None,
        "layout": "three_lines" if numbers else None,
        "lines": [{"text": n, "bp": bp} for n in numbers or ()],
        "card": [[10, 10], [110, 10], [110, 60], [10, 60]] if numbers else None,
        "flags": [] if numbers else ["no-writing-found"],
    }
    for name, n in zip(("detainee", "branch", "report"), numbers or (None,) * 3, strict=True):
        value[name] = {"value": n, "bp": bp if n else 0}
    return value


@pytest.fixture
def catalogued(archive: Archive, tmp_path: Path) -> Archive:
    """Photos 1-3 show the first body, 4-6 the second; photo 3 shows no card."""
    drive = tmp_path / "drive" / "2012-05-14"
    drive.mkdir(parents=True)
    for n in range(1, 7):
        (drive / f"DSC_{n:04d}.JPG").write_bytes(jpeg_bytes(n, exif=camera_exif()))
    ingest(archive, drive.parent)
    from dalil.vault.derive import describe_pending

    describe_pending(archive)
    with archive.read() as conn:
        rows = sorted(store.photo_rows(conn), key=lambda r: r.paths[0])
    numbers = [FIRST, FIRST, None, SECOND, SECOND, SECOND]
    with archive.write() as conn:
        store.record_readings(
            conn,
            [(row.sha256, reading(n)) for row, n in zip(rows, numbers, strict=True)],
            {"reader": "test-reader", "models": {}, "vocabulary_sha256": "0" * 64},
        )
    group_archive(archive, calibration=CALIBRATION)
    return archive
