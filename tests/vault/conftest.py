"""A small source drive for vault tests: photos, a duplicate, an empty and a text file."""

from __future__ import annotations

from pathlib import Path

import pytest

from .factories import camera_exif, jpeg_bytes


@pytest.fixture
def photo_tree(tmp_path: Path) -> Path:
    """drive/ with 6 photos in two dated folders, a duplicate, an empty and a text file."""
    drive = tmp_path / "drive"
    for folder, seeds in (("2012-05-14", [1, 2, 3]), ("2012-05-15", [4, 5, 6])):
        (drive / folder).mkdir(parents=True)
        for seed in seeds:
            (drive / folder / f"IMG_{seed:04d}.JPG").write_bytes(
                jpeg_bytes(seed, exif=camera_exif())
            )
    (drive / "copies").mkdir()
    (drive / "copies" / "IMG_0001 copy.JPG").write_bytes(
        (drive / "2012-05-14" / "IMG_0001.JPG").read_bytes()
    )
    (drive / "copies" / "empty.JPG").write_bytes(b"")
    (drive / "notes.txt").write_text("received from the photographer's contact\n")
    return drive
