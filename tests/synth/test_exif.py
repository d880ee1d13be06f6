"""The EXIF we build reads back, in Pillow and in a plain TIFF walker, in both byte orders,
with an IFD1 thumbnail that is the image it claims to be."""

from __future__ import annotations

import io
import struct
from datetime import datetime

import numpy as np
import pytest
from PIL import ExifTags, Image

from dalil.synth import jpeg
from dalil.synth.exif import ExifFields, build_exif
from dalil.synth.quantization import standard_tables

FIELDS = ExifFields(
    make="Kestrel Imaging",
    model="Kestrel K12",
    software="K12 Firmware 1.0.3",
    taken=datetime(2012, 5, 14, 9, 31, 7),
    width=320,
    height=240,
    serial="12345678",
    owner="Photo Unit 7",
    gps=(33.5138, 36.2765, 690.0),
)


def walk_tiff(tiff: bytes) -> dict[str, dict[int, tuple[int, int, int]]]:
    """A TIFF reader written from the specification: IFD0, its Exif/GPS sub-IFDs, IFD1.
    Values are (type, count, value-or-offset)."""
    order = {b"II": "<", b"MM": ">"}[tiff[:2]]
    magic, first = struct.unpack(order + "HI", tiff[2:8])
    assert magic == 42

    def read_ifd(at: int) -> tuple[dict[int, tuple[int, int, int]], int]:
        (count,) = struct.unpack(order + "H", tiff[at : at + 2])
        entries = {}
        for i in range(count):
            raw = tiff[at + 2 + 12 * i : at + 14 + 12 * i]
            tag, kind, n = struct.unpack(order + "HHI", raw[:8])
            value = struct.unpack(
                order + ("H" if kind == 3 and n == 1 else "I"),
                raw[8:10] if kind == 3 and n == 1 else raw[8:12],
            )[0]
            entries[tag] = (kind, n, value)
        (next_ifd,) = struct.unpack(order + "I", tiff[at + 2 + 12 * count : at + 6 + 12 * count])
        return entries, next_ifd

    ifd0, ifd1_at = read_ifd(first)
    ifds = {"ifd0": ifd0, "exif": read_ifd(ifd0[0x8769][2])[0]}
    if 0x8825 in ifd0:
        ifds["gps"] = read_ifd(ifd0[0x8825][2])[0]
    if ifd1_at:
        ifds["ifd1"] = read_ifd(ifd1_at)[0]
    return ifds


def ascii_at(tiff: bytes, entry: tuple[int, int, int]) -> str:
    kind, count, offset = entry
    assert kind == 2
    return tiff[offset : offset + count].rstrip(b"\x00").decode()


def camera_file(byte_order: str) -> tuple[bytes, np.ndarray]:
    ys, xs = np.mgrid[0:240, 0:320]
    pixels = np.stack([xs * 0.7, ys, np.full_like(xs, 90)], axis=2).astype(np.uint8)
    pixels[60:140, 40:200] = (240, 240, 230)  # a card
    tables = standard_tables(92)
    thumb = jpeg.thumbnail(pixels, tables)
    fields = ExifFields(**{**FIELDS.__dict__, "byte_order": byte_order})
    data = jpeg.with_app1(jpeg.encode(pixels, tables, "4:2:0"), build_exif(fields, thumb))
    return data, pixels


@pytest.mark.parametrize("byte_order", ["II", "MM"])
def test_pillow_reads_every_field_we_write(byte_order: str) -> None:
    data, _ = camera_file(byte_order)
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif[0x010F] == "Kestrel Imaging"
    assert exif[0x0110] == "Kestrel K12"
    assert exif[0x0131] == "K12 Firmware 1.0.3"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    assert sub[0x9003] == "2012:05:14 09:31:07"
    assert sub[0xA431] == "12345678"
    assert sub[0xA430] == "Photo Unit 7"
    assert (sub[0xA002], sub[0xA003]) == (320, 240)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[1] == "N" and gps[3] == "E"
    degrees, minutes, seconds = (float(v) for v in gps[2])
    assert degrees + minutes / 60 + seconds / 3600 == pytest.approx(33.5138, abs=1e-4)
    ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    assert ifd1[0x0103] == 6 and ifd1[0x0202] > 0


@pytest.mark.parametrize("byte_order", ["II", "MM"])
def test_plain_parser_finds_thumbnail_that_matches_the_image(byte_order: str) -> None:
    data, pixels = camera_file(byte_order)
    payload = jpeg.exif_payload(data)
    assert payload is not None and payload.startswith(b"Exif\x00\x00")
    tiff = payload[6:]
    ifds = walk_tiff(tiff)
    assert ascii_at(tiff, ifds["ifd0"][0x010F]) == "Kestrel Imaging"
    assert ascii_at(tiff, ifds["exif"][0xA431]) == "12345678"
    offset, length = ifds["ifd1"][0x0201][2], ifds["ifd1"][0x0202][2]
    thumb = tiff[offset : offset + length]
    assert thumb[:2] == b"\xff\xd8" and thumb[-2:] == b"\xff\xd9"
    small = np.asarray(Image.open(io.BytesIO(thumb)).convert("RGB"), dtype=np.float32)
    assert small.shape == (120, 160, 3)
    expected = np.asarray(Image.fromarray(pixels).resize((160, 120), Image.Resampling.BOX))
    assert np.abs(small - expected).mean() < 3
    assert np.abs(small - expected[::-1]).mean() > 20  # and it would tell another image


def test_camera_file_starts_with_exif_and_has_no_jfif() -> None:
    data, _ = camera_file("II")
    assert data[:4] == b"\xff\xd8\xff\xe1"
    assert b"JFIF\x00" not in data[:200]


def test_file_without_exif_has_no_app_segments() -> None:
    pixels = np.zeros((16, 16, 3), dtype=np.uint8)
    data = jpeg.with_app1(jpeg.encode(pixels, standard_tables(90), "4:2:0"), None)
    assert data[2:4] == b"\xff\xdb"  # straight to the quantization tables
    assert Image.open(io.BytesIO(data)).getexif() == {}
