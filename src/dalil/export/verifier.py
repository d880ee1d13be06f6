"""verify.py: the standalone checker of a dalil court package.

Run it inside the package, with nothing but Python 3.9 or later (no dalil, no network, no
package to install):

    python3 verify.py            checks the package this file is in
    python3 verify.py PACKAGE    checks the package in the folder PACKAGE
    python3 verify.py --policy TRUSTED.txt PACKAGE
                                 uses a trust policy (the archive's log key and its
                                 witnesses) obtained independently, instead of the
                                 package's own dalil/policy.txt

It prints what it checked, what that proves and what it does not, and exits 0 only if
every check holds (1 if any fails, naming each failure; 2 if it could not run at all).

Everything here is written from the public specifications, so that an expert can read it
against them; nothing is imported but Python's standard library:

- Ed25519 signatures: RFC 8032, section 5.1 (verification only).
- The log's Merkle tree, inclusion and consistency proofs: RFC 6962 / RFC 9162 section 2.1.
- Checkpoints, signed notes, witness cosignatures, proofs and trust policies: the C2SP
  specifications tlog-checkpoint, signed-note, tlog-cosignature, tlog-proof, tlog-policy.
- The bag: BagIt 1.0, RFC 8493.
- The package's own layout: docs/court-package.md of dalil.

How an item's metadata (``data/NUMBER.json``) is checked: every fact is an object naming
its event, ``{"event": SEQ, key: value, ...}``; each key must equal the same key of the
event's ``data`` (``at`` is the event's time, as are ``received_at`` of a receipt and
``opened_at`` of a batch), a
finding's ``body`` must hash to the event's ``body_sha256`` and described ``facts`` to its
``facts_sha256``. A key the event does not hold is a failure; a section this checker does
not know, and values tied to no event, are reported as not checked.

The same code is dalil's ``dalil.export.verifier`` (``check_package``, ``check_bag``).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import codecs
import csv
import hashlib
import io
import json
import os
import re
import stat
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Tuple

__all__ = [
    "Bag", "Check", "Checkpoint", "Event", "Failure", "Item", "Note", "Policy", "Report",
    "TlogProof", "VerifierKey", "VerifyError", "check_bag", "check_package", "ed25519_verify",
    "leaf_hash", "main", "node_hash", "parse_checkpoint", "parse_note", "parse_policy",
    "parse_tlog_proof", "parse_verifier_key", "quorum_met", "read_bag", "root_from_inclusion",
    "signed_by", "verify_consistency", "verify_inclusion",
]  # fmt: skip

FORMAT = "dalil-court-package/1"

# Files are hashed in pieces of this size, so memory stays flat however large a photo is.
CHUNK = 1 << 20
# Size limits on what is read whole: each bounds what a hostile package can make the
# checker hold in memory; the payload itself is only ever streamed.
MAX_NOTE_BYTES = 1 << 16  # a checkpoint with its signatures (dalil's own limit)
MAX_NOTE_SIGNATURES = 64  # C2SP signed-note: verifiers must accept at least 16
MAX_PROOF_BYTES = 1 << 17  # a .tlog-proof: at most 64 hashes and one checkpoint
MAX_PROOF_HASHES = 64  # a tree of 2**64 entries needs no more
MAX_EVENT_BYTES = 1 << 22  # one custody event; dalil keeps bulky values out of the log
MAX_POLICY_BYTES = 1 << 20
MAX_POLICY_ENTRIES = 1024  # tlog-policy recommends supporting at least 32 of each
MAX_SMALL_TAG_BYTES = 1 << 20  # bagit.txt, bag-info.txt
MAX_INDEX_BYTES = 1 << 28  # manifests, package.json, items.csv: one line per file or item
MAX_METADATA_BYTES = 1 << 24
MAX_DIGITS = 20  # sizes and indexes: a 64-bit number; longer text is refused unparsed

_TS_LIMIT = 2**63 - 1  # tlog-cosignature: a timestamp must not exceed it


class VerifyError(ValueError):
    """Something in the package cannot be read as what it should be; the message says what."""


# --- Ed25519 (RFC 8032 section 5.1) ---------------------------------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493  # the order of the base point
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

# A point in extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z (section 5.1.4).
_Point = Tuple[int, int, int, int]
_NEUTRAL: _Point = (0, 1, 1, 0)


def _add(p: _Point, q: _Point) -> _Point:
    """Point addition, the formulas of section 5.1.4."""
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _double(p: _Point) -> _Point:
    """Point doubling, the formulas of section 5.1.4."""
    a = p[0] * p[0] % _P
    b = p[1] * p[1] % _P
    c = 2 * p[2] * p[2] % _P
    h = a + b
    e = h - (p[0] + p[1]) * (p[0] + p[1])
    g = a - b
    f = c + g
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar: int, p: _Point) -> _Point:
    """[scalar]p by double-and-add (verification handles public values only)."""
    result = _NEUTRAL
    for bit in bin(scalar)[2:]:
        result = _double(result)
        if bit == "1":
            result = _add(result, p)
    return result


def _same_point(p: _Point, q: _Point) -> bool:
    """Equality of points in projective coordinates (x1/z1 == x2/z2 and y1/z1 == y2/z2)."""
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def decode_point(data: bytes) -> _Point | None:
    """Decode a 32-byte point (section 5.1.3), or None if it is not a valid encoding."""
    if len(data) != 32:
        return None
    number = int.from_bytes(data, "little")
    sign = number >> 255
    y = number & ((1 << 255) - 1)
    if y >= _P:  # step 1: a non-canonical y is refused
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    vxx = v * x * x % _P
    if vxx == (-u) % _P and vxx != u:
        x = x * _SQRT_M1 % _P
    elif vxx != u:  # step 3: no square root, not a point
        return None
    if x == 0 and sign == 1:  # step 4
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _base_point() -> _Point:
    point = decode_point(bytes.fromhex("58" + "66" * 31))  # y = 4/5, x even (section 5.1)
    if point is None:  # pragma: no cover - a constant
        raise AssertionError("the Ed25519 base point does not decode")
    return point


_B = _base_point()


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only if ``signature`` is ``public_key``'s Ed25519 signature of ``message``.

    RFC 8032 section 5.1.7: decode R and A (refusing bad encodings), refuse S >= L, hash
    k = SHA-512(R || A || M) and check the group equation [S]B = R + [k]A.
    """
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = decode_point(public_key)
    r = decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    digest = hashlib.sha512(signature[:32] + public_key + message).digest()
    k = int.from_bytes(digest, "little")
    return _same_point(_multiply(s, _B), _add(r, _multiply(k, a)))


# --- The log's Merkle tree (RFC 6962, RFC 9162 section 2.1) --------------------------------

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _all_hashes(values: Sequence[bytes]) -> bool:
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def root_from_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root that an inclusion proof leads to (RFC 9162 2.1.3.2), or None if malformed."""
    if not (0 <= index < size) or len(leaf) != HASH_SIZE or not _all_hashes(path):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """True only if ``path`` proves leaf ``index`` is in the tree of ``size`` with ``root``."""
    return root_from_inclusion(leaf, index, size, path) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True only if ``proof`` shows the old tree is a prefix of the new (RFC 9162 2.1.4.2)."""
    if not (0 <= old_size <= new_size) or not _all_hashes([old_root, new_root, *proof]):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:  # every tree extends the empty one
        return not proof and old_root == EMPTY_ROOT
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- Signed notes, verifier keys, checkpoints, cosignatures (C2SP) -------------------------

LOG_KEY = 0x01  # signed-note: an Ed25519 signature of the note's text
COSIGNATURE_KEY = 0x04  # tlog-cosignature: a timestamped Ed25519 cosignature
_DASH = "\u2014 "  # every signature line starts with an em dash and a space


def _check_key_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise VerifyError(f"{name!r} is not a key name (it must be non-empty, without spaces or +)")


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4] (signed-note)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([kind]) + public_key).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    """A verifier key ``name+hexid+base64(type || key)``: type 0x01 signs, 0x04 cosigns."""

    name: str
    kind: int
    public_key: bytes
    text: str

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public_key)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the public key, for comparing with one obtained independently."""
        return hashlib.sha256(self.public_key).hexdigest()


def parse_verifier_key(text: str) -> VerifierKey:
    """Parse a vkey; VerifyError unless it is a well-formed Ed25519 log or cosigner key."""
    parts = text.split("+", 2)  # the name holds no '+'; the base64 may
    if len(parts) != 3:
        raise VerifyError(f"{text!r} is not a verifier key (NAME+KEYID+KEY)")
    name, hex_id, blob = parts
    _check_key_name(name)
    raw = _b64(blob, f"the key of {name}")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise VerifyError(f"the key ID of {name} is not 8 lowercase hex digits")
    if len(raw) != 33 or raw[0] not in (LOG_KEY, COSIGNATURE_KEY):
        raise VerifyError(f"the key of {name} is not an Ed25519 log key or witness key")
    key = VerifierKey(name, raw[0], raw[1:], text)
    if key.key_id.hex() != hex_id:
        raise VerifyError(f"the key ID of {name} does not match its name and key")
    return key


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise VerifyError(f"{what} is not base64") from exc


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: the key's name, its 4-byte ID, and the signature."""

    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A signed note: its text (with the final newline) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]


def parse_note(data: bytes) -> Note:
    """Parse a C2SP signed note; VerifyError names what is malformed."""
    if len(data) > MAX_NOTE_BYTES:
        raise VerifyError("the note is too large to be a checkpoint")
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerifyError("the note is not UTF-8 text") from exc
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise VerifyError("the note holds control characters")
    cut = note.rfind("\n\n")
    block = note[cut + 2 :]
    if cut < 0 or not block.endswith("\n"):
        raise VerifyError("the note has no signature lines after a blank line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_NOTE_SIGNATURES:
        raise VerifyError("the note carries too many signatures")
    return Note(note[: cut + 1], tuple(_signature_line(line) for line in lines))


def _signature_line(line: str) -> NoteSignature:
    parts = line[len(_DASH) :].split(" ")
    if not line.startswith(_DASH) or len(parts) != 2:
        raise VerifyError(f"{line!r} is not a signature line")
    name, blob = parts
    _check_key_name(name)
    raw = _b64(blob, f"the signature by {name}")
    if len(raw) < 5:
        raise VerifyError(f"the signature by {name} is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What an Ed25519 cosignature signs: its header, its time, the checkpoint's text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def signature_valid(key: VerifierKey, text: str, signature: bytes) -> bool:
    """True if ``signature`` (after the key ID) is ``key``'s signature of note ``text``."""
    if key.kind == LOG_KEY:
        return ed25519_verify(key.public_key, text.encode("utf-8"), signature)
    if len(signature) != 8 + 64:
        return False
    timestamp = int.from_bytes(signature[:8], "big")
    message = cosigned_message(text, timestamp)
    return timestamp <= _TS_LIMIT and ed25519_verify(key.public_key, message, signature[8:])


def signed_by(note: Note, key: VerifierKey) -> bool | None:
    """Whether ``key`` signed the note: None if no line is by that key (name and ID), else
    True only if every such line verifies (signed-note: a known key's bad line rejects)."""
    lines = [s for s in note.signatures if s.name == key.name and s.key_id == key.key_id]
    if not lines:
        return None
    return all(signature_valid(key, note.text, s.signature) for s in lines)


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint's text: the log's origin, its size and its root (tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def parse_decimal(text: str, what: str) -> int:
    """A decimal number without leading zeroes, as C2SP formats write sizes and indexes."""
    if not re.fullmatch(r"0|[1-9][0-9]*", text) or len(text) > MAX_DIGITS:
        raise VerifyError(f"{what} {text[:40]!r} is not a number")
    return int(text)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's text (the note text, with its final newline)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not all(lines[:-1]):
        raise VerifyError("a checkpoint is an origin, a size and a root, one per line")
    origin, size, root, *extensions = lines[:-1]
    digest = _b64(root, "the checkpoint's root")
    if len(digest) != HASH_SIZE:
        raise VerifyError("the checkpoint's root is not a SHA-256 hash")
    return Checkpoint(
        origin, parse_decimal(size, "the checkpoint's size"), digest, tuple(extensions)
    )


# --- tlog-proof and consistency proofs ------------------------------------------------------

PROOF_HEADER = b"c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    """A C2SP tlog-proof: the entry's index, its inclusion path, and the checkpoint note."""

    index: int
    path: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None


def parse_tlog_proof(data: bytes) -> TlogProof:
    """Parse a ``.tlog-proof`` file; VerifyError names what is malformed."""
    if len(data) > MAX_PROOF_BYTES:
        raise VerifyError("the proof is too large")
    lines = data.split(b"\n")
    if lines[0] != PROOF_HEADER or len(lines) < 3:
        raise VerifyError("the proof does not start with c2sp.org/tlog-proof@v1 and an index")
    at, extra = 1, None
    if lines[at].startswith(b"extra "):
        extra = _b64(_ascii(lines[at][6:]), "the proof's extra data")
        at += 1
    if not lines[at].startswith(b"index "):
        raise VerifyError("the proof has no index line")
    index = parse_decimal(_ascii(lines[at][6:]), "the proof's index")
    path: list[bytes] = []
    at += 1
    while at < len(lines) and lines[at]:
        path.append(_proof_hash(lines[at], "an inclusion proof line"))
        if len(path) > MAX_PROOF_HASHES:
            raise VerifyError("the proof has too many hashes")
        at += 1
    if at >= len(lines):
        raise VerifyError("the proof has no blank line before its checkpoint")
    return TlogProof(index, tuple(path), b"\n".join(lines[at + 1 :]), extra)


def _ascii(data: bytes) -> str:
    try:
        return data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise VerifyError("a proof line is not ASCII") from exc


def _proof_hash(line: bytes, what: str) -> bytes:
    digest = _b64(_ascii(line), what)
    if len(digest) != HASH_SIZE:
        raise VerifyError(f"{what} is not a SHA-256 hash")
    return digest


def parse_hash_lines(data: bytes) -> list[bytes]:
    """A consistency proof as dalil writes it: one base64 SHA-256 hash per line."""
    if len(data) > MAX_PROOF_BYTES:
        raise VerifyError("the proof is too large")
    if data and not data.endswith(b"\n"):
        raise VerifyError("the proof's last line does not end with a newline")
    lines = data.split(b"\n")[:-1] if data else []
    if len(lines) > MAX_PROOF_HASHES:
        raise VerifyError("the proof has too many hashes")
    return [_proof_hash(line, "a consistency proof line") for line in lines]


# --- Trust policies (C2SP tlog-policy) ------------------------------------------------------

NONE = "none"


@dataclass(frozen=True)
class Group:
    """A witness group: satisfied when ``threshold`` of its members are."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """The logs, witnesses and groups a policy names, and its quorum."""

    logs: tuple[VerifierKey, ...]
    witnesses: dict[str, VerifierKey]
    groups: dict[str, Group]
    quorum: str


def parse_policy(data: bytes) -> Policy:
    """Parse a tlog-policy file; VerifyError names the first line that breaks the format."""
    if len(data) > MAX_POLICY_BYTES:
        raise VerifyError("the policy is too large")
    if any((b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F for b in data):
        raise VerifyError("the policy holds control characters")
    # Octets with the high bit set are opaque: names compare as bytes, as the spec asks.
    text = data.decode("utf-8", "surrogateescape")
    builder = _PolicyBuilder()
    for number, line in enumerate(text.split("\n"), 1):
        words = [w for w in re.split(r"[ \t]+", line) if w]
        if not words or words[0].startswith("#"):
            continue
        try:
            builder.add(words)
        except VerifyError as exc:
            raise VerifyError(f"policy line {number}: {exc}") from exc
    return builder.build()


class _PolicyBuilder:
    def __init__(self) -> None:
        self.logs: list[VerifierKey] = []
        self.witnesses: dict[str, VerifierKey] = {}
        self.groups: dict[str, Group] = {}
        self.quorum: str | None = None
        self.members: set[str] = set()

    def add(self, words: list[str]) -> None:
        keyword, args = words[0], words[1:]
        if len(self.logs) + len(self.witnesses) + len(self.groups) >= MAX_POLICY_ENTRIES:
            raise VerifyError("the policy names too many logs, witnesses and groups")
        if keyword == "log" and len(args) in (1, 2):
            self._log(parse_verifier_key(args[0]))
        elif keyword == "witness" and len(args) in (2, 3):
            self._witness(args[0], parse_verifier_key(args[1]))
        elif keyword == "group" and len(args) >= 3:
            self._group(args[0], args[1], args[2:])
        elif keyword == "quorum" and len(args) == 1:
            self._quorum(args[0])
        else:
            raise VerifyError(f"{' '.join(words)!r} is not a log, witness, group or quorum line")

    def _log(self, key: VerifierKey) -> None:
        if key.kind != LOG_KEY:
            raise VerifyError(f"the log key of {key.name} is not an Ed25519 signing key")
        if any(k.public_key == key.public_key for k in self.logs):
            raise VerifyError(f"the log key of {key.name} is listed twice")
        self.logs.append(key)

    def _new_name(self, name: str) -> None:
        if name == NONE or name in self.witnesses or name in self.groups:
            raise VerifyError(f"the name {name!r} is taken")

    def _witness(self, name: str, key: VerifierKey) -> None:
        self._new_name(name)
        if key.kind != COSIGNATURE_KEY:
            raise VerifyError(f"the key of witness {name} is not a cosignature key (type 0x04)")
        if any(k.public_key == key.public_key for k in self.witnesses.values()):
            raise VerifyError(f"the key of witness {name} is another witness's key")
        self.witnesses[name] = key

    def _group(self, name: str, threshold: str, members: list[str]) -> None:
        self._new_name(name)
        for member in members:
            if member not in self.witnesses and member not in self.groups:
                raise VerifyError(f"group {name} names {member!r}, not defined above it")
            if member in self.members:
                raise VerifyError(f"{member!r} is a member of more than one group, or twice")
            self.members.add(member)
        k = {"all": len(members), "any": 1}.get(threshold)
        if k is None:
            k = parse_decimal(threshold, f"the threshold of group {name}")
        if not 1 <= k <= len(members):
            raise VerifyError(f"group {name} needs {k} of {len(members)} members")
        self.groups[name] = Group(name, k, tuple(members))

    def _quorum(self, name: str) -> None:
        if self.quorum is not None:
            raise VerifyError("a policy has exactly one quorum line")
        if name != NONE and name not in self.witnesses and name not in self.groups:
            raise VerifyError(f"the quorum names {name!r}, not defined above it")
        self.quorum = name

    def build(self) -> Policy:
        if self.quorum is None:
            raise VerifyError("the policy has no quorum line")
        return Policy(tuple(self.logs), dict(self.witnesses), dict(self.groups), self.quorum)


def quorum_met(policy: Policy, cosigned: Iterable[str]) -> bool:
    """True if the witnesses named in ``cosigned`` satisfy the policy's quorum."""
    return _satisfied(policy, policy.quorum, frozenset(cosigned))


def _satisfied(policy: Policy, name: str, cosigned: frozenset[str]) -> bool:
    if name == NONE:
        return True
    group = policy.groups.get(name)
    if group is None:
        return name in policy.witnesses and name in cosigned
    met = sum(1 for member in group.members if _satisfied(policy, member, cosigned))
    return met >= group.threshold


def describe_quorum(policy: Policy, name: str | None = None) -> str:
    """The quorum in words, e.g. ``2 of (w1, w2, any of (w3, w4))``."""
    name = policy.quorum if name is None else name
    group = policy.groups.get(name)
    if name == NONE:
        return "no witness"
    if group is None:
        return name
    inner = ", ".join(describe_quorum(policy, m) for m in group.members)
    return f"{group.threshold} of ({inner})"


# --- BagIt 1.0 (RFC 8493) -------------------------------------------------------------------

ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
_MANIFEST_NAME = re.compile(r"(tag)?manifest-([A-Za-z0-9]+)\.txt")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # BagIt tag files may end lines with LF, CR or CRLF
_PERCENT = re.compile(r"%(0[AaDd]|25)")  # the only escapes RFC 8493 defines in file paths
_MANIFEST_LINE = re.compile(r"([0-9A-Fa-f]+)[ \t]+(.+)")


@dataclass
class Bag:
    """What reading a bag found: its problems, bag-info, and every payload file's digests."""

    root: str
    problems: list[str] = field(default_factory=list)
    info: list[tuple[str, str]] = field(default_factory=list)
    payload: dict[str, dict[str, str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    tag_files: list[str] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)

    def info_values(self, label: str) -> list[str]:
        return [value for name, value in self.info if name.lower() == label.lower()]


def check_bag(path: str | os.PathLike[str]) -> list[str]:
    """Every way the folder ``path`` fails to be a valid BagIt 1.0 bag; [] if it is one."""
    return read_bag(path).problems


def read_bag(
    path: str | os.PathLike[str],
    every_tag_file_listed: bool = False,
    digests: Sequence[str] = ("sha256", "sha512"),
) -> Bag:
    """Validate a bag, hashing each payload file once with its manifests' algorithms and
    ``digests``. ``every_tag_file_listed`` also requires each tag file in each tag manifest
    (RFC 8493 only recommends it; a court package needs it, or a tag file could be added)."""
    bag = Bag(os.fspath(path))
    if not os.path.isdir(bag.root):
        bag.problems.append(f"{bag.root} is not a folder")
        return bag
    encoding = _read_declaration(bag)
    if encoding is None:
        return bag
    files = _walk(bag)
    payload = [f for f in files if f.startswith("data/")]
    bag.tag_files = [f for f in files if not f.startswith("data/")]
    if not os.path.isdir(os.path.join(bag.root, "data")) or os.path.islink(
        os.path.join(bag.root, "data")
    ):
        bag.problems.append("the bag has no payload folder data/")
    manifests = _read_manifests(bag, encoding)
    payload_manifests = {a: m for (tag, a), m in manifests.items() if not tag}
    tag_manifests = {a: m for (tag, a), m in manifests.items() if tag}
    if not payload_manifests:
        bag.problems.append("the bag has no payload manifest (manifest-ALGORITHM.txt)")
    _check_payload(bag, payload, payload_manifests, digests)
    _check_tags(bag, tag_manifests, every_tag_file_listed)
    _read_bag_info(bag, encoding)
    _check_fetch(bag, encoding)
    return bag


def _read_declaration(bag: Bag) -> str | None:
    """Check bagit.txt; return the tag files' encoding, or None if the bag cannot be read."""
    path = os.path.join(bag.root, "bagit.txt")
    try:
        data = _read_limited(path, MAX_SMALL_TAG_BYTES)
    except (OSError, VerifyError) as exc:
        bag.problems.append(f"bagit.txt cannot be read ({_reason(exc)}): this is not a bag")
        return None
    if data.startswith(codecs.BOM_UTF8):
        bag.problems.append("bagit.txt starts with a byte-order mark, which BagIt forbids")
        data = data[len(codecs.BOM_UTF8) :]
    try:
        lines = _tag_lines(data.decode("utf-8"))
    except UnicodeDecodeError:
        bag.problems.append("bagit.txt is not UTF-8 text")
        return None
    version = re.fullmatch(r"BagIt-Version: ([0-9]+\.[0-9]+)", lines[0]) if lines else None
    coding = (
        re.fullmatch(r"Tag-File-Character-Encoding: (\S+)", lines[1]) if len(lines) > 1 else None
    )
    if len(lines) != 2 or version is None or coding is None:
        bag.problems.append(
            "bagit.txt must be exactly the two lines 'BagIt-Version: 1.0' and "
            "'Tag-File-Character-Encoding: ENCODING', with no other spaces"
        )
    elif version.group(1) != "1.0":
        bag.problems.append(f"the bag is BagIt version {version.group(1)}; this checker reads 1.0")
    encoding = coding.group(1) if coding else "UTF-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        bag.problems.append(f"bagit.txt names the unknown encoding {encoding!r}")
        return None
    return encoding


def _tag_lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _read_limited(path: str, limit: int) -> bytes:
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise VerifyError(f"it is larger than {limit} bytes")
    return data


def _walk(bag: Bag) -> list[str]:
    """Every regular file in the bag, as a relative path with '/'; links are problems."""
    found: list[str] = []

    def failed(error: OSError) -> None:
        bag.problems.append(f"a folder of the bag cannot be read: {_reason(error)}")

    for folder, dirs, names in os.walk(bag.root, onerror=failed):
        for name in sorted(dirs):
            if os.path.islink(os.path.join(folder, name)):
                bag.problems.append(f"{_relative(bag, folder, name)} is a link: {_LINK}")
                dirs.remove(name)
        for name in names:
            relative = _relative(bag, folder, name)
            try:
                mode = os.lstat(os.path.join(folder, name)).st_mode
            except OSError as exc:
                bag.problems.append(f"{relative} cannot be read: {_reason(exc)}")
                continue
            if stat.S_ISLNK(mode):
                bag.problems.append(f"{relative} is a link: {_LINK}")
            elif not stat.S_ISREG(mode):
                bag.problems.append(f"{relative} is not a plain file")
            else:
                found.append(relative)
    return sorted(found)


_LINK = "a bag must hold its files itself, and a link can lead outside it"


def _relative(bag: Bag, folder: str, name: str) -> str:
    return os.path.relpath(os.path.join(folder, name), bag.root).replace(os.sep, "/")


def unsafe_path(path: str) -> str | None:
    """Why a path from a manifest must not be opened, or None if it stays in its folder."""
    if not path:
        return "it is empty"
    if "\x00" in path:
        return "it holds a NUL character"
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
        return "it is an absolute path, outside the bag"
    if ".." in re.split(r"[/\\]", path):
        return "it climbs out of its folder with '..'"
    return None


def _normal(path: str) -> str:
    return "/".join(part for part in path.split("/") if part not in ("", "."))


def _inside(bag: Bag, relative: str) -> bool:
    """True if the file's real location (links resolved) is inside the bag."""
    root = os.path.realpath(bag.root)
    real = os.path.realpath(os.path.join(bag.root, *relative.split("/")))
    try:
        return os.path.commonpath([root, real]) == root and real != root
    except ValueError:  # on Windows, another drive
        return False


def _read_manifests(bag: Bag, encoding: str) -> dict[tuple[bool, str], dict[str, str]]:
    manifests: dict[tuple[bool, str], dict[str, str]] = {}
    for name in bag.tag_files:
        match = _MANIFEST_NAME.fullmatch(name)
        if match is None:
            continue
        tag, algorithm = bool(match.group(1)), match.group(2).lower()
        if algorithm not in ALGORITHMS:
            bag.problems.append(f"{name} uses the checksum {algorithm!r}, which this checker lacks")
            continue
        bag.manifests.append(name)
        manifests[(tag, algorithm)] = _read_manifest(bag, name, algorithm, encoding, tag)
    return manifests


def _read_tag_text(bag: Bag, name: str, encoding: str, limit: int) -> str | None:
    try:
        return _read_limited(os.path.join(bag.root, name), limit).decode(encoding)
    except (OSError, VerifyError, UnicodeDecodeError) as exc:
        bag.problems.append(f"{name} cannot be read: {_reason(exc)}")
        return None


def _read_manifest(bag: Bag, name: str, algorithm: str, encoding: str, tag: bool) -> dict[str, str]:
    text = _read_tag_text(bag, name, encoding, MAX_INDEX_BYTES)
    entries: dict[str, str] = {}
    width = hashlib.new(algorithm).digest_size * 2
    for number, line in enumerate(_tag_lines(text or ""), 1):
        where = f"{name}, line {number}"
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None or len(match.group(1)) != width:
            bag.problems.append(f"{where}, is not a {algorithm} checksum followed by a file path")
            continue
        raw = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), match.group(2))
        why = unsafe_path(raw)
        path = _normal(raw)
        if why is not None or not path:
            bag.problems.append(f"{where}, names {raw!r}, which cannot be checked: {why}")
        elif path.startswith("data/") == tag:
            side = "a payload file" if tag else "a file outside the payload folder data/"
            bag.problems.append(f"{where}, names {path}, {side}, where it must not")
        elif path in entries:
            bag.problems.append(f"{name} lists {path} more than once")
        else:
            entries[path] = match.group(1).lower()
    return entries


def _hash_file(path: str, algorithms: Iterable[str]) -> tuple[dict[str, str], int]:
    """Digests of a file, read in chunks (bounded memory), and its size."""
    hashers = {a: hashlib.new(a) for a in algorithms}
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            size += len(chunk)
            for hasher in hashers.values():
                hasher.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}, size


def _check_payload(
    bag: Bag, files: list[str], manifests: dict[str, dict[str, str]], digests: Sequence[str]
) -> None:
    algorithms = sorted(set(manifests) | set(digests))
    for relative in files:
        if not _inside(bag, relative):
            bag.problems.append(f"{relative} leads outside the bag")
            continue
        try:
            found, size = _hash_file(os.path.join(bag.root, relative), algorithms)
        except OSError as exc:
            bag.problems.append(f"{relative} cannot be read: {_reason(exc)}")
            continue
        bag.payload[relative], bag.sizes[relative] = found, size
    for algorithm, entries in sorted(manifests.items()):
        _compare(
            bag, f"manifest-{algorithm}.txt", algorithm, entries, bag.payload, set(files), files
        )


def _compare(
    bag: Bag,
    manifest: str,
    algorithm: str,
    entries: dict[str, str],
    found: dict[str, dict[str, str]],
    present: set[str],
    required: Iterable[str],
) -> None:
    """Name each required file the manifest lacks, each entry missing, each wrong checksum."""
    for relative in required:
        if relative not in entries:
            bag.problems.append(f"{relative} is in the bag but not listed in {manifest}")
    for relative, expected in sorted(entries.items()):
        if relative not in present:
            bag.problems.append(f"{relative} is listed in {manifest} but missing from the bag")
        elif relative in found and found[relative][algorithm] != expected:
            bag.problems.append(
                f"{relative} does not have the {algorithm.upper()} checksum {manifest} gives: "
                "it was changed after the bag was made"
            )


def _check_tags(bag: Bag, manifests: dict[str, dict[str, str]], every_listed: bool) -> None:
    if every_listed and not manifests:
        bag.problems.append("the bag has no tag manifest (tagmanifest-ALGORITHM.txt)")
    required = (
        [f for f in bag.tag_files if not f.startswith("tagmanifest-")] if every_listed else []
    )
    listed = sorted({p for entries in manifests.values() for p in entries})
    present = set(bag.tag_files)
    found: dict[str, dict[str, str]] = {}
    for relative in listed:
        if relative not in present:
            continue
        if not _inside(bag, relative):
            bag.problems.append(f"{relative} leads outside the bag")
            continue
        try:
            found[relative] = _hash_file(os.path.join(bag.root, relative), manifests)[0]
        except OSError as exc:
            bag.problems.append(f"{relative} cannot be read: {_reason(exc)}")
    for algorithm, entries in sorted(manifests.items()):
        _compare(bag, f"tagmanifest-{algorithm}.txt", algorithm, entries, found, present, required)


_BLANKS = " \t"  # BagIt's linear whitespace


def parse_bag_info(text: str) -> list[tuple[str, str]]:
    """bag-info.txt's labels and values in order; continuation lines joined with a space."""
    entries: list[tuple[str, str]] = []
    for number, line in enumerate(_tag_lines(text), 1):
        if line[:1] in (" ", "\t") and entries and line.strip():
            label, value = entries[-1]
            entries[-1] = (label, (value + " " + line.strip(_BLANKS)).strip(_BLANKS))
            continue
        label, colon, value = line.partition(":")
        if not colon or not label.strip() or label[:1] in (" ", "\t"):
            raise VerifyError(f"bag-info.txt line {number} is not 'Label: value'")
        entries.append((label.strip(_BLANKS), value.strip(_BLANKS)))
    return entries


def _read_bag_info(bag: Bag, encoding: str) -> None:
    if not os.path.isfile(os.path.join(bag.root, "bag-info.txt")):
        return
    text = _read_tag_text(bag, "bag-info.txt", encoding, MAX_SMALL_TAG_BYTES)
    try:
        bag.info = parse_bag_info(text or "")
    except VerifyError as exc:
        bag.problems.append(str(exc))
    oxums = bag.info_values("Payload-Oxum")
    if len(oxums) > 1:
        bag.problems.append("bag-info.txt gives Payload-Oxum more than once")
    elif oxums:
        match = re.fullmatch(r"([0-9]{1,20})\.([0-9]{1,20})", oxums[0])
        actual = (sum(bag.sizes.values()), len(bag.sizes))
        if match is None:
            bag.problems.append(f"bag-info.txt's Payload-Oxum {oxums[0]!r} is not OCTETS.FILES")
        elif (int(match.group(1)), int(match.group(2))) != actual:
            bag.problems.append(
                f"bag-info.txt's Payload-Oxum says {oxums[0]} but the payload holds "
                f"{actual[0]} bytes in {actual[1]} files"
            )


def _check_fetch(bag: Bag, encoding: str) -> None:
    if "fetch.txt" not in bag.tag_files:
        return
    text = _read_tag_text(bag, "fetch.txt", encoding, MAX_INDEX_BYTES) or ""
    for number, line in enumerate(_tag_lines(text), 1):
        parts = re.split(r"[ \t]+", line, maxsplit=2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9]+|-", parts[1]):
            bag.problems.append(f"fetch.txt, line {number}, is not 'URL LENGTH PATH'")
            continue
        raw = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), parts[2])
        why = unsafe_path(raw)
        if why is not None or not _normal(raw).startswith("data/"):
            why = why or "it is outside the payload folder data/"
            bag.problems.append(f"fetch.txt, line {number}, names {raw!r}: {why}")


# --- The report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """One check that does not hold: which check, what it is about, and why, in words."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@dataclass
class Check:
    """A check that was run: its name, what it covers, and what it found."""

    name: str
    title: str
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What ``check_package`` checked, every failure it found, and notes on what it did not."""

    package: str
    checks: list[Check] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    # Notes about items, each message with the metadata files it applies to: one line
    # for all the items it concerns, not one per item.
    item_notes: dict[str, list[str]] = field(default_factory=dict)

    def note_item(self, where: str, message: str) -> None:
        self.item_notes.setdefault(message, []).append(where)

    def every_note(self) -> list[str]:
        """The notes, those about items grouped by what they say."""
        grouped = []
        for message, places in self.item_notes.items():
            if len(places) == 1:
                grouped.append(f"{places[0]}: {message}")
            else:
                grouped.append(f"{len(places)} items ({places[0]} to {places[-1]}): {message}")
        return self.notes + grouped

    @property
    def ok(self) -> bool:
        """True only if checks ran and none failed."""
        return bool(self.checks) and not self.failures

    def start(self, name: str, title: str) -> Check:
        check = Check(name, title)
        self.checks.append(check)
        return check

    def fail(self, check: str, subject: str, message: str) -> None:
        self.failures.append(Failure(check, subject, message))

    def failed(self, check: str) -> list[Failure]:
        return [f for f in self.failures if f.check == check]

    def text(self) -> str:
        """The report as a person reads it."""
        return "\n".join(_report_lines(self)) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (for ``--json``)."""
        return {
            "package": self.package,
            "ok": self.ok,
            "summary": list(self.summary),
            "checks": [
                {
                    "name": c.name,
                    "title": c.title,
                    "passed": not self.failed(c.name),
                    "details": list(c.details),
                }
                for c in self.checks
            ],
            "failures": [
                {"check": f.check, "subject": f.subject, "message": f.message}
                for f in self.failures
            ],
            "notes": self.every_note(),
        }


_PROVES = (
    "The files listed above are, byte for byte, the ones the archive put in this package.",
    "Each custody event in the package is one the archive recorded in its log, at the "
    "position given, and the log the archive signed (and the witnesses cosigned) holds it.",
    "Each item's bytes are the bytes the archive recorded receiving, and each fact in its "
    "metadata that names an event says what that event says.",
    "Where the package holds earlier checkpoints: the log was only added to since them, "
    "never rewritten.",
)
_DOES_NOT_PROVE = (
    "Who took the photos, when, or what they show: that is the work of the authenticity "
    "findings and of experts, whose recorded results are checked here only as records.",
    "Anything about custody before the archive received the files, beyond what was stated "
    "and recorded at the time.",
    "That the log key and witness keys are the archive's and the witnesses': compare the "
    "fingerprints printed above with ones obtained independently (or run this checker with "
    "--policy and a policy obtained independently).",
    "That the earlier checkpoints in the package are the ones you were given before: "
    "compare their roots with the ones you hold.",
    "Anything stated in the package but tied to no event (README.txt, bag-info.txt, the "
    "item numbering, facts reported below as not checked): that is the sender's word.",
    "That this checker is correct: it is standard-library Python, written from the public "
    "specifications it names, to be read against them.",
)


def _wrap(text: str, indent: str, hang: str = "") -> str:
    return textwrap.fill(text, 92, initial_indent=indent, subsequent_indent=indent + hang)


def _report_lines(report: Report) -> Iterator[str]:
    yield "dalil court package check"
    yield f"Package: {report.package}"
    yield from report.summary
    yield ""
    if report.ok:
        yield "RESULT: every check holds."
    else:
        count = len(report.failures)
        plural = "s" if count != 1 else ""
        yield f"RESULT: {count} problem{plural} found. Do not rely on the package as it is."
    yield ""
    yield "What was checked"
    for check in report.checks:
        status = "FAILED" if report.failed(check.name) else "passed"
        yield _wrap(f"[{status}] {check.title}", "  ", "         ")
        for detail in check.details:
            yield _wrap(detail, "           ", "  ")
    if report.failures:
        yield ""
        yield "Problems"
        for number, failure in enumerate(report.failures, 1):
            yield _wrap(f"{number}. [{failure.check}] {failure}", "  ", "    ")
    yield ""
    yield "What this proves" + ("" if report.ok else " (only once every problem is resolved)")
    for line in _PROVES:
        yield _wrap(f"- {line}", "  ", "  ")
    yield ""
    yield "What this does not prove"
    for line in _DOES_NOT_PROVE:
        yield _wrap(f"- {line}", "  ", "  ")
    notes = report.every_note()
    if notes:
        yield ""
        yield "Notes (not checked, or checked only in part)"
        for note in notes:
            yield _wrap(f"- {note}", "  ", "  ")


# --- The court package (docs/court-package.md) ------------------------------------------------

RECEIVED = "file.received"
BATCH_OPENED = "batch.opened"
CLAIM = "claim.recorded"
DESCRIBED = "object.described"
FINDING = "authenticity.finding"
READ = "catalogue.read"
CONFIRMED = "catalogue.confirmed"
FLAG = "flag.raised"
STORED = "object.stored"
# Events about one file: the file they name must be the item's, or a fact was moved
# from another item.
_ABOUT_THE_FILE = (RECEIVED, STORED, DESCRIBED, FINDING, READ, FLAG)
# The numbers a catalogue reading read: in its event, under reading.NAME.value.
_READ_NUMBERS = ("detainee", "branch", "report")
# Keys of a fact that are the event's time rather than a key of its data.
_TIMES = {(RECEIVED, "received_at"), (BATCH_OPENED, "opened_at")}
_BAG_INFO_LABELS = (
    "Source-Organization", "Contact-Name", "External-Identifier", "Bagging-Date",
    "Bag-Count", "Internal-Sender-Description", "BagIt-Profile-Identifier",
    "Disclosure-Recipient", "Bag-Software-Agent",
)  # fmt: skip
_ITEM_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
EVENTS = "data/events.jsonl"
PROOFS = "data/events.proofs"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Event:
    """A disclosed custody event whose inclusion proof holds."""

    seq: int
    type: str
    at: str
    data: dict[str, Any]
    body: bytes


@dataclass(frozen=True)
class Item:
    """One item as the package's index lists it."""

    number: str
    sha256: str
    file: str
    metadata: str
    proof: str  # the C2SP tlog-proof of its receipt
    events: Tuple[int, ...]  # the disclosed events about it, in data/events.jsonl


@dataclass
class _Package:
    """What the checks of one package share as they go."""

    root: str
    report: Report
    bag: Bag
    trusted_policy: bytes | None = None
    index: dict[str, Any] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    policy: Policy | None = None
    log_key: VerifierKey | None = None
    note_bytes: bytes = b""
    checkpoint: Checkpoint | None = None


def canonical_json(value: Any) -> bytes:
    """dalil's canonical JSON: keys sorted, no whitespace, UTF-8."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _no_float(text: str) -> Any:
    raise ValueError(f"the number {text} is not an integer")


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"the number {text[:30]}... is too long")
    return int(text)


def parse_json(data: bytes, canonical: bool = False) -> Any:
    """Parse JSON as dalil writes it (integers only); ``canonical`` also requires its form."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            parse_float=_no_float,
            parse_int=_small_int,
            parse_constant=_no_float,
        )
    except (ValueError, RecursionError) as exc:
        raise VerifyError(f"it is not valid JSON ({exc})") from exc
    if canonical and canonical_json(value) != data:
        raise VerifyError("it is not canonical JSON (keys sorted, no spaces, UTF-8)")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _path_of(pkg: _Package, check: str, relative: str) -> str | None:
    """Where a file of the package is, or None (recorded) if it would lead outside it."""
    why = unsafe_path(relative)
    if why is None and not _inside(pkg.bag, relative):
        why = "it leads outside the package"
    if why is not None:
        pkg.report.fail(check, relative, f"cannot be read: {why}")
        return None
    return os.path.join(pkg.root, *relative.split("/"))


def _read(pkg: _Package, check: str, relative: str, limit: int) -> bytes | None:
    """A file of the package, or None with the failure recorded under ``check``."""
    path = _path_of(pkg, check, relative)
    if path is None:
        return None
    try:
        return _read_limited(path, limit)
    except (OSError, VerifyError) as exc:
        pkg.report.fail(check, relative, f"cannot be read: {_reason(exc)}")
        return None


def _load(pkg: _Package, check: str, relative: str, limit: int, canonical: bool = False) -> Any:
    data = _read(pkg, check, relative, limit)
    if data is None:
        return None
    try:
        return parse_json(data, canonical)
    except VerifyError as exc:
        pkg.report.fail(check, relative, str(exc))
        return None


def check_package(path: str | os.PathLike[str], trusted_policy: bytes | None = None) -> Report:
    """Check a court package completely; the report names every failure.

    ``trusted_policy``: a tlog-policy obtained independently of the package, used instead of
    the package's own ``dalil/policy.txt`` (which only the package vouches for).
    """
    root = os.path.abspath(os.fspath(path))
    report = Report(root)
    pkg = _Package(root, report, read_bag(root, every_tag_file_listed=True), trusted_policy)
    _summarise(pkg)
    _check_bag_layer(pkg)
    if _read_index(pkg):
        _check_checkpoint(pkg)
        _check_events_and_items(pkg)
        _check_earlier(pkg)
    return report


def _summarise(pkg: _Package) -> None:
    own = os.path.abspath(__file__)
    with open(own, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    pkg.report.summary.append(f"Checker: {os.path.basename(own)}, SHA-256 {digest}")
    pkg.report.summary.append(f"Python {sys.version.split()[0]}, offline, standard library only")
    inside = os.path.join(pkg.root, "verify.py")
    if os.path.isfile(inside) and os.path.realpath(inside) != os.path.realpath(own):
        with open(inside, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest:
                pkg.report.notes.append(
                    "The package's own verify.py differs from the checker that ran this check."
                )
    for label, title in (
        ("External-Identifier", "Disclosure"),
        ("Source-Organization", "From"),
        ("Disclosure-Recipient", "To"),
        ("Internal-Sender-Description", "Purpose"),
        ("Bagging-Date", "Packed on"),
    ):
        for value in pkg.bag.info_values(label):
            pkg.report.summary.append(f"{title} (as the package states): {value}")


def _check_bag_layer(pkg: _Package) -> None:
    bag, report = pkg.bag, pkg.report
    check = report.start(
        "bag",
        "The bag (BagIt 1.0, RFC 8493): every file against every manifest, nothing "
        "missing, nothing added, no path leading outside the package",
    )
    for problem in bag.problems:
        report.fail("bag", "the bag", problem)
    if os.path.isfile(os.path.join(pkg.root, "bagit.txt")) and not bag.info_values("Payload-Oxum"):
        report.fail("bag", "bag-info.txt", "it gives no Payload-Oxum (the payload's size)")
    missing = [label for label in _BAG_INFO_LABELS if not bag.info_values(label)]
    if missing:
        report.notes.append(f"bag-info.txt does not give {', '.join(missing)}.")
    total = sum(bag.sizes.values())
    check.details.append(
        f"{len(bag.payload)} payload files ({total} bytes) and {len(bag.tag_files)} tag files; "
        f"manifests: {', '.join(sorted(bag.manifests)) or 'none'}"
    )


def _read_index(pkg: _Package) -> bool:
    report = pkg.report
    check = report.start(
        "index", "The package's index (dalil/package.json) and trust policy (dalil/policy.txt)"
    )
    index = _load(pkg, "index", "dalil/package.json", MAX_INDEX_BYTES)
    if not isinstance(index, dict):
        if index is not None:
            report.fail("index", "dalil/package.json", "it is not a JSON object")
        report.fail("index", "the package", "without its index, nothing more can be checked")
        return False
    pkg.index = index
    if index.get("format") != FORMAT:
        report.fail("index", "dalil/package.json", f"its format is not {FORMAT}")
    disclosure = index.get("disclosure")
    if pkg.bag.info_values("External-Identifier") != [disclosure]:
        report.fail(
            "index",
            "dalil/package.json",
            "its disclosure is not bag-info.txt's External-Identifier",
        )
    pkg.items = _read_items(pkg, index.get("items"))
    _read_policy(pkg)
    check.details.append(f"{len(pkg.items)} items listed")
    return True


def _read_items(pkg: _Package, entries: Any) -> list[Item]:
    if not isinstance(entries, list):
        pkg.report.fail("index", "dalil/package.json", "it has no list of items")
        return []
    items: list[Item] = []
    numbers: set[str] = set()
    for n, entry in enumerate(entries):
        where = f"dalil/package.json, item {n + 1}"
        item = _item(entry)
        if item is None or not _ITEM_NUMBER.fullmatch(item.number):
            pkg.report.fail(
                "index", where, "it is not an item (number, sha256, file, metadata, proof, events)"
            )
        elif not _SHA256.fullmatch(item.sha256):
            pkg.report.fail("index", where, "its sha256 is not a SHA-256 in lowercase hex")
        elif item.number in numbers:
            pkg.report.fail("index", where, f"the number {item.number} is listed twice")
        elif not _own_files(item):
            pkg.report.fail(
                "index",
                where,
                f"its files are not data/{item.number}.EXT, data/{item.number}.json and "
                f"data/{item.number}.tlog-proof",
            )
        elif list(item.events) != sorted(set(item.events)):
            pkg.report.fail("index", where, "its events are not listed once each, in order")
        else:
            items.append(item)
            numbers.add(item.number)
    return items


def _item(entry: Any) -> Item | None:
    if not isinstance(entry, dict):
        return None
    texts = [entry.get(k) for k in ("number", "sha256", "file", "metadata", "proof")]
    events = entry.get("events")
    if not all(isinstance(v, str) for v in texts) or not isinstance(events, list):
        return None
    if not all(_is_int(seq) and seq >= 0 for seq in events):
        return None
    number, sha256, file, metadata, proof = (str(v) for v in texts)
    return Item(number, sha256, file, metadata, proof, tuple(events))


def _own_files(item: Item) -> bool:
    """The item's three files sit directly in data/, named by its number."""
    stem = f"data/{item.number}"
    if item.metadata != stem + ".json" or item.proof != stem + ".tlog-proof":
        return False
    name = item.file
    return (
        unsafe_path(name) is None
        and name.startswith(stem + ".")
        and "/" not in name[len("data/") :]
        and name not in (item.metadata, item.proof)
    )


def _read_policy(pkg: _Package) -> None:
    report = pkg.report
    data = pkg.trusted_policy
    if data is None:
        data = _read(pkg, "index", "dalil/policy.txt", MAX_POLICY_BYTES)
    else:
        report.notes.append(
            "The trust policy given on the command line was used, not the package's."
        )
    if data is None:
        return
    try:
        pkg.policy = parse_policy(data)
    except VerifyError as exc:
        report.fail("index", "the trust policy", str(exc))
        return
    log = pkg.index.get("log")
    log = log if isinstance(log, dict) else {}
    origin = log.get("origin")
    keys = [k for k in pkg.policy.logs if k.name == origin]
    if not keys:
        report.fail("index", "the trust policy", f"it names no log key for the log {origin!r}")
        return
    pkg.log_key = keys[0]  # the policy decides which key signs, whatever the index says
    try:
        stated = parse_verifier_key(str(log.get("verifier_key")))
    except VerifyError as exc:
        report.fail("index", "dalil/package.json", f"its log key: {exc}")
        return
    same = [k for k in keys if k.public_key == stated.public_key]
    if same:
        pkg.log_key = same[0]
    else:
        report.fail("index", "dalil/package.json", "its log key is not the one the policy names")


def _check_checkpoint(pkg: _Package) -> None:
    report = pkg.report
    check = report.start(
        "checkpoint",
        "The checkpoint (dalil/checkpoint.txt): the log's size and root, signed by the log "
        "key the policy names",
    )
    data = _read(pkg, "checkpoint", "dalil/checkpoint.txt", MAX_NOTE_BYTES)
    if data is None:
        return
    pkg.note_bytes = data
    try:
        note = parse_note(data)
        pkg.checkpoint = checkpoint = parse_checkpoint(note.text)
    except VerifyError as exc:
        report.fail("checkpoint", "dalil/checkpoint.txt", str(exc))
        return
    stated = pkg.index.get("checkpoint")
    if not isinstance(stated, dict) or (stated.get("size"), stated.get("root")) != (
        checkpoint.size,
        checkpoint.root.hex(),
    ):
        report.fail("checkpoint", "dalil/package.json", "its checkpoint is not checkpoint.txt's")
    key = pkg.log_key
    if key is None:
        report.fail("checkpoint", "dalil/checkpoint.txt", "no log key to check it with")
    elif checkpoint.origin != key.name:
        report.fail("checkpoint", "dalil/checkpoint.txt", f"it is not of the log {key.name}")
    else:
        _check_log_signature(pkg, note, key, check)
    if checkpoint.extensions:
        report.notes.append("The checkpoint's extension lines are not checked.")
    _check_witnesses(pkg, note)


def _check_log_signature(pkg: _Package, note: Note, key: VerifierKey, check: Check) -> None:
    signed = signed_by(note, key)
    where = "dalil/checkpoint.txt"
    if signed is None:
        by = ", ".join(s.name for s in note.signatures)
        pkg.report.fail(
            "checkpoint", where, f"it is not signed by the log key the policy names (only by {by})"
        )
    elif not signed:
        pkg.report.fail(
            "checkpoint", where, "the log's signature does not verify: the checkpoint was altered"
        )
    else:
        assert pkg.checkpoint is not None
        check.details.append(
            f"log {key.name}, size {pkg.checkpoint.size}, root {pkg.checkpoint.root.hex()}"
        )
        check.details.append(f"log key fingerprint (SHA-256 of the key): {key.fingerprint}")


def _check_witnesses(pkg: _Package, note: Note) -> None:
    report, policy = pkg.report, pkg.policy
    check = report.start(
        "witnesses",
        "Witness cosignatures (C2SP tlog-cosignature): each by a witness the policy names, "
        "enough of them for the policy's quorum",
    )
    if policy is None:
        report.fail("witnesses", "the trust policy", "without a policy, no witness can be checked")
        return
    cosigned: list[str] = []
    for name, key in sorted(policy.witnesses.items()):
        signed = signed_by(note, key)
        if signed is False:
            report.fail(
                "witnesses",
                "dalil/checkpoint.txt",
                f"the cosignature of witness {name} does not verify: it or the checkpoint "
                "was altered",
            )
        elif signed:
            cosigned.append(name)
            check.details.append(f"{name} ({key.name}) cosigned at {_cosigned_at(note, key)}")
            check.details.append(f"  its key's fingerprint: {key.fingerprint}")
    known = [*policy.logs, *policy.witnesses.values()]
    for line in note.signatures:
        if not any(line.name == k.name and line.key_id == k.key_id for k in known):
            report.notes.append(
                f"A signature by {line.name}, a key the policy does not name, was ignored."
            )
    quorum = describe_quorum(policy)
    if quorum_met(policy, cosigned):
        check.details.append(f"quorum {quorum}: met")
    else:
        report.fail(
            "witnesses",
            "dalil/checkpoint.txt",
            f"the policy's quorum, {quorum}, is not met: valid cosignatures only from "
            f"{', '.join(cosigned) or 'no witness'}",
        )


def _cosigned_at(note: Note, key: VerifierKey) -> str:
    line = next(s for s in note.signatures if s.name == key.name and s.key_id == key.key_id)
    seconds = int.from_bytes(line.signature[:8], "big")
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"{seconds} seconds after 1970"


def _check_events_and_items(pkg: _Package) -> None:
    """Every disclosed event proven once, then each item in turn: its receipt's own proof,
    then its facts checked against its events. Events are located by their offset in
    data/events.jsonl and read back one item at a time, so only that index of offsets
    grows with the package, never the events themselves."""
    report = pkg.report
    events_check = report.start(
        "events",
        "Every custody event: its leaf hash (RFC 6962) and inclusion proof lead to the "
        "checkpoint's root, and each item's own proof carries that same checkpoint",
    )
    items_check = report.start(
        "items",
        "Every item: its bytes are the ones its receipts record, and each fact in its "
        "metadata is what the event it names says",
    )
    log = _EventLog(pkg)
    log.prove()
    accounted = {"data/items.csv", EVENTS, PROOFS}
    named: set[int] = set()
    for item in pkg.items:
        accounted.update((_normal(item.file), item.metadata, item.proof))
        named.update(item.events)
        events = log.events_of(item)
        _check_item_proof(pkg, item, log)
        _check_item(pkg, item, events)
    log.close()
    for seq in sorted(set(log.located) - named):
        report.fail("events", f"{EVENTS}, event {seq}", "no item of the index names it")
    for relative in sorted(set(pkg.bag.payload) - accounted):
        report.fail("items", relative, "it belongs to no item of the index")
    _check_items_csv(pkg)
    size = pkg.checkpoint.size if pkg.checkpoint else "?"
    events_check.details.append(f"{len(log.located)} events proven in the log of {size} entries")
    items_check.details.append(f"{len(pkg.items)} items")


class _EventLog:
    """data/events.jsonl and data/events.proofs: each line an event's exact logged bytes,
    each proof record (``index N``, the path's hashes, a blank line) the proof of the
    line in the same place."""

    def __init__(self, pkg: _Package) -> None:
        self.pkg = pkg
        self.located: dict[int, Tuple[int, int]] = {}  # proven: seq -> (offset, length)
        self.failed: set[int] = set()
        self._handle: Any = None
        self._recent: dict[int, Event] = {}

    def fail(self, where: str, message: str) -> None:
        self.pkg.report.fail("events", where, message)

    def _open(self, relative: str) -> Any:
        if relative not in self.pkg.bag.payload:
            if self.pkg.items:
                self.fail(relative, "the package has no such file: no event can be proven")
            return None
        path = _path_of(self.pkg, "events", relative)
        if path is None:
            return None
        try:
            return open(path, "rb")
        except OSError as exc:
            self.fail(relative, f"cannot be read: {_reason(exc)}")
            return None

    def prove(self) -> None:
        events = self._open(EVENTS)
        proofs = self._open(PROOFS) if events is not None else None
        if events is None or proofs is None:
            if events is not None:
                events.close()
            return
        with proofs:
            offset, line_number = 0, 0
            while True:
                line = events.readline(MAX_EVENT_BYTES + 1)
                if not line:
                    break
                line_number += 1
                where = f"{EVENTS}, line {line_number}"
                if not line.endswith(b"\n"):
                    self.fail(where, "it is too long for an event, or the file ends mid-line")
                    break
                try:
                    record = _proof_record(proofs)
                except VerifyError as exc:
                    self.fail(f"{PROOFS}, record {line_number}", str(exc))
                    break
                if record is None:
                    self.fail(where, f"{PROOFS} has no proof for it")
                    break
                self._prove(where, offset, line[:-1], *record)
                offset += len(line)
            try:
                if _proof_record(proofs) is not None:
                    self.fail(PROOFS, f"it holds more proofs than {EVENTS} has events")
            except VerifyError as exc:
                self.fail(PROOFS, str(exc))
        self._handle = events

    def _prove(self, where: str, offset: int, body: bytes, index: int, path: list[bytes]) -> None:
        checkpoint = self.pkg.checkpoint
        event = _parse_event(self.pkg, where, None, body)
        seq = index if event is None else event.seq
        if seq in self.located or seq in self.failed:
            self.fail(where, f"event {seq} appears twice")
            return
        self.failed.add(seq)
        if event is None:
            return
        if index != seq:
            self.fail(where, f"its proof is of log entry {index}, not {seq}: another's proof")
        elif checkpoint is None:
            self.fail(where, "there is no checkpoint to prove it against")
        elif not verify_inclusion(leaf_hash(body), seq, checkpoint.size, path, checkpoint.root):
            why = "the event or its proof was altered"
            self.fail(where, f"its inclusion proof does not lead to the checkpoint's root: {why}")
        else:
            self.failed.discard(seq)
            self.located[seq] = (offset, len(body))

    def body(self, seq: int) -> bytes:
        offset, length = self.located[seq]
        self._handle.seek(offset)
        data: bytes = self._handle.read(length)
        return data

    def events_of(self, item: Item) -> dict[int, Event]:
        """The item's proven events (one missing or unproven is a failure)."""
        found: dict[int, Event] = {}
        for seq in item.events:
            if seq in self.failed:
                continue  # already named where it failed
            if seq not in self.located:
                self.fail(item.metadata, f"its event {seq} is not in {EVENTS}")
                continue
            event = self._recent.get(seq)
            if event is None:
                event = _parse_event(self.pkg, f"{EVENTS}, event {seq}", seq, self.body(seq))
                if event is None:
                    continue
                if len(self._recent) >= 4096:  # shared events (a batch's) are read once
                    self._recent.clear()
                self._recent[seq] = event
            found[seq] = event
        return found

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _proof_record(handle: Any) -> Tuple[int, list[bytes]] | None:
    """The next record of data/events.proofs, None at its end."""
    first = handle.readline(64)
    if not first:
        return None
    if not first.startswith(b"index ") or not first.endswith(b"\n"):
        raise VerifyError("a proof record does not start with an index line")
    index = parse_decimal(_ascii(first[6:-1]), "a proof record's index")
    path: list[bytes] = []
    while True:
        line = handle.readline(128)
        if line == b"\n":
            return index, path
        if not line.endswith(b"\n"):
            raise VerifyError(f"the proof of entry {index} does not end with a blank line")
        path.append(_proof_hash(line[:-1], f"the proof of entry {index}"))
        if len(path) > MAX_PROOF_HASHES:
            raise VerifyError(f"the proof of entry {index} has too many hashes")


def _check_item_proof(pkg: _Package, item: Item, log: _EventLog) -> None:
    """The item's own .tlog-proof: a standard proof that the log holds its receipt."""
    data = _read(pkg, "events", item.proof, MAX_PROOF_BYTES)
    if data is None:
        return
    fail = pkg.report.fail
    try:
        proof = parse_tlog_proof(data)
    except VerifyError as exc:
        fail("events", item.proof, str(exc))
        return
    if proof.checkpoint != pkg.note_bytes:
        fail("events", item.proof, "it carries another checkpoint than dalil/checkpoint.txt")
    elif proof.index not in item.events:
        fail("events", item.proof, f"it proves log entry {proof.index}, not one of the item's")
    elif proof.index in log.located and pkg.checkpoint is not None:
        body = log.body(proof.index)
        event = _parse_event(pkg, item.proof, proof.index, body)
        if event is not None and event.type not in (RECEIVED, STORED):
            fail("events", item.proof, f"it proves event {proof.index}, which is no receipt")
        elif not verify_inclusion(
            leaf_hash(body), proof.index, pkg.checkpoint.size, proof.path, pkg.checkpoint.root
        ):
            fail("events", item.proof, "its inclusion proof does not lead to the checkpoint's root")


def _parse_event(pkg: _Package, where: str, seq: int | None, body: bytes) -> Event | None:
    """The custody event ``body``, if it is one (numbered ``seq``, when that is given)."""
    try:
        value = parse_json(body)
    except VerifyError as exc:
        pkg.report.fail("events", where, str(exc))
        return None
    if not (
        isinstance(value, dict)
        and set(value) == {"at", "data", "seq", "type"}
        and isinstance(value["at"], str)
        and isinstance(value["type"], str)
        and isinstance(value["data"], dict)
        and _is_int(value["seq"])
        and value["seq"] >= 0
        and value["seq"] == (value["seq"] if seq is None else seq)
    ):
        which = "a custody event" if seq is None else f"custody event {seq}"
        pkg.report.fail("events", where, f"it is not {which} (at, data, seq, type)")
        return None
    return Event(value["seq"], value["type"], value["at"], value["data"], body)


def _check_item(pkg: _Package, item: Item, events: dict[int, Event]) -> None:
    digests = pkg.bag.payload.get(_normal(item.file))
    if digests is None:
        pkg.report.fail("items", item.file, "the item's file is missing")
        return
    if digests["sha256"] != item.sha256:
        pkg.report.fail(
            "items", item.file, f"its SHA-256 is {digests['sha256']}, not the index's {item.sha256}"
        )
    metadata = _load(pkg, "items", item.metadata, MAX_METADATA_BYTES, canonical=True)
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        pkg.report.fail("items", item.metadata, "it is not a JSON object")
        return
    size = pkg.bag.sizes[_normal(item.file)]
    _Facts(pkg, item, events, digests, size).check(metadata)


_OWN = ("number", "sha256", "sha512", "size", "media_type", "receipts", "stored")


def _sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _reading_value(data: dict[str, Any], name: str) -> Any:
    reading = data.get("reading")
    number = reading.get(name) if isinstance(reading, dict) else None
    return number.get("value") if isinstance(number, dict) else number


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class _Facts:
    """The checks of one item's metadata (data/NUMBER.json) against the events its facts name."""

    def __init__(
        self,
        pkg: _Package,
        item: Item,
        events: dict[int, Event],
        digests: dict[str, str],
        size: int,
    ) -> None:
        self.pkg, self.item, self.events = pkg, item, events
        self.digests, self.size = digests, size
        self.received_in: set[Any] = set()
        self.unchecked: list[str] = []

    def fail(self, message: str) -> None:
        self.pkg.report.fail("items", self.item.metadata, message)

    def note(self, message: str) -> None:
        self.pkg.report.note_item(self.item.metadata, message)

    def check(self, metadata: dict[str, Any]) -> None:
        self._own(metadata)
        self._origin(metadata)
        sections: dict[str, Callable[[Any], object]] = {
            "batches": lambda v: self._in_batches(v, "batches", BATCH_OPENED),
            "claims": lambda v: self._in_batches(v, "claims", CLAIM),
            "described": self._described,
            "findings": lambda v: self.facts(v, "findings", FINDING),
            "flags": lambda v: self.facts(v, "flags", FLAG),
            "kind": lambda v: self.unchecked.append("kind"),
            "exif": lambda v: self.unchecked.append(
                "exif (the log holds only the hash of the facts it was read from)"
            ),
            "catalogue": self._catalogue,
            "identification": lambda v: self.walk(v, "identification"),
            "withheld": lambda v: self.note(f"withheld (as stated, not checkable): {_show(v)}"),
        }
        for key, value in sorted(metadata.items()):
            if key in sections:
                sections[key](value)
            elif key not in _OWN:
                self.note(f"the section {key!r} is one this checker does not know: not checked")
        if self.unchecked:
            self.note(f"values tied to no event, not checked: {', '.join(self.unchecked)}")

    def _own(self, metadata: dict[str, Any]) -> None:
        actual = {"number": self.item.number, "size": self.size, **self.digests}
        for key in ("number", "sha256", "sha512", "size"):
            if key not in metadata:
                if key != "sha512":  # the manifests check it; the metadata may omit it
                    self.fail(f"it does not give the item's {key}")
            elif canonical_json(metadata[key]) != canonical_json(actual[key]):
                shown, real = _show(metadata[key]), _show(actual[key])
                self.fail(f"it says the item's {key} is {shown}, but the file's is {real}")

    def _origin(self, metadata: dict[str, Any]) -> None:
        """The events that tie the bytes to the log: their receipts, or (for an object
        dalil made) the event that stored it; each must record the file's size and type."""
        events = self.facts(metadata.get("receipts", []), "receipts", RECEIVED)
        if "stored" in metadata:
            events += self.facts(metadata["stored"], "stored", STORED)
        if not events:
            self.fail("it names no file.received event: nothing ties the item's bytes to the log")
        for event in events:
            if event.type == RECEIVED:
                self.received_in.add(event.data.get("batch"))
            if event.data.get("size") != self.size:
                recorded = _show(event.data.get("size"))
                self.fail(
                    f"event {event.seq} records {recorded} bytes; the item's file has {self.size}"
                )
            media_type = event.data.get("media_type")
            if "media_type" in metadata and metadata["media_type"] != media_type:
                said = _show(metadata["media_type"])
                self.fail(
                    f"it says the media type is {said}, but event {event.seq} says "
                    f"{_show(media_type)}"
                )

    def facts(self, value: Any, where: str, kind: str) -> list[Event]:
        """Check a list of facts (or a single one) that must all name ``kind`` events."""
        value = _as_list(value)
        if not isinstance(value, list):
            self.fail(f"{where} is not a list of facts")
            return []
        found = [self.fact(f, f"{where}[{i}]", kind) for i, f in enumerate(value)]
        return [event for event in found if event is not None]

    def fact(
        self, fact: Any, where: str, kind: str | None, skip: Sequence[str] = ()
    ) -> Event | None:
        """Check one fact against the event it names; that event, if the package proves it.
        A fact whose event is null names an event the package withholds: it is noted."""
        if isinstance(fact, dict) and "event" in fact and fact["event"] is None:
            self.unchecked.append(f"{where} (its event is withheld)")
            return None
        if not isinstance(fact, dict) or not _is_int(fact.get("event")):
            self.fail(f"{where} does not name the event it comes from")
            return None
        seq = fact["event"]
        event = self.events.get(seq)
        if event is None:
            self.fail(f"{where} names event {seq}, which is not one of the item's proven events")
            return None
        if kind is not None and event.type != kind:
            self.fail(f"{where} names event {seq}, a {event.type} event, not a {kind} event")
            return None
        if event.type in _ABOUT_THE_FILE and event.data.get("sha256") != self.item.sha256:
            self.fail(f"{where} names event {seq}, which is about another file")
            return None
        for key, value in sorted(fact.items()):
            if key != "event" and key not in skip:
                self._value(where, key, value, event)
        return event

    def _value(self, where: str, key: str, value: Any, event: Event) -> None:
        name = key
        if key == "at" or (event.type, key) in _TIMES:
            expected: Any = event.at
        elif (event.type, key) in ((FINDING, "body"), (DESCRIBED, "facts")):
            expected, value = event.data.get(f"{key}_sha256"), _sha256_json(value)
            name = f"the SHA-256 of its {key}"
        elif key in event.data:
            expected = event.data[key]
        elif event.type == READ and key in _READ_NUMBERS:
            expected = _reading_value(event.data, key)
            name = f"the {key} number read"
        else:
            self.fail(f"{where}.{key} is not in event {event.seq}: nothing in the log backs it")
            return
        if canonical_json(value) != canonical_json(expected):
            self.fail(
                f"{where} says {name} is {_show(value)}, but event {event.seq} ({event.type}) "
                f"in the log says {_show(expected)}"
            )

    def _in_batches(self, value: Any, where: str, kind: str) -> None:
        for event in self.facts(value, where, kind):
            batch = event.data.get("batch")
            if batch not in self.received_in:
                self.fail(
                    f"{where}: event {event.seq} is of batch {_show(batch)}, in which this "
                    "item was not received"
                )

    def _described(self, value: Any) -> None:
        value = _as_list(value)
        if not isinstance(value, list):
            self.fail("described is not a list of facts")
            return
        for i, fact in enumerate(value):
            where = f"described[{i}]"
            if self.fact(fact, where, DESCRIBED, skip=("exif",)) is not None and "exif" in fact:
                self._exif(fact["exif"], fact.get("facts"), where)

    def _exif(self, exif: Any, facts: Any, where: str) -> None:
        """The EXIF summary is checked against the facts it was read from, when given."""
        if not isinstance(facts, dict) or not isinstance(exif, dict):
            self.unchecked.append(f"{where}.exif (only the hash of its source is logged)")
            return
        for key, value in sorted(exif.items()):
            if key not in facts:
                self.unchecked.append(f"{where}.exif.{key}")
            elif canonical_json(value) != canonical_json(facts[key]):
                self.fail(
                    f"{where}.exif.{key} is {_show(value)}, but the facts it was read from "
                    f"say {_show(facts[key])}"
                )

    def _catalogue(self, value: Any) -> None:
        if not isinstance(value, dict):
            self.walk(value, "catalogue")
            return
        for key, part in sorted(value.items()):
            kind = {"readings": READ, "confirmations": CONFIRMED}.get(key)
            if kind is None:
                self.walk(part, f"catalogue.{key}")
            else:
                self.facts(part, f"catalogue.{key}", kind)

    def walk(self, value: Any, where: str) -> None:
        """Check every fact found inside ``value``; note the values tied to no event."""
        if isinstance(value, dict) and "event" in value:
            self.fact(value, where, None)
        elif isinstance(value, dict):
            for key, part in sorted(value.items()):
                self.walk(part, f"{where}.{key}")
        elif isinstance(value, list):
            for i, part in enumerate(value):
                self.walk(part, f"{where}[{i}]")
        else:
            self.unchecked.append(where)


def _check_items_csv(pkg: _Package) -> None:
    data = pkg.bag.payload.get("data/items.csv")
    if data is None:
        pkg.report.notes.append("The package has no data/items.csv.")
        return
    text = _read(pkg, "items", "data/items.csv", MAX_INDEX_BYTES)
    if text is None:
        return
    try:
        rows = list(csv.DictReader(io.StringIO(text.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        pkg.report.fail("items", "data/items.csv", f"it is not a CSV table ({exc})")
        return
    index = {item.number: item.sha256 for item in pkg.items}
    stated = {row.get("number"): row.get("sha256") for row in rows}
    if set(stated) != set(index) or len(rows) != len(index):
        pkg.report.fail("items", "data/items.csv", "its items are not the index's, one line each")
    elif rows and "sha256" in rows[0] and stated != index:
        pkg.report.fail("items", "data/items.csv", "its SHA-256 hashes are not the index's")
    others = sorted(set(rows[0]) - {"number", "sha256"}) if rows else []
    if others:
        pkg.report.notes.append(
            f"data/items.csv restates {', '.join(others)}: read them in each item's NUMBER.json, "
            "where they are checked."
        )


def _check_earlier(pkg: _Package) -> None:
    check = pkg.report.start(
        "earlier",
        "Earlier checkpoints (dalil/earlier/): signed by the log, and the log only grew "
        "since each (RFC 6962 consistency proofs)",
    )
    entries = pkg.index.get("earlier", [])
    if not isinstance(entries, list):
        pkg.report.fail("earlier", "dalil/package.json", "its earlier checkpoints are not a list")
        return
    listed: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("checkpoint", "consistency")
        ):
            pkg.report.fail("earlier", f"dalil/package.json, earlier {number}", "it is malformed")
            continue
        listed.update((_normal(entry["checkpoint"]), _normal(entry["consistency"])))
        line = _check_one_earlier(pkg, entry)
        if line is not None:
            check.details.append(line)
    if not entries:
        check.details.append("none (the package says it is the first to this recipient)")
    extra = sorted(
        p for p in pkg.bag.tag_files if p.startswith("dalil/earlier/") and p not in listed
    )
    for relative in extra:
        pkg.report.notes.append(f"{relative} is not listed in the index and was not checked.")


def _check_one_earlier(pkg: _Package, entry: dict[str, Any]) -> str | None:
    where, fail = entry["checkpoint"], pkg.report.fail
    if not _normal(where).startswith("dalil/earlier/"):
        fail("earlier", where, "an earlier checkpoint must be in dalil/earlier/")
        return None
    note_data = _read(pkg, "earlier", where, MAX_NOTE_BYTES)
    proof_data = _read(pkg, "earlier", entry["consistency"], MAX_PROOF_BYTES)
    current, key = pkg.checkpoint, pkg.log_key
    if note_data is None or proof_data is None or current is None or key is None:
        return None
    try:
        note = parse_note(note_data)
        old = parse_checkpoint(note.text)
        proof = parse_hash_lines(proof_data)
    except VerifyError as exc:
        fail("earlier", where, str(exc))
        return None
    if signed_by(note, key) is not True:
        fail("earlier", where, "it is not signed by the log key the policy names")
    elif old.origin != current.origin or entry.get("size") != old.size:
        fail("earlier", where, "it is not the checkpoint of this log at the size the index gives")
    elif not verify_consistency(old.size, current.size, old.root, current.root, proof):
        fail(
            "earlier",
            where,
            f"the log of size {current.size} does not extend this one (its consistency "
            "proof fails): the log was rewritten, or the proof altered",
        )
    else:
        return f"size {old.size}, root {old.root.hex()}: the log only grew since"
    return None


# --- The command -------------------------------------------------------------------------------


def _write(text: str) -> None:
    """Print even where the console cannot show every character (a Windows code page)."""
    stream = sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "replace").decode(encoding))
    stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """``python3 verify.py [PACKAGE] [--policy FILE]``: 0 if every check holds, else 1."""
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description="Check a dalil court package offline, with Python's standard library only.",
    )
    parser.add_argument(
        "package",
        nargs="?",
        default=os.path.dirname(os.path.abspath(__file__)),
        help="the package's folder (default: the folder this file is in)",
    )
    parser.add_argument(
        "--policy",
        help="a trust policy (C2SP tlog-policy) obtained independently: the archive's log key "
        "and its witnesses; used instead of the package's own dalil/policy.txt",
    )
    args = parser.parse_args(argv)
    trusted = None
    if args.policy is not None:
        try:
            trusted = _read_limited(args.policy, MAX_POLICY_BYTES)
        except (OSError, VerifyError) as exc:
            _write(f"verify.py: the policy {args.policy} cannot be read: {_reason(exc)}\n")
            return 2
    report = check_package(args.package, trusted)
    _write(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
