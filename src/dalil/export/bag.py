"""Writing a BagIt 1.0 bag (RFC 8493): payload, manifests, tag files, tag manifests.

Every file is hashed with SHA-256 and SHA-512 as it is written: an original is copied
from the store by the kernel and the copy, as it lies in the bag, is hashed (so the
manifests state what was written, and a damaged store copy is refused by its SHA-256);
small files are hashed from the bytes written. Payload files are written on worker
threads (hashing, writing and creating a file release the interpreter): creating a file
on a busy disk waits far longer than it computes, so several files are created at once.
The bag's bytes depend only on what is put in it: manifests are sorted, no file time
or host name enters a tag file, so the same selection gives the same bag.
"""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dalil.errors import InputError, IntegrityError

ALGORITHMS = ("sha256", "sha512")
BLOCK = 1 << 20
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
# Threads writing payload files: two hash (the cores here), the others wait on the disk.
WORKERS = 4
PENDING = 256
MAPPED = 64 << 20  # files up to this size are hashed through a mapping


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the bag, "/"-separated
    size: int
    digests: dict[str, str]


def _encode_path(path: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in a manifest's file names are percent-encoded."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _checked(path: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InputError(f"{path!r} is not a path inside the bag")
    return path


def _kernel_copy(source: int, target: int) -> bool:
    """Copy a whole file inside the kernel; False where the system cannot (then the
    caller copies it block by block)."""
    size = os.fstat(source).st_size
    copied = 0
    try:
        while copied < size:
            done = os.copy_file_range(source, target, size - copied)
            if done == 0:
                return False
            copied += done
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
            return False
        raise
    return True


def _hash_file(path: str) -> tuple[int, dict[str, str]]:
    """Size and digests of a file: small ones (photos) mapped, so their bytes are hashed
    where they lie in the page cache; large ones read block by block (memory stays flat)."""
    hashes = {name: hashlib.new(name) for name in ALGORITHMS}
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if 0 < size <= MAPPED:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                for h in hashes.values():
                    h.update(mapped)
        else:
            while block := handle.read(BLOCK):
                for h in hashes.values():
                    h.update(block)
    return size, {name: h.hexdigest() for name, h in hashes.items()}


def _digest(data: bytes) -> dict[str, str]:
    return {name: hashlib.new(name, data).hexdigest() for name in ALGORITHMS}


class BagWriter:
    """Collects a bag's files; ``finish`` writes the manifests and the tag files."""

    def __init__(self, root: Path, workers: int = WORKERS) -> None:
        if root.exists():
            raise InputError(f"{root} already exists; a package is written to a new folder")
        self.root = root
        (root / "data").mkdir(parents=True)
        self.payload: list[Entry] = []
        self.tags: list[Entry] = []
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._copies: deque[Future[Entry]] = deque()
        self._folders: set[str] = {"", "data"}

    def _place(self, path: str) -> str:
        """The file's path on disk, its folder made (each folder once).

        Strings, not Path objects: tens of thousands of files are placed per package.
        """
        path = _checked(path)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)  # noqa: PTH103, PTH118
            self._folders.add(folder)
        return os.path.join(self.root, path)  # noqa: PTH118

    def _write(self, path: str, data: bytes) -> Entry:
        fd = os.open(self._place(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return Entry(path, len(data), _digest(data))

    def add_payload(self, path: str, data: bytes) -> None:
        """A payload file (under ``data/``) with these bytes."""
        self._submit(self._pool.submit(self._write, "data/" + path, data))

    def copy_payload(self, path: str, source: Path, sha256: str) -> None:
        """Copy a stored object as a payload file; its bytes must hash to ``sha256``."""
        self._submit(self._pool.submit(self._copy, "data/" + path, source, sha256))

    def _submit(self, future: Future[Entry]) -> None:
        """Queue a file's writing; at most ``PENDING`` wait, so memory stays flat."""
        self._copies.append(future)
        while len(self._copies) > PENDING:
            self.payload.append(self._copies.popleft().result())

    def _copy(self, path: str, source: Path, sha256: str) -> Entry:
        """The kernel copies the bytes (``copy_file_range``: no trip through this process);
        then the copy itself, as it now lies in the package, is hashed through a mapping,
        so what the manifests state is what was written."""
        place = self._place(path)
        with source.open("rb") as src, open(place, "xb") as out:
            if not _kernel_copy(src.fileno(), out.fileno()):
                src.seek(0)
                out.seek(0)
                out.truncate()
                while block := src.read(BLOCK):
                    out.write(block)
        size, digests = _hash_file(place)
        if digests["sha256"] != sha256:
            raise IntegrityError(
                f"object {sha256} read back as {digests['sha256']}: the store copy is damaged;"
                " run `dalil verify` before exporting"
            )
        return Entry(path, size, digests)

    def sha512_by_path(self) -> dict[str, str]:
        """Every payload file's SHA-512 so far (waiting for copies in flight)."""
        self._collect()
        return {e.path: e.digests["sha512"] for e in self.payload}

    def open_payload(self, path: str) -> PayloadStream:
        """A payload file written piece by piece (``close`` lists it in the manifests)."""
        return PayloadStream(self, "data/" + path)

    def add_tag(self, path: str, data: bytes) -> None:
        """A tag file (outside ``data/``), listed in the tag manifests."""
        self.tags.append(self._write(path, data))

    def payload_oxum(self) -> str:
        self._collect()
        return f"{sum(e.size for e in self.payload)}.{len(self.payload)}"

    def _collect(self) -> None:
        while self._copies:
            self.payload.append(self._copies.popleft().result())

    def finish(self, bag_info: Iterable[tuple[str, str]]) -> str:
        """Write the bag's own files; returns the SHA-256 of ``tagmanifest-sha256.txt``."""
        try:
            self._collect()
        finally:
            self._pool.shutdown()
        self.add_tag("bagit.txt", BAGIT_TXT)
        info = "".join(f"{label}: {value}\n" for label, value in bag_info)
        self.add_tag("bag-info.txt", info.encode("utf-8"))
        for name in ALGORITHMS:
            self.add_tag(f"manifest-{name}.txt", _manifest(self.payload, name))
        tags = list(self.tags)
        identity = ""
        for name in ALGORITHMS:
            text = _manifest(tags, name)
            (self.root / f"tagmanifest-{name}.txt").write_bytes(text)
            if name == "sha256":
                identity = hashlib.sha256(text).hexdigest()
        return identity


def _manifest(entries: list[Entry], algorithm: str) -> bytes:
    lines = sorted(f"{e.digests[algorithm]}  {_encode_path(e.path)}\n" for e in entries)
    return "".join(lines).encode("utf-8")


def sync_tree() -> None:
    """Make the written package durable (what `cp -r` then `sync` does for a copy)."""
    os.sync()


class PayloadStream:
    """One payload file appended to in pieces, hashed as it is written: a file of many
    small records (the package's events) costs one file, not one per record."""

    def __init__(self, writer: BagWriter, path: str) -> None:
        self._writer, self._path = writer, path
        self._file = open(writer._place(path), "xb")  # noqa: SIM115
        self._hashes = {name: hashlib.new(name) for name in ALGORITHMS}
        self.size = 0

    def write(self, data: bytes) -> int:
        """Append ``data``; returns the offset it starts at."""
        offset = self.size
        self._file.write(data)
        for h in self._hashes.values():
            h.update(data)
        self.size += len(data)
        return offset

    def close(self) -> None:
        self._file.close()
        digests = {name: h.hexdigest() for name, h in self._hashes.items()}
        self._writer.payload.append(Entry(self._path, self.size, digests))
