"""Fixtures of the web tests: the synthetic photos once, an archive per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dalil.synth.collection import SynthOptions, generate_collection
from dalil.vault.archive import Archive

from ..conftest import BACKENDS, backend_url
from .factories import Clock, WebArchive, build


@pytest.fixture(scope="session")
def synth_drives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "collection"
    generate_collection(out, SynthOptions(photos=10, seed=1, scale=0.05, workers=1))
    return out


def _made(request: pytest.FixtureRequest, backend: str, folder: Path, drives: Path
          ) -> Iterator[WebArchive]:  # fmt: skip
    for url in backend_url(request, backend):
        with Archive.create(folder / "archive", url) as archive:
            yield build(archive, drives, folder, Clock())


@pytest.fixture(params=BACKENDS)
def web(request: pytest.FixtureRequest, tmp_path: Path, synth_drives: Path) -> Iterator[WebArchive]:
    """A fresh archive for a test that changes it."""
    yield from _made(request, request.param, tmp_path, synth_drives)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_web(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, synth_drives: Path
) -> Iterator[WebArchive]:
    """One archive per module and backend, for tests that leave it as they found it."""
    yield from _made(request, request.param, tmp_path_factory.mktemp("web"), synth_drives)
