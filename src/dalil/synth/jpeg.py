"""JPEG files as a camera writes them: its own tables, EXIF first, no JFIF header.

Pillow (libjpeg) always writes a JFIF APP0 segment; camera firmware does not, it starts
with the EXIF APP1. Header layout is one of the traits that separate a camera original
from an editor's re-save, so camera files are reassembled here: SOI, APP1, then the
encoder's segments minus its APP0/APP1.
"""

from __future__ import annotations

import io
import struct

import cv2
import numpy as np
from PIL import Image

from dalil.synth.quantization import Tables

SOI, SOS = b"\xff\xd8", 0xDA
APP0, APP1 = 0xE0, 0xE1
MAX_SEGMENT = 65533  # a JPEG segment's payload length field is 16 bits, itself included
THUMBNAIL_SIZE = (160, 120)  # the EXIF/DCF thumbnail size for 4:3 frames


def encode(pixels: np.ndarray, tables: Tables, subsampling: str) -> bytes:
    """Baseline JPEG of RGB ``pixels`` with the given quantization tables."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, "JPEG", qtables=[list(tables[0]), list(tables[1])], subsampling=subsampling
    )
    return buffer.getvalue()


def encode_quality(pixels: np.ndarray, quality: int, subsampling: str = "4:2:0") -> bytes:
    """JPEG at a libjpeg quality (standard tables), as editors and web tools save."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality, subsampling=subsampling)
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    """RGB pixels of a JPEG."""
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def thumbnail(pixels: np.ndarray, tables: Tables) -> bytes:
    """The small JPEG a camera embeds in IFD1, made from the same pixels as the image."""
    height, width = pixels.shape[:2]
    size = (min(THUMBNAIL_SIZE[0], width), min(THUMBNAIL_SIZE[1], height))
    small = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    return with_app1(encode(small, tables, "4:2:0"), None)


def with_app1(jpeg: bytes, exif: bytes | None, keep_jfif: bool = False) -> bytes:
    """``jpeg`` with its APP1 replaced by one holding ``exif`` (None: no EXIF at all), and
    its JFIF APP0 dropped as camera firmware writes no JFIF, or kept as editors do."""
    if jpeg[:2] != SOI:
        raise ValueError("not a JPEG stream")
    kept, jfif, position = bytearray(), b"", 2
    while jpeg[position] == 0xFF and jpeg[position + 1] != SOS:
        marker = jpeg[position + 1]
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        segment = jpeg[position : position + 2 + length]
        if marker == APP0:
            jfif = segment
        elif marker != APP1:
            kept += segment
        position += 2 + length
    head = bytearray(SOI) + (jfif if keep_jfif else b"")
    if exif is not None:
        if len(exif) > MAX_SEGMENT:
            raise ValueError(f"EXIF block of {len(exif)} bytes does not fit one APP1 segment")
        head += bytes([0xFF, APP1]) + struct.pack(">H", len(exif) + 2) + exif
    return bytes(head + kept + jpeg[position:])


def exif_payload(jpeg: bytes) -> bytes | None:
    """The APP1 EXIF payload of ``jpeg`` (``Exif\\0\\0``…), or None."""
    position = 2
    while position + 4 <= len(jpeg) and jpeg[position] == 0xFF and jpeg[position + 1] != SOS:
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        payload = jpeg[position + 4 : position + 2 + length]
        if jpeg[position + 1] == APP1 and payload.startswith(b"Exif\x00\x00"):
            return payload
        position += 2 + length
    return None
