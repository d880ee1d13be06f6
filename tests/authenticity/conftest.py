"""A small synthetic collection with known manipulations, generated once per session,
and an archive that has received and analysed it (on each catalogue backend)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dalil.authenticity.pipeline import Analysis, analyze
from dalil.synth import SynthOptions, generate_collection
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive

from ..conftest import BACKENDS, backend_url

# Small images (the cameras at 15% of their resolution) keep the whole story in seconds;
# 35% of the photos are manipulated so that every kind appears.
OPTIONS = SynthOptions(photos=40, seed=5, scale=0.15, manipulations=0.35, workers=1)


@dataclass(frozen=True)
class Truth:
    """The ground truth by SHA-256 of the bytes received."""

    files: dict[str, list[dict[str, Any]]]
    cameras: list[dict[str, Any]]

    def kinds(self, sha: str) -> set[str]:
        return {e["manipulation"]["kind"] for e in self.files.get(sha, []) if e["manipulation"]}

    def with_kind(self, kind: str) -> set[str]:
        return {sha for sha in self.files if kind in self.kinds(sha)}

    def untouched(self) -> set[str]:
        return {
            sha
            for sha, entries in self.files.items()
            if all(e["kind"] in ("photo", "copy") and not e["manipulation"] and not e["damage"]
                   for e in entries)
        }  # fmt: skip

    def damaged(self) -> set[str]:
        return {sha for sha, entries in self.files.items() if any(e["damage"] for e in entries)}


@pytest.fixture(scope="session")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "col"
    generate_collection(out, OPTIONS)
    return out


@pytest.fixture(scope="session")
def truth(collection: Path) -> Truth:
    data = json.loads((collection / "ground-truth.json").read_text(encoding="utf-8"))
    files: dict[str, list[dict[str, Any]]] = {}
    for entry in data["files"]:
        if entry["sha256"]:
            files.setdefault(entry["sha256"], []).append(entry)
    return Truth(files, data["cameras"])


def ingest(archive: Archive, collection: Path) -> None:
    drives = sorted((collection / "drives").iterdir())
    receive(archive, ReceiveRequest(drives, "caesar-test", "Test Custodian", workers=1))
    describe_pending(archive, workers=1)


@dataclass
class Analysed:
    archive: Archive
    analysis: Analysis


@pytest.fixture(scope="module", params=BACKENDS)
def analysed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, collection: Path
) -> Iterator[Analysed]:
    """The collection received and analysed once per test module and backend. Tests that
    change it put it back as it was."""
    for url in backend_url(request, request.param):
        root = tmp_path_factory.mktemp("analysed") / "archive"
        with Archive.create(root, url) as archive:
            ingest(archive, collection)
            yield Analysed(archive, analyze(archive, workers=1))
