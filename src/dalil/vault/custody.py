"""The custody log: an append-only list of canonical JSON events under a Merkle tree.

Each state change of the archive writes its event in the same database transaction as
the change itself, so the catalogue and its log cannot disagree after a crash. An event
is ``{"at": time, "data": {...}, "seq": n, "type": "..."}`` in canonical JSON; its leaf
is RFC 6962's ``SHA-256(0x00 || bytes)``. The head row keeps the tree's frontier, so the
root of the whole log is known without reading it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from dalil import canonical
from dalil.clock import utc_now
from dalil.db import schema
from dalil.errors import InputError, LogError, NotFound
from dalil.vault import merkle
from dalil.vault.frontier import Frontier

# Events are read back in pages of this many rows: memory stays flat however long the log.
PAGE = 5000


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    at: str
    data: dict[str, Any]
    body: bytes

    @property
    def leaf(self) -> bytes:
        return merkle.leaf_hash(self.body)


def encode_event(seq: int, type_: str, at: str, data: dict[str, Any]) -> bytes:
    return canonical.dumps({"at": at, "data": data, "seq": seq, "type": type_})


def decode_event(seq: int, body: bytes) -> Event:
    """Parse a stored event; LogError names what is wrong with it."""
    try:
        value = canonical.parse_canonical(body)
    except InputError as exc:
        raise LogError(f"event #{seq} is not in canonical form: {exc}") from exc
    if not isinstance(value, dict) or set(value) != {"at", "data", "seq", "type"}:
        raise LogError(f"event #{seq} does not have the shape of an event")
    if value["seq"] != seq:
        raise LogError(f"event #{seq} says it is event #{value['seq']}: the log was reordered")
    return Event(seq, value["type"], value["at"], value["data"], body)


def init_head(conn: Connection) -> None:
    conn.execute(schema.log_head.insert().values(id=1, size=0, peaks="[]"))


def read_head(conn: Connection, lock: bool = False) -> Frontier:
    query = select(schema.log_head.c.size, schema.log_head.c.peaks).where(schema.log_head.c.id == 1)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).one_or_none()
    if row is None:
        raise LogError("the custody log has no head row: the catalogue is damaged")
    return Frontier.from_hex(row.size, json.loads(row.peaks))


class Appender:
    """Appends events inside the caller's transaction; ``flush`` writes them and the head.

    Holding the head row locked from the first append to the commit serialises writers
    on PostgreSQL; on SQLite the write transaction already holds the database lock.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.frontier = read_head(conn, lock=True)
        self._start = self.frontier.size
        self._rows: list[dict[str, Any]] = []

    @property
    def next_seq(self) -> int:
        return self.frontier.size

    def append(self, type_: str, data: dict[str, Any], at: str | None = None) -> int:
        return self.add(type_, data, at).seq

    def add(self, type_: str, data: dict[str, Any], at: str | None = None) -> Event:
        """Append one event; returns it as it will be stored."""
        seq = self.frontier.size
        at = at or utc_now()
        body = encode_event(seq, type_, at, data)
        leaf = merkle.leaf_hash(body)
        self.frontier = self.frontier.append(leaf)
        self._rows.append(
            {"seq": seq, "type": type_, "body": body.decode("utf-8"), "leaf_hash": leaf.hex()}
        )
        return Event(seq, type_, at, data, body)

    def flush(self) -> None:
        if not self._rows:
            return
        self.conn.execute(schema.events.insert(), self._rows)
        result = self.conn.execute(
            update(schema.log_head)
            .where(schema.log_head.c.id == 1, schema.log_head.c.size == self._start)
            .values(size=self.frontier.size, peaks=json.dumps(self.frontier.to_hex()))
        )
        if result.rowcount != 1:
            raise LogError("another writer appended to the custody log at the same time")
        self._rows = []
        self._start = self.frontier.size


def append(conn: Connection, type_: str, data: dict[str, Any], at: str | None = None) -> int:
    """Append one event in the caller's transaction."""
    appender = Appender(conn)
    seq = appender.append(type_, data, at)
    appender.flush()
    return seq


def log_size(conn: Connection) -> int:
    return read_head(conn).size


def require_seq(conn: Connection, seq: int) -> int:
    """``seq`` if the log holds that event; else an error saying which numbers it holds."""
    size = log_size(conn)
    if 0 <= seq < size:
        return seq
    held = f"it holds #0 to #{size - 1}" if size else "it is empty"
    raise NotFound(f"there is no event #{seq} in the custody log: {held}", str(seq))


def iter_events(conn: Connection, start: int = 0, stop: int | None = None) -> Iterator[Event]:
    """Events in order from ``start``; a missing or out-of-place event raises LogError."""
    expected = start
    while stop is None or expected < stop:
        query = (
            select(schema.events.c.seq, schema.events.c.body)
            .where(schema.events.c.seq >= expected)
            .order_by(schema.events.c.seq)
            .limit(PAGE if stop is None else min(PAGE, stop - expected))
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        for row in rows:
            if row.seq != expected:
                raise LogError(f"event #{expected} is missing from the custody log")
            yield decode_event(row.seq, row.body.encode("utf-8"))
            expected += 1


def get_event(conn: Connection, seq: int) -> Event:
    row = conn.execute(select(schema.events.c.body).where(schema.events.c.seq == seq)).one_or_none()
    if row is None:
        raise LogError(f"there is no event #{seq} in the custody log")
    return decode_event(seq, row.body.encode("utf-8"))


def leaves(conn: Connection, size: int) -> list[bytes]:
    """The leaf hashes of the first ``size`` events, recomputed from the event bytes."""
    result: list[bytes] = []
    for offset in range(0, size, PAGE):
        rows = conn.execute(
            select(schema.events.c.seq, schema.events.c.body)
            .where(schema.events.c.seq >= offset, schema.events.c.seq < min(size, offset + PAGE))
            .order_by(schema.events.c.seq)
        ).all()
        for i, row in enumerate(rows):
            if row.seq != offset + i:
                raise LogError(f"event #{offset + i} is missing from the custody log")
            result.append(merkle.leaf_hash(row.body.encode("utf-8")))
    if len(result) != size:
        raise LogError(f"the custody log holds {len(result)} events, not {size}")
    return result


def count_events(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(schema.events)).scalar_one())
