"""The C2SP formats the verifier reads: signed notes, verifier keys, checkpoints, witness
cosignatures, tlog-proofs and trust policies, written by dalil (or here, from the specs)."""

from __future__ import annotations

import base64

import pytest

from dalil.export import verifier as v
from dalil.vault import merkle
from dalil.vault.note import Checkpoint, Signer, sign_checkpoint

from .packages import cosign, seeded_key, tlog_proof, witness_vkey

ORIGIN = "example.org/log"
SIGNER = Signer(ORIGIN, seeded_key("formats"))
ROOT = merkle.root([merkle.leaf_hash(b"x")])
NOTE = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), SIGNER)
W1, W2, W3 = (seeded_key(f"formats-w{i}") for i in (1, 2, 3))


def test_c2sp_example_note_verifies() -> None:
    # The example of c2sp.org/signed-note: a vkey and a note it signs.
    key = v.parse_verifier_key(
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    )
    note = v.parse_note(
        "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1Y"
        "Eq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n".encode()
    )
    assert note.text == "This is an example message.\n"
    assert v.signed_by(note, key) is True


def test_dalils_checkpoint_verifies_with_dalils_verifier_key() -> None:
    key = v.parse_verifier_key(str(SIGNER.verifier))
    note = v.parse_note(NOTE.encode())
    assert (key.name, key.kind, key.public_key) == (ORIGIN, v.LOG_KEY, SIGNER.verifier.public_key)
    assert v.signed_by(note, key) is True
    assert v.parse_checkpoint(note.text) == v.Checkpoint(ORIGIN, 1, ROOT)


def test_a_changed_note_does_not_verify_and_another_key_is_not_its_signer() -> None:
    key = v.parse_verifier_key(str(SIGNER.verifier))
    changed = v.parse_note(NOTE.replace("\n1\n", "\n2\n").encode())
    assert v.signed_by(changed, key) is False
    other = Signer(ORIGIN, seeded_key("someone else")).verifier
    assert v.signed_by(v.parse_note(NOTE.encode()), v.parse_verifier_key(str(other))) is None


@pytest.mark.parametrize(
    "text",
    [
        "no-plus-signs",
        "name+1234+AQ==",  # a short id
        "name+00000000+" + base64.b64encode(b"\x01" + bytes(32)).decode(),  # the wrong id
        "na me+00000000+AQ==",
        "+00000000+AQ==",
        "name+00000000+not base64!",
    ],
)
def test_malformed_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(v.VerifyError):
        v.parse_verifier_key(text)


def test_a_key_of_an_unknown_signature_type_is_refused() -> None:
    raw = b"\x02" + bytes(32)
    key_id = v.key_id("name", 0x02, bytes(32)).hex()
    with pytest.raises(v.VerifyError, match="not an Ed25519"):
        v.parse_verifier_key(f"name+{key_id}+{base64.b64encode(raw).decode()}")


@pytest.mark.parametrize(
    "note",
    [
        b"text\n",  # no signatures
        b"text\n\n",  # no signature lines
        b"text\n\n\xe2\x80\x94 name AAAA\n",  # a signature of fewer than 5 bytes
        b"text\n\n- name AAAAAAA=\n",  # a hyphen, not an em dash
        b"text\n\n\xe2\x80\x94 name AAAAAAA=",  # no final newline
        b"te\x01xt\n\n\xe2\x80\x94 name AAAAAAA=\n",  # a control character
        b"\xff\n\n\xe2\x80\x94 name AAAAAAA=\n",  # not UTF-8
        b"x" * (v.MAX_NOTE_BYTES + 1),
    ],
)
def test_malformed_notes_are_refused(note: bytes) -> None:
    with pytest.raises(v.VerifyError):
        v.parse_note(note)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n1\n",  # no root
        "origin\n01\n" + base64.b64encode(bytes(32)).decode() + "\n",  # a leading zero
        "origin\n1\n" + base64.b64encode(bytes(31)).decode() + "\n",  # not 32 bytes
        "origin\n1\n" + base64.b64encode(bytes(32)).decode() + "\n\n",  # an empty extension
        "origin\n" + "9" * 30 + "\n" + base64.b64encode(bytes(32)).decode() + "\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(v.VerifyError):
        v.parse_checkpoint(text)


def test_witness_cosignatures_verify_and_a_changed_one_does_not() -> None:
    note = cosign(cosign(NOTE, "w1.example", W1), "w2.example", W2, timestamp=5)
    parsed = v.parse_note(note.encode())
    k1 = v.parse_verifier_key(witness_vkey("w1.example", W1))
    k2 = v.parse_verifier_key(witness_vkey("w2.example", W2))
    assert k1.kind == v.COSIGNATURE_KEY
    assert v.signed_by(parsed, k1) is True and v.signed_by(parsed, k2) is True
    # The cosignature covers its timestamp: another time is another message.
    line = parsed.signatures[2]
    later = (6).to_bytes(8, "big") + line.signature[8:]
    assert not v.signature_valid(k2, parsed.text, later)
    # A log-type key of the same witness key is another key (another id): not its signer.
    as_log = v.parse_verifier_key(str(Signer("w1.example", W1).verifier))
    assert v.signed_by(parsed, as_log) is None


def test_cosigned_message_is_the_specs() -> None:
    assert (
        v.cosigned_message("o\n1\nr\n", 1679315147) == b"cosignature/v1\ntime 1679315147\no\n1\nr\n"
    )


def test_tlog_proof_round_trips() -> None:
    path = [bytes([i]) * 32 for i in range(3)]
    proof = v.parse_tlog_proof(tlog_proof(7, path, NOTE))
    assert (proof.index, proof.path, proof.checkpoint, proof.extra) == (
        7,
        tuple(path),
        NOTE.encode(),
        None,
    )
    with_extra = b"c2sp.org/tlog-proof@v1\nextra aGk=\nindex 0\n\n" + NOTE.encode()
    assert v.parse_tlog_proof(with_extra).extra == b"hi"
    assert v.parse_tlog_proof(with_extra).path == ()


@pytest.mark.parametrize(
    "data",
    [
        b"c2sp.org/tlog-proof@v2\nindex 0\n\n",
        b"c2sp.org/tlog-proof@v1\n",
        b"c2sp.org/tlog-proof@v1\nindex 01\n\n",
        b"c2sp.org/tlog-proof@v1\nindex -1\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(31)) + b"\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(32)),  # no blank line
        b"c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + (base64.b64encode(bytes(32)) + b"\n") * 65 + b"\n",
    ],
)
def test_malformed_tlog_proofs_are_refused(data: bytes) -> None:
    with pytest.raises(v.VerifyError):
        v.parse_tlog_proof(data)


def test_consistency_lines() -> None:
    hashes = [bytes([i]) * 32 for i in range(2)]
    text = "".join(base64.b64encode(h).decode() + "\n" for h in hashes).encode()
    assert v.parse_hash_lines(text) == hashes
    assert v.parse_hash_lines(b"") == []
    with pytest.raises(v.VerifyError):
        v.parse_hash_lines(text[:-1])
    with pytest.raises(v.VerifyError):
        v.parse_hash_lines(b"\n")


LOG = str(SIGNER.verifier)
K1, K2, K3 = (witness_vkey(f"w{i}.example", k) for i, k in ((1, W1), (2, W2), (3, W3)))


def _policy(*lines: str) -> v.Policy:
    return v.parse_policy(("\n".join(lines) + "\n").encode())


def test_policy_with_nested_groups_comments_and_urls() -> None:
    policy = _policy(
        "# the archive's log",
        f"  log {LOG} https://log.example",
        "",
        f"witness A {K1}",
        f"witness B\t{K2} https://b.example",
        f"witness C {K3}",
        "group AB 1 A B",
        "group top all AB C",
        "quorum top",
    )
    assert [k.name for k in policy.logs] == [ORIGIN]
    assert v.describe_quorum(policy) == "2 of (1 of (A, B), C)"
    table = {
        (): False,
        ("A",): False,
        ("C",): False,
        ("A", "C"): True,
        ("B", "C"): True,
        ("A", "B"): False,
        ("A", "B", "C"): True,
        ("D", "C"): False,  # a name the policy lacks counts for nothing
    }
    for cosigned, met in table.items():
        assert v.quorum_met(policy, cosigned) is met, cosigned


@pytest.mark.parametrize(
    ("threshold", "cosigned", "met"),
    [("any", ["A"], True), ("all", ["A", "B"], False), ("all", ["A", "B", "C"], True),
     ("2", ["C", "A"], True), ("2", ["B"], False), ("3", ["A", "B", "C"], True)],
)  # fmt: skip
def test_k_of_n_quorums(threshold: str, cosigned: list[str], met: bool) -> None:
    policy = _policy(
        f"log {LOG}", f"witness A {K1}", f"witness B {K2}", f"witness C {K3}",
        f"group g {threshold} A B C", "quorum g",
    )  # fmt: skip
    assert v.quorum_met(policy, cosigned) is met


def test_quorum_none_and_a_single_witness() -> None:
    assert v.quorum_met(_policy(f"log {LOG}", "quorum none"), [])
    single = _policy(f"log {LOG}", f"witness A {K1}", "quorum A")
    assert v.quorum_met(single, ["A"]) and not v.quorum_met(single, [])


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([f"log {LOG}"], "no quorum"),
        (["quorum none", "quorum none"], "exactly one quorum"),
        (["quorum A"], "not defined above"),
        ([f"witness A {K1}", "group g 2 A", "quorum g"], "needs 2 of 1"),
        ([f"witness A {K1}", "group g 0 A", "quorum g"], "needs 0 of 1"),
        ([f"witness A {K1}", "group g A", "quorum g"], "not a log"),
        (["group g any A", f"witness A {K1}", "quorum g"], "not defined above"),
        ([f"witness A {K1}", "group g any A A", "quorum g"], "more than one group"),
        ([f"witness A {K1}", "group g any A", "group h any A", "quorum h"], "more than one"),
        ([f"witness A {K1}", f"witness A {K2}", "quorum A"], "taken"),
        ([f"witness none {K1}", "quorum none"], "taken"),
        ([f"witness A {K1}", f"witness B {K1}", "quorum A"], "another witness"),
        ([f"log {LOG}", f"log {LOG}", "quorum none"], "twice"),
        ([f"log {K1}", "quorum none"], "not an Ed25519 signing key"),
        ([f"witness A {LOG}", "quorum A"], "not a cosignature key"),
        (["witness A", "quorum none"], "not a log"),
        (["monitor x", "quorum none"], "not a log"),
        (["group g x none", "quorum none"], "not defined above"),
    ],
)
def test_malformed_policies_are_refused(lines: list[str], error: str) -> None:
    with pytest.raises(v.VerifyError, match=error):
        _policy(*lines)


def test_a_policy_with_control_characters_is_refused() -> None:
    with pytest.raises(v.VerifyError, match="control"):
        v.parse_policy(b"quorum none\r\n")
