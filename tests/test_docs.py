"""Documentation that cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from dalil.cli import reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("name", "command"), reference.commands()[1:], ids=lambda v: str(v))
def test_every_command_says_what_it_does(name: str, command: object) -> None:
    assert (getattr(command, "help", None) or "").strip(), f"{name} has no help text"


def test_command_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == reference.render(), (
        "docs/cli.md is out of date: run `make docs` (python -m dalil.cli.reference)"
    )


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```")[1]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()[1:]]
    assert commands == ["make demo", "make test"]
