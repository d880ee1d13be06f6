"""One archive per backend in which every table holds rows, built once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dalil.vault.archive import Archive

from ..conftest import BACKENDS, backend_url
from .full_archive import build


@pytest.fixture(scope="session", params=BACKENDS)
def full(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Archive]:
    folder = tmp_path_factory.mktemp(f"full-{request.param}")
    for url in backend_url(request, request.param):
        with Archive.create(folder / "archive", url) as archive:
            build(archive, folder / "work")
            yield archive
