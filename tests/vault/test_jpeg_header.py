"""The JPEG header reader: what it reads from real files, and that hostile lengths cannot
make it read outside the buffer or raise."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

from dalil.vault.jpeg import ends_cleanly, read_header

from .factories import camera_exif, jpeg_bytes


def test_reads_what_pillow_wrote() -> None:
    data = jpeg_bytes(1, (320, 240), quality=75, exif=camera_exif())
    header = read_header(data)
    image = Image.open(io.BytesIO(data))
    assert isinstance(image, JpegImageFile)
    assert (header.width, header.height) == image.size == (320, 240)
    # Pillow reports the tables in natural (row-major) order, as we do.
    assert header.qtables == {k: list(v) for k, v in image.quantization.items()}
    assert header.markers[:2] == ["SOI", "APP0"] and header.markers[-1] == "SOS"
    assert header.exif is not None and header.problem is None
    assert ends_cleanly(data) and not ends_cleanly(data[:-2])


def test_zigzag_walks_the_block_diagonally() -> None:
    from dalil.vault.jpeg import ZIGZAG

    assert ZIGZAG[:10] == [0, 1, 8, 16, 9, 2, 3, 10, 17, 24]
    assert sorted(ZIGZAG) == list(range(64)) and ZIGZAG[-1] == 63


def test_tables_differ_by_quality_and_signature_follows() -> None:
    a, b = read_header(jpeg_bytes(1, quality=75)), read_header(jpeg_bytes(1, quality=95))
    same = read_header(jpeg_bytes(2, quality=75))
    assert a.qt_signature != b.qt_signature
    assert a.qt_signature == same.qt_signature


def test_cut_and_impossible_segments_are_reported_not_raised() -> None:
    data = jpeg_bytes(3)
    assert read_header(data[:40]).problem is not None
    assert read_header(b"\xff\xd8\xff\xdb\x00\x01").problem is not None
    assert read_header(b"not a jpeg").problem == "no JPEG start-of-image marker"


@settings(max_examples=300)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_after_soi_never_raise(tail: bytes) -> None:
    header = read_header(b"\xff\xd8" + tail)
    assert header.markers[0] == "SOI"
