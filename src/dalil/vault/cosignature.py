"""Witness cosignatures of checkpoints, in the C2SP ``tlog-cosignature`` format (Ed25519).

The archive's own key signs its checkpoints; whoever holds that key could rewrite the
whole history and sign it again. A witness (another organisation, another machine, a key
of its own) cosigns a checkpoint only after checking that it extends the last one it
cosigned, so a rewritten history can no longer gather the witnesses' signatures:

    — <witness name> base64(key id || 8-byte big-endian time || Ed25519 signature)

over ``cosignature/v1\\ntime <time>\\n`` followed by the checkpoint's body. Witness keys are
written as verifier keys of signature type 0x04: ``name+keyid+base64(0x04 || key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dalil.errors import CheckpointError
from dalil.vault.note import SIGNATURE_PREFIX

COSIGNATURE_ALGORITHM = 0x04
HEADER = "cosignature/v1\n"


def key_id(name: str, public_key: bytes) -> bytes:
    data = name.encode() + b"\n" + bytes([COSIGNATURE_ALGORITHM]) + public_key
    return hashlib.sha256(data).digest()[:4]


def message(body: str, timestamp: int) -> bytes:
    """What a witness signs: the header, the time, then the checkpoint's body."""
    return f"{HEADER}time {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class WitnessKey:
    name: str
    public_key: bytes

    def __str__(self) -> str:
        blob = base64.b64encode(bytes([COSIGNATURE_ALGORITHM]) + self.public_key).decode()
        return f"{self.name}+{key_id(self.name, self.public_key).hex()}+{blob}"

    @classmethod
    def parse(cls, text: str) -> WitnessKey:
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not parts[0] or any(c.isspace() for c in parts[0]):
            raise CheckpointError("a witness key has the form NAME+KEYID+KEY")
        name, hex_id, blob = parts
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise CheckpointError(f"the witness key is not base64: {exc}") from exc
        if len(raw) != 33 or raw[0] != COSIGNATURE_ALGORITHM:
            raise CheckpointError("the witness key is not an Ed25519 cosignature key (type 0x04)")
        key = cls(name, raw[1:])
        if key_id(name, key.public_key).hex() != hex_id.lower():
            raise CheckpointError("the witness key's id does not match its name and key")
        return key


@dataclass(frozen=True)
class Cosignature:
    witness: str
    timestamp: int
    line: str


def cosign(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The signature line a witness adds to a checkpoint whose body is ``body``."""
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(message(body, timestamp))
    blob = key_id(name, public) + struct.pack(">Q", timestamp) + signature
    return f"{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode()}"


def split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's body (with its final newline) and its signature lines."""
    body, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise CheckpointError("the note has no signature block")
    return body + "\n", signatures[:-1].split("\n")


def verify_cosignatures(note: str, witnesses: list[WitnessKey]) -> list[Cosignature]:
    """The valid cosignatures on ``note`` by these witnesses; a forged one raises."""
    body, lines = split_note(note)
    found = []
    for witness in witnesses:
        wanted = key_id(witness.name, witness.public_key)
        for line in lines:
            name, _, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
            try:
                raw = base64.b64decode(blob, validate=True)
            except binascii.Error:
                continue
            if name != witness.name or raw[:4] != wanted or len(raw) != 4 + 8 + 64:
                continue
            (timestamp,) = struct.unpack(">Q", raw[4:12])
            try:
                Ed25519PublicKey.from_public_bytes(witness.public_key).verify(
                    raw[12:], message(body, timestamp)
                )
            except InvalidSignature as exc:
                raise CheckpointError(
                    f"the cosignature of {witness.name} does not verify: the checkpoint or "
                    "the cosignature was altered"
                ) from exc
            found.append(Cosignature(witness.name, timestamp, line))
    return found


def add_lines(note: str, lines: list[str]) -> str:
    """``note`` with more signature lines (those it already holds are not repeated)."""
    body, existing = split_note(note)
    merged = existing + [line for line in lines if line not in existing]
    return body + "\n" + "\n".join(merged) + "\n"
