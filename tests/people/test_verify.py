"""Verify names every decision that is not provably its person's.

Each attack writes an event through dalil's own write path (so the log and its tree are
sound) whose signature is wrong in one way: what a person with write access to the
database, but without the reviewer's key, could do. Only the signature check can tell.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dalil.capabilities import rules
from dalil.linkage import replay as linkage
from dalil.linkage.replay import LINKAGE
from dalil.people import keyfile, registry, signature
from dalil.vault.archive import Archive
from dalil.vault.verify import verify
from dalil.vault.writer import Writer

from .conftest import Team

TYPE = "lists.decided"


def _decision(by: str) -> dict[str, Any]:
    return {"v": linkage.VERSION, "a": "centre:C-1", "b": "network:N-1", "decision": "same",
            "by": by, "note": ""}  # fmt: skip


def _write(archive: Archive, data: dict[str, Any]) -> int:
    with archive.write() as conn, Writer(conn, LINKAGE) as writer:
        return writer.record(TYPE, data).seq


def _signed(team: Team, by: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    with team.archive.read() as conn:
        archive_id = registry.archive_id(conn)
    data = _decision(by)
    return {**data, "signature": signature.sign(key, archive_id, TYPE, data)}


def _key(team: Team, person: str) -> Ed25519PrivateKey:
    return keyfile.load(team.key(person)).key


def _forged(team: Team) -> dict[str, Any]:
    return {**_decision("alice"), "signature": base64.b64encode(bytes(64)).decode()}


def _by_anothers_key(team: Team) -> dict[str, Any]:
    return _signed(team, "alice", _key(team, "bob"))


def _unsigned(team: Team) -> dict[str, Any]:
    return _decision("alice")


def _disabled(team: Team) -> dict[str, Any]:
    registry.disable(team.archive, "cem", "left the team")
    return _signed(team, "cem", _key(team, "cem"))


def _unknown(team: Team) -> dict[str, Any]:
    return _signed(team, "zed", Ed25519PrivateKey.generate())


def _altered_after_signing(team: Team) -> dict[str, Any]:
    return {**_signed(team, "alice", _key(team, "alice")), "decision": "different"}


def _for_another_archive(team: Team) -> dict[str, Any]:
    data = _decision("alice")
    sig = signature.sign(_key(team, "alice"), "another-archive", TYPE, data)
    return {**data, "signature": sig}


ATTACKS: list[tuple[str, Callable[[Team], dict[str, Any]], str]] = [
    ("forged signature", _forged, "its signature is not alice's"),
    ("signed with another person's key", _by_anothers_key, "its signature is not alice's"),
    ("unsigned after people are registered", _unsigned, "is not signed by a registered person"),
    ("a disabled person's decision", _disabled, "is signed by cem, who was disabled by event #"),
    ("an unregistered signer", _unknown, "is signed as 'zed', whom no earlier event registered"),
    ("altered after signing", _altered_after_signing, "its signature is not alice's"),
    ("a signature made for another archive", _for_another_archive, "its signature is not alice's"),
]


@pytest.mark.parametrize(("attack", "make", "named"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_decision_not_provably_its_persons_is_named_by_verify(
    team: Team, attack: str, make: Callable[[Team], dict[str, Any]], named: str
) -> None:
    seq = _write(team.archive, make(team))
    report = verify(team.archive, rules(), record=False)
    assert [(p.area, p.item) for p in report.problems] == [("people", f"event #{seq} ({TYPE})")]
    assert named in report.problems[0].what


def test_a_decision_signed_by_its_person_verifies(team: Team) -> None:
    _write(team.archive, _signed(team, "alice", _key(team, "alice")))
    report = verify(team.archive, rules(), record=False)
    assert report.ok, report.problems


def test_decisions_recorded_before_anyone_was_registered_stay_valid(
    archive: Archive, tmp_path: Any
) -> None:
    before = _write(archive, _decision("alice"))
    registry.add_with_key(archive, "alice", "Alice Haddad", tmp_path / "alice.key")
    after = _write(archive, _decision("alice"))
    report = verify(archive, rules(), record=False)
    assert [(p.item, before < after) for p in report.problems] == [
        (f"event #{after} ({TYPE})", True)
    ]
