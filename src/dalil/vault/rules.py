"""The replay rules a capability hands to the vault: its tables and what its events do.

The vault imports no capability. Each capability exports one ``Capability`` value: the
tables it owns, with how each is replayed, the changes each of its event types implies,
and, for a table that truly is not custody (a cache that can be rebuilt), the reason it
is not replayed. ``dalil.capabilities`` lists them all; ``verify`` and the writers are
handed them as arguments, so a capability that forgets a rule is a failing test, not a
silent gap.

Two ways of replaying a table:

- **streamed** (``origin`` set): every row names the event that inserted it; rows are
  compared with their event as the log is read, so memory stays flat however large the
  collection. Later events may only ``Mark`` such a row or ``Prune`` an event's rows.
- **folded** (``origin`` None): the table is rebuilt in memory from every event and
  compared at the end. For small tables whose rows later events change (a report's
  consent, a batch closing, a task done).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Table

from dalil.vault.changes import Change, Row
from dalil.vault.custody import Event

Applier = Callable[[Event], Iterable[Change]]
RowCheck = Callable[[Row], list[str]]


class Sink(Protocol):
    """Where a check reports: a problem fails verification, a note is information."""

    def add(self, area: str, item: str, what: str) -> None: ...

    def note(self, text: str) -> None: ...


# A check over whole tables once the log is replayed, for what needs more than one row
# or a key kept outside the database (families' descriptions against their commitments).
TableCheck = Callable[[Connection, Path, Sink], None]


class EventWatch(Protocol):
    """A check over the events themselves, shown each one in order as verify replays the
    log (signatures against the keys registered at that point of the log)."""

    def see(self, event: Event, sink: Sink) -> None: ...

    def finish(self, sink: Sink) -> None: ...


# Makes a fresh watch for each replay: a watch keeps state from one event to the next.
Watcher = Callable[[], EventWatch]


@dataclass(frozen=True)
class TableRule:
    table: Table
    origin: str | None = None  # streamed: the column holding the inserting event's seq
    order: tuple[str, ...] = ()  # streamed: integer columns ordering one event's rows
    marks: tuple[str, ...] = ()  # streamed: columns a later event sets to its own seq
    check: RowCheck | None = None  # what must hold within one row
    # Columns kept for queries, computed from the row's own data (an image's camera from
    # its facts): the writer fills them, verify computes them again.
    derive: Callable[[Row], Row] | None = None

    @property
    def streamed(self) -> bool:
        return self.origin is not None

    @property
    def name(self) -> str:
        return self.table.name


@dataclass(frozen=True)
class Capability:
    name: str
    tables: tuple[TableRule, ...]
    appliers: Mapping[str, Applier]  # event type → the changes it implies
    quiet: frozenset[str] = frozenset()  # event types that change no row (access, verify)
    pruners: frozenset[str] = frozenset()  # event types whose changes include a Prune
    unreplayed: Mapping[Table, str] = field(default_factory=dict)  # table → why not
    checks: tuple[TableCheck, ...] = ()
    watchers: tuple[Watcher, ...] = ()

    def event_types(self) -> frozenset[str]:
        return frozenset(self.appliers) | self.quiet


@dataclass(frozen=True)
class Rules:
    """Every capability's rules, as verify is handed them."""

    capabilities: tuple[Capability, ...]

    def __post_init__(self) -> None:
        owners: dict[str, str] = {}
        tables: dict[str, str] = {}
        for capability in self.capabilities:
            for type_ in capability.event_types():
                if type_ in owners:
                    raise ValueError(f"{type_!r} belongs to {owners[type_]} and {capability.name}")
                owners[type_] = capability.name
            for table in [r.table for r in capability.tables] + list(capability.unreplayed):
                if table.name in tables:
                    raise ValueError(f"{table.name} belongs to {tables[table.name]} too")
                tables[table.name] = capability.name

    def applier(self, type_: str) -> Applier | None:
        for capability in self.capabilities:
            if type_ in capability.appliers:
                return capability.appliers[type_]
        return None

    def known(self, type_: str) -> bool:
        return any(type_ in c.event_types() for c in self.capabilities)

    def table_rules(self) -> Iterator[TableRule]:
        for capability in self.capabilities:
            yield from capability.tables

    def unreplayed(self) -> dict[str, str]:
        return {t.name: why for c in self.capabilities for t, why in c.unreplayed.items()}

    def pruners(self) -> frozenset[str]:
        return frozenset().union(*(c.pruners for c in self.capabilities))

    def checks(self) -> Iterator[TableCheck]:
        for capability in self.capabilities:
            yield from capability.checks

    def watchers(self) -> Iterator[Watcher]:
        for capability in self.capabilities:
            yield from capability.watchers

    def rule_for(self, table: Table) -> TableRule:
        for rule in self.table_rules():
            if rule.table is table:
                return rule
        raise KeyError(f"no replay rule for table {table.name}")


def describe_key(rule: TableRule, row: Row) -> str:
    """A row named by its primary key, e.g. ``id=3`` or ``report_id=2, field='phone'``."""
    parts = []
    for column in rule.table.primary_key.columns:
        value: Any = row.get(column.name)
        parts.append(f"{column.name}={value!r}")
    return ", ".join(parts)
