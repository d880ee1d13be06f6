"""One archive per backend shared by a test module: each test works on reports of its own.

Creating an archive costs seconds on a loaded machine; the stories here add their own
reports and never depend on another test's, so sharing one archive per module keeps the
folder fast without making tests order-dependent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dalil.vault.archive import Archive
from tests.conftest import BACKENDS, backend_url


@pytest.fixture(scope="module", params=BACKENDS)
def shared_archive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Archive]:
    for url in backend_url(request, request.param):
        with Archive.create(tmp_path_factory.mktemp("shared") / "archive", url) as archive:
            yield archive


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """For the CLI stories: the commands are thin over library code that is tested on
    both backends, so running them once, on SQLite, is enough."""
    with Archive.create(tmp_path_factory.mktemp("cli") / "archive") as archive:
        yield archive
