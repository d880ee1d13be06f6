"""One archive per backend shared by a test module: each test works on reports of its own.

Creating an archive costs seconds on a loaded machine; the stories here add their own
reports and never depend on another test's, so sharing one archive per module keeps the
folder fast without making tests order-dependent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from dalil.catalogue import store
from dalil.catalogue.consensus import Suggestion
from dalil.catalogue.grouping import CaseDraft, Grouping, GroupingParameters
from dalil.catalogue.review import FIELDS
from dalil.vault.archive import Archive
from tests.conftest import BACKENDS, backend_url

CASES = 60  # more than the stories of one module use


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


def record_cases(archive: Archive, count: int, label: str = "case") -> list[str]:
    """A catalogue grouping of ``count`` cases with nothing read, their ids: the bodies
    decisions name (a decision on a case the archive does not hold is refused)."""
    unread = {name: Suggestion(None, 0.0, False, None) for name in FIELDS}
    drafts = []
    for n in range(count):
        sha = hashlib.sha256(f"{label} {n}".encode()).hexdigest()
        drafts.append(CaseDraft(sha[:16], "s1", ((sha, "numbers"),), None, None, unread,
                                "unknown"))  # fmt: skip
    with archive.write() as conn:
        store.record_grouping(conn, Grouping(tuple(drafts), ()), GroupingParameters(), "test",
                              "0" * 64, count)  # fmt: skip
    return [d.case_id for d in drafts]


@pytest.fixture(scope="module")
def cases(shared_archive: Archive) -> Iterator[str]:
    """Case ids of the shared archive's catalogue, a fresh one per ``next``."""
    return iter(record_cases(shared_archive, CASES))
