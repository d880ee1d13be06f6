"""Receive: read every source byte once, hash it while copying it into the store, log it.

After this phase the source drive can be unplugged: every file's bytes are in the
write-once store, every path is in the catalogue, every receipt is an event of the
custody log, and a signed checkpoint covers them.

Reading and hashing run in a pool of threads (hashlib and file I/O release the GIL);
the catalogue is written from this thread only, in groups: the group's new objects are
renamed into place and their directories fsynced, then one database transaction
records their rows and events. A crash between the two leaves only unrecorded objects,
which the next run replaces with fresh copies of the same bytes and records.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, literal, select, union_all

from dalil.db import schema
from dalil.errors import SourceError
from dalil.progress import SILENT, Reporter
from dalil.vault import batches, checkpoints, flags, sniff
from dalil.vault.archive import Archive
from dalil.vault.containers import ZIP, ContainerRefused, open_members
from dalil.vault.entries import (
    FILE,
    Entry,
    Source,
    resolve_sources,
    survey,
    walk,
)
from dalil.vault.limits import DEFAULT_LIMITS, Limits
from dalil.vault.placement import place_new
from dalil.vault.receipt import build_receipt, write_receipt
from dalil.vault.replay import OPENED, RECEIVED, VAULT, raw_path
from dalil.vault.staging import Outcome, entry_flags, stage
from dalil.vault.writer import Writer

# A group is committed when it holds this many entries or bytes, or is this old: large
# enough that a transaction's fsyncs are amortised, small enough that a crash loses
# little work and memory stays flat.
GROUP_ENTRIES = 256
GROUP_BYTES = 256 << 20
GROUP_SECONDS = 2.0


@dataclass
class ReceiveRequest:
    sources: list[Path]
    collection: str
    custodian: str
    source_note: str = ""
    claims: list[batches.Claim] = field(default_factory=list)
    again: bool = False
    limits: Limits = DEFAULT_LIMITS
    workers: int = 0  # 0: two per core (reading waits on the disk, hashing on the CPU)


@dataclass(frozen=True)
class ReceiveResult:
    batch_id: int
    resumed: bool
    counts: dict[str, int]
    checkpoint_note: str
    flagged: list[dict[str, Any]]
    receipt: Path


class _Committer:
    """Turns outcomes into objects, rows and events, one transaction per group.

    Groups are committed by a thread of their own, in order, while the next group is
    being read: the syncfs that makes a group durable then overlaps with reading and
    hashing instead of stalling them. At most one group waits while another commits.
    """

    def __init__(self, archive: Archive, batch_id: int) -> None:
        self.archive = archive
        self.batch_id = batch_id
        self.group: list[Outcome] = []
        self.group_bytes = 0
        self.started = time.monotonic()
        self._queue: queue.Queue[list[Outcome] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="receive-commit", daemon=True)
        self._thread.start()

    def add(self, outcome: Outcome) -> None:
        self._raise_if_failed()
        self.group.append(outcome)
        self.group_bytes += outcome.staged.size if outcome.staged else 0
        full = len(self.group) >= GROUP_ENTRIES or self.group_bytes >= GROUP_BYTES
        if full or time.monotonic() - self.started >= GROUP_SECONDS:
            self._hand_off()

    def _hand_off(self) -> None:
        if self.group:
            self._queue.put(self.group)
        self.group, self.group_bytes, self.started = [], 0, time.monotonic()

    def flush(self) -> None:
        """Commit everything added so far and wait until it is committed."""
        self._hand_off()
        self._queue.join()
        self._raise_if_failed()

    def close(self) -> None:
        """Stop the commit thread; outcomes not yet committed are discarded."""
        for outcome in self.group:
            self._discard(outcome)
        self.group = []
        self._queue.put(None)
        self._thread.join()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _discard(self, outcome: Outcome) -> None:
        if outcome.staged is not None:
            self.archive.store.discard(outcome.staged)  # a no-op once placed

    def _run(self) -> None:
        while (group := self._queue.get()) is not None:
            try:
                if self._error is None:
                    with self.archive.write() as conn:
                        self._record(conn, group)
            except BaseException as exc:  # handed to the reading thread, raised there
                self._error = exc
            finally:
                for outcome in group:
                    self._discard(outcome)
                self._queue.task_done()
        self._queue.task_done()

    def _record(self, conn: Connection, group: list[Outcome]) -> None:
        new = place_new(conn, self.archive.store, (o.staged for o in group if o.staged))
        recorded: set[str] = set()
        with Writer(conn, VAULT) as writer:
            for outcome in group:
                entry, staged = outcome.entry, outcome.staged
                sha = staged.sha256 if staged else None
                is_new = sha is not None and sha in new and sha not in recorded
                data = {
                    "v": 2,
                    "batch": self.batch_id,
                    "path": entry.path,
                    "path_raw": entry.raw_if_not_utf8,
                    "kind": entry.kind,
                    "size": staged.size if staged else entry.size,
                    "mtime": entry.mtime,
                    "container": entry.container,
                    "depth": entry.depth,
                    "sha256": sha,
                    "media_type": outcome.media_type,
                    "new_object": is_new,
                    "ordinal": entry.ordinal,
                    "same_name_as": entry.same_name_as,
                }
                seq = writer.record(RECEIVED, data).seq
                if is_new and sha is not None:
                    recorded.add(sha)
                for code, reason in entry_flags(outcome):
                    flags.record(writer, code, reason, sha, seq)


def _done_keys(conn: Connection, batch_id: int) -> set[str]:
    query = select(schema.originals.c.path_key).where(schema.originals.c.batch_id == batch_id)
    return set(conn.execute(query).scalars())


def _stream(
    archive: Archive,
    batch_id: int,
    entries: Iterable[Entry],
    done: set[str],
    workers: int,
    reporter: Reporter,
) -> None:
    """Stage entries in parallel, commit them in order; at most 2 x workers in flight."""
    in_flight: deque[Future[Outcome]] = deque()
    committer = _Committer(archive, batch_id)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="receive") as pool:
        try:
            for entry in entries:
                if entry.key in done:
                    reporter.advance()
                    continue
                done.add(entry.key)
                in_flight.append(pool.submit(stage, archive, entry))
                while len(in_flight) >= 2 * workers or (in_flight and in_flight[0].done()):
                    committer.add(in_flight.popleft().result())
                    reporter.advance()
            while in_flight:
                committer.add(in_flight.popleft().result())
                reporter.advance()
            committer.flush()
        finally:
            for future in in_flight:
                outcome = future.result()
                if outcome.staged is not None:
                    archive.store.discard(outcome.staged)
            committer.close()


def _containers_to_open(conn: Connection, batch_id: int) -> list[Any]:
    """Archives received in the batch and not yet opened: by their type, or because a
    zip was found appended to them (``appended`` is then true)."""
    o, ob, ao, fl = schema.originals, schema.objects, schema.archive_openings, schema.flags
    opened = select(ao.c.original_seq).where(ao.c.batch_id == batch_id)
    columns = (o.c.seq, o.c.path, o.c.path_raw, o.c.object_sha256, o.c.depth, ob.c.media_type)
    pending = (o.c.batch_id == batch_id, o.c.seq.not_in(opened))
    by_type = (
        select(*columns, literal(False).label("appended"))
        .join(ob, ob.c.sha256 == o.c.object_sha256)
        .where(*pending, ob.c.media_type.in_(sorted(sniff.CONTAINER_TYPES)))
    )
    flagged = select(fl.c.original_seq).where(fl.c.code == "archive-appended")
    appended = (
        select(*columns, literal(True).label("appended"))
        .join(ob, ob.c.sha256 == o.c.object_sha256)
        .where(*pending, o.c.seq.in_(flagged))
    )
    query = union_all(by_type, appended).subquery()
    return list(conn.execute(select(query).order_by(query.c.seq)).all())


def _record_opening(
    archive: Archive,
    batch_id: int,
    original_seq: int,
    sha: str,
    outcome: str,
    members: int,
    refusal: ContainerRefused | None,
) -> None:
    with archive.write() as conn, Writer(conn, VAULT) as writer:
        if refusal is not None:
            flags.record(writer, refusal.code, str(refusal), sha, original_seq)
        data = {
            "batch": batch_id,
            "original": original_seq,
            "sha256": sha,
            "outcome": outcome,
            "members": members,
        }
        writer.record(OPENED, data)


def _open_containers(
    archive: Archive, batch_id: int, done: set[str], limits: Limits, reporter: Reporter
) -> None:
    """Open every archive received in the batch, including archives found inside them."""
    while True:
        with archive.read() as conn:
            pending = _containers_to_open(conn, batch_id)
        if not pending:
            return
        for row in pending:
            _open_container(archive, batch_id, row, done, limits, reporter)


def _open_container(
    archive: Archive, batch_id: int, row: Any, done: set[str], limits: Limits, reporter: Reporter
) -> None:
    sha = row.object_sha256
    parent = Entry(raw_path(row.path, row.path_raw), FILE, None, None, depth=row.depth)
    members = 0

    def counted(entries: Iterator[Entry]) -> Iterator[Entry]:
        nonlocal members
        for entry in entries:
            members += 1
            yield entry

    try:
        path = archive.store.path_for(sha)
        media_type = ZIP if row.appended else row.media_type
        opened = open_members(path, media_type, parent, sha, limits, not row.appended)
        with opened as entries:
            # Entries of one archive are read one at a time from the stored copy.
            _stream(archive, batch_id, counted(entries), done, 1, reporter)
    except ContainerRefused as refusal:
        _record_opening(archive, batch_id, row.seq, sha, refusal.code, members, refusal)
        return
    _record_opening(archive, batch_id, row.seq, sha, "opened", members, None)


def _check_sources(archive: Archive, sources: list[Source]) -> None:
    root = archive.root.resolve()
    for source in sources:
        resolved = source.absolute.resolve()
        if root == resolved or root.is_relative_to(resolved) or resolved.is_relative_to(root):
            raise SourceError(
                f"the source {source.given} contains the archive or lies inside it; "
                "receive from the drive, not from the archive"
            )


def receive(
    archive: Archive, request: ReceiveRequest, reporter: Reporter = SILENT
) -> ReceiveResult:
    """Receive the sources into a batch (resuming an interrupted one) and close it.

    The archive's writer lock is held throughout: a second ingest waits or is refused.
    """
    sources = resolve_sources(request.sources)
    _check_sources(archive, sources)
    with archive.exclusive():
        return _receive(archive, request, sources, reporter)


def _receive(
    archive: Archive, request: ReceiveRequest, sources: list[Source], reporter: Reporter
) -> ReceiveResult:
    workers = request.workers or 2 * (os.cpu_count() or 1)
    with archive.write() as conn:
        batch = batches.open_batch(
            conn,
            request.collection,
            request.custodian,
            request.source_note,
            sources,
            request.claims,
            request.again,
        )
    archive.store.clean_tmp()
    with archive.read() as conn:
        done = _done_keys(conn, batch.id)
    files, _ = survey(sources)
    reporter.start("receiving", files)
    entries = (entry for source in sources for entry in walk(source))
    _stream(archive, batch.id, entries, done, workers, reporter)
    reporter.start("opening archives", None)
    _open_containers(archive, batch.id, done, request.limits, reporter)
    reporter.finish()
    with archive.write() as conn:
        counts = batches.close_batch(conn, batch.id)
        checkpoint = checkpoints.sign_head(conn, archive.signer())
    with archive.read() as conn:
        receipt = build_receipt(conn, batch.id, checkpoint.note)
    path = write_receipt(archive.receipts_dir, receipt)
    return ReceiveResult(batch.id, batch.resumed, counts, checkpoint.note, receipt["flagged"], path)
