"""Fixtures of the web tests: the synthetic photos once, an archive per backend built
once per session and copied for each test (the folder, and on PostgreSQL the database
through ``CREATE DATABASE ... TEMPLATE``), since hashing eight passwords with argon2id
and receiving two drives for every test would take most of the suite's time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dalil.synth.collection import SynthOptions, generate_collection
from dalil.vault.archive import DATABASE_ENV, Archive

from ..conftest import BACKENDS, backend_url, temporary_database
from .factories import Clock, WebArchive, build


@dataclass(frozen=True)
class Template:
    folder: Path
    database: str | None  # PostgreSQL: the template database's name
    made: WebArchive


@pytest.fixture(scope="session")
def synth_drives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "collection"
    generate_collection(out, SynthOptions(photos=10, seed=1, scale=0.15, workers=1))
    return out


@pytest.fixture(scope="session", params=BACKENDS)
def web_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, synth_drives: Path
) -> Iterator[Template]:
    folder = tmp_path_factory.mktemp(f"web-{request.param}")
    for url in backend_url(request, request.param):
        with Archive.create(folder / "archive", url) as archive:
            made = build(archive, synth_drives, folder, Clock())
        yield Template(folder / "archive", url.rsplit("/", 1)[1] if url else None, made)


def _copy(template: Template, to: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebArchive]:
    shutil.copytree(template.folder, to)
    if template.database is None:
        with Archive.open(to) as archive:
            yield WebArchive(archive, Clock(), dict(template.made.secrets),
                             template.made.shown, template.made.hidden)  # fmt: skip
        return
    with temporary_database(template.database) as url:
        monkeypatch.setenv(DATABASE_ENV, url)
        with Archive.open(to) as archive:
            yield WebArchive(archive, Clock(), dict(template.made.secrets),
                             template.made.shown, template.made.hidden)  # fmt: skip


@pytest.fixture
def web(web_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> Iterator[WebArchive]:  # fmt: skip
    """A fresh copy of the archive, for a test that changes it."""
    yield from _copy(web_template, tmp_path / "archive", monkeypatch)


@pytest.fixture(scope="module")
def shared_web(web_template: Template, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[WebArchive]:  # fmt: skip
    """One copy per module, for tests that leave it as they found it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from _copy(web_template, tmp_path_factory.mktemp("web") / "archive", monkeypatch)
