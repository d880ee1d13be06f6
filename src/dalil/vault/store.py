"""The write-once, content-addressed object store.

An object's name is the SHA-256 of its bytes, so the name is its integrity check and no
path is ever made from a name a user or a source drive chose. New objects are written to
``tmp/`` under a random name, fsynced, renamed into ``objects/<2 hex>/<sha256>`` and made
read-only; the directory is fsynced before the catalogue records the object, so an object
the catalogue knows is on the disk. An object is never rewritten once the catalogue knows
it; a file found at an object's place that the catalogue does not know (left by a crash
before its commit) may be replaced by a fresh copy of the same bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dalil.errors import ObjectMissing, StoreError

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def is_sha256(text: str) -> bool:
    return bool(_SHA256_HEX.fullmatch(text))


@dataclass
class Staged:
    """Bytes written to a temporary file, hashed, not yet an object."""

    sha256: str
    size: int
    head: bytes
    tmp_path: Path


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): flush one filesystem, all files at once."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_SYNCFS = _load_syncfs()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _writer_alive(name: str) -> bool:
    """Whether the process that named a temporary file is still running (on this host)."""
    pid, _, rest = name.partition("-")
    if not rest or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects_dir = root / "objects"
        self.tmp_dir = root / "tmp"

    def create(self) -> None:
        self.objects_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        for i in range(256):
            (self.objects_dir / f"{i:02x}").mkdir(exist_ok=True)
        _fsync_dir(self.objects_dir)
        _fsync_dir(self.root)

    def path_for(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise StoreError(f"{sha256!r} is not a SHA-256 object name")
        return self.objects_dir / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path_for(sha256).open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(f"object {sha256} is missing from the store") from exc

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as handle:
            return handle.read()

    @property
    def batched_sync(self) -> bool:
        """True where one syncfs per group replaces an fsync per file (Linux)."""
        return _SYNCFS is not None

    def _tmp_name(self) -> Path:
        if not self.tmp_dir.is_dir():
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
        # The writer's pid is in the name so that clean_tmp never removes the partial copy
        # of a process still writing (a second writer, a web request storing a record).
        return self.tmp_dir / f"{os.getpid()}-{secrets.token_hex(16)}.part"

    def stage_stream(self, source: BinaryIO, head_size: int = 64) -> Staged:
        """Copy ``source`` to a temporary file, hashing it on the way; one read of each byte.

        The copy is durable once ``sync`` has run for its group (or at once, where the
        platform has no syncfs).
        """
        tmp_path = self._tmp_name()
        digest = hashlib.sha256()
        size = 0
        head = b""
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        try:
            with tmp_path.open("xb") as out:
                while n := source.readinto(view):  # type: ignore[attr-defined]
                    chunk = view[:n]
                    if size < head_size:
                        head += bytes(chunk[: head_size - size])
                    digest.update(chunk)
                    out.write(chunk)
                    size += n
                out.flush()
                if not self.batched_sync:
                    os.fsync(out.fileno())
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        return Staged(digest.hexdigest(), size, head, tmp_path)

    def stage_bytes(self, data: bytes) -> Staged:
        tmp_path = self._tmp_name()
        with tmp_path.open("xb") as out:
            out.write(data)
            out.flush()
            if not self.batched_sync:
                os.fsync(out.fileno())
        return Staged(hashlib.sha256(data).hexdigest(), len(data), data[:64], tmp_path)

    def place(self, staged: Staged) -> Path:
        """Move staged bytes to their object name (replacing an unrecorded leftover)."""
        final = self.path_for(staged.sha256)
        staged.tmp_path.chmod(READ_ONLY)
        try:
            staged.tmp_path.replace(final)
        except FileNotFoundError:
            # A copy of the archive that dropped empty folders (git, some sync tools).
            if not staged.tmp_path.exists():
                raise
            final.parent.mkdir(parents=True, exist_ok=True)
            staged.tmp_path.replace(final)
        return final.parent

    def discard(self, staged: Staged) -> None:
        staged.tmp_path.unlink(missing_ok=True)

    def sync(self, dirs: set[Path]) -> None:
        """Make the staged bytes and their renames into ``dirs`` durable.

        Called before the catalogue commits the objects: an object the catalogue knows
        is on the disk. One syncfs flushes the whole group; elsewhere each file was
        fsynced when staged and the directories are fsynced here.
        """
        if not dirs:
            return
        if _SYNCFS is not None:
            fd = os.open(self.objects_dir, os.O_RDONLY | os.O_DIRECTORY)
            try:
                if _SYNCFS(fd) != 0:
                    error = ctypes.get_errno()
                    raise OSError(error, f"syncfs failed: {os.strerror(error)}")
            finally:
                os.close(fd)
            return
        for directory in dirs:
            _fsync_dir(directory)

    def clean_tmp(self) -> int:
        """Remove temporary files left by an interrupted run; returns how many."""
        removed = 0
        for leftover in self.tmp_dir.glob("*.part"):
            if _writer_alive(leftover.name):
                continue
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed += 1
        return removed

    def iter_names(self) -> Iterator[tuple[str, Path]]:
        """Every file under ``objects/``, named or not, as (name, path)."""
        for entry in sorted(self.objects_dir.iterdir()):
            if not entry.is_dir() or entry.is_symlink():
                yield entry.name, entry
                continue
            for item in sorted(entry.iterdir()):
                yield item.name, item
