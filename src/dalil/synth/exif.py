"""EXIF as cameras write it, built byte by byte: IFD0, Exif, GPS and IFD1 with a thumbnail.

Pillow can write IFD0 and its sub-IFDs but not IFD1, the thumbnail directory, and a
camera's embedded thumbnail is exactly what a thumbnail-versus-image check compares
(an edited image keeps its old thumbnail). So the TIFF structure is laid out here:
header, then each IFD followed by the values that do not fit in its entries, then the
thumbnail JPEG that IFD1 points at. Offsets are from the TIFF header, as the standard
(EXIF 2.32, CIPA DC-008) says; every value is word-aligned.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

EXIF_HEADER = b"Exif\x00\x00"

BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
_TYPE_SIZE = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}

# Tags (EXIF 2.32). Pointer tags are filled in at layout time.
MAKE, MODEL, ORIENTATION, X_RESOLUTION, Y_RESOLUTION = 0x010F, 0x0110, 0x0112, 0x011A, 0x011B
RESOLUTION_UNIT, SOFTWARE, DATE_TIME, YCBCR_POSITIONING = 0x0128, 0x0131, 0x0132, 0x0213
COMPRESSION, THUMBNAIL_OFFSET, THUMBNAIL_LENGTH = 0x0103, 0x0201, 0x0202
EXIF_POINTER, GPS_POINTER = 0x8769, 0x8825
EXPOSURE_TIME, F_NUMBER, ISO, EXIF_VERSION = 0x829A, 0x829D, 0x8827, 0x9000
DATE_TIME_ORIGINAL, DATE_TIME_DIGITIZED, FOCAL_LENGTH = 0x9003, 0x9004, 0x920A
COLOR_SPACE, PIXEL_X, PIXEL_Y = 0xA001, 0xA002, 0xA003
OWNER_NAME, BODY_SERIAL = 0xA430, 0xA431
GPS_VERSION, GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 0, 1, 2, 3, 4
GPS_ALT_REF, GPS_ALT = 5, 6

_IFD1 = -1  # key of the thumbnail directory in a layout (it has no pointer tag)

Value = bytes | tuple[int, ...] | tuple[tuple[int, int], ...]
Entry = tuple[int, int, Value]


@dataclass(frozen=True)
class ExifFields:
    """What a camera writes about one shot."""

    make: str
    model: str
    software: str
    taken: datetime
    width: int
    height: int
    serial: str | None = None
    owner: str | None = None
    gps: tuple[float, float, float] | None = None  # latitude, longitude, altitude (m)
    exposure: tuple[int, int] = (1, 60)
    f_number: tuple[int, int] = (28, 10)
    iso: int = 200
    focal_length: tuple[int, int] = (63, 10)
    byte_order: str = "II"  # "II" little-endian (most makers) or "MM" big-endian
    modified: datetime | None = None  # DateTime (0x0132) when an editor saved it again


def exif_time(moment: datetime) -> str:
    """EXIF's own date format, ``YYYY:MM:DD HH:MM:SS``."""
    return moment.strftime("%Y:%m:%d %H:%M:%S")


def build_exif(fields: ExifFields, thumbnail: bytes | None = None) -> bytes:
    """The APP1 payload: ``Exif\\0\\0`` then a TIFF structure with IFD0/Exif/GPS/IFD1."""
    ifds: dict[int, list[Entry]] = {0: _ifd0(fields), EXIF_POINTER: _exif_ifd(fields)}
    if fields.gps is not None:
        ifds[GPS_POINTER] = _gps_ifd(fields.gps)
    if thumbnail is not None:
        ifds[_IFD1] = _ifd1(len(thumbnail))
    return EXIF_HEADER + _layout(ifds, thumbnail, fields.byte_order)


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "replace") + b"\x00"


def _ifd0(f: ExifFields) -> list[Entry]:
    entries: list[Entry] = [
        (MAKE, ASCII, _ascii(f.make)),
        (MODEL, ASCII, _ascii(f.model)),
        (ORIENTATION, SHORT, (1,)),
        (X_RESOLUTION, RATIONAL, ((72, 1),)),
        (Y_RESOLUTION, RATIONAL, ((72, 1),)),
        (RESOLUTION_UNIT, SHORT, (2,)),
        (SOFTWARE, ASCII, _ascii(f.software)),
        (DATE_TIME, ASCII, _ascii(exif_time(f.modified or f.taken))),
        (YCBCR_POSITIONING, SHORT, (2,)),
        (EXIF_POINTER, LONG, (0,)),
    ]
    if f.gps is not None:
        entries.append((GPS_POINTER, LONG, (0,)))
    return entries


def _exif_ifd(f: ExifFields) -> list[Entry]:
    entries: list[Entry] = [
        (EXPOSURE_TIME, RATIONAL, (f.exposure,)),
        (F_NUMBER, RATIONAL, (f.f_number,)),
        (ISO, SHORT, (f.iso,)),
        (EXIF_VERSION, UNDEFINED, b"0230"),
        (DATE_TIME_ORIGINAL, ASCII, _ascii(exif_time(f.taken))),
        (DATE_TIME_DIGITIZED, ASCII, _ascii(exif_time(f.taken))),
        (FOCAL_LENGTH, RATIONAL, (f.focal_length,)),
        (COLOR_SPACE, SHORT, (1,)),
        (PIXEL_X, LONG, (f.width,)),
        (PIXEL_Y, LONG, (f.height,)),
    ]
    if f.owner is not None:
        entries.append((OWNER_NAME, ASCII, _ascii(f.owner)))
    if f.serial is not None:
        entries.append((BODY_SERIAL, ASCII, _ascii(f.serial)))
    return entries


def _dms(value: float) -> tuple[tuple[int, int], ...]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return ((degrees, 1), (minutes, 1), (seconds, 100))


def _gps_ifd(gps: tuple[float, float, float]) -> list[Entry]:
    lat, lon, alt = gps
    return [
        (GPS_VERSION, BYTE, (2, 3, 0, 0)),
        (GPS_LAT_REF, ASCII, b"N\x00" if lat >= 0 else b"S\x00"),
        (GPS_LAT, RATIONAL, _dms(lat)),
        (GPS_LON_REF, ASCII, b"E\x00" if lon >= 0 else b"W\x00"),
        (GPS_LON, RATIONAL, _dms(lon)),
        (GPS_ALT_REF, BYTE, (0 if alt >= 0 else 1,)),
        (GPS_ALT, RATIONAL, ((round(abs(alt) * 10), 10),)),
    ]


def _ifd1(thumbnail_length: int) -> list[Entry]:
    return [
        (COMPRESSION, SHORT, (6,)),  # 6 = JPEG (old-style) thumbnail
        (X_RESOLUTION, RATIONAL, ((72, 1),)),
        (Y_RESOLUTION, RATIONAL, ((72, 1),)),
        (RESOLUTION_UNIT, SHORT, (2,)),
        (THUMBNAIL_OFFSET, LONG, (0,)),
        (THUMBNAIL_LENGTH, LONG, (thumbnail_length,)),
    ]


def _value_bytes(kind: int, value: Value, order: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if kind == RATIONAL:
        pairs = [int(x) for pair in value for x in pair]  # type: ignore[union-attr]
        return struct.pack(f"{order}{len(pairs)}I", *pairs)
    code = {BYTE: "B", SHORT: "H", LONG: "I"}[kind]
    return struct.pack(f"{order}{len(value)}{code}", *value)


def _data_size(entries: list[Entry]) -> int:
    size = 0
    for kind, value in ((k, v) for _, k, v in entries):
        nbytes = _TYPE_SIZE[kind] * len(value)
        if nbytes > 4:
            size += nbytes + (nbytes & 1)
    return size


def _layout(ifds: dict[int, list[Entry]], thumbnail: bytes | None, byte_order: str) -> bytes:
    """IFDs in insertion order (IFD0 first), each followed by its out-of-line values."""
    order = "<" if byte_order == "II" else ">"
    offsets: dict[int, int] = {}
    position = 8
    for key, entries in ifds.items():
        offsets[key] = position
        position += 2 + 12 * len(entries) + 4 + _data_size(entries)
    pointers = {key: at for key, at in offsets.items() if key not in (0, _IFD1)}
    pointers[THUMBNAIL_OFFSET] = position
    out = bytearray((b"II" if order == "<" else b"MM") + struct.pack(f"{order}HI", 42, 8))
    for key, entries in ifds.items():
        next_ifd = offsets.get(_IFD1, 0) if key == 0 else 0
        out += _ifd_bytes(entries, offsets[key], next_ifd, pointers, order)
    if thumbnail is not None:
        out += thumbnail
    return bytes(out)


def _ifd_bytes(
    entries: list[Entry], at: int, next_ifd: int, pointers: dict[int, int], order: str
) -> bytes:
    entries = sorted(entries, key=lambda e: e[0])
    data_at = at + 2 + 12 * len(entries) + 4
    table, data = bytearray(struct.pack(f"{order}H", len(entries))), bytearray()
    for tag, kind, value in entries:
        if tag in pointers and kind == LONG:
            value = (pointers[tag],)
        raw = _value_bytes(kind, value, order)
        table += struct.pack(f"{order}HHI", tag, kind, len(value))
        if len(raw) <= 4:
            table += raw.ljust(4, b"\x00")
        else:
            table += struct.pack(f"{order}I", data_at + len(data))
            data += raw + (b"\x00" if len(raw) & 1 else b"")
    table += struct.pack(f"{order}I", next_ifd)
    return bytes(table + data)


def thumbnail_of(payload: bytes) -> bytes | None:
    """The IFD1 thumbnail JPEG inside an APP1 EXIF payload, or None."""
    if not payload.startswith(EXIF_HEADER):
        return None
    tiff = payload[len(EXIF_HEADER) :]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None
    try:
        (ifd0,) = struct.unpack_from(f"{order}I", tiff, 4)
        (count,) = struct.unpack_from(f"{order}H", tiff, ifd0)
        (ifd1,) = struct.unpack_from(f"{order}I", tiff, ifd0 + 2 + 12 * count)
        if ifd1 == 0:
            return None
        (count,) = struct.unpack_from(f"{order}H", tiff, ifd1)
        values = {}
        for i in range(count):
            tag, _, _, value = struct.unpack_from(f"{order}HHII", tiff, ifd1 + 2 + 12 * i)
            values[tag] = value
    except struct.error:
        return None
    start, length = values.get(THUMBNAIL_OFFSET), values.get(THUMBNAIL_LENGTH)
    if start is None or length is None or start + length > len(tiff):
        return None
    return tiff[start : start + length]
