"""Options with a fixed set of values: `--help` lists them, and a value outside the set is
refused before anything runs, with the set named (not a traceback, not a silent default)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from dalil.authenticity.finding import Check, Severity, Verdict
from dalil.authenticity.params import Device
from dalil.catalogue.review import Category, ReviewState
from dalil.estimation.methods import Criterion, Method
from dalil.identification.comparison import ExclusionRule
from dalil.identification.consent import Purpose
from dalil.identification.review import Decision, TaskOutcome
from dalil.identification.tombstone import WithdrawalReason
from dalil.linkage.backends import Backend
from dalil.vault import flags

from .cli import dalil

# (the command, arguments it needs besides the choice, the option (None: an argument), its choices)
CHOICES: list[tuple[str, list[str], str | None, type[StrEnum]]] = [
    ("estimate", [], "--method", Method),
    ("estimate", [], "--criterion", Criterion),
    ("findings", [], "--check", Check),
    ("findings", [], "--severity", Severity),
    ("findings", [], "--verdict", Verdict),
    ("analyze authenticity", [], "--device", Device),
    ("flags", [], "--severity", flags.Severity),
    ("catalogue cases", [], "--review", ReviewState),
    ("catalogue cases", [], "--category", Category),
    ("lists link", [], "--backend", Backend),
    ("match review", ["AM-000001", "C-1", "--reason", "seen on the card"], "--decision", Decision),
    (
        "match override",
        ["AM-000001", "C-1", "--reason", "seen on the card"],
        "--rule",
        ExclusionRule,
    ),
    ("match close", ["1"], "--outcome", TaskOutcome),
    ("am withdraw", ["AM-000001", "--yes"], "--reason", WithdrawalReason),
    ("am consent", ["AM-000001", "--grant"], None, Purpose),
]
IDS = [f"{command} {option or 'argument'}" for command, _, option, _ in CHOICES]


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich wraps help and errors to the terminal; wide enough, each choice list is one line.
    monkeypatch.setenv("COLUMNS", "400")


@pytest.mark.parametrize(("command", "needed", "option", "choices"), CHOICES, ids=IDS)
def test_a_value_outside_the_choices_is_refused_naming_them(
    capsys: pytest.CaptureFixture[str], command: str, needed: list[str], option: str | None,
    choices: type[StrEnum],
) -> None:  # fmt: skip
    given = [option, "nonsense"] if option else ["nonsense"]
    code, _, err = dalil(capsys, *command.split(), *needed[:1], *given, *needed[1:])
    assert code == 2
    assert "'nonsense' is not one of" in err, err
    assert all(f"'{choice.value}'" in err for choice in choices), err


@pytest.mark.parametrize(("command", "needed", "option", "choices"), CHOICES, ids=IDS)
def test_help_lists_the_choices(
    capsys: pytest.CaptureFixture[str], command: str, needed: list[str], option: str | None,
    choices: type[StrEnum],
) -> None:  # fmt: skip
    code, out, _ = dalil(capsys, *command.split(), "--help")
    assert code == 0
    assert "|".join(choices) in out, out
