"""The same seed and version give byte-identical files, file times and ground truth,
whatever the number of workers; another seed gives another collection."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from dalil.synth import SynthOptions, generate_collection

from .conftest import MANIPULATED, SMALL


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), os.stat(p).st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("fixture", "options"), [("collection", SMALL), ("manipulated", MANIPULATED)]
)
def test_same_seed_gives_identical_bytes_with_any_worker_count(
    fixture: str, options: SynthOptions, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    again = tmp_path / "again"
    generate_collection(again, replace(options, workers=1))
    first, second = snapshot(request.getfixturevalue(fixture)), snapshot(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_another_collection(collection: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_collection(other, replace(SMALL, seed=SMALL.seed + 1))
    truth = (collection / "ground-truth.json").read_bytes()
    assert (other / "ground-truth.json").read_bytes() != truth
