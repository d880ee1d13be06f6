"""One small generated collection shared by the synth tests (generation takes ~1 s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dalil.synth import SynthOptions, generate_collection
from dalil.synth.truth import read_truth

SMALL = SynthOptions(photos=30, seed=11, scale=0.2, workers=2)
MANIPULATED = SynthOptions(photos=70, seed=5, scale=0.25, manipulations=0.3, workers=2)
HARD = SynthOptions(photos=60, seed=8, scale=0.2, hard_cards=True, workers=2)


@pytest.fixture(scope="session")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "collection"
    generate_collection(out, SMALL)
    return out


@pytest.fixture(scope="session")
def truth(collection: Path) -> dict[str, Any]:
    return read_truth(collection / "ground-truth.json")


@pytest.fixture(scope="session")
def photos(truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Camera originals that are loose, readable files."""
    return [
        f
        for f in truth["files"]
        if f["kind"] == "photo" and f["member"] is None and f["damage"] is None
    ]


@pytest.fixture(scope="session")
def manipulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "manipulated"
    generate_collection(out, MANIPULATED)
    return out


@pytest.fixture(scope="session")
def manipulated_truth(manipulated: Path) -> dict[str, Any]:
    return read_truth(manipulated / "ground-truth.json")


@pytest.fixture(scope="session")
def hard_truth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("synth") / "hard"
    generate_collection(out, HARD)
    return read_truth(out / "ground-truth.json")
