"""Derive: describe every received image once (facts, perceptual hash, thumbnail).

Decoding runs in a pool of processes, one per core; the catalogue is written from this
process in groups, each image's facts and thumbnail recorded with an event in the same
transaction. A run interrupted at any moment resumes with the images not yet described.
A file that crashes the decoder process itself is isolated, retried alone, and flagged.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil import __version__, canonical
from dalil.db import schema
from dalil.errors import ObjectMissing
from dalil.parallel import isolated_map, worker_count
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints, flags
from dalil.vault.archive import Archive
from dalil.vault.describe import DESCRIBER, describe
from dalil.vault.limits import DEFAULT_LIMITS, Limits
from dalil.vault.placement import place_new
from dalil.vault.replay import DESCRIBED, VAULT
from dalil.vault.sniff import IMAGE_TYPES
from dalil.vault.store import Staged
from dalil.vault.writer import Writer

GROUP_ITEMS = 128
GROUP_SECONDS = 2.0
PER_WORKER = 8  # decodes in flight per worker: each kept busy while results go in order


@dataclass
class Work:
    sha256: str
    media_type: str


@dataclass
class Done:
    """One image described: its facts already in canonical form, ready to record."""

    sha256: str
    body: bytes  # canonical JSON of the facts
    thumbnail: bytes | None
    flags: list[tuple[str, str]]
    missing: str | None = None

    @classmethod
    def of(
        cls, sha: str, facts: dict[str, Any], thumbnail: bytes | None, flags: list[tuple[str, str]]
    ) -> Done:
        return cls(sha, canonical.dumps(facts), thumbnail, flags)


@dataclass(frozen=True)
class DeriveResult:
    described: int
    flagged: int

    def as_dict(self) -> dict[str, int]:
        return {"described": self.described, "flagged": self.flagged}


@dataclass(frozen=True)
class _Job:
    """What a worker needs to describe one image; small, as every one is pickled."""

    path: str
    work: Work
    limits: Limits


def _describe_file(job: _Job) -> Done:
    """Runs in a worker process."""
    work = job.work
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return Done(work.sha256, b"", None, [], missing=f"{job.path}: {exc.strerror}")
    description = describe(data, work.media_type, job.limits)
    # Encoding here, in the worker, keeps the recording process free to record.
    return Done.of(work.sha256, description.facts, description.thumbnail, description.flags)


def _crashed(job: _Job) -> Done:
    work = job.work
    facts = {"media_type": work.media_type, "describer": DESCRIBER, "crashed": True}
    reason = "the decoder process died on this file twice; its bytes are kept, not described"
    return Done.of(work.sha256, facts, None, [("describe-crashed", reason)])


def pending_work(conn: Connection) -> list[Work]:
    o, f = schema.objects, schema.image_facts
    rows = conn.execute(
        select(o.c.sha256, o.c.media_type)
        .outerjoin(f, f.c.sha256 == o.c.sha256)
        .where(
            o.c.kind == "original", o.c.media_type.in_(sorted(IMAGE_TYPES)), f.c.sha256.is_(None)
        )
        .order_by(o.c.first_seq)
    ).all()
    return [Work(row.sha256, row.media_type) for row in rows]


class _Recorder:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.group: list[Done] = []
        self.started = time.monotonic()
        self.described = 0
        self.flagged = 0

    def add(self, done: Done) -> None:
        if done.missing is not None:
            raise ObjectMissing(
                f"object {done.sha256} is missing or unreadable in the store ({done.missing}); "
                "run `dalil verify` to see what else is wrong"
            )
        self.group.append(done)
        if len(self.group) >= GROUP_ITEMS or time.monotonic() - self.started >= GROUP_SECONDS:
            self.commit()

    def commit(self) -> None:
        if not self.group:
            return
        staged = {
            d.sha256: self.archive.store.stage_bytes(d.thumbnail)
            for d in self.group
            if d.thumbnail is not None
        }
        try:
            with self.archive.write() as conn:
                self._record(conn, staged)
        finally:
            for item in staged.values():
                self.archive.store.discard(item)
        self.described += len(self.group)
        self.flagged += sum(1 for d in self.group if d.flags)
        self.group, self.started = [], time.monotonic()

    def _record(self, conn: Connection, staged: dict[str, Staged]) -> None:
        placed = place_new(conn, self.archive.store, staged.values())
        with Writer(conn, VAULT) as writer:
            for done in self.group:
                thumb = staged.get(done.sha256)
                is_new = thumb is not None and thumb.sha256 in placed
                thumbnail = None
                if thumb is not None:
                    thumbnail = {"sha256": thumb.sha256, "size": thumb.size, "new": is_new}
                    placed.discard(thumb.sha256)
                data = {
                    "sha256": done.sha256,
                    "facts_sha256": hashlib.sha256(done.body).hexdigest(),
                    "thumbnail": thumbnail,
                    "describer": DESCRIBER,
                    "tool": f"dalil {__version__}",
                }
                writer.record(DESCRIBED, data, blobs=[done.body])
                for code, reason in done.flags:
                    flags.record(writer, code, reason, done.sha256, None)


def _described(archive: Archive, items: list[Work], workers: int, limits: Limits) -> Iterator[Done]:
    """Each item described, in order. Even with one worker the decoding runs in a process
    of its own (``inline=False``): a hostile file must never take the recorder down."""
    jobs = (_Job(str(archive.store.path_for(w.sha256)), w, limits) for w in items)
    count = worker_count(workers, len(items))
    return isolated_map(_describe_file, jobs, _crashed, count, per_worker=PER_WORKER, inline=False)


def describe_pending(
    archive: Archive, reporter: Reporter = SILENT, workers: int = 0, limits: Limits = DEFAULT_LIMITS
) -> DeriveResult:
    """Describe every image not yet described; safe to run again at any time.

    The archive's writer lock is held throughout: a second run waits or is refused.
    """
    with archive.exclusive():
        return _describe_pending(archive, reporter, workers, limits)


def _describe_pending(
    archive: Archive, reporter: Reporter, workers: int, limits: Limits
) -> DeriveResult:
    with archive.read() as conn:
        items = pending_work(conn)
    recorder = _Recorder(archive)
    reporter.start("describing", len(items), "images")
    for done in _described(archive, items, workers, limits):
        recorder.add(done)
        reporter.advance()
    recorder.commit()
    reporter.finish()
    if recorder.described:
        with archive.write() as conn:
            checkpoints.sign_head(conn, archive.signer())
    return DeriveResult(recorder.described, recorder.flagged)
