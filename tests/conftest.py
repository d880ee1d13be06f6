"""Shared fixtures: an archive on each catalogue backend, SQLite and PostgreSQL.

PostgreSQL is a real server (127.0.0.1:5432, user postgres, trust auth, or the URL in
DALIL_TEST_POSTGRES_URL); each test gets a database of its own, dropped afterwards. A
missing server fails the tests rather than skipping them, unless DALIL_TEST_SKIP_POSTGRES=1
says so explicitly.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings

from dalil.db import migrate
from dalil.db.engine import make_engine
from dalil.vault.archive import Archive

POSTGRES_ADMIN_URL = os.environ.get(
    "DALIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BASE_URL = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
BACKENDS = ["sqlite", "postgresql"]

# Tests never time things: Hypothesis's default 200 ms deadline per example fails
# property tests on a loaded machine (seen with a benchmark running beside them).
settings.register_profile("dalil", deadline=None)
settings.load_profile("dalil")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DALIL_ARCHIVE", "DALIL_DATABASE_URL", "DALIL_PERSON", "DALIL_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DALIL_OPERATOR", "test-operator")


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A database migrated once per test session; each test's database is a copy of it."""
    if os.environ.get("DALIL_TEST_SKIP_POSTGRES") == "1":
        pytest.skip("DALIL_TEST_SKIP_POSTGRES=1")
    name = f"dalil_template_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"{BASE_URL}/{name}")
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield name
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def temporary_database(template: str) -> Iterator[str]:
    """A PostgreSQL database copied from ``template``, dropped afterwards: its URL.

    The one way tests make a database of their own; every fixture that needs one
    (per test, per module, per session) goes through here.
    """
    name = f"dalil_test_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield f"{BASE_URL}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backend_url(request: pytest.FixtureRequest, backend: str) -> Iterator[str | None]:
    """For a fixture parametrised by backend: None for SQLite, else a new database."""
    if backend == "sqlite":
        yield None
        return
    with temporary_database(request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from backend_url(request, request.param)


@pytest.fixture
def archive(tmp_path: Path, database_url: str | None) -> Iterator[Archive]:
    with Archive.create(tmp_path / "archive", database_url) as created:
        yield created


@pytest.fixture(scope="session", params=BACKENDS)
def full(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Archive]:
    """One archive per backend in which every capability wrote every kind of row, built
    once per session (``tests/custody/full_archive.py``); tests that change it undo it."""
    from tests.custody.full_archive import build

    folder = tmp_path_factory.mktemp(f"full-{request.param}")
    for url in backend_url(request, request.param):
        with Archive.create(folder / "archive", url) as archive:
            build(archive, folder / "work")
            yield archive
