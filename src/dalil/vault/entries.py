"""Entries: everything a source holds, as ingest sees it, before any byte is read.

A source is a folder, a single file, or (once received) an archive. Walking never
follows a symbolic link and never builds a path from a name inside an archive; every
name is kept exactly, as bytes, and shown with undecodable bytes escaped.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from dalil.clock import from_ns
from dalil.errors import SourceError

T = TypeVar("T")

FILE, SYMLINK, SPECIAL, UNREADABLE = "file", "symlink", "special", "unreadable"
HARDLINK = "hardlink"  # a tar entry that names another entry as its content


@dataclass(frozen=True)
class Entry:
    raw: bytes  # the path as received: source label, "/", the path inside, all as bytes
    kind: str
    size: int | None
    mtime: str | None
    note: str | None = None  # a symlink's target, or why the entry could not be read
    container: str | None = None  # SHA-256 of the archive the entry came out of
    depth: int = 0  # how many archives deep
    flags: tuple[tuple[str, str], ...] = ()
    opener: Callable[[], BinaryIO] | None = field(default=None, compare=False, repr=False)
    # Position of the entry in its archive's listing (from 1), and that of the first entry
    # of the same name when this one repeats it: two entries, two receipts.
    ordinal: int | None = None
    same_name_as: int | None = None

    @property
    def path(self) -> str:
        return display(self.raw)

    @property
    def key(self) -> str:
        return path_key(self.raw, self.ordinal, self.same_name_as)

    @property
    def raw_if_not_utf8(self) -> str | None:
        """The exact name bytes (hex) where the shown path is not them: not UTF-8, or a NUL."""
        return None if display(self.raw).encode("utf-8") == self.raw else self.raw.hex()

    @property
    def is_utf8(self) -> bool:
        try:
            self.raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True


def path_key(raw: bytes, ordinal: int | None, same_name_as: int | None) -> str:
    """The key of a received path in its batch; a repeated name is told apart by position."""
    if same_name_as is None or ordinal is None:
        return hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(raw + b"\x00#" + str(ordinal).encode()).hexdigest()


def display(raw: bytes) -> str:
    # A NUL cannot be stored in PostgreSQL text, and a name cut at it would be another
    # name: it is shown escaped, and the exact bytes are kept beside the path.
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


@dataclass(frozen=True)
class Source:
    """A folder or file named on the command line, and the label its paths start with."""

    given: str
    absolute: Path
    label: str


def resolve_sources(given: list[Path]) -> list[Source]:
    sources: list[Source] = []
    labels: set[str] = set()
    for path in given:
        absolute = Path(os.path.abspath(path))  # noqa: PTH100 - normalise without resolving links
        if not absolute.exists() and not absolute.is_symlink():
            raise SourceError(f"the source {path} does not exist")
        if not os.access(absolute, os.R_OK):
            raise SourceError(f"the source {path} cannot be read (permission denied)")
        label = absolute.name or "root"
        unique, n = label, 2
        while unique in labels:
            unique, n = f"{label}~{n}", n + 1
        labels.add(unique)
        sources.append(Source(str(path), absolute, unique))
    return sources


# Paths this long are reached through directory descriptors (openat): a drive can hold
# folders nested deeper than PATH_MAX (4,096 bytes on Linux), which no path can name.
_DIRECT_PATH = 3072
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY


def _dir_fd(path: bytes) -> int:
    """A descriptor of the folder at ``path``, whatever its length."""
    if len(path) < _DIRECT_PATH:
        return os.open(path, _DIR_FLAGS)
    cut = path.rfind(b"/", 0, _DIRECT_PATH)
    fd = os.open(path[:cut] or b"/", _DIR_FLAGS)
    try:
        for part in path[cut + 1 :].split(b"/"):
            if part:
                # The walk found each of these to be a folder, never a link; NOFOLLOW keeps
                # a link swapped in since from being followed.
                inner = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def _at(path: bytes, call: Callable[[bytes, int | None], T]) -> T:
    """Call ``call(name, dir_fd)`` on a path of any length."""
    if len(path) < _DIRECT_PATH:
        return call(path, None)
    folder, _, name = path.rpartition(b"/")
    fd = _dir_fd(folder or b"/")
    try:
        return call(name, fd)
    finally:
        os.close(fd)


def _open_fd(path: bytes, flags: int) -> int:
    return _at(path, lambda name, fd: os.open(name, flags, dir_fd=fd))


def _open_regular(path: bytes) -> BinaryIO:
    """Open a source file for reading without following links or touching its atime."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NOATIME", 0)
    try:
        fd = _open_fd(path, flags)
    except PermissionError:
        # O_NOATIME needs ownership of the file; without it, open plainly.
        fd = _open_fd(path, flags & ~getattr(os, "O_NOATIME", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SourceError("it was replaced by something that is not a regular file")
    return os.fdopen(fd, "rb", buffering=0)


def _entry_for(path: bytes, raw: bytes, st: os.stat_result) -> Entry:
    mtime = from_ns(st.st_mtime_ns)
    if stat.S_ISREG(st.st_mode):
        return Entry(raw, FILE, st.st_size, mtime, opener=lambda: _open_regular(path))
    if stat.S_ISLNK(st.st_mode):
        try:
            target = display(_at(path, lambda name, fd: os.readlink(name, dir_fd=fd)))
        except OSError as exc:
            target = f"(target unreadable: {exc.strerror})"
        return Entry(raw, SYMLINK, None, mtime, note=target)
    return Entry(raw, SPECIAL, None, mtime, note=stat.filemode(st.st_mode))


def _children(directory: bytes) -> list[tuple[bytes, os.stat_result | OSError]]:
    """The folder's entries by name, each with its lstat (or why it has none)."""
    fd = _dir_fd(directory)
    found: list[tuple[bytes, os.stat_result | OSError]] = []
    try:
        with os.scandir(fd) as listing:  # scandir works on a copy of the descriptor
            for child in listing:
                name = os.fsencode(child.name)
                try:
                    found.append((name, child.stat(follow_symlinks=False)))
                except OSError as exc:
                    found.append((name, exc))
    finally:
        os.close(fd)
    return sorted(found, key=lambda c: c[0])


def walk(source: Source) -> Iterator[Entry]:
    """Every entry under a source, in a stable order, without following links."""
    root = os.fsencode(source.absolute)
    label = source.label.encode("utf-8", errors="surrogateescape")
    try:
        top = os.lstat(root)
    except OSError as exc:
        yield Entry(label, UNREADABLE, None, None, note=f"cannot be examined: {exc.strerror}")
        return
    if not stat.S_ISDIR(top.st_mode):
        yield _entry_for(root, label, top)
        return
    stack: list[tuple[bytes, bytes]] = [(root, label)]
    while stack:
        directory, prefix = stack.pop()
        try:
            children = _children(directory)
        except OSError as exc:
            note = f"folder cannot be listed: {exc.strerror}"
            yield Entry(prefix + b"/", UNREADABLE, None, None, note=note)
            continue
        subdirs: list[tuple[bytes, bytes]] = []
        for name, st in children:
            raw = prefix + b"/" + name
            path = directory + b"/" + name
            if isinstance(st, OSError):
                yield Entry(raw, UNREADABLE, None, None, note=f"cannot be examined: {st.strerror}")
            elif stat.S_ISDIR(st.st_mode):
                subdirs.append((path, raw))
            else:
                yield _entry_for(path, raw, st)
        stack.extend(reversed(subdirs))


def survey(sources: list[Source]) -> tuple[int, int]:
    """How many entries and bytes the sources hold (a walk of names only, no content)."""
    count = total = 0
    for source in sources:
        for entry in walk(source):
            count += 1
            total += entry.size or 0
    return count, total
