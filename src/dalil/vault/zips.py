"""The members of a stored zip: every directory record, every hidden local header, every
zip carved out of the bytes before it (see ``ziplayout``).

Each member is read through the ``ZipInfo`` it was listed with, never by name: with two
entries of one name, a lookup by name returns the last one only.
"""

from __future__ import annotations

import io
import stat
import zipfile
from functools import partial
from pathlib import Path
from typing import BinaryIO

from dalil.vault import ziplayout
from dalil.vault.entries import FILE, SYMLINK, UNREADABLE
from dalil.vault.expansion import ContainerRefused, Guard
from dalil.vault.limits import Limits
from dalil.vault.members import MAX_LINK_TARGET, Member, printable

ENCRYPTED = 0x1


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ContainerRefused("archive-damaged", f"the zip cannot be opened: {exc}") from exc


def appended_zip_offset(path: Path) -> int | None:
    """Where a zip appended to a file of another kind begins, if one is (and lists entries)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not infos:
                return None
            return min(info.header_offset for info in infos)
    except Exception:  # a probe of untrusted bytes: any failure means there is no zip
        return None


def _when(info: zipfile.ZipInfo) -> str:
    return "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*info.date_time)


def _open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> BinaryIO:
    what = f"the entry {printable(info.orig_filename)!r}"
    return Guard(archive.open(info), limits, what, packed=info.compress_size)  # type: ignore[arg-type,return-value]


def _link_target(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    try:
        with archive.open(info) as body:
            data = body.read(MAX_LINK_TARGET)  # never the whole body
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        return f"(target unreadable: {exc})"
    return data.decode("utf-8", "backslashreplace")


def _listed(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, ordinal: int, limits: Limits
) -> Member:
    mode = info.external_attr >> 16
    name = info.orig_filename
    base = Member(name, FILE, info.file_size, info.compress_size, _when(info), ordinal)
    if info.flag_bits & ENCRYPTED:
        note = "encrypted entry; a password is needed"
        flags = (("archive-entry-encrypted", "encrypted entry"),)
        return Member(
            name, UNREADABLE, info.file_size, info.compress_size, base.mtime, ordinal, note, flags
        )
    if stat.S_ISLNK(mode):
        target = _link_target(archive, info)
        return Member(name, SYMLINK, None, info.compress_size, base.mtime, ordinal, target)
    return Member(
        name,
        FILE,
        info.file_size,
        info.compress_size,
        base.mtime,
        ordinal,
        opener=partial(_open_entry, archive, info, limits),
    )


def _hidden(
    archive: zipfile.ZipFile, hidden: ziplayout.Hidden, ordinal: int, limits: Limits
) -> Member:
    info = hidden.info
    where = (
        f"a local header at byte {hidden.offset:,} holds the entry "
        f"{printable(info.orig_filename)!r}, which the zip's central directory does not list "
        "(most zip tools do not show it)"
    )
    if not hidden.sizes_known:
        note = "its sizes are only in a data descriptor after its data; named, not read"
        return Member(
            info.orig_filename,
            UNREADABLE,
            None,
            None,
            _when(info),
            ordinal,
            note,
            (("archive-entry-hidden", f"{where}; {note}"),),
        )
    if info.flag_bits & ENCRYPTED:
        note = "encrypted entry; a password is needed"
        flags: tuple[tuple[str, str], ...] = (
            ("archive-entry-hidden", where),
            ("archive-entry-encrypted", "encrypted entry"),
        )
        return Member(
            info.orig_filename,
            UNREADABLE,
            info.file_size,
            info.compress_size,
            _when(info),
            ordinal,
            note,
            flags,
        )
    return Member(
        info.orig_filename,
        FILE,
        info.file_size,
        info.compress_size,
        _when(info),
        ordinal,
        flags=(("archive-entry-hidden", f"{where}; received from there"),),
        opener=partial(_open_entry, archive, info, limits),
    )


def _slice(path: Path, start: int, end: int) -> BinaryIO:
    handle = path.open("rb")
    handle.seek(start)
    return _Slice(handle, end - start)  # type: ignore[return-value]


class _Slice(io.RawIOBase):
    """Bytes [start, start + length) of a stored file, read in place."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.left)
        if want <= 0:
            return 0
        data = self.handle.read(want)
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)

    def close(self) -> None:
        self.handle.close()
        super().close()


def _embedded(path: Path, found: ziplayout.Embedded, ordinal: int) -> Member:
    reason = (
        f"bytes {found.start:,} to {found.end:,} of this file are a zip archive of their own, "
        "before the one its end record names (zips concatenated, or one appended to "
        "another file); most tools open only the last. Stored as an object of its own "
        "and opened"
    )
    return Member(
        f"@{found.start}",
        FILE,
        found.end - found.start,
        None,
        None,
        ordinal,
        flags=(("archive-embedded", reason),),
        opener=partial(_slice, path, found.start, found.end),
        suffix=f"!@{found.start}".encode(),
    )


def zip_members(
    path: Path, archive: zipfile.ZipFile, host_is_zip: bool, limits: Limits
) -> list[Member]:
    """Every member of the zip: listed, hidden and embedded, each with its ordinal."""
    infos = archive.infolist()
    members = [
        _listed(archive, info, ordinal, limits)
        for ordinal, info in enumerate(infos, 1)
        if not info.is_dir()
    ]
    layout = ziplayout.survey(path, archive, host_is_zip)
    ordinal = len(infos)
    for hidden in layout.hidden:
        ordinal += 1
        members.append(_hidden(archive, hidden, ordinal, limits))
    for found in layout.embedded:
        ordinal += 1
        members.append(_embedded(path, found, ordinal))
    return members
