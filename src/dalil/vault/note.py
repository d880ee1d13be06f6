"""Signed notes and checkpoints in the C2SP formats used by transparency logs.

A checkpoint says "this log, at this size, has this root"; the archive signs it with its
Ed25519 key. The text formats are those of C2SP ``tlog-checkpoint`` and ``signed-note``
(as used by Go's checksum database and Sigstore), so a third party can check dalil's
checkpoints with tools that have never heard of dalil:

    <origin>
    <tree size>
    <base64 root hash>
    [extension lines]

    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>

The verifier key is written ``<name>+<8 hex key id>+<base64(0x01 || 32-byte public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dalil.errors import CheckpointError
from dalil.vault.merkle import HASH_SIZE

ED25519_ALGORITHM = 0x01
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space start every signature line
# A note larger than this is not a checkpoint; refusing it bounds what a hostile file costs.
MAX_NOTE_BYTES = 1 << 16


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_ALGORITHM]) + public_key).digest()[
        :4
    ]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError(f"a key name may not be empty or hold spaces or '+': {name!r}")


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public_key: bytes

    def __str__(self) -> str:
        blob = base64.b64encode(bytes([ED25519_ALGORITHM]) + self.public_key).decode()
        return f"{self.name}+{key_id(self.name, self.public_key).hex()}+{blob}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        parts = text.strip().split("+", 2)  # the base64 key may itself hold a "+"
        if len(parts) != 3:
            raise CheckpointError("a verifier key has the form NAME+KEYID+KEY")
        name, hex_id, blob = parts
        _check_name(name)
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise CheckpointError(f"the verifier key is not base64: {exc}") from exc
        if len(raw) != 33 or raw[0] != ED25519_ALGORITHM:
            raise CheckpointError("the verifier key is not an Ed25519 key")
        key = cls(name, raw[1:])
        if key_id(name, key.public_key).hex() != hex_id.lower():
            raise CheckpointError("the verifier key's id does not match its name and key")
        return key

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class Signer:
    """Signs notes with an Ed25519 private key under a key name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._key = private_key
        raw = private_key.public_key().public_bytes_raw()
        self.verifier = VerifierKey(name, raw)

    def sign(self, text: str) -> str:
        """The note ``text`` followed by this signer's signature line."""
        if not text.endswith("\n"):
            raise CheckpointError("a note's text must end with a newline")
        signature = self._key.sign(text.encode())
        blob = base64.b64encode(key_id(self.name, self.verifier.public_key) + signature)
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob.decode()}\n"


def open_note(note: str, verifier: VerifierKey) -> str:
    """The text of a signed note, if ``verifier`` signed it; CheckpointError otherwise."""
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise CheckpointError("the note is too large to be a checkpoint")
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise CheckpointError("the note has no signature block")
    text += "\n"
    wanted_id = key_id(verifier.name, verifier.public_key)
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError(f"malformed signature line: {line!r}")
        name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise CheckpointError("a signature is not base64") from exc
        if name != verifier.name or raw[:4] != wanted_id:
            continue
        if len(raw) == 4 + 64 and verifier.verify(text.encode(), raw[4:]):
            return text
        raise CheckpointError(f"the signature by {name} does not verify: the note was altered")
    raise CheckpointError(f"the note carries no signature by {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise CheckpointError("a checkpoint has an origin, a size and a root, one per line")
        origin, size_text, root_text, *extensions = lines[:-1]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise CheckpointError(f"the checkpoint size {size_text!r} is not a number")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error as exc:
            raise CheckpointError("the checkpoint root is not base64") from exc
        if len(root) != HASH_SIZE:
            raise CheckpointError("the checkpoint root is not a SHA-256 hash")
        return cls(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    if checkpoint.origin != signer.name:
        raise CheckpointError("an archive signs only checkpoints of its own log")
    return signer.sign(checkpoint.text())


def open_checkpoint(note: str, verifier: VerifierKey) -> Checkpoint:
    """Parse a signed checkpoint, checking its signature and that it is of the key's log."""
    checkpoint = Checkpoint.parse(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise CheckpointError(
            f"the checkpoint is of log {checkpoint.origin!r}, not of {verifier.name!r}"
        )
    return checkpoint
