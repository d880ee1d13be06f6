"""A released JPEG holds pixels and nothing else: every kind of metadata a camera or an
editor writes is named by ``foreign`` and gone after ``bare``, with exiftool as judge."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dalil.export.public import encoding

from ..vault.factories import camera_exif

EXIFTOOL = shutil.which("exiftool")
NOT_METADATA = {"ExifTool", "System", "File", "Composite"}
XMP = (
    b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>Photo Unit 7</dc:creator></x:xmpmeta>"
)


def _pixels() -> np.ndarray:
    y, x = np.mgrid[0:48, 0:64]
    return np.stack([x * 4, y * 5, (x + y) * 2], axis=2).astype(np.uint8)


def _saved(**options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(_pixels()).save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def _with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    return data[:2] + segment + data[2:]


CASES = {
    "EXIF with a serial": (_saved(exif=camera_exif()), "APP1"),
    "ICC profile": (_saved(icc_profile=b"\x00" * 200), "APP2"),
    "XMP": (_with_segment(_saved(), 0xE1, XMP), "APP1"),
    "IPTC": (_with_segment(_saved(), 0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00"), "APP13"),
    "comment": (_with_segment(_saved(), 0xFE, b"taken by Photo Unit 7"), "COM"),
    "JFIF header": (_saved(), "APP0"),
    "bytes after the end": (_saved() + b"secret trailer", "after the end"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_kind_of_metadata_is_named_then_removed(case: str) -> None:
    data, named = CASES[case]
    assert any(named in what for what in encoding.foreign(data)), encoding.foreign(data)
    if named != "after the end":
        assert encoding.foreign(encoding.bare(data)) == []


def test_the_encoder_writes_a_bare_jpeg_that_decodes_to_the_same_picture() -> None:
    data = encoding.encode(_pixels(), 95)
    assert encoding.foreign(data) == []
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)
    assert np.abs(decoded - _pixels()).mean() < 3


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is needed (make tools)")
@pytest.mark.parametrize("case", [c for c in CASES if c != "bytes after the end"])
def test_exiftool_finds_the_metadata_before_and_none_after(case: str, tmp_path: Path) -> None:
    assert EXIFTOOL is not None
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(CASES[case][0])
    after.write_bytes(encoding.bare(CASES[case][0]))
    done = subprocess.run([EXIFTOOL, "-j", "-a", "-G1", str(before), str(after)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    first, second = ({k.split(":", 1)[0] for k in r if ":" in k} for r in json.loads(done.stdout))
    assert first - NOT_METADATA, case
    assert second <= NOT_METADATA, second


def test_a_file_that_is_not_a_jpeg_is_not_called_bare() -> None:
    assert encoding.foreign(b"GIF89a")[0].startswith("not a JPEG")
