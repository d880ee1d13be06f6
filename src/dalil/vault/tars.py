"""The members of a stored tar (plain or gzip, bzip2, xz compressed), or of a plain
compressed file, which has one member: its decompressed bytes.

A compressed stream is read through an expansion guard from the first byte: listing a
``.tar.bz2`` decompresses all of it, so a bomb is stopped while being listed, before
any of it is stored. Hard links are named as hard links, with their targets.
"""

from __future__ import annotations

import lzma
import tarfile
import zlib
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from dalil.clock import from_ns
from dalil.errors import SourceError
from dalil.vault.entries import FILE, HARDLINK, SPECIAL, SYMLINK
from dalil.vault.expansion import COMPRESSED, ContainerRefused, open_compressed
from dalil.vault.limits import Limits
from dalil.vault.members import Member

# What a damaged tar or compressed stream raises from deep inside the decoders.
DAMAGED = (tarfile.TarError, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError)
_SUFFIXES = {".gz": "", ".bz2": "", ".xz": "", ".tgz": ".tar", ".tbz2": ".tar", ".txz": ".tar"}


class _RawNameInfo(tarfile.TarInfo):
    """A TarInfo that keeps the bytes after a NUL in its name field (tarfile drops them)."""

    cut_name: str | None = None
    nul_tail: str | None = None

    @classmethod
    def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Any:
        obj = super().frombuf(buf, encoding, errors)
        field = buf[0:100].rstrip(b"\0")
        if b"\0" in field:
            obj.cut_name = obj.name
            obj.nul_tail = field[field.index(b"\0") :].decode(encoding, "surrogateescape")
        return obj


def open_stream(path: Path, media_type: str, limits: Limits) -> BinaryIO:
    """The stored file's bytes, decompressed behind a guard where it is compressed."""
    raw = path.open("rb")
    if media_type not in COMPRESSED:
        return raw
    return open_compressed(raw, media_type, limits, "the archive")  # type: ignore[return-value]


def open_tar(stream: BinaryIO) -> tarfile.TarFile | None:
    """The tar in the stream, or None where the stream is not a tar at all."""
    try:
        return tarfile.open(fileobj=stream, mode="r:", tarinfo=_RawNameInfo)
    except tarfile.ReadError:
        return None


def _name(info: tarfile.TarInfo) -> str:
    if isinstance(info, _RawNameInfo) and info.nul_tail is not None and info.name == info.cut_name:
        return info.name + info.nul_tail
    return info.name


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo) -> BinaryIO:
    handle = tar.extractfile(info)
    if handle is None:
        raise SourceError(f"tar entry {info.name!r} has no content")
    return handle  # type: ignore[return-value]


def _member(tar: tarfile.TarFile, info: tarfile.TarInfo, ordinal: int) -> Member:
    when = from_ns(int(info.mtime) * 1_000_000_000)
    name = _name(info)
    if info.isreg():
        opener = partial(_extract, tar, info)
        return Member(name, FILE, info.size, None, when, ordinal, opener=opener)
    if info.islnk():
        return Member(name, HARDLINK, None, None, when, ordinal, info.linkname)
    if info.issym():
        return Member(name, SYMLINK, None, None, when, ordinal, info.linkname)
    return Member(name, SPECIAL, None, None, when, ordinal, "device or fifo")


def tar_members(tar: tarfile.TarFile, limits: Limits) -> list[Member]:
    """Every member but folders, each with its ordinal; stops past the entry limit."""
    members: list[Member] = []
    try:
        for ordinal, info in enumerate(tar, 1):
            if len(members) > limits.max_archive_entries:
                break  # enough to trip the entry-count limit without reading further
            if not info.isdir():
                members.append(_member(tar, info, ordinal))
    except ContainerRefused:
        raise
    except DAMAGED as exc:
        raise ContainerRefused("archive-damaged", f"the tar cannot be read: {exc}") from exc
    return members


def _decompressed_name(parent_raw: bytes) -> str:
    """The name a decompressor would give: the archive's own, less its suffix."""
    last = parent_raw.rsplit(b"/", 1)[-1].decode("utf-8", "surrogateescape")
    for suffix, becomes in _SUFFIXES.items():
        if last.lower().endswith(suffix) and len(last) > len(suffix):
            return last[: -len(suffix)] + becomes
    return last + ".decompressed"


def measure(stream: BinaryIO) -> int:
    """Decompress the whole stream, keeping nothing: its size, or the guard's refusal."""
    total = 0
    try:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
    except ContainerRefused:
        raise
    except DAMAGED as exc:
        raise ContainerRefused("archive-damaged", f"it cannot be decompressed: {exc}") from exc
    return total


def compressed_member(path: Path, media_type: str, parent_raw: bytes, limits: Limits) -> Member:
    """The one member of a plain compressed file, measured whole before it is stored."""
    with open_stream(path, media_type, limits) as stream:
        size = measure(stream)
    opener = partial(open_stream, path, media_type, limits)
    name = _decompressed_name(parent_raw)
    return Member(name, FILE, size, path.stat().st_size, None, 1, opener=opener)
