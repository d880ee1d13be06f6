"""Registering people: ids, keys of their own, kept outside the archive, disabling."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from dalil.errors import InputError, NotFound
from dalil.people import keyfile, registry
from dalil.people.registry import Author
from dalil.people.signature import normalise_id
from dalil.vault.archive import Archive

from .conftest import Team


def test_people_are_listed_in_order_with_their_state(team: Team) -> None:
    registry.disable(team.archive, "Cem Yilmaz", "left the team")
    with team.archive.read() as conn:
        everyone = registry.listing(conn)
    assert [(p.id, p.name, p.active) for p in everyone] == [
        ("alice", "Alice Haddad", True),
        ("bob", "Bob Nasser", True),
        ("cem", "Cem Yilmaz", False),
    ]
    assert everyone[2].disabled_reason == "left the team"
    assert all(p.public_key.startswith("ed25519:") and len(p.fingerprint) == 16 for p in everyone)
    assert len({p.public_key for p in everyone}) == 3


def test_disabling_twice_is_refused(team: Team) -> None:
    registry.disable(team.archive, "bob", "left the team")
    with pytest.raises(InputError, match="disabled already"):
        registry.disable(team.archive, "bob", "left the team")


def test_an_unknown_person_is_refused_with_the_closest(team: Team) -> None:
    with pytest.raises(NotFound, match="alice"):
        registry.disable(team.archive, "alise", "typo")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("alice", "alice"), (" Alice ", "alice"), ("a.haddad", "a.haddad"), ("b_n-2", "b_n-2")],
)
def test_an_id_is_kept_lower_case(typed: str, stored: str) -> None:
    assert normalise_id(typed) == stored


@pytest.mark.parametrize("typed", ["", "a b", "1alice", "alice!", "x" * 41, "عمر"])
def test_a_malformed_id_is_refused(typed: str) -> None:
    with pytest.raises(InputError, match="not a person id"):
        normalise_id(typed)


def test_the_same_id_twice_is_refused(team: Team, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="registered already"):
        registry.add_with_key(team.archive, "ALICE", "Alice Two", tmp_path / "again.key")
    assert not (tmp_path / "again.key").exists()


def test_one_key_under_a_second_id_is_refused(team: Team) -> None:
    """One person with two ids would count as two reviewers."""
    public = keyfile.load(team.key("alice")).public
    with pytest.raises(InputError, match="alice's already"):
        registry.add(team.archive, "alice2", "A. Haddad", public)


def test_a_key_file_inside_the_archive_is_refused(archive: Archive) -> None:
    inside = archive.root / "keys" / "alice.key"
    with pytest.raises(InputError, match="inside the archive"):
        registry.add_with_key(archive, "alice", "Alice Haddad", inside)
    assert not inside.exists()
    with archive.read() as conn:
        assert registry.listing(conn) == []


def test_the_private_key_is_the_persons_alone(team: Team) -> None:
    path = team.key("alice")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private = json.loads(path.read_text())["private_key"]
    assert len(base64.b64decode(private)) == 32
    # Nothing in the archive folder (SQLite's database included) holds the private key.
    for stored in team.archive.root.rglob("*"):
        if stored.is_file():
            assert private.encode() not in stored.read_bytes(), stored


def test_an_existing_file_is_never_overwritten(team: Team) -> None:
    before = team.key("alice").read_bytes()
    with pytest.raises(InputError, match="exists already"):
        keyfile.generate("alice", team.key("alice"))
    assert team.key("alice").read_bytes() == before


def test_a_key_others_can_read_is_refused(team: Team) -> None:
    team.key("bob").chmod(0o644)
    with pytest.raises(InputError, match="can be read by other users"):
        Author.load(team.key("bob"))


def test_a_person_who_made_their_own_key_is_registered_by_its_public_half(
    archive: Archive, tmp_path: Path
) -> None:
    made = keyfile.generate("dana", tmp_path / "dana.key")
    added = registry.add(archive, "dana", "Dana Saleh", made.public)
    with archive.read() as conn:
        assert registry.get(conn, "Dana Saleh").public_key == made.public == added.public_key
