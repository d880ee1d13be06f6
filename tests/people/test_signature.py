"""What a person signs: domain-separated, bound to the archive and the event type."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dalil.capabilities import CAPABILITIES
from dalil.people import signature


def test_every_signed_type_is_an_event_type_of_a_capability() -> None:
    types = {t for capability in CAPABILITIES for t in capability.event_types()}
    assert set(signature.SIGNED) <= types
    assert set(signature.CONFIRMERS) <= set(signature.SIGNED)


def test_the_message_is_the_domain_archive_type_and_data_without_the_signature() -> None:
    data = {"by": "alice", "note": "x", "signature": "ignored"}
    expected = b'dalil person-signature v1\narch-1\nlists.decided\n{"by":"alice","note":"x"}'
    assert signature.message("arch-1", "lists.decided", data) == expected


def test_a_signature_holds_for_its_archive_and_type_only() -> None:
    key = Ed25519PrivateKey.generate()
    data = {"by": "alice", "decision": "same"}
    made = signature.sign(key, "arch-1", "lists.decided", data)
    public = key.public_key()
    assert signature.verifies(public, "arch-1", "lists.decided", data, made)
    assert not signature.verifies(public, "arch-2", "lists.decided", data, made)
    assert not signature.verifies(public, "arch-1", "match.decided", data, made)
    assert not signature.verifies(public, "arch-1", "lists.decided", {**data, "by": "bob"}, made)
    assert not signature.verifies(public, "arch-1", "lists.decided", data, "not base64!")
    assert not signature.verifies(public, "arch-1", "lists.decided", data, None)


def test_a_public_key_reads_back_as_written() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    text = signature.public_text(public)
    assert text.startswith("ed25519:") and len(text) == len("ed25519:") + 44
    assert signature.public_text(signature.parse_public(text)) == text
