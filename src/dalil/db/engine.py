"""Database engines for the catalogue: SQLite by default, PostgreSQL by URL.

SQLite is opened the way an evidence catalogue must be: write-ahead log, full fsync on
commit (``synchronous=FULL``: a commit acknowledged is on the disk), foreign keys
enforced, and writes taking the database lock at BEGIN (``BEGIN IMMEDIATE``) so that two
writers queue instead of failing halfway through a transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from dalil.errors import ArchiveError

# Seconds a writer waits for another writer's transaction before giving up.
SQLITE_BUSY_TIMEOUT_S = 60


def normalise_url(url: str) -> str:
    """Accept the plain ``postgresql://`` form and use the psycopg 3 driver for it."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with dalil's connection settings."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise ArchiveError(f"cannot understand the database address {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False))
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise ArchiveError(
        f"dalil supports SQLite and PostgreSQL catalogues, not {parsed.get_backend_name()!r}"
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get("dalil_write", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that may write; on SQLite it holds the write lock from the start."""
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except OperationalError as exc:
        raise ArchiveError(f"the catalogue database refused a write: {exc.orig}") from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction with a consistent view of the catalogue."""
    with engine.connect().execution_options(dalil_write=False) as conn, conn.begin():
        yield conn
