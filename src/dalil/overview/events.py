"""The custody events behind a thing shown: read by the seqs its rows name.

Every row of every capability names the event that wrote it (``seq``, ``first_seq``,
``received_seq``, ...), so the events about one photo, case, report or record are found
through indexed columns, never by scanning the log's text. Each is shown as the log
holds it, with its number: `dalil log proof #N` proves any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select

from dalil.db import schema
from dalil.vault import custody

# Seqs looked up per query (far below SQLite's limit on an IN list).
CHUNK = 500


@dataclass(frozen=True)
class CustodyEvent:
    seq: int
    type: str
    at: str
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "at": self.at, "data": self.data}


def events_of(conn: Connection, seqs: Iterable[int | None]) -> list[CustodyEvent]:
    """The events numbered ``seqs`` (None left out), each once, in log order."""
    wanted = sorted({int(s) for s in seqs if s is not None})
    found: list[CustodyEvent] = []
    e = schema.events
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = conn.execute(select(e.c.seq, e.c.body).where(e.c.seq.in_(chunk)).order_by(e.c.seq))
        for row in rows:
            event = custody.decode_event(int(row.seq), row.body.encode("utf-8"))
            found.append(CustodyEvent(event.seq, event.type, event.at, event.data))
    return found


def summary(event: CustodyEvent) -> str:
    """One line for a terminal: number, time and type."""
    return f"#{event.seq:<7} {event.at}  {event.type}"


def naming(conn: Connection, type_prefixes: Iterable[str], key: str, value: str) -> list[int]:
    """The seqs of events of these types (``"am."``) whose data holds ``"key": value``.

    Canonical JSON writes ``"key":"value"`` without spaces, so the text test is exact
    but for a value quoted inside another string; each hit is checked on its data."""
    e = schema.events
    needle = f'"{key}":"{value}"'
    kinds = [e.c.type.startswith(prefix) for prefix in type_prefixes]
    query = select(e.c.seq, e.c.body).where(or_(*kinds), e.c.body.contains(needle))
    found = []
    for row in conn.execute(query.order_by(e.c.seq)):
        event = custody.decode_event(int(row.seq), row.body.encode("utf-8"))
        if event.data.get(key) == value:
            found.append(event.seq)
    return found
