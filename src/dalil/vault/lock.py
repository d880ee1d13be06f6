"""One archive, one writer: the lock a long write run holds on its archive.

Two ingests into one archive at once each assume they alone add to the batch and own
``store/tmp``: one removed the other's partial copies (FileNotFoundError) or both
recorded the same path (IntegrityError). A long run (ingest, derive) therefore holds an
exclusive ``flock`` on ``ARCHIVE/writer.lock`` for as long as it runs. The kernel drops
the lock when the process ends, however it ends (exit, exception, kill -9), so a lock is
never left behind by a crash; the file's text, who holds it, is only ever read to name
the holder in the refusal. Readers (verify, listings) never take it.

A process that already holds the lock may take it again (nested runs in one process):
``flock`` locks belong to an open file, so a second ``open`` + ``flock`` in the same
process would wait for itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dalil.clock import utc_now
from dalil.errors import ArchiveError

LOCK_NAME = "writer.lock"
# How long a second writer waits for the first before refusing: long enough to ride out
# the end of a run that is just finishing, short enough that a custodian is told at once
# that another run is going on.
# DALIL_LOCK_WAIT overrides it (seconds), e.g. 0 to refuse at once.
WAIT_SECONDS = 10.0
WAIT_ENV = "DALIL_LOCK_WAIT"
_POLL_SECONDS = 0.1


class ArchiveBusy(ArchiveError):
    """Another process is writing to the archive; the message names it."""


@dataclass
class _Held:
    fd: int
    depth: int


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def _forget_in_child() -> None:
    """A forked child (a worker of the pool) closes its copies of the lock's file: a
    ``flock`` lasts while any copy is open, and a worker outliving its parent's kill -9
    would otherwise keep the archive locked after the writer died."""
    for held in list(_held.values()):
        with contextlib.suppress(OSError):
            os.close(held.fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def command_line() -> str:
    name = Path(sys.argv[0]).name if sys.argv else "python"
    return " ".join([name, *sys.argv[1:]])[:500]


def holder(path: Path) -> str:
    """Who holds (or last held) the lock, in words, from the file's text."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return (
            f"process {data['pid']} on {data['host']} running `{data['command']}` "
            f"since {data['since']}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (it has not yet written its name)"


def _wait_seconds(given: float | None) -> float:
    if given is not None:
        return given
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def _acquire(fd: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_SECONDS)


def _write_holder(fd: int, command: str) -> None:
    text = json.dumps(
        {"pid": os.getpid(), "host": socket.gethostname(), "command": command, "since": utc_now()}
    )
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("utf-8") + b"\n", 0)


@contextlib.contextmanager
def exclusive(root: Path, command: str | None = None, wait: float | None = None) -> Iterator[None]:
    """Hold the archive's writer lock for the block; refuse with ArchiveBusy after ``wait``."""
    path = root / LOCK_NAME
    key = os.path.realpath(path)
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
    if held is None:
        held = _take(path, command or command_line(), _wait_seconds(wait))
        with _guard:
            _held[key] = held
    try:
        yield
    finally:
        with _guard:
            held.depth -= 1
            release = held.depth == 0
            if release:
                del _held[key]
        if release:
            # The holder's text stays: it is read only while someone holds the lock.
            os.close(held.fd)


def _take(path: Path, command: str, wait: float) -> _Held:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        if not _acquire(fd, wait):
            raise ArchiveBusy(
                f"the archive at {path.parent} is being written by {holder(path)}; "
                "wait for it to finish and run this command again (only one process may "
                "write to an archive at a time; reading it, e.g. `dalil verify`, is fine)"
            )
        _write_holder(fd, command)
    except BaseException:
        os.close(fd)
        raise
    return _Held(fd, 1)
