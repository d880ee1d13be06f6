"""Expansion: every decompression measured against the same limits while it runs.

A zip states each entry's sizes in its directory, so it can be surveyed before a byte
is inflated; a ``.tar.bz2`` or a plain ``.gz`` states nothing, and 1,500 bytes of bzip2
expand to 2 GiB. Each decompressed stream is therefore read through a guard that counts
the bytes that went in and came out and stops, before the next chunk reaches the store,
once the output passes the absolute cap or the running ratio passes the bomb ratio.
The same ``Limits`` apply to zip entries, tars and plain compressed files alike.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from typing import BinaryIO

from dalil.errors import SourceError
from dalil.vault.limits import Limits

# Media type → how its stream is opened; the magic bytes, not the name, decided it.
COMPRESSED = {
    "application/gzip": "gzip",
    "application/x-bzip2": "bzip2",
    "application/x-xz": "xz",
}


class ContainerRefused(SourceError):
    """The archive is over a safety limit or cannot be opened; it stays stored, unopened."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class _Counting(io.RawIOBase):
    """The compressed bytes, counting how far into them decompression has read."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.consumed = max(self.consumed, self.raw.tell())
        return int(n or 0)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()
        super().close()


class Guard(io.RawIOBase):
    """A decompressed stream that refuses to go past the limits (see the module text).

    ``packed`` is the compressed size when it is known up front (a zip entry's); else
    the compressed bytes consumed so far are counted.
    """

    def __init__(
        self,
        stream: BinaryIO,
        limits: Limits,
        what: str,
        counting: _Counting | None = None,
        packed: int | None = None,
    ) -> None:
        self.stream = stream
        self.limits = limits
        self.what = what
        self.counting = counting
        self.packed = packed
        self.high = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.stream.seekable()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._check(self._position(n))
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        return super().read(size) or b""

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        where = self.stream.seek(offset, whence)
        self._check(where)
        return where

    def tell(self) -> int:
        return self.stream.tell()

    def close(self) -> None:
        self.stream.close()  # a decompressor does not close the file it was handed
        if self.counting is not None:
            self.counting.close()
        super().close()

    def _position(self, n: int) -> int:
        try:
            return self.stream.tell()
        except (OSError, AttributeError, ValueError):
            return self.high + n

    def _check(self, out: int) -> None:
        self.high = max(self.high, out)
        refusal = over_limits(self.high, self._packed(), self.limits, self.what)
        if refusal is not None:
            raise refusal

    def _packed(self) -> int:
        if self.packed is not None:
            return self.packed
        return self.counting.consumed if self.counting is not None else 0


def over_limits(out: int, packed: int, limits: Limits, what: str) -> ContainerRefused | None:
    """Why ``packed`` bytes expanding to ``out`` is refused, if it is."""
    if out > limits.max_archive_bytes:
        return ContainerRefused(
            "archive-refused",
            f"{what} expands to more than {limits.max_archive_bytes:,} bytes, the limit "
            "(raise --max-archive-bytes if genuine); stopped before storing any of it",
        )
    ratio = out // max(packed, 1)
    if out >= limits.bomb_min_entry_bytes and ratio > limits.max_compression_ratio:
        return ContainerRefused(
            "archive-refused",
            f"{what} expands {packed:,} compressed bytes into more than {out:,}: a ratio of "
            f"{ratio:,} to 1, over the limit of {limits.max_compression_ratio:,} to 1 "
            "(a decompression bomb, not a photo); stopped before storing any of it",
        )
    return None


def open_compressed(raw: BinaryIO, media_type: str, limits: Limits, what: str) -> Guard:
    """The decompressed bytes of a gzip, bzip2 or xz stream, behind a guard."""
    counting = _Counting(raw)
    source: BinaryIO = counting  # type: ignore[assignment]
    kind = COMPRESSED[media_type]
    stream: BinaryIO
    if kind == "gzip":
        stream = gzip.GzipFile(fileobj=source, mode="rb")  # type: ignore[assignment]
    elif kind == "bzip2":
        stream = bz2.BZ2File(source, "rb")  # type: ignore[assignment]
    else:
        stream = lzma.LZMAFile(source, "rb")  # type: ignore[assignment]  # noqa: SIM115 - the guard closes it
    return Guard(stream, limits, what, counting=counting)
