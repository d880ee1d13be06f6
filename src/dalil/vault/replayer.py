"""Replay the custody log against the catalogue and name every row that differs.

Handed every capability's rules (``rules.Rules``), the replayer is shown each event in
order (``see``) and derives the changes it implies with the capability's own applier,
the function its writer used. Streamed tables are read side by side with the log, in
the order of the event that inserted each row, so memory stays flat; folded tables are
rebuilt in memory and compared at the end (``finish``). Every difference is named: a row
whose column differs from its event, an event whose row is missing, a row that no event
implies, a row an event removed that is still there.

Rows removed by a later event (``Prune``) are known before the log is read: the few
events that prune are read first, so that a pruned event's rows are never parsed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, Table, func, select, tuple_

from dalil.errors import DalilError
from dalil.vault.changes import (
    GIVEN,
    UNRECORDED,
    Counted,
    Delete,
    Digest,
    Insert,
    Mark,
    Payload,
    Prune,
    Update,
    matches,
)
from dalil.vault.changes import Row as Values
from dalil.vault.custody import Event
from dalil.vault.rules import Rules, Sink, TableRule, describe_key

PAGE = 2000
AREA = "catalogue"
PayloadReader = Callable[[str], bytes]


class _Cursor:
    """A streamed table's rows in order of one seq column (then its order columns).

    Rows are held as mappings, a page at a time, last row first: the replay pops them
    in order as it meets their events.
    """

    def __init__(self, conn: Connection, rule: TableRule, column: str) -> None:
        self.conn = conn
        self.rule = rule
        self.table = rule.table
        self.column = column
        if column == rule.origin:
            names = (column, *rule.order)
        else:
            names = (column, *(c.name for c in self.table.primary_key.columns))
        self.names = names
        self.keys = [self.table.c[name] for name in names]
        self.rows: list[Any] = []
        self.after: tuple[Any, ...] | None = None
        self.exhausted = False

    def peek(self) -> Any | None:
        if not self.rows and not self.exhausted:
            query = select(self.table).where(self.keys[0].is_not(None)).order_by(*self.keys)
            if self.after is not None:
                if len(self.keys) == 1:
                    query = query.where(self.keys[0] > self.after[0])
                else:
                    query = query.where(tuple_(*self.keys) > tuple_(*self.after))
            fetched = self.conn.execute(query.limit(PAGE)).all()
            self.rows = [row._mapping for row in reversed(fetched)]
            self.exhausted = len(fetched) < PAGE
        return self.rows[-1] if self.rows else None

    def peek_at(self, seq: int) -> Any | None:
        """The next row if its column is ``seq``."""
        row = self.peek()
        return row if row is not None and row[self.column] == seq else None

    def pop(self) -> Any:
        row = self.rows.pop()
        self.after = tuple(row[name] for name in self.names)
        return row

    def take(self, seq: int) -> Iterator[Any]:
        """The rows whose column is ``seq``, consumed as they are read."""
        while self.peek_at(seq) is not None:
            yield self.pop()

    def value(self, row: Any) -> int:
        return int(row[self.column])


@dataclass
class _Group:
    """Rows an earlier release's event recorded only by their number."""

    seq: int
    where: Values
    remaining: int


@dataclass
class _Fold:
    rule: TableRule
    rows: dict[tuple[Any, ...], tuple[dict[str, Any], int]] = field(default_factory=dict)
    groups: list[_Group] = field(default_factory=list)

    def key(self, row: Values) -> tuple[Any, ...]:
        return tuple(row.get(c.name) for c in self.rule.table.primary_key.columns)

    def matching(self, where: Values) -> list[tuple[Any, ...]]:
        pk = [c.name for c in self.rule.table.primary_key.columns]
        if all(name in where for name in pk):
            key = tuple(where[name] for name in pk)
            found = self.rows.get(key)
            return [key] if found is not None and matches(found[0], where) else []
        return [key for key, (row, _) in self.rows.items() if matches(row, where)]


class Replayer:
    def __init__(
        self,
        conn: Connection,
        rules: Rules,
        sink: Sink,
        payload: PayloadReader,
    ) -> None:
        self.conn = conn
        self.rules = rules
        self.sink = sink
        self.payload = payload
        self.appliers = {
            type_: applier
            for capability in rules.capabilities
            for type_, applier in capability.appliers.items()
        }
        self.quiet = frozenset().union(*(c.quiet for c in rules.capabilities))
        self.by_name = {rule.name: rule for rule in rules.table_rules()}
        self.streams: dict[tuple[str, str], _Cursor] = {}
        self.folds: dict[str, _Fold] = {}
        for rule in rules.table_rules():
            if rule.origin is None:
                self.folds[rule.name] = _Fold(rule)
                continue
            for column in (rule.origin, *rule.marks):
                self.streams[(rule.name, column)] = _Cursor(conn, rule, column)
        self.pruned: dict[str, int] = {}  # table → rows of events before this one are gone
        self.unrecorded: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        self.watches = [make() for make in rules.watchers()]

    # -- before the log is read -------------------------------------------------------

    def learn_prunes(self, events: Iterable[Event]) -> None:
        """The rows later events removed, from the (few) events that prune."""
        for event in events:
            applier = self.appliers.get(event.type)
            if applier is None:
                continue
            try:
                for change in applier(event):
                    if isinstance(change, Prune):
                        name = change.table.name
                        self.pruned[name] = max(self.pruned.get(name, 0), change.before)
            except (KeyError, TypeError, ValueError):
                continue  # the main pass names what is wrong with the event

    # -- each event ---------------------------------------------------------------------

    def see(self, event: Event) -> None:
        for watch in self.watches:
            watch.see(event, self.sink)
        applier = self.appliers.get(event.type)
        if applier is None:
            if event.type not in self.quiet:
                self.unknown[event.type] += 1
            return
        try:
            changes = list(applier(event))
        except (KeyError, TypeError, ValueError, DalilError) as exc:
            self.sink.add("log", f"event #{event.seq}", f"lacks the field {exc}")
            return
        inserts: dict[str, list[Insert]] = {}
        for change in changes:
            if type(change) is Insert:
                inserts.setdefault(change.table.name, []).append(change)
            elif isinstance(change, Counted):
                self._counted(event, change)
            elif isinstance(change, Mark):
                self._mark(event, change)
            elif isinstance(change, Update | Delete):
                self._fold_change(event, change)
        for name, group in inserts.items():
            self._insert(event, name, group)

    def _insert(self, event: Event, name: str, inserts: list[Insert]) -> None:
        fold = self.folds.get(name)
        rows = (row for change in inserts for row in self._rows(event, change))
        if fold is not None:
            for row in rows:
                key = fold.key(row)
                if key in fold.rows:
                    before = fold.rows[key][1]
                    self.sink.add(AREA, self._fold_name(fold.rule, row, event.seq),
                                  f"inserted again; event #{before} inserted it")  # fmt: skip
                fold.rows[key] = (dict(row), event.seq)
            return
        cursor = self.streams[(name, self._origin(name))]
        self._drain_before(cursor, event.seq)
        if self._is_pruned(name, event.seq):
            for row in cursor.take(event.seq):
                self.sink.add(AREA, self._stream_name(cursor.rule, row, event.seq),
                              "should have been removed by a later event")  # fmt: skip
            return
        self._merge(cursor, event, rows)

    def _rows(self, event: Event, change: Insert) -> Iterable[Values]:
        if not isinstance(change.rows, Payload):
            return change.rows
        payload = change.rows
        try:
            data = self.payload(payload.sha256)
        except (OSError, KeyError) as exc:
            self.sink.add("store", payload.sha256, f"rows of event #{event.seq} cannot be "
                          f"read from the store: {exc}")  # fmt: skip
            return ()
        if hashlib.sha256(data).hexdigest() != payload.sha256:
            self.sink.add("store", payload.sha256, f"holds rows of event #{event.seq} and "
                          "its bytes were altered")  # fmt: skip
            return ()
        return payload.parse(data)

    def _merge(self, cursor: _Cursor, event: Event, expected: Iterable[Values]) -> None:
        """The event's expected rows against the rows that name it, in the same order:
        by the order columns where the event recorded them, else one after the other."""
        rule, seq = cursor.rule, event.seq
        for row in expected:
            have = cursor.peek_at(seq)
            order = self._order(rule, row) if rule.order else None
            if order is not None:
                while have is not None and _ordered(rule, have) < order:
                    self._extra(rule, cursor.pop(), seq)
                    have = cursor.peek_at(seq)
                if have is not None and _ordered(rule, have) != order:
                    have = None
            if have is None:
                self._missing(rule, row, event)
                continue
            self._compare(rule, row, cursor.pop(), seq)
        for extra in cursor.take(seq):
            self._extra(rule, extra, seq)

    @staticmethod
    def _order(rule: TableRule, row: Values) -> tuple[Any, ...] | None:
        values = tuple(row[c] for c in rule.order)
        return None if any(v is UNRECORDED for v in values) else values

    def _missing(self, rule: TableRule, row: Values, event: Event) -> None:
        self.sink.add(AREA, self._stream_name(rule, row, event.seq),
                      f"missing: event #{event.seq} ({event.type}) recorded it")  # fmt: skip

    def _extra(self, rule: TableRule, row: Any, seq: int) -> None:
        self.sink.add(AREA, self._stream_name(rule, row, seq),
                      f"row has no matching event in the custody log: event #{seq} does not "
                      "record it (added or altered outside dalil)")  # fmt: skip

    def _counted(self, event: Event, change: Counted) -> None:
        fold = self.folds.get(change.table.name)
        if fold is not None:
            fold.groups.append(_Group(event.seq, change.where, change.count))
            return
        name = change.table.name
        cursor = self.streams[(name, self._origin(name))]
        self._drain_before(cursor, event.seq)
        rows = list(cursor.take(event.seq))
        item = f"{name} rows of event #{event.seq}"
        expected = 0 if self._is_pruned(name, event.seq) else change.count
        if len(rows) != expected:
            self.sink.add(AREA, item, f"{len(rows)} rows; event #{event.seq} ({event.type}) "
                          f"recorded {expected}")  # fmt: skip
        elif change.sha256 is not None and change.encode is not None and rows:
            text = "\n".join(change.encode(r) for r in rows)
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != change.sha256:
                self.sink.add(AREA, item, f"do not hash to what event #{event.seq} "
                              f"({event.type}) recorded: a row was altered")  # fmt: skip
        self.unrecorded[name] += len(rows)

    def _mark(self, event: Event, change: Mark) -> None:
        fold = self.folds.get(change.table.name)
        if fold is not None:
            self._fold_change(event, Update(change.table, change.key, {change.column: event.seq}))
            return
        cursor = self.streams[(change.table.name, change.column)]
        self._drain_before(cursor, event.seq)
        rows = list(cursor.take(event.seq))
        item = f"{change.table.name} row marked by event #{event.seq}"
        wanted = describe_key(cursor.rule, change.key)
        if not rows:
            self.sink.add(AREA, item, f"missing: event #{event.seq} ({event.type}) set "
                          f"{change.column} of the row {wanted}")  # fmt: skip
        for row in rows:
            if not matches(row, change.key):
                found = describe_key(cursor.rule, row)
                self.sink.add(AREA, item, f"{change.column} is set on the row {found}; the "
                              f"log says on {wanted}")  # fmt: skip

    def _fold_change(self, event: Event, change: Update | Delete) -> None:
        fold = self.folds.get(change.table.name)
        assert fold is not None, f"{change.table.name} is streamed: rows are never updated"
        for key in fold.matching(change.where):
            if isinstance(change, Delete):
                del fold.rows[key]
            else:
                row, _ = fold.rows[key]
                row.update(change.values)
                fold.rows[key] = (row, event.seq)
        if isinstance(change, Delete):
            fold.groups = [g for g in fold.groups if not _covers(change.where, g.where)]

    def _drain_before(self, cursor: _Cursor, seq: int | None) -> None:
        while (row := cursor.peek()) is not None:
            if seq is not None and cursor.value(row) >= seq:
                return
            cursor.pop()
            origin = cursor.value(row)
            if cursor.column == cursor.rule.origin:
                self._extra(cursor.rule, row, origin)
                continue
            name = f"{cursor.rule.name} row ({describe_key(cursor.rule, row)})"
            self.sink.add(AREA, name, f"{cursor.column} names event #{origin}, which does "
                          "not mark it (altered outside dalil)")  # fmt: skip

    def _is_pruned(self, name: str, seq: int) -> bool:
        return seq < self.pruned.get(name, 0)

    def _origin(self, name: str) -> str:
        origin = self.by_name[name].origin
        assert origin is not None, f"{name} is folded"
        return origin

    # -- comparing ----------------------------------------------------------------------

    def _compare(
        self, rule: TableRule, expected: Values, actual: Any, seq: int | None, fold: bool = False
    ) -> None:
        """Every column the event implies; the row is named only if something differs."""
        for column, value in expected.items():
            have = actual[column]
            if have == value or value is GIVEN:
                continue  # GIVEN: bound by a hash that the rule's check verifies
            if value is UNRECORDED:
                self.unrecorded[rule.name] += 1
            elif isinstance(value, Digest):
                if _digest(have) != value.sha256:
                    self.sink.add(AREA, self._row_name(rule, actual, seq, fold),
                                  f"{column} was changed after it was logged: its SHA-256 "
                                  "is not the one in the log")  # fmt: skip
            else:
                self.sink.add(AREA, self._row_name(rule, actual, seq, fold),
                              f"{column} is {have!r}; the log says {value!r}")  # fmt: skip
        if rule.derive is not None:
            self._derived(rule, actual, seq, fold)
        if rule.check is not None:
            for what in rule.check(actual):
                self.sink.add(AREA, self._row_name(rule, actual, seq, fold), what)

    def _row_name(self, rule: TableRule, row: Any, seq: int | None, fold: bool) -> str:
        if fold:
            return self._fold_name(rule, row, seq)
        assert seq is not None
        return self._stream_name(rule, row, seq)

    def _derived(self, rule: TableRule, actual: Any, seq: int | None, fold: bool) -> None:
        assert rule.derive is not None
        try:
            derived = rule.derive(actual)
        except (ValueError, TypeError, KeyError, DalilError) as exc:
            self.sink.add(AREA, self._row_name(rule, actual, seq, fold),
                          f"its data cannot be read: {exc}")  # fmt: skip
            return
        for column, value in derived.items():
            if actual[column] != value:
                self.sink.add(AREA, self._row_name(rule, actual, seq, fold),
                              f"{column} is {actual[column]!r}; the row's own data say "
                              f"{value!r}")  # fmt: skip

    def _stream_name(self, rule: TableRule, row: Any, seq: int) -> str:
        pk = [c.name for c in rule.table.primary_key.columns]
        name = f"{rule.name} row of event #{seq}"
        if pk == [rule.origin]:
            return name
        try:
            return f"{name} ({describe_key(rule, row)})"
        except KeyError:
            return name

    def _fold_name(self, rule: TableRule, row: Any, seq: int | None) -> str:
        name = f"{rule.name} row ({describe_key(rule, row)})"
        return name if seq is None else f"{name} of event #{seq}"

    # -- at the end ---------------------------------------------------------------------

    def finish(self) -> None:
        for watch in self.watches:
            watch.finish(self.sink)
        for cursor in self.streams.values():
            self._drain_before(cursor, None)
            if cursor.column == cursor.rule.origin:
                self._unnamed(cursor.rule, cursor.column)
        for fold in self.folds.values():
            self._finish_fold(fold)
        if self.unrecorded:
            tables = ", ".join(f"{name} {n:,}" for name, n in sorted(self.unrecorded.items()))
            self.sink.note(
                "values that events of an earlier release recorded only by their number or "
                f"hash, checked as far as those events allow: {tables}"
            )
        for type_, count in sorted(self.unknown.items()):
            self.sink.note(f"{count:,} events of type {type_!r} are not known to this dalil")

    def _unnamed(self, rule: TableRule, column: str) -> None:
        """Rows that name no event at all: the streams above never see them."""
        query = select(func.count()).select_from(rule.table).where(rule.table.c[column].is_(None))
        count = self.conn.execute(query).scalar_one()
        if count:
            self.sink.add(AREA, rule.name, f"{count:,} rows name no event ({column} is empty): "
                          "added outside dalil")  # fmt: skip

    def _finish_fold(self, fold: _Fold) -> None:
        rule = fold.rule
        for actual in _all_rows(self.conn, rule.table):
            values: Any = actual._mapping
            key = fold.key(values)
            found = fold.rows.pop(key, None)
            if found is not None:
                expected, seq = found
                self._compare(rule, expected, values, seq, fold=True)
                continue
            group = next((g for g in fold.groups if g.remaining and matches(values, g.where)), None)
            if group is not None:
                group.remaining -= 1
                self.unrecorded[rule.name] += 1
                continue
            self.sink.add(AREA, self._fold_name(rule, values, None),
                          "row has no matching event in the custody log (added or altered "
                          "outside dalil)")  # fmt: skip
        for expected, seq in fold.rows.values():
            self.sink.add(AREA, self._fold_name(rule, expected, seq),
                          f"missing: event #{seq} recorded it")  # fmt: skip
        for group in fold.groups:
            if group.remaining:
                self.sink.add(AREA, f"{rule.name} rows of event #{group.seq}",
                              f"{group.remaining} fewer than the event recorded")  # fmt: skip


def _digest(value: Any) -> str | None:
    if value is None:
        return None
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return hashlib.sha256(raw).hexdigest()


def _ordered(rule: TableRule, row: Any) -> tuple[Any, ...]:
    return tuple(row[c] for c in rule.order)


def _covers(where: Values, group: Values) -> bool:
    return all(group.get(column) == value for column, value in where.items())


def _all_rows(conn: Connection, table: Table) -> Iterator[Row[Any]]:
    yield from conn.execute(select(table))
