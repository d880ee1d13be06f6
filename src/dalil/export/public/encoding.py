"""A JPEG that holds pixels and nothing else, and the check that a file is one.

Pillow writes a JFIF header into every JPEG (and EXIF, XMP or an ICC profile when asked);
the encoder's output is therefore rebuilt keeping only the segments a decoder needs:
SOI, quantization and Huffman tables, the frame header, restart interval, scans, EOI.
Anything else in a file (an APPn block of any kind, a comment, bytes after the end) is
what the check names: metadata has nowhere left to hide.
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
# Segments a baseline or progressive JPEG decoder needs; nothing in them is metadata.
NEEDED = {
    0xDB: "DQT",
    0xC4: "DHT",
    0xC0: "SOF0",
    0xC1: "SOF1",
    0xC2: "SOF2",
    0xDD: "DRI",
    SOS: "SOS",
}
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length


class NotBare(ValueError):
    """A JPEG holding something other than pixels."""


def segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each segment after SOI, scans with their entropy-coded
    data, then EOI; raises NotBare when the structure cannot be followed."""
    if data[:2] != b"\xff\xd8":
        raise NotBare("it does not start as a JPEG")
    found: list[tuple[int, int, int]] = []
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise NotBare(f"byte {at} is not a marker")
        while at + 1 < len(data) and data[at + 1] == 0xFF:
            at += 1  # fill bytes
        if at + 1 >= len(data):
            raise NotBare("it ends inside a marker")
        marker = data[at + 1]
        if marker == EOI:
            found.append((EOI, at, at + 2))
            return found
        if marker in STANDALONE:
            found.append((marker, at, at + 2))
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if length < 2 or end > len(data):
            raise NotBare(f"the segment at byte {at} runs past the end")
        if marker == SOS:
            end = _scan_end(data, end)
        found.append((marker, at, end))
        at = end
    raise NotBare("it has no end-of-image marker")


def _scan_end(data: bytes, at: int) -> int:
    """Where a scan's entropy-coded data ends: the next marker that is not a stuffed
    zero or a restart marker."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            raise NotBare("a scan runs to the end of the file")
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1
            continue
        return at


def foreign(data: bytes) -> list[str]:
    """What a JPEG holds besides pixels (APP1 is EXIF or XMP, APP2 ICC, APP13 IPTC, ...),
    one description each; empty for a bare JPEG."""
    try:
        found = segments(data)
    except NotBare as exc:
        return [f"not a JPEG dalil can follow: {exc}"]
    extra = []
    for marker, start, end in found:
        if marker in NEEDED or marker in STANDALONE or marker == EOI:
            continue
        name = f"APP{marker - 0xE0}" if 0xE0 <= marker <= 0xEF else f"0xFF{marker:02X}"
        name = "COM" if marker == 0xFE else name
        extra.append(f"{name} segment of {end - start} bytes at byte {start}")
    tail = len(data) - found[-1][2]
    if tail:
        extra.append(f"{tail} bytes after the end of the image")
    return extra


def bare(data: bytes) -> bytes:
    """The same JPEG with every segment a decoder does not need left out."""
    kept = [b"\xff\xd8"]
    for marker, start, end in segments(data):
        if marker in NEEDED or marker in STANDALONE or marker == EOI:
            kept.append(data[start:end])
    return b"".join(kept)


def encode(rgb: npt.NDArray[np.uint8], quality: int) -> bytes:
    """RGB pixels as a bare baseline JPEG (4:2:0, optimised Huffman tables)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, "JPEG", quality=quality, subsampling=2, optimize=True)
    data = bare(buffer.getvalue())
    left = foreign(data)
    if left:
        raise NotBare("; ".join(left))
    return data
