"""What one custody event does to the catalogue's rows, as plain values.

A capability says, for each type of event it writes, which changes the event implies
(``rules.Applier``). The same changes are carried out when the event is written
(``writer``) and replayed in memory when the archive is verified (``replayer``), so a
row and its event cannot drift apart without verify naming the row.

- ``Insert``: new rows, in the order of the table's ``order`` columns;
- ``Mark``: a later event sets one column of an existing row to its own number (a batch
  closed, a finding superseded), once;
- ``Update``, ``Delete``: changes to the rows matching ``where`` (equal on every column
  named), allowed only on folded tables (``rules.TableRule``): tables small enough to
  be replayed in memory, such as families' reports and their consent;
- ``Prune``: every row that earlier events inserted is removed (only the latest
  linkage run's pairs are kept);
- ``Counted``: rows recorded by an event of an earlier release only by their number and
  a hash (see ``UNRECORDED``).

Values in rows may be ``Digest``: the event names bytes by their SHA-256 and the writer
is handed the bytes themselves (sealed data never enters the log); ``GIVEN``: columns
handed to the writer beside the event and bound to it by a hash the row's check
verifies; or ``UNRECORDED``: the event of an earlier release did not record the column,
so it cannot be compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Table

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Digest:
    """Bytes the event names by their SHA-256 instead of carrying them."""

    sha256: str


class _Unrecorded:
    _instance: _Unrecorded | None = None

    def __new__(cls) -> _Unrecorded:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNRECORDED"


# A column that the event (written by an earlier release) did not record.
UNRECORDED: Final = _Unrecorded()


class _Given:
    _instance: _Given | None = None

    def __new__(cls) -> _Given:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "GIVEN"


# A column the writer is handed beside the event (a finding's message and details),
# bound to the event by a hash that the row also holds and the table's check verifies.
GIVEN: Final = _Given()


@dataclass(frozen=True)
class Payload:
    """Rows kept in an object of the store (a list's records, a linkage run's pairs):
    the event names the object by its SHA-256 and the rows are parsed from its bytes."""

    sha256: str
    parse: Callable[[bytes], Iterable[Row]]


@dataclass(frozen=True)
class Insert:
    table: Table
    rows: Iterable[Row] | Payload  # may be lazy: replay skips rows it knows were pruned


@dataclass(frozen=True)
class Mark:
    table: Table
    key: Row  # the primary key of the marked row
    column: str  # set to the marking event's number


@dataclass(frozen=True)
class Update:
    table: Table
    where: Row
    values: Row


@dataclass(frozen=True)
class Delete:
    table: Table
    where: Row


@dataclass(frozen=True)
class Prune:
    table: Table
    before: int  # rows inserted by events before this one go: the table keeps the latest


@dataclass(frozen=True)
class Counted:
    """Rows an earlier release's event recorded only by number (and a hash of them).

    ``sha256``, when given, is the SHA-256 of ``encode(row)`` of every row in the table's
    order, joined by newlines, as the earlier release computed it.
    """

    table: Table
    where: Row
    count: int
    sha256: str | None = None
    encode: Callable[[Row], str] | None = None


Change = Insert | Mark | Update | Delete | Prune | Counted


def insert(table: Table, *rows: Row) -> Insert:
    return Insert(table, rows)


def matches(row: Row, where: Row) -> bool:
    return all(row.get(column) == value for column, value in where.items())
