"""`dalil people ...` and `--as`/`--key`, as a custodian and reviewers would type them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dalil.vault.archive import Archive
from tests.cli import dalil
from tests.identification.conftest import record_cases

from .conftest import add_report

WHY = "the branch and the scar on the left arm agree"


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Archive]:
    with Archive.create(tmp_path / "archive") as archive:
        yield archive


def _add(capsys: pytest.CaptureFixture[str], archive: Archive, person: str, name: str,
         key: Path) -> tuple[int, str, str]:  # fmt: skip
    return dalil(capsys, "people", "add", person, "--name", name, "--key-out", str(key),
                 "-a", str(archive.root))  # fmt: skip


def test_people_are_added_listed_and_disabled(
    here: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _add(capsys, here, "alice", "Alice Haddad", tmp_path / "alice.key")
    assert code == 0 and "alice (Alice Haddad) registered" in out
    code, out, _ = dalil(capsys, "people", "keygen", "bob", "--key-out", str(tmp_path / "b.key"))
    public = out.strip().splitlines()[-1]
    assert code == 0 and public.startswith("ed25519:")
    code, _, _ = dalil(capsys, "people", "add", "bob", "--name", "Bob Nasser",
                       "--public-key", public, "-a", str(here.root))  # fmt: skip
    assert code == 0
    code, out, _ = dalil(capsys, "people", "disable", "bob", "--reason", "left the team",
                         "-a", str(here.root))  # fmt: skip
    assert code == 0 and "bob disabled" in out
    code, out, _ = dalil(capsys, "people", "list", "--json", "-a", str(here.root))
    listed = json.loads(out)
    assert [(p["id"], p["name"], p["active"]) for p in listed] == [
        ("alice", "Alice Haddad", True),
        ("bob", "Bob Nasser", False),
    ]
    assert listed[1]["public_key"] == public


def test_a_key_file_inside_the_archive_is_refused(
    here: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = here.root / "alice.key"
    code, _, err = _add(capsys, here, "alice", "Alice Haddad", inside)
    assert code == 2 and "inside the archive" in err
    assert not inside.exists()


def test_one_person_under_two_names_cannot_confirm_at_the_command_line(
    here: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for person, name in (("alice", "Alice Haddad"), ("bob", "Bob Nasser")):
        assert _add(capsys, here, person, name, tmp_path / f"{person}.key")[0] == 0
    [case] = record_cases(here, 1)
    report = add_report(here)

    def review(*who: str) -> tuple[int, str, str]:
        return dalil(capsys, "match", "review", report, case, "--decision", "likely",
                     "--reason", WHY, *who, "-a", str(here.root))  # fmt: skip

    alice, bob = str(tmp_path / "alice.key"), str(tmp_path / "bob.key")
    assert review("--key", alice)[1].strip().endswith("likely")
    code, out, _ = review("--as", "Alice Haddad", "--key", alice)
    assert code == 0 and out.strip().endswith(": likely")
    code, _, err = review("--as", "bob", "--key", alice)
    assert code == 2 and "not bob's registered key" in err
    code, _, err = review()  # as the operator, without a key
    assert code == 2 and "registered people" in err
    code, out, _ = review("--as", "bob", "--key", bob)
    assert code == 0 and "confirmed: task" in out
    code, out, _ = dalil(capsys, "verify", "-a", str(here.root))
    assert code == 0, out
