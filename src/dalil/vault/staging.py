"""Staging: one entry's bytes copied and hashed into the store's tmp, and what they show.

Runs in receive's worker threads. The outcome carries everything the commit needs: the
staged copy, the sniffed type, why it could not be read, where a zip appended to it
begins; ``entry_flags`` turns it into the flags recorded beside its receipt.
"""

from __future__ import annotations

from dataclasses import dataclass

from dalil.vault import sniff
from dalil.vault.archive import Archive
from dalil.vault.entries import FILE, HARDLINK, SPECIAL, SYMLINK, UNREADABLE, Entry
from dalil.vault.expansion import ContainerRefused
from dalil.vault.members import printable
from dalil.vault.store import Staged
from dalil.vault.zips import appended_zip_offset


@dataclass
class Outcome:
    """What staging one entry produced."""

    entry: Entry
    staged: Staged | None = None
    media_type: str | None = None
    error: str | None = None
    error_code: str | None = None
    appended_at: int | None = None  # where a zip appended to the file begins


def stage(archive: Archive, entry: Entry) -> Outcome:
    """Runs in a worker thread: copy and hash one entry's bytes into the store's tmp."""
    if entry.kind != FILE or entry.opener is None:
        return Outcome(entry)
    try:
        with entry.opener() as source:
            staged = archive.store.stage_stream(source, sniff.HEAD_SIZE)
    except ContainerRefused as refusal:  # an entry expanding past the limits, unstored
        return Outcome(entry, error=str(refusal), error_code=refusal.code)
    except Exception as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return Outcome(entry, error=f"could not be read: {reason}")
    kind = sniff.media_type(staged.head, staged.size)
    return Outcome(entry, staged, kind, appended_at=_appended_zip(staged, kind))


# A zip's end record lies within its last 64 KiB + 22 bytes (the longest comment).
_END_SEARCH = (1 << 16) + 22


def _appended_zip(staged: Staged, kind: str) -> int | None:
    """Where a zip appended to a file of another kind (a JPEG) begins, if one is."""
    if kind in sniff.CONTAINER_TYPES or staged.size < 22:
        return None
    with staged.tmp_path.open("rb") as handle:
        handle.seek(max(0, staged.size - _END_SEARCH))
        if b"PK\x05\x06" not in handle.read():
            return None
    return appended_zip_offset(staged.tmp_path)


def entry_flags(outcome: Outcome) -> list[tuple[str, str]]:
    entry = outcome.entry
    found = list(entry.flags)
    if not entry.is_utf8:
        found.append(("name-not-utf8", f"name bytes (hex) {entry.raw_if_not_utf8}"))
    if entry.kind == SYMLINK:
        found.append(("symlink-not-followed", f"link to {printable(entry.note or '')}"))
    elif entry.kind == HARDLINK:
        target = printable(entry.note or "")
        found.append(("hardlink-not-followed", f"hard link to the entry {target!r}"))
    elif entry.kind == SPECIAL:
        found.append(("special-file", f"{entry.note}: nothing to store"))
    elif entry.kind == UNREADABLE:
        found.append(("unreadable", entry.note or "could not be read"))
    elif outcome.error is not None:
        code = "archive-entry-damaged" if entry.container else "unreadable"
        found.append((outcome.error_code or code, outcome.error))
    staged, kind = outcome.staged, outcome.media_type
    if staged is None or kind is None:
        return found
    if staged.size == 0:
        found.append(("empty-file", "zero bytes"))
    elif entry.size is not None and entry.size != staged.size:
        found.append(
            ("changed-during-read", f"listed as {entry.size:,} bytes, read {staged.size:,} bytes")
        )
    if staged.size and kind not in sniff.IMAGE_TYPES and kind not in sniff.CONTAINER_TYPES:
        found.append(("not-an-image", f"the content is {kind}"))
    if staged.size and (why := sniff.extension_mismatch(entry.path, kind)) is not None:
        found.append(("extension-mismatch", why))
    if outcome.appended_at is not None:
        found.append(
            (
                "archive-appended",
                f"a zip archive is appended at byte {outcome.appended_at:,}, after the "
                f"file's own content ({kind}); most viewers show only the {kind}: the zip "
                "is opened and its entries received",
            )
        )
    return found
