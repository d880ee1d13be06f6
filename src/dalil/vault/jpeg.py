"""A JPEG header reader: markers, quantization tables, frame, EXIF segment. Pure, no decode.

Reading the header needs a few kilobytes and no pixel decoding, so every image of a
collection can be triaged at disk speed. The reader is strict about lengths (a hostile
segment length cannot make it read outside the buffer) and tolerant about content: it
reports what it found and where it stopped, it does not raise on damage.

Quantization tables are given in natural (row-major) order, as most forensic tools and
Pillow show them; the file stores them in zigzag order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from dalil import canonical

_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length

_NAMES = {
    0xC4: "DHT", 0xCC: "DAC", 0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT",
    0xDD: "DRI", 0xFE: "COM",
    **{m: f"SOF{m - 0xC0}" for m in _SOF_MARKERS},
    **{0xE0 + i: f"APP{i}" for i in range(16)},
}  # fmt: skip


def _zigzag() -> list[int]:
    """Position in the 8x8 block (row-major) of the n-th coefficient in zigzag order."""
    order = sorted(
        ((r, c) for r in range(8) for c in range(8)),
        key=lambda rc: (rc[0] + rc[1], rc[0] if (rc[0] + rc[1]) % 2 else rc[1]),
    )
    return [r * 8 + c for r, c in order]


ZIGZAG = _zigzag()


def marker_name(code: int) -> str:
    return _NAMES.get(code, f"0x{code:02X}")


@dataclass
class JpegHeader:
    markers: list[str] = field(default_factory=list)
    qtables: dict[int, list[int]] = field(default_factory=dict)
    qt_precision: dict[int, int] = field(default_factory=dict)
    width: int | None = None
    height: int | None = None
    components: list[list[int]] = field(default_factory=list)  # [id, h, v, table]
    progressive: bool = False
    exif: bytes | None = None
    huffman: list[str] = field(default_factory=list)  # SHA-256 of each DHT segment
    problem: str | None = None  # why reading stopped early, if it did

    @property
    def qt_signature(self) -> str | None:
        """One hash for the set of tables: the fingerprint of the encoder's settings."""
        if not self.qtables:
            return None
        tables = {str(k): v for k, v in sorted(self.qtables.items())}
        return hashlib.sha256(canonical.dumps(tables)).hexdigest()

    @property
    def sampling(self) -> str | None:
        if not self.components:
            return None
        return " ".join(f"{h}x{v}" for _, h, v, _ in self.components)


def _parse_dqt(segment: bytes, header: JpegHeader) -> None:
    pos = 0
    while pos < len(segment):
        precision, table = segment[pos] >> 4, segment[pos] & 0x0F
        size = 128 if precision else 64
        body = segment[pos + 1 : pos + 1 + size]
        if len(body) < size or precision > 1:
            header.problem = "a quantization table is cut short"
            return
        if precision:
            stored = [int.from_bytes(body[i : i + 2], "big") for i in range(0, 128, 2)]
        else:
            stored = list(body)
        natural = [0] * 64
        for index, value in zip(ZIGZAG, stored, strict=True):
            natural[index] = value
        header.qtables[table] = natural
        header.qt_precision[table] = 16 if precision else 8
        pos += 1 + size


def _parse_sof(code: int, segment: bytes, header: JpegHeader) -> None:
    if len(segment) < 6:
        header.problem = "the frame header is cut short"
        return
    header.height = int.from_bytes(segment[1:3], "big")
    header.width = int.from_bytes(segment[3:5], "big")
    header.progressive = code in _PROGRESSIVE
    count = segment[5]
    for i in range(count):
        part = segment[6 + 3 * i : 9 + 3 * i]
        if len(part) < 3:
            header.problem = "the frame header lists more components than it holds"
            return
        header.components.append([part[0], part[1] >> 4, part[1] & 0x0F, part[2]])


def read_header(data: bytes) -> JpegHeader:
    """Everything before the first scan of a JPEG (``data`` may be just its beginning)."""
    header = JpegHeader()
    if data[:2] != b"\xff\xd8":
        header.problem = "no JPEG start-of-image marker"
        return header
    header.markers.append("SOI")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            header.problem = f"expected a marker at byte {pos}"
            return header
        code = data[pos + 1]
        if code == 0xFF:  # fill byte
            pos += 1
            continue
        if code in _STANDALONE:
            header.markers.append(marker_name(code))
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            header.problem = f"segment {marker_name(code)} has an impossible length"
            return header
        segment = data[pos + 4 : pos + 2 + length]
        header.markers.append(marker_name(code))
        if code == 0xDA:
            return header
        if len(segment) < length - 2:
            header.problem = f"segment {marker_name(code)} is cut short"
            return header
        if code == 0xDB:
            _parse_dqt(segment, header)
        elif code in _SOF_MARKERS:
            _parse_sof(code, segment, header)
        elif code == 0xC4:
            header.huffman.append(hashlib.sha256(segment).hexdigest())
        elif code == 0xE1 and segment.startswith(b"Exif\x00\x00") and header.exif is None:
            header.exif = segment[6:]
        pos += 2 + length
    header.problem = header.problem or "the header ends before the image data"
    return header


def ends_cleanly(data: bytes) -> bool:
    """True if the file ends with the end-of-image marker (allowing trailing padding)."""
    tail = data[-64:].rstrip(b"\x00")
    return tail.endswith(b"\xff\xd9")
