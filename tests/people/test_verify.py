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
from dalil.catalogue.replay import CATALOGUE, CONFIRMED, ENTRY
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


def _write(archive: Archive, data: dict[str, Any], type_: str = TYPE) -> int:
    with archive.write() as conn, Writer(conn, LINKAGE, CATALOGUE) as writer:
        return writer.record(type_, data).seq


def _signed(
    team: Team, by: str, key: Ed25519PrivateKey, data: dict[str, Any] | None = None,
    type_: str = TYPE,
) -> dict[str, Any]:  # fmt: skip
    with team.archive.read() as conn:
        archive_id = registry.archive_id(conn)
    data = {**(data or _decision(by)), "by": by}
    return {**data, "signature": signature.sign(key, archive_id, type_, data)}


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


NUMBERS = {"detainee": "1608", "branch": "251", "report": "2801"}


def _entry_in_anothers_name(team: Team) -> dict[str, Any]:
    entry = {"case": "c1", "grouping": 1, "reviewer": "bob", "values": NUMBERS,
             "typed": NUMBERS, "replaces": None}  # fmt: skip
    return _signed(team, "alice", _key(team, "alice"), entry, ENTRY)


def _confirmed_by_one_person_twice(team: Team) -> dict[str, Any]:
    confirmation = {"case": "c1", "field": "branch", "value": "251", "entries": [1, 2],
                    "reviewers": ["alice", "Alice"]}  # fmt: skip
    return _signed(team, "alice", _key(team, "alice"), confirmation, CONFIRMED)


ATTACKS: list[tuple[str, Callable[[Team], dict[str, Any]], str]] = [
    ("forged signature", _forged, "its signature is not alice's"),
    ("signed with another person's key", _by_anothers_key, "its signature is not alice's"),
    ("unsigned after people are registered", _unsigned, "is not signed by a registered person"),
    ("a disabled person's decision", _disabled, "is signed by cem, who was disabled by event #"),
    ("an unregistered signer", _unknown, "is signed as 'zed', whom no earlier event registered"),
    ("altered after signing", _altered_after_signing, "its signature is not alice's"),
    ("a signature made for another archive", _for_another_archive, "its signature is not alice's"),
]
# Signed by the right key, but claiming what the signer may not: type, maker, expected.
CLAIMS: list[tuple[str, Callable[[Team], dict[str, Any]], str, str]] = [
    ("an entry in another's name", _entry_in_anothers_name, ENTRY,
     "names 'bob' as its reviewer but is signed by alice"),
    ("one person confirming twice", _confirmed_by_one_person_twice, CONFIRMED,
     "confirms on the word of ['alice', 'Alice']: not two different people"),
]  # fmt: skip


@pytest.mark.parametrize(("attack", "make", "named"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_decision_not_provably_its_persons_is_named_by_verify(
    team: Team, attack: str, make: Callable[[Team], dict[str, Any]], named: str
) -> None:
    seq = _write(team.archive, make(team))
    report = verify(team.archive, rules(), record=False)
    assert [(p.area, p.item) for p in report.problems] == [("people", f"event #{seq} ({TYPE})")]
    assert named in report.problems[0].what


@pytest.mark.parametrize(("claim", "make", "type_", "named"), CLAIMS, ids=[c[0] for c in CLAIMS])
def test_a_signed_event_claiming_another_person_is_named_by_verify(
    team: Team, claim: str, make: Callable[[Team], dict[str, Any]], type_: str, named: str
) -> None:
    seq = _write(team.archive, make(team), type_)
    report = verify(team.archive, rules(), record=False)
    assert [(p.area, p.item, p.what) for p in report.problems] == [
        ("people", f"event #{seq} ({type_})", named)
    ]


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
