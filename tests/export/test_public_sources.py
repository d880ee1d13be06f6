"""The scan for source-identifying values: what counts as a hit, where, and what not."""

from __future__ import annotations

from pathlib import Path

import pytest

from dalil.export.public.sources import scan

VALUES = {
    "33.5138": "a GPS position",
    "69629368": "a camera serial",
    "photo unit 7": "EXIF CameraOwnerName",
    "hdc_0519": "a source file name",
    "faces": "a source folder",
    "2011": "a source folder",
}


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("manifest.json", '{"place": "33.5138"}', ["33.5138"]),
        ("README.txt", "Taken by PHOTO UNIT 7", ["photo unit 7"]),  # any case
        ("R-0001.jpg", "\xff\xd8...69629368...", ["69629368"]),
        ("R-0002.jpg", "\xff\xd8...2011...", []),  # 4 bytes in compressed data: chance
        ("manifest.json", '{"year": "2011"}', ["2011"]),  # but not in text
        ("manifest.json", '{"sha256": "' + "ab" * 10 + "2011" + "cd" * 20 + '"}', []),  # a hash
        ("HDC_0519.jpg", "\xff\xd8", ["hdc_0519"]),  # the file's own name
        ("README.txt", "Faces are blurred.", []),  # dalil's fixed wording
        ("README.txt", "From the folder faces.", ["faces"]),
    ],
)
def test_a_value_is_found_where_it_could_leak_and_only_there(
    tmp_path: Path, name: str, content: str, found: list[str]
) -> None:
    (tmp_path / name).write_bytes(content.encode("latin-1"))
    hits = scan(tmp_path, VALUES, fixed=["Faces are blurred."])
    assert sorted(h.value for h in hits) == found
