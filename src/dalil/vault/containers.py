"""Opening zip and tar archives safely, from the stored copy, entry by entry.

Nothing is ever extracted to a path: each entry's bytes stream into the content-addressed
store and its name is kept as recorded evidence. A name that tries to leave the archive
(``../``, an absolute path, a drive letter) therefore cannot write anywhere; it is
flagged because it says something about who made the archive. The archive's directory
is surveyed against the limits before a single entry is decompressed.
"""

from __future__ import annotations

import shutil
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dalil.clock import from_ns
from dalil.errors import SourceError
from dalil.vault.entries import FILE, SPECIAL, SYMLINK, UNREADABLE, Entry
from dalil.vault.limits import Limits


class ContainerRefused(SourceError):
    """The archive is over a safety limit or cannot be opened; it stays stored, unopened."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class _Member:
    name: str
    kind: str
    size: int | None
    compressed: int | None
    mtime: str | None
    note: str | None = None
    encrypted: bool = False


def escapes(name: str) -> str | None:
    """Why an entry name would land outside the archive if extracted naively, if it would."""
    text = name.replace("\\", "/")
    if text.startswith("/"):
        return f"is an absolute path ({name!r})"
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        return f"starts with a drive letter ({name!r})"
    if ".." in PurePosixPath(text).parts:
        return f"climbs out through '..' ({name!r})"
    return None


def _check_totals(members: list[_Member], limits: Limits, free_bytes: int) -> None:
    total = sum(m.size or 0 for m in members)
    if len(members) > limits.max_archive_entries:
        raise ContainerRefused(
            "archive-refused",
            f"it lists {len(members):,} entries, over the limit of "
            f"{limits.max_archive_entries:,} (raise --max-archive-entries if genuine)",
        )
    if total > limits.max_archive_bytes:
        raise ContainerRefused(
            "archive-refused",
            f"its entries add up to {total:,} bytes uncompressed, over the limit of "
            f"{limits.max_archive_bytes:,} (raise --max-archive-bytes if genuine)",
        )
    if total > free_bytes - limits.reserve_bytes:
        raise ContainerRefused(
            "archive-refused",
            f"its entries need {total:,} bytes and the archive disk has {free_bytes:,} free",
        )
    for member in members:
        size, packed = member.size or 0, member.compressed
        ratio_exceeded = size > limits.max_compression_ratio * max(packed or 0, 1)
        if packed is not None and size >= limits.bomb_min_entry_bytes and ratio_exceeded:
            raise ContainerRefused(
                "archive-refused",
                f"entry {member.name!r} expands {packed:,} bytes into {size:,}: "
                "a decompression bomb, not a photo",
            )


def _zip_members(archive: zipfile.ZipFile) -> list[_Member]:
    members: list[_Member] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        when = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*info.date_time)
        kind = SYMLINK if stat.S_ISLNK(mode) else FILE
        members.append(
            _Member(
                info.filename,
                kind,
                info.file_size,
                info.compress_size,
                when,
                encrypted=bool(info.flag_bits & 0x1),
            )
        )
    return members


def _tar_members(archive: tarfile.TarFile, limits: Limits) -> list[tuple[tarfile.TarInfo, _Member]]:
    members: list[tuple[tarfile.TarInfo, _Member]] = []
    for info in archive:
        if len(members) > limits.max_archive_entries:
            break  # enough to trip the entry-count limit without reading further
        if info.isdir():
            continue
        when = from_ns(int(info.mtime) * 1_000_000_000)
        if info.isreg():
            member = _Member(info.name, FILE, info.size, None, when)
        elif info.issym() or info.islnk():
            member = _Member(info.name, SYMLINK, None, None, when, note=info.linkname)
        else:
            member = _Member(info.name, SPECIAL, None, None, when, note="device or fifo")
        members.append((info, member))
    return members


@contextmanager
def open_members(
    path: Path, media_type: str, parent: Entry, sha256: str, limits: Limits
) -> Iterator[Iterator[Entry]]:
    """The entries of a stored archive, readable until the block ends.

    Raises ContainerRefused before yielding anything if the archive is unsafe. The archive
    stays open until the caller's block ends, because entries are read by worker threads
    after the iterator has moved on.
    """
    if parent.depth >= limits.max_archive_depth:
        raise ContainerRefused(
            "archive-too-deep",
            f"it is nested {parent.depth} archives deep (limit {limits.max_archive_depth})",
        )
    free = shutil.disk_usage(path.parent).free
    if media_type == "application/zip":
        with _open_zip(path) as archive:
            members = _zip_members(archive)
            _check_totals(members, limits, free)
            yield _zip_entries(archive, members, parent, sha256)
    else:
        with _open_tar(path) as tar:
            tar_members = _tar_members(tar, limits)
            _check_totals([m for _, m in tar_members], limits, free)
            yield _tar_entries(tar, tar_members, parent, sha256)


def _member_entry(parent: Entry, sha256: str, member: _Member) -> Entry:
    raw = parent.raw + b"!/" + member.name.encode("utf-8", errors="surrogateescape")
    flags: tuple[tuple[str, str], ...] = ()
    if (why := escapes(member.name)) is not None:
        flags = (
            (
                "archive-entry-escapes",
                f"the entry name {why}; kept as a name only, nothing written there",
            ),
        )
    return Entry(
        raw, member.kind, member.size, member.mtime, member.note, sha256, parent.depth + 1, flags
    )


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ContainerRefused("archive-damaged", f"the zip cannot be opened: {exc}") from exc


def _zip_entries(
    archive: zipfile.ZipFile, members: list[_Member], parent: Entry, sha256: str
) -> Iterator[Entry]:
    for member in members:
        entry = _member_entry(parent, sha256, member)
        if member.encrypted:
            flags = (*entry.flags, ("archive-entry-encrypted", "encrypted entry"))
            note = "encrypted entry; a password is needed"
            yield Entry(
                entry.raw, UNREADABLE, member.size, member.mtime, note, sha256, entry.depth, flags
            )
            continue
        if member.kind == SYMLINK:
            target = archive.read(member.name)[:4096].decode("utf-8", "backslashreplace")
            yield Entry(
                entry.raw, SYMLINK, None, member.mtime, target, sha256, entry.depth, entry.flags
            )
            continue
        yield Entry(
            entry.raw,
            FILE,
            member.size,
            member.mtime,
            None,
            sha256,
            entry.depth,
            entry.flags,
            opener=partial(_zip_open, archive, member.name),
        )


def _zip_open(archive: zipfile.ZipFile, name: str) -> BinaryIO:
    return archive.open(name)  # type: ignore[return-value]


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
        raise ContainerRefused("archive-damaged", f"the tar cannot be opened: {exc}") from exc


def _tar_entries(
    tar: tarfile.TarFile,
    members: list[tuple[tarfile.TarInfo, _Member]],
    parent: Entry,
    sha256: str,
) -> Iterator[Entry]:
    for info, member in members:
        entry = _member_entry(parent, sha256, member)
        if member.kind != FILE:
            yield entry
            continue
        yield Entry(
            entry.raw,
            FILE,
            info.size,
            member.mtime,
            None,
            sha256,
            entry.depth,
            entry.flags,
            opener=partial(_tar_open, tar, info),
        )


def _tar_open(archive: tarfile.TarFile, info: tarfile.TarInfo) -> BinaryIO:
    handle = archive.extractfile(info)
    if handle is None:
        raise SourceError(f"tar entry {info.name!r} has no content")
    return handle  # type: ignore[return-value]
