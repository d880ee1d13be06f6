"""The layout of a zip's bytes, against what its central directory admits to.

Zip tools list what the central directory at the end of the file names, and nothing
else. Bytes it does not account for can hold whole entries (a local header whose
directory record was removed, or an older copy left by an in-place update), or whole
zips (``cat a.zip b.zip``: only ``b`` is listed; a zip appended to a JPEG). Every byte
range the directory does not cover is searched: a complete zip found there is carved
out and received as an object of its own, and a local header found there is an entry
received with a flag. Nothing is read into memory: the stored copy is mapped.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
DESCRIPTOR = b"PK\x07\x08"
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # 30 bytes
_END_RECORD = struct.Struct("<4sHHHHIIH")  # 22 bytes
SIZES_AFTER_DATA = 0x08  # general-purpose bit 3: sizes in a data descriptor
UTF8_NAME = 0x800
_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


@dataclass(frozen=True)
class Hidden:
    """A local header the central directory does not name."""

    offset: int
    info: zipfile.ZipInfo
    sizes_known: bool


@dataclass(frozen=True)
class Embedded:
    """A complete zip (local headers, directory, end record) inside bytes [start, end)."""

    start: int
    end: int


@dataclass(frozen=True)
class Layout:
    hidden: tuple[Hidden, ...]
    embedded: tuple[Embedded, ...]
    start: int  # where the zip that was opened begins (after a JPEG it is appended to)


def _local_name(view: mmap.mmap, offset: int) -> tuple[int, int, int] | None:
    """(flags, name length, extra length) of a plausible local header at offset."""
    if offset < 0 or offset + _LOCAL_HEADER.size > len(view):
        return None
    if view[offset : offset + 4] != LOCAL:
        return None
    fields = _LOCAL_HEADER.unpack_from(view, offset)
    version, flags, method, name_len, extra_len = (
        fields[1],
        fields[2],
        fields[3],
        fields[9],
        fields[10],
    )
    csize = fields[7]
    if version > 100 or method not in _METHODS or name_len == 0:
        return None
    end = offset + _LOCAL_HEADER.size + name_len + extra_len
    if end > len(view) or (not flags & SIZES_AFTER_DATA and end + csize > len(view)):
        return None
    return flags, name_len, extra_len


def _span(view: mmap.mmap, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The bytes one listed entry occupies: local header, data, data descriptor."""
    start = info.header_offset
    parsed = _local_name(view, start)
    if parsed is None:
        return start, start + _LOCAL_HEADER.size
    _, name_len, extra_len = parsed
    end = start + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
    if info.flag_bits & SIZES_AFTER_DATA:
        wide = info.compress_size >= 0xFFFFFFFF or info.file_size >= 0xFFFFFFFF
        end += (4 if view[end : end + 4] == DESCRIPTOR else 0) + (20 if wide else 12)
    return start, min(end, len(view))


def _gaps(lo: int, hi: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [lo, hi) that no span covers."""
    gaps, at = [], lo
    for start, end in sorted(spans):
        if start > at:
            gaps.append((at, min(start, hi)))
        at = max(at, end)
    if at < hi:
        gaps.append((at, hi))
    return [(a, b) for a, b in gaps if a < b]


def _embedded_in(view: mmap.mmap, lo: int, hi: int) -> list[Embedded]:
    """Complete zips whose end record lies in [lo, hi), found from their end records."""
    found: list[Embedded] = []
    at = hi
    while (p := view.rfind(END, lo, at)) >= 0:
        at = p
        if p + _END_RECORD.size > len(view):
            continue
        _, disk, _, _, count, cd_size, cd_offset, comment = _END_RECORD.unpack_from(view, p)
        cd_start = p - cd_size
        start = cd_start - cd_offset
        if disk != 0 or start < lo or count == 0 or view[cd_start : cd_start + 4] != CENTRAL:
            continue
        if view[start : start + 4] != LOCAL:
            continue
        found.append(Embedded(start, min(p + _END_RECORD.size + comment, hi)))
        at = start
    return sorted(found, key=lambda e: e.start)


def _dos_time(date: int, time: int) -> tuple[int, int, int, int, int, int]:
    """An MS-DOS date and time as zipfile's ``date_time`` (junk stays junk, in range)."""
    return (
        (date >> 9) + 1980,
        min(max((date >> 5) & 15, 1), 12),
        min(max(date & 31, 1), 31),
        min(time >> 11, 23),
        min((time >> 5) & 63, 59),
        min((time & 31) * 2, 59),
    )


def _hidden_in(view: mmap.mmap, lo: int, hi: int) -> list[Hidden]:
    found: list[Hidden] = []
    at = lo
    while (p := view.find(LOCAL, at, hi)) >= 0:
        parsed = _local_name(view, p)
        if parsed is None:
            at = p + 1
            continue
        flags, name_len, extra_len = parsed
        fields = _LOCAL_HEADER.unpack_from(view, p)
        raw_name = bytes(view[p + 30 : p + 30 + name_len])
        name = raw_name.decode("utf-8" if flags & UTF8_NAME else "cp437", errors="replace")
        info = zipfile.ZipInfo(name)
        info.orig_filename = name
        info.flag_bits, info.compress_type = flags, fields[3]
        info.CRC, info.compress_size, info.file_size = fields[6], fields[7], fields[8]
        info.header_offset = p
        info.date_time = _dos_time(fields[5], fields[4])
        sizes_known = not flags & SIZES_AFTER_DATA
        found.append(Hidden(p, info, sizes_known))
        at = p + 30 + name_len + extra_len + (fields[7] if sizes_known else 0)
    return found


def survey(path: Path, archive: zipfile.ZipFile, host_is_zip: bool) -> Layout:
    """What lies in the stored zip (or file with a zip appended) outside its directory."""
    with path.open("rb") as handle:
        if handle.seek(0, 2) == 0:
            return Layout((), (), 0)
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            spans = [_span(view, info) for info in archive.infolist()]
            start = min((s for s, _ in spans), default=archive.start_dir)
            spans.append((archive.start_dir, len(view)))
            hidden: list[Hidden] = []
            embedded: list[Embedded] = []
            for lo, hi in _gaps(0, len(view), spans):
                zips = _embedded_in(view, lo, hi)
                embedded.extend(zips)
                taken = [(e.start, e.end) for e in zips]
                if not host_is_zip:
                    # The bytes before a zip appended to another file are that file's own.
                    taken.append((0, start))
                for part_lo, part_hi in _gaps(lo, hi, taken):
                    hidden.extend(_hidden_in(view, part_lo, part_hi))
    return Layout(tuple(hidden), tuple(embedded), start)
