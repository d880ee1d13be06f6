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
from typing import BinaryIO

from dalil.clock import from_ns
from dalil.errors import SourceError

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


def _open_regular(path: bytes) -> BinaryIO:
    """Open a source file for reading without following links or touching its atime."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        # O_NOATIME needs ownership of the file; without it, open plainly.
        fd = os.open(path, flags & ~getattr(os, "O_NOATIME", 0))
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
            target = display(os.readlink(path))  # noqa: PTH115 - bytes path
        except OSError as exc:
            target = f"(target unreadable: {exc.strerror})"
        return Entry(raw, SYMLINK, None, mtime, note=target)
    return Entry(raw, SPECIAL, None, mtime, note=stat.filemode(st.st_mode))


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
            with os.scandir(directory) as listing:
                children = sorted(listing, key=lambda d: d.name, reverse=True)
        except OSError as exc:
            note = f"folder cannot be listed: {exc.strerror}"
            yield Entry(prefix + b"/", UNREADABLE, None, None, note=note)
            continue
        subdirs: list[tuple[bytes, bytes]] = []
        for child in reversed(children):
            raw = prefix + b"/" + child.name
            try:
                st = child.stat(follow_symlinks=False)
            except OSError as exc:
                note = f"cannot be examined: {exc.strerror}"
                yield Entry(raw, UNREADABLE, None, None, note=note)
                continue
            if stat.S_ISDIR(st.st_mode):
                subdirs.append((child.path, raw))
            else:
                yield _entry_for(child.path, raw, st)
        stack.extend(reversed(subdirs))


def survey(sources: list[Source]) -> tuple[int, int]:
    """How many entries and bytes the sources hold (a walk of names only, no content)."""
    count = total = 0
    for source in sources:
        for entry in walk(source):
            count += 1
            total += entry.size or 0
    return count, total
