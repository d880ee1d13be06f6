"""The reasons a file is flagged, each with its severity and what it means.

A flag never removes anything: the bytes are stored and the flag says why they need a
person's attention. Codes are stable identifiers (used in --json output and queries);
the reason text carries the particulars of each file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dalil.vault.replay import FLAG
from dalil.vault.writer import Writer


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# Flag rows and receipts hold the plain strings.
INFO, WARNING, ERROR = (s.value for s in Severity)


@dataclass(frozen=True)
class FlagKind:
    code: str
    severity: str
    meaning: str


def _kinds(*kinds: FlagKind) -> dict[str, FlagKind]:
    return {kind.code: kind for kind in kinds}


KINDS = _kinds(
    FlagKind("empty-file", WARNING, "the file has no bytes"),
    FlagKind("name-not-utf8", INFO, "the file name is not valid UTF-8; its exact bytes are kept"),
    FlagKind("symlink-not-followed", INFO, "a symbolic link, recorded with its target"),
    FlagKind("special-file", WARNING, "a device, pipe or socket: it has no content to keep"),
    FlagKind("unreadable", ERROR, "the file could not be read; nothing of it is stored"),
    FlagKind("changed-during-read", ERROR, "the file changed while it was being received"),
    FlagKind("not-an-image", INFO, "the content is not an image"),
    FlagKind("extension-mismatch", WARNING, "the name claims a type the content is not"),
    FlagKind("archive-refused", ERROR, "an archive over the safety limits; not opened"),
    FlagKind("archive-damaged", ERROR, "an archive that cannot be opened"),
    FlagKind("archive-entry-escapes", WARNING, "an archive entry name points outside it"),
    FlagKind("archive-entry-damaged", ERROR, "an archive entry that cannot be read whole"),
    FlagKind("archive-entry-encrypted", WARNING, "an encrypted archive entry; not opened"),
    FlagKind("archive-too-deep", WARNING, "an archive nested too deep; stored, not opened"),
    FlagKind(
        "archive-entry-duplicate",
        WARNING,
        "an archive entry with the same name as an earlier one (tar -r); each is received",
    ),
    FlagKind(
        "archive-entry-name-nul",
        WARNING,
        "an archive entry name with a NUL byte, where most tools cut it; the whole name is kept",
    ),
    FlagKind(
        "archive-entry-hidden",
        WARNING,
        "a zip entry in a local header that the central directory does not list",
    ),
    FlagKind(
        "archive-embedded",
        WARNING,
        "a zip inside the bytes of another (concatenated zips); stored as its own and opened",
    ),
    FlagKind(
        "archive-appended",
        WARNING,
        "a zip appended to a file of another kind (a JPEG); the zip is opened",
    ),
    FlagKind("hardlink-not-followed", INFO, "a hard link in a tar, recorded with its target"),
    FlagKind("archive-link-escapes", WARNING, "an archive link whose target lies outside it"),
    FlagKind("image-too-large", ERROR, "the image claims more pixels than is safe to decode"),
    FlagKind("image-truncated", ERROR, "the image data ends before the image does"),
    FlagKind("image-undecodable", ERROR, "the image cannot be decoded"),
    FlagKind("exif-malformed", WARNING, "the EXIF metadata is damaged or unreadable"),
    FlagKind("describe-crashed", ERROR, "reading this file crashed the decoder process"),
)


def severity(code: str) -> str:
    return KINDS[code].severity


def record(
    writer: Writer, code: str, reason: str, sha: str | None, original_seq: int | None
) -> int:
    """Raise a flag: its event and row, in the writer's transaction; returns its seq."""
    data = {
        "code": code,
        "severity": severity(code),
        "reason": reason,
        "sha256": sha,
        "original": original_seq,
    }
    return writer.record(FLAG, data).seq
