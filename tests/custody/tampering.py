"""Tampering as someone with the database in hand would: any row, any column, no dalil.

The attacker's connection is a plain one: foreign keys are not enforced (SQLite's
default; on PostgreSQL ``session_replication_role = replica``), so any edit, deletion or
insertion the constraints of a primary key allow goes in. Each change returns its undo,
so that one archive serves every case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Integer,
    LargeBinary,
    Table,
    and_,
    create_engine,
    delete,
    select,
)

from dalil.vault.archive import Archive

Undo = Callable[[], None]
HEX = set("0123456789abcdef")


@contextmanager
def attacker(archive: Archive) -> Iterator[Connection]:
    engine = create_engine(archive.engine.url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            yield conn
    finally:
        engine.dispose()


def _pk(table: Table, row: dict[str, Any]) -> Any:
    return and_(*(c == row[c.name] for c in table.primary_key.columns))


def first_row(archive: Archive, table: Table) -> dict[str, Any]:
    with attacker(archive) as conn:
        row = conn.execute(select(table).order_by(*table.primary_key.columns).limit(1)).first()
    assert row is not None, f"the full archive has no {table.name} row: add one to full_archive"
    return dict(row._mapping)


def other_value(column: Column[Any], value: Any) -> Any:
    """A value of the column's type that differs from ``value``."""
    if value is None:
        kind = column.type
        if isinstance(kind, Boolean):
            return True
        if isinstance(kind, Integer):
            return 7
        if isinstance(kind, Float):
            return 0.5
        if isinstance(kind, LargeBinary):
            return b"forged"
        return "forged"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1_000_003
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, bytes | memoryview):
        data = bytearray(value) or bytearray(b"\x00")
        data[-1] ^= 0x01
        return bytes(data)
    text = str(value)
    if not text:
        return "x"
    if set(text) <= HEX:
        return text[:-1] + ("0" if text[-1] != "0" else "1")
    return text[:-1] + ("x" if text[-1] != "x" else "y")


def edit(archive: Archive, table: Table, column: str) -> Undo:
    original = first_row(archive, table)
    changed = {**original, column: other_value(table.c[column], original[column])}
    with attacker(archive) as conn:
        conn.execute(table.update().where(_pk(table, original)).values({column: changed[column]}))

    def undo() -> None:
        with attacker(archive) as conn:
            conn.execute(delete(table).where(_pk(table, changed)))
            conn.execute(table.insert().values(original))

    return undo


def remove(archive: Archive, table: Table) -> tuple[dict[str, Any], Undo]:
    original = first_row(archive, table)
    with attacker(archive) as conn:
        conn.execute(delete(table).where(_pk(table, original)))

    def undo() -> None:
        with attacker(archive) as conn:
            conn.execute(table.insert().values(original))

    return original, undo


def add(archive: Archive, table: Table) -> tuple[dict[str, Any], Undo]:
    """A copy of the first row under a key of its own (and unique values where needed)."""
    original = first_row(archive, table)
    unique = {c.name for c in table.primary_key.columns}
    for constraint in table.constraints:
        names = [c.name for c in getattr(constraint, "columns", [])]
        if constraint.__class__.__name__ == "UniqueConstraint":
            unique.update(names)
    unique.update(c.name for c in table.columns if c.unique)
    planted = {
        name: other_value(table.c[name], value) if name in unique else value
        for name, value in original.items()
    }
    with attacker(archive) as conn:
        conn.execute(table.insert().values(planted))

    def undo() -> None:
        with attacker(archive) as conn:
            conn.execute(delete(table).where(_pk(table, planted)))

    return planted, undo
