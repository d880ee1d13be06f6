"""The one write path: append an event, then carry out the changes its rules imply.

A capability never writes a custody row by hand. It composes the event's data (every
decision made: ids, times, values), and ``Writer.record`` appends the event and writes
exactly the rows that the capability's applier derives from it: the function that
``verify`` replays the event with. So what a row says is what its event says, by
construction.

Inserts are buffered and written in batches, in the order of the tables' foreign keys;
anything else (a mark, an update, a deletion) first writes what is buffered, so that
changes happen in the order of their events. Everything happens in the caller's
transaction: the rows, the events and the log's head commit together or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, String, Table, and_, delete, update
from sqlalchemy.sql.elements import ColumnElement

from dalil.vault import custody
from dalil.vault.changes import (
    GIVEN,
    UNRECORDED,
    Change,
    Counted,
    Delete,
    Digest,
    Insert,
    Mark,
    Payload,
    Prune,
    Row,
    Update,
)
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

# Rows per INSERT: large enough to be fast, small enough for PostgreSQL's parameter limit.
CHUNK = 2000


class Writer:
    """Appends a capability's events and writes the rows they imply."""

    def __init__(self, conn: Connection, *capabilities: Capability) -> None:
        self.conn = conn
        self.capabilities = capabilities
        self.appender = custody.Appender(conn)
        self._payloads: dict[str, bytes] = {}
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self._blobs: dict[str, bytes] = {}
        self._given: Mapping[str, Any] = {}
        self._rules = {rule.table: rule for c in capabilities for rule in c.tables}

    @property
    def next_seq(self) -> int:
        return self.appender.next_seq

    def add_payload(self, sha256: str, data: bytes) -> None:
        """Bytes a ``Payload`` of a later event names (already stored in the store)."""
        self._payloads[sha256] = data

    def has_payload(self, sha256: str) -> bool:
        return sha256 in self._payloads

    def record(
        self,
        type_: str,
        data: dict[str, Any],
        at: str | None = None,
        blobs: Iterable[bytes] = (),
        given: Mapping[str, Any] | None = None,
    ) -> Event:
        """Append one event and write its rows; ``blobs`` are the bytes its digests name,
        ``given`` the values of its rows' ``GIVEN`` columns."""
        applier = next((c.appliers[type_] for c in self.capabilities if type_ in c.appliers), None)
        if applier is None and not any(type_ in c.quiet for c in self.capabilities):
            names = ", ".join(c.name for c in self.capabilities)
            raise ValueError(f"{names}: no rule for {type_!r} events")
        event = self.appender.add(type_, data, at)
        if applier is None:
            return event
        for blob in blobs:
            self._blobs[hashlib.sha256(blob).hexdigest()] = blob
        self._given = given or {}
        for change in applier(event):
            self._carry_out(change, event.seq)
        return event

    def flush(self) -> None:
        """Write what is buffered and the log's head; call before the transaction ends."""
        self._write_pending()
        self.appender.flush()

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            self.flush()

    def _carry_out(self, change: Change, seq: int) -> None:
        if isinstance(change, Insert):
            rows = self._rows(change)
            pending = self._pending.setdefault(change.table, [])
            rule = self._rules.get(change.table)
            derive = rule.derive if rule is not None else None
            for row in rows:
                values = self._concrete(change.table, row)
                if derive is not None:
                    values.update(derive(values))
                pending.append(values)
            if len(pending) >= CHUNK:
                self._write_pending()
            return
        self._write_pending()
        if isinstance(change, Mark):
            rule = self._rule(change.table)
            assert change.column in rule.marks, f"{change.column} is not a mark of {rule.name}"
            self._update(change.table, change.key, {change.column: seq}, exact=1)
        elif isinstance(change, Update):
            assert not self._rule(change.table).streamed, "streamed rows are never updated"
            self._update(change.table, change.where, self._concrete(change.table, change.values))
        elif isinstance(change, Delete):
            assert not self._rule(change.table).streamed, "streamed rows are only pruned"
            self.conn.execute(delete(change.table).where(_where(change.table, change.where)))
        elif isinstance(change, Prune):
            origin = self._rule(change.table).origin
            assert origin is not None, "only streamed tables are pruned"
            table = change.table
            self.conn.execute(delete(table).where(table.c[origin] < change.before))
        elif isinstance(change, Counted):
            raise AssertionError("Counted describes an earlier release's rows; never written")

    def _rows(self, change: Insert) -> Iterable[Row]:
        if isinstance(change.rows, Payload):
            return change.rows.parse(self._payloads[change.rows.sha256])
        return change.rows

    def _concrete(self, table: Table, row: Row) -> dict[str, Any]:
        values = {}
        for column, value in row.items():
            if isinstance(value, Digest):
                value = self._blobs[value.sha256]
                if isinstance(table.c[column].type, String):
                    value = value.decode("utf-8")
            if value is GIVEN:
                value = self._given[column]
            assert value is not UNRECORDED, f"{column}: a new event records every column"
            values[column] = value
        return values

    def _update(self, table: Table, where: Row, values: Row, exact: int | None = None) -> None:
        result = self.conn.execute(update(table).where(_where(table, where)).values(**values))
        if exact is not None and result.rowcount != exact:
            raise AssertionError(f"{table.name}: {result.rowcount} rows match {dict(where)}")

    def _rule(self, table: Table) -> TableRule:
        rule = self._rules.get(table)
        if rule is None:
            raise AssertionError(f"{table.name} has no rule in this writer's capabilities")
        return rule

    def _write_pending(self) -> None:
        if not self._pending:
            return
        order = {t: i for i, t in enumerate(next(iter(self._pending)).metadata.sorted_tables)}
        for table in sorted(self._pending, key=lambda t: order.get(t, len(order))):
            rows = self._pending[table]
            for start in range(0, len(rows), CHUNK):
                self.conn.execute(table.insert(), rows[start : start + CHUNK])
        self._pending = {}


def _where(table: Table, where: Row) -> ColumnElement[bool]:
    clauses = [
        table.c[column].is_(None) if value is None else table.c[column] == value
        for column, value in where.items()
    ]
    return and_(*clauses)
