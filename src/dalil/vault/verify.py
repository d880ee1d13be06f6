"""Verify: is the archive exactly what its custody log and signed checkpoints say?

Four checks, each naming every difference it finds rather than stopping at the first:

1. the log: events numbered without gaps, each in canonical form, the tree recomputed
   from the event bytes and compared with the head and with every signed checkpoint,
   and with the last checkpoint exported (a copy that left the archive, so that events
   cannot be silently removed and rewritten behind it);
2. the catalogue: every row of every capability replayed from its event, by the rules
   the caller hands over (``rules.Rules``; ``dalil.capabilities.rules()`` has them all);
   a table that holds rows and is covered by no rule is named;
3. the store: every object present, of its size, and (unless ``fast``) hashing to its
   name; every file in the store known to the catalogue;
4. the archive's identity: the verifier key in the folder, the database and the first
   event agree.

Verification reads; it writes only when everything holds and ``record`` is asked:
then it appends a ``verify.completed`` event and signs a checkpoint over it. A failed
verification never signs anything, so it cannot launder what it found.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from dalil import __version__
from dalil.db import schema
from dalil.errors import CheckpointError, LogError
from dalil.parallel import ordered_map
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints, custody, merkle, rehash
from dalil.vault.archive import Archive
from dalil.vault.cosignature import WitnessKey, verify_cosignatures
from dalil.vault.frontier import Frontier
from dalil.vault.note import Checkpoint, open_checkpoint
from dalil.vault.rehash import Hashed
from dalil.vault.replayer import Replayer
from dalil.vault.rules import Rules
from dalil.vault.store import ObjectStore, is_sha256

PAGE = 2000
HASH_BATCH = 32  # objects a worker process re-hashes per message
# Problems beyond this many per check are counted, not listed: a wholesale replacement
# should not print a million lines.
MAX_LISTED = 200


@dataclass(frozen=True)
class Problem:
    area: str  # log, checkpoint, catalogue, store, identity
    item: str
    what: str

    def __str__(self) -> str:
        return f"[{self.area}] {self.item}: {self.what}"


@dataclass
class VerifyReport:
    fast: bool
    log_size: int = 0
    root: str = ""
    events: int = 0
    objects: int = 0
    bytes: int = 0
    checkpoints: int = 0
    exported_checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    unlisted: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unlisted

    def add(self, area: str, item: str, what: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(area, item, what))
        else:
            self.unlisted += 1

    def note(self, text: str) -> None:
        self.notes.append(text)

    def absorb(self, other: VerifyReport) -> None:
        """Take in what a check run on its own (another thread) found and counted."""
        for problem in other.problems:
            self.add(problem.area, problem.item, problem.what)
        self.unlisted += other.unlisted
        self.notes.extend(other.notes)
        self.events += other.events
        self.objects += other.objects
        self.bytes += other.bytes
        self.checkpoints += other.checkpoints
        self.exported_checkpoints += other.exported_checkpoints
        if other.root:
            self.log_size, self.root = other.log_size, other.root

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mode": "fast" if self.fast else "full",
            "log_size": self.log_size,
            "root": self.root,
            "events": self.events,
            "objects": self.objects,
            "bytes": self.bytes,
            "checkpoints": self.checkpoints,
            "exported_checkpoints": self.exported_checkpoints,
            "problems": [p.__dict__ for p in self.problems],
            "unlisted_problems": self.unlisted,
            "notes": self.notes,
        }


def _events_of(conn: Connection, types: frozenset[str]) -> Iterator[custody.Event]:
    """The events of these types (a few: those whose rules remove earlier rows)."""
    if not types:
        return
    query = (
        select(schema.events.c.seq, schema.events.c.body)
        .where(schema.events.c.type.in_(sorted(types)))
        .order_by(schema.events.c.seq)
    )
    for row in conn.execute(query):
        try:
            yield custody.decode_event(row.seq, row.body.encode("utf-8"))
        except LogError:
            continue  # named by the main pass


def _raw_events(conn: Connection) -> Iterator[tuple[int, str, str, str]]:
    after = -1
    while True:
        rows = conn.execute(
            select(
                schema.events.c.seq,
                schema.events.c.type,
                schema.events.c.body,
                schema.events.c.leaf_hash,
            )
            .where(schema.events.c.seq > after)
            .order_by(schema.events.c.seq)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        for row in rows:
            yield row.seq, row.type, row.body, row.leaf_hash
        after = rows[-1].seq


def _collect_checkpoints(
    archive: Archive, conn: Connection, report: VerifyReport, extra: list[Path]
) -> tuple[dict[int, list[tuple[str, bytes]]], int]:
    """Every signed checkpoint to hold the log to, by size: (where it came from, root)."""
    wanted: dict[int, list[tuple[str, bytes]]] = {}
    last_exported = 0
    seen: set[tuple[int, bytes]] = set()
    seen_exported: set[tuple[int, bytes]] = set()

    def take(source: str, note: str, exported: bool) -> None:
        nonlocal last_exported
        try:
            checkpoint: Checkpoint = open_checkpoint(note, archive.verifier)
        except CheckpointError as exc:
            report.add("checkpoint", source, f"rejected: {exc}")
            return
        wanted.setdefault(checkpoint.size, []).append((source, checkpoint.root))
        seen.add((checkpoint.size, checkpoint.root))
        if exported:
            seen_exported.add((checkpoint.size, checkpoint.root))
            last_exported = max(last_exported, checkpoint.size)

    for stored in checkpoints.all_checkpoints(conn):
        source = f"checkpoint {stored.id} (size {stored.size})"
        take(source, stored.note, stored.exported_at is not None)
        if stored.root != _note_root(stored.note):
            report.add("checkpoint", source, "its root column differs from its signed note")
    for path in [*sorted(archive.checkpoints_dir.glob("*.txt")), *extra]:
        try:
            note = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.add("checkpoint", str(path), f"cannot be read: {exc}")
            continue
        take(str(path), note, exported=True)
    _check_cosignatures(conn, report)
    # The same checkpoint kept in several places (catalogue, checkpoints/, a witness's
    # copy) is one checkpoint; every copy is still checked.
    report.checkpoints, report.exported_checkpoints = len(seen), len(seen_exported)
    return wanted, last_exported


def _check_cosignatures(conn: Connection, report: VerifyReport) -> None:
    """Every witness cosignature on a stored checkpoint, against the registered keys."""
    keys = []
    for text in conn.execute(select(schema.witnesses.c.witness_key)).scalars():
        try:
            keys.append(WitnessKey.parse(text))
        except CheckpointError as exc:
            report.add("catalogue", "witnesses", f"a witness key cannot be read: {exc}")
    if not keys:
        return
    witnessed = 0
    for stored in checkpoints.all_checkpoints(conn):
        try:
            found = verify_cosignatures(stored.note, keys)
        except CheckpointError as exc:
            report.add("checkpoint", f"checkpoint {stored.id} (size {stored.size})", str(exc))
            continue
        if found:
            witnessed += 1
            names = ", ".join(sorted({c.witness for c in found}))
            report.notes.append(f"checkpoint of size {stored.size} cosigned by {names}")
    if not witnessed:
        report.notes.append("no checkpoint is cosigned by a registered witness yet")


def _note_root(note: str) -> str | None:
    try:
        return Checkpoint.parse(note.split("\n\n")[0] + "\n").root.hex()
    except CheckpointError:
        return None


def check_log(
    archive: Archive,
    conn: Connection,
    rules: Rules,
    report: VerifyReport,
    extra: list[Path],
    reporter: Reporter,
) -> None:
    wanted, last_exported = _collect_checkpoints(archive, conn, report, extra)
    head: Frontier | None = None
    try:
        head = custody.read_head(conn)
    except LogError as exc:
        report.add("log", "head", str(exc))
    frontier = Frontier()
    replay = Replayer(conn, rules, report, archive.store.read)
    replay.learn_prunes(_events_of(conn, rules.pruners()))
    expected_seq = 0
    for seq, type_, body, leaf_hex in _raw_events(conn):
        if seq != expected_seq:
            report.add(
                "log",
                f"event #{expected_seq}",
                f"missing ({seq - expected_seq} event(s) before #{seq} are gone)",
            )
        expected_seq = seq + 1
        raw = body.encode("utf-8")
        leaf = merkle.leaf_hash(raw)
        if leaf.hex() != leaf_hex:
            report.add("log", f"event #{seq}", "its stored leaf hash does not match its bytes")
        try:
            event = custody.decode_event(seq, raw)
            if event.type != type_:
                report.add("log", f"event #{seq}", f"is a {event.type!r}, indexed as {type_!r}")
            replay.see(event)
        except (LogError, ValueError) as exc:
            report.add("log", f"event #{seq}", str(exc))
        # Even a damaged event occupies its place: the tree is over the bytes as stored.
        while frontier.size < seq:
            frontier = frontier.append(b"\x00" * 32)
        frontier = frontier.append(leaf)
        for source, root in wanted.get(frontier.size, []):
            if root != frontier.root():
                report.add(
                    "checkpoint",
                    source,
                    "the log no longer has the root this checkpoint signed: events "
                    "up to it were altered, removed or reordered",
                )
        report.events += 1
        reporter.advance()
    replay.finish()
    for check in rules.checks():
        try:
            check(conn, archive.root, report)
        except Exception as exc:  # a check that cannot finish is a finding, not a crash
            report.add("catalogue", check.__name__, f"could not be completed: {exc}")
    if head is not None and (frontier.size != head.size or frontier.root() != head.root()):
        report.add(
            "log",
            "head",
            f"says {head.size} events with root {head.root().hex()}, "
            f"the events give {frontier.size} with root {frontier.root().hex()}",
        )
    for size, sources in wanted.items():
        if size > frontier.size:
            for source, _ in sources:
                report.add(
                    "checkpoint",
                    source,
                    f"signed a log of {size} events; only {frontier.size} remain: "
                    "events were removed",
                )
    if last_exported and not any(p.area in ("log", "checkpoint") for p in report.problems):
        report.notes.append(f"consistent with the last exported checkpoint (size {last_exported})")
    report.log_size, report.root = frontier.size, frontier.root().hex()


def check_identity(archive: Archive, conn: Connection, report: VerifyReport) -> None:
    meta = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())
    if meta.get("verifier_key") != str(archive.verifier):
        report.add("identity", "verifier key", "the database and the archive folder disagree")
    try:
        genesis = custody.get_event(conn, 0)
    except LogError as exc:
        report.add("identity", "event #0", str(exc))
        return
    if genesis.type != "archive.created" or genesis.data.get("verifier_key") != str(
        archive.verifier
    ):
        report.add("identity", "event #0", "does not create this archive with this key")
    if archive.key_path.exists():
        try:
            archive.signer()
        except Exception as exc:  # a damaged key file is a finding, not a crash
            report.add("identity", str(archive.key_path), str(exc))
    else:
        report.notes.append("the signing key is not in the archive (kept offline?)")


def _catalogued_objects(conn: Connection) -> Iterator[tuple[str, int]]:
    after = ""
    while True:
        rows = conn.execute(
            select(schema.objects.c.sha256, schema.objects.c.size)
            .where(schema.objects.c.sha256 > after)
            .order_by(schema.objects.c.sha256)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        yield from ((row.sha256, row.size) for row in rows)
        after = rows[-1].sha256


def _batches(items: Iterator[tuple[str, int]], size: int) -> Iterator[list[tuple[str, int]]]:
    batch: list[tuple[str, int]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def _rehashing(fast: bool) -> Iterator[Executor | None]:
    """Worker processes that re-hash objects (spawned: this process runs threads)."""
    if fast:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        yield pool


def _hashed(
    pool: Executor | None, store: ObjectStore, objects: Iterator[tuple[str, int]]
) -> Iterator[Sequence[tuple[str, int, Hashed | None]]]:
    """The catalogued objects in batches, each with its hash (None without a pool)."""
    batches = (
        [(sha, size, str(store.path_for(sha))) for sha, size in batch]
        for batch in _batches(objects, HASH_BATCH)
    )
    if pool is None:
        yield from ([(sha, size, None) for sha, size, _ in batch] for batch in batches)
        return
    window = 4 * (os.cpu_count() or 1)
    yield from ordered_map(pool, rehash.hash_listed, batches, window)


def check_store(
    archive: Archive, conn: Connection, report: VerifyReport, fast: bool, reporter: Reporter
) -> None:
    store = archive.store
    writable: list[str] = []
    with _rehashing(fast) as pool:
        for batch in _hashed(pool, store, _catalogued_objects(conn)):
            for sha, size, hashed in batch:
                _check_object(store, sha, size, hashed, report, writable)
            reporter.advance(len(batch))
    if writable:
        report.notes.append(
            f"{len(writable)} object(s) are writable, e.g. {writable[0]}; objects should be "
            "read-only (chmod a-w) so that a slip cannot alter them"
        )
    _check_unexpected(archive, conn, report)


def _check_object(
    store: ObjectStore,
    sha: str,
    size: int,
    hashed: Hashed | None,
    report: VerifyReport,
    writable: list[str],
) -> None:
    report.objects += 1
    try:
        st = store.path_for(sha).stat()
    except OSError:
        report.add("store", sha, "missing from the store")
        return
    if st.st_size != size:
        report.add("store", sha, f"is {st.st_size:,} bytes; the catalogue says {size:,}")
        return
    report.bytes += size
    if st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        writable.append(sha)
    if hashed is not None:
        digest, _, error = hashed
        if error is not None:
            report.add("store", sha, f"cannot be read: {error}")
        elif digest != sha:
            report.add("store", sha, f"its bytes hash to {digest}: the object was altered")


def _check_unexpected(archive: Archive, conn: Connection, report: VerifyReport) -> None:
    """Files in the store that the catalogue does not know."""
    catalogued = _catalogued_objects(conn)
    current = next(catalogued, None)
    for name, path in archive.store.iter_names():
        while current is not None and current[0] < name:
            current = next(catalogued, None)
        if current is not None and current[0] == name:
            continue
        if not is_sha256(name) or path.parent.name != name[:2]:
            report.add("store", str(path.relative_to(archive.root)), "is not an object name")
        else:
            report.add(
                "store",
                name,
                "is in the store but not in the catalogue (added, or "
                "left by an interrupted ingest: re-run it to complete it)",
            )
    leftovers = list(archive.store.tmp_dir.glob("*.part"))
    if leftovers:
        report.notes.append(f"{len(leftovers)} partial copies in store/tmp (interrupted run)")


class _InThread:
    """Run a function in a thread now; ``join`` waits and re-raises what it raised."""

    def __init__(self, function: Callable[[], None]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                function()
            except BaseException as exc:  # handed to the joining thread
                self._error = exc

        self._thread = threading.Thread(target=run, name="verify-log", daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _check_log_alone(
    archive: Archive, rules: Rules, report: VerifyReport, extra: list[Path], reporter: Reporter
) -> None:
    with archive.read() as conn:
        check_log(archive, conn, rules, report, extra, reporter)
        check_coverage(conn, rules, report)


# Tables of the database that no capability owns: Alembic's record of the schema.
SCHEMA_TABLES = {"alembic_version": "the schema's revision, compared at every opening"}


def check_coverage(conn: Connection, rules: Rules, report: VerifyReport) -> None:
    """Name every table that holds rows and that no rule replays or explains."""
    from sqlalchemy import inspect, table

    covered = {rule.name for rule in rules.table_rules()}
    covered |= set(rules.unreplayed()) | set(SCHEMA_TABLES)
    for name in sorted(inspect(conn).get_table_names()):
        if name in covered:
            continue
        rows = conn.execute(select(func.count()).select_from(table(name))).scalar_one()
        if rows:
            report.add("catalogue", name, f"holds {rows:,} row(s) that no replay rule covers: "
                       "verify cannot say they are what the custody log recorded")  # fmt: skip


def verify(
    archive: Archive,
    rules: Rules,
    fast: bool = False,
    extra_checkpoints: list[Path] | None = None,
    record: bool = True,
    reporter: Reporter = SILENT,
) -> VerifyReport:
    """Check the archive against its log, checkpoints and ``rules``; record it if it holds."""
    report = VerifyReport(fast=fast)
    with archive.read() as conn:
        check_identity(archive, conn, report)
        total = sum(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (schema.events, schema.objects)
        )
    what = "checking the log and objects" if fast else "checking the log, re-hashing objects"
    reporter.start(what, total, "items")
    # The log is checked in a thread of its own, with its own connection, while the
    # store is re-hashed: the one is Python work, the other reading and hashing that
    # release the interpreter, so together they take little longer than the longer one.
    log_report = VerifyReport(fast=fast)
    log_check = _InThread(
        lambda: _check_log_alone(archive, rules, log_report, extra_checkpoints or [], reporter)
    )
    store_report = VerifyReport(fast=fast)
    try:
        with archive.read() as conn:
            check_store(archive, conn, store_report, fast, reporter)
    finally:
        log_check.join()
    report.absorb(log_report)
    report.absorb(store_report)
    reporter.finish()
    if report.ok and record and archive.key_path.exists():
        with archive.write() as conn:
            summary = {
                "mode": "fast" if fast else "full",
                "ok": True,
                "events": report.events,
                "objects": report.objects,
                "bytes": report.bytes,
                "root": report.root,
                "tool": f"dalil {__version__}",
            }
            custody.append(conn, "verify.completed", summary)
            checkpoints.sign_head(conn, archive.signer())
    return report
