"""Opening zip and tar archives safely, from the stored copy, entry by entry.

Nothing is ever extracted to a path: each entry's bytes stream into the content-addressed
store and its name is kept as recorded evidence. A name that tries to leave the archive
(``../``, an absolute path, a drive letter) therefore cannot write anywhere; it is
flagged because it says something about who made the archive. The archive's directory
is surveyed against the limits before a single entry is decompressed, and every
decompression is measured while it runs (``expansion``).

Every member is received under its own identity: two entries of one name (what
``tar -r`` leaves) are two receipts, told apart by their position in the archive.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from dalil.vault.entries import Entry
from dalil.vault.expansion import COMPRESSED, ContainerRefused
from dalil.vault.limits import Limits
from dalil.vault.members import Member, escapes, name_flags, repeats
from dalil.vault.tars import DAMAGED, compressed_member, open_stream, open_tar, tar_members
from dalil.vault.zips import open_zip, zip_members

ZIP = "application/zip"

__all__ = ["ContainerRefused", "escapes", "open_members"]


def _check_totals(members: list[Member], limits: Limits, free_bytes: int) -> None:
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


@contextmanager
def open_members(
    path: Path,
    media_type: str,
    parent: Entry,
    sha256: str,
    limits: Limits,
    host_is_zip: bool = True,
) -> Iterator[Iterator[Entry]]:
    """The entries of a stored archive, readable until the block ends.

    Raises ContainerRefused before yielding anything if the archive is unsafe. The archive
    stays open until the caller's block ends, because entries are read by worker threads
    after the iterator has moved on. ``host_is_zip`` is False for a zip appended to a
    file of another kind (a JPEG): the bytes before the zip are that file's own.
    """
    if parent.depth >= limits.max_archive_depth:
        raise ContainerRefused(
            "archive-too-deep",
            f"it is nested {parent.depth} archives deep (limit {limits.max_archive_depth})",
        )
    free = shutil.disk_usage(path.parent).free
    with ExitStack() as stack:
        members = _list(stack, path, media_type, parent, limits, host_is_zip)
        _check_totals(members, limits, free)
        yield _entries(members, parent, sha256)


def _list(
    stack: ExitStack, path: Path, media_type: str, parent: Entry, limits: Limits, host_is_zip: bool
) -> list[Member]:
    if media_type == ZIP:
        archive = stack.enter_context(open_zip(path))
        return zip_members(path, archive, host_is_zip, limits)
    try:
        stream = stack.enter_context(open_stream(path, media_type, limits))
        tar = open_tar(stream)
    except ContainerRefused:
        raise
    except DAMAGED as exc:
        raise ContainerRefused("archive-damaged", f"the archive cannot be read: {exc}") from exc
    if tar is not None:
        stack.enter_context(tar)
        members = tar_members(tar, limits)
        # A run of zeros reads as an empty tar; compressed, it is a file of zeros.
        if members or media_type not in COMPRESSED:
            return members
    if media_type in COMPRESSED:
        return [compressed_member(path, media_type, parent.raw, limits)]
    raise ContainerRefused("archive-damaged", "the tar cannot be opened: it has no valid header")


def _entries(members: list[Member], parent: Entry, sha256: str) -> Iterator[Entry]:
    repeated = repeats(members)
    for member in members:
        flags = [*member.flags, *name_flags(member)]
        same = repeated.get(member.ordinal)
        if same is not None:
            flags.append(
                (
                    "archive-entry-duplicate",
                    f"entry #{member.ordinal} has the same name as entry #{same} (what "
                    "`tar -r` or an appended zip leaves); each is kept and received, "
                    "where extracting would keep only one",
                )
            )
        yield Entry(
            parent.raw + member.raw,
            member.kind,
            member.size,
            member.mtime,
            member.note,
            sha256,
            parent.depth + 1,
            tuple(flags),
            opener=member.opener,
            ordinal=member.ordinal,
            same_name_as=same,
        )
