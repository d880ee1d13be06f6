"""Every error dalil raises on purpose, in one tree.

    DalilError                     anything dalil refuses, with a message for a custodian
     ├── ArchiveError              the archive folder itself: missing, already there, damaged
     │    ├── ArchiveNotFound
     │    └── ArchiveExists
     ├── StoreError                the write-once object store
     │    └── ObjectMissing
     ├── SourceError               a source drive, folder or file given to ingest
     │    └── AlreadyReceived      the same sources were received before
     ├── LogError                  the custody log
     │    ├── ProofError           a proof was asked for sizes or items that do not exist
     │    └── CheckpointError      a checkpoint that does not parse or whose signature fails
     ├── InputError                a value typed by the user that cannot be used
     │    ├── NotFound             an id, prefix or filter value naming nothing in the archive
     │    └── Ambiguous            a prefix shared by several ids (lists them)
     └── IntegrityError            verification found a difference (carries the findings)

A message says what was wrong and what to do about it. The CLI prints the message
and exits non-zero; it never prints a traceback for a DalilError.
"""

from __future__ import annotations


class DalilError(Exception):
    """Root of every error dalil raises on purpose."""


class ArchiveError(DalilError):
    """The archive folder is missing, already initialised, or damaged."""


class ArchiveNotFound(ArchiveError):
    """No archive at the given place."""


class ArchiveExists(ArchiveError):
    """An archive is already initialised at the given place."""


class StoreError(DalilError):
    """The object store cannot do what was asked."""


class ObjectMissing(StoreError):
    """An object the catalogue knows is not in the store."""


class SourceError(DalilError):
    """A source given to ingest cannot be used."""


class AlreadyReceived(SourceError):
    """The sources were already received in a closed batch."""


class LogError(DalilError):
    """The custody log cannot do what was asked."""


class ProofError(LogError):
    """A proof was asked for sizes or items that do not exist."""


class CheckpointError(LogError):
    """A checkpoint does not parse, or its signature does not verify."""


class InputError(DalilError):
    """A value given by the user cannot be used."""


class NotFound(InputError):
    """An id, SHA-256 prefix or filter value that names nothing the archive holds.

    ``value`` is what was given, ``suggestions`` the closest values the archive does hold
    (the message names them too)."""

    def __init__(self, message: str, value: str = "", suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.value = value
        self.suggestions = suggestions


class Ambiguous(InputError):
    """A prefix that starts several ids; ``candidates`` are (some of) them."""

    def __init__(self, message: str, value: str = "", candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.value = value
        self.candidates = candidates


class IntegrityError(DalilError):
    """Verification found the archive differs from what its log and checkpoints say."""
