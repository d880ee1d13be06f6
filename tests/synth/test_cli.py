"""`dalil synth collection` generates, reports, and refuses to write into a used folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dalil.cli import app
from dalil.errors import InputError
from dalil.synth import SynthOptions, generate_collection

runner = CliRunner()


def test_collection_command_writes_drives_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["synth", "collection", str(out), "--photos", "30", "--scale", "0.1", "--json",
         "--manipulations", "0.2", "--hard-cards", "--seed", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["photos"] == 30
    assert (out / "ground-truth.json").is_file() and (out / "drives").is_dir()


def test_collection_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("someone's work")
    with pytest.raises(InputError, match="not an empty folder"):
        generate_collection(tmp_path, SynthOptions(photos=12, scale=0.1))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SynthOptions(photos=3), "--photos"),
        (SynthOptions(photos=20, scale=2.0), "--scale"),
        (SynthOptions(photos=20, seed=-1), "--seed"),
        (SynthOptions(photos=40, manipulations=0.9), "--manipulations"),
        (SynthOptions(photos=20, manipulations=0.1), "at least 30 photos"),
    ],
)
def test_unusable_options_are_refused_before_anything_is_written(
    tmp_path: Path, options: SynthOptions, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        generate_collection(tmp_path / "out", options)
    assert not (tmp_path / "out").exists()
