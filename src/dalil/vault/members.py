"""Members: the entries of one archive as it lists them, before any body is read.

A member keeps the name exactly as the archive records it, NUL bytes included (most
tools cut a name at its first NUL, so two different names can read as one), its
position in the listing, and what it is: a file with a body to read later, a link with
its target, or something that cannot be read. Two members of the same name are two
members; the container turns each into an entry of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

# A link's target is kept to this many bytes: a "symlink" whose body is 1.5 GB is an
# attack on memory, not a path.
MAX_LINK_TARGET = 1024


@dataclass(frozen=True)
class Member:
    name: str  # as recorded, decoded with surrogateescape, NULs kept
    kind: str
    size: int | None
    compressed: int | None
    mtime: str | None
    ordinal: int
    note: str | None = None  # a link's target, or why the member cannot be read
    flags: tuple[tuple[str, str], ...] = ()
    opener: Callable[[], BinaryIO] | None = None
    # How the member's path continues its archive's: "!/" and the name, or for a zip
    # carved out of the archive's own bytes "!@" and the offset where it starts.
    suffix: bytes | None = None

    @property
    def raw(self) -> bytes:
        if self.suffix is not None:
            return self.suffix
        return b"!/" + self.name.encode("utf-8", errors="surrogateescape")


def printable(text: str, limit: int = MAX_LINK_TARGET) -> str:
    """Text fit for a flag's reason: no control characters, no megabytes."""
    shown = text[:limit].encode("unicode_escape").decode("ascii")
    return shown + ("..." if len(text) > limit else "")


def escapes(name: str) -> str | None:
    """Why an entry name would land outside the archive if extracted naively, if it would."""
    text = name.replace("\\", "/")
    if text.startswith("/"):
        return f"is an absolute path ({printable(name)!r})"
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        return f"starts with a drive letter ({printable(name)!r})"
    if ".." in PurePosixPath(text).parts:
        return f"climbs out through '..' ({printable(name)!r})"
    return None


def link_escapes(name: str, target: str, hard: bool) -> str | None:
    """Why a link's target lies outside the archive, if it does.

    A symbolic link's target is read from the link's own folder; a tar hard link's
    names another entry from the archive's top.
    """
    text = target.replace("\\", "/")
    if text.startswith("/"):
        return "it is an absolute path"
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        return "it starts with a drive letter"
    depth = 0 if hard else max(len(PurePosixPath(name.replace("\\", "/")).parts) - 1, 0)
    for part in PurePosixPath(text).parts:
        if part == "..":
            depth -= 1
            if depth < 0:
                return "it climbs out through '..'"
        elif part != ".":
            depth += 1
    return None


def name_flags(member: Member) -> list[tuple[str, str]]:
    """Flags the member's name and link target call for, whatever its kind."""
    found: list[tuple[str, str]] = []
    if (why := escapes(member.name)) is not None:
        reason = f"the entry name {why}; kept as a name only, nothing written there"
        found.append(("archive-entry-escapes", reason))
    if "\x00" in member.name:
        cut = member.name.split("\x00", 1)[0]
        found.append(
            (
                "archive-entry-name-nul",
                f"the entry name holds a NUL byte at position {len(cut)}: tools that stop "
                f"there read it as {printable(cut)!r}; the whole name is kept (path_raw)",
            )
        )
    if member.note is not None and member.kind in ("symlink", "hardlink"):
        hard = member.kind == "hardlink"
        if (why := link_escapes(member.name, member.note, hard)) is not None:
            kind = "hard link" if hard else "symbolic link"
            found.append(
                (
                    "archive-link-escapes",
                    f"the {kind}'s target {printable(member.note)!r} lies outside the "
                    f"archive ({why}); nothing was followed",
                )
            )
    return found


def repeats(members: list[Member]) -> dict[int, int]:
    """For each member that repeats an earlier member's name: ordinal → first ordinal."""
    first: dict[bytes, int] = {}
    found: dict[int, int] = {}
    for member in members:
        seen = first.setdefault(member.raw, member.ordinal)
        if seen != member.ordinal:
            found[member.ordinal] = seen
    return found
