"""Minimal court packages built with dalil's own code, for checking the standalone verifier.

The events are dalil's (``custody.encode_event``), the proofs its Merkle tree's, the
checkpoint signed by its ``Signer``; the bag is written by bagit-python; witness
cosignatures are made here from tlog-cosignature with ``cryptography``. None of it shares
code with ``dalil.export.verifier``, so the two check each other.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dalil import canonical
from dalil.export import verifier
from dalil.vault import merkle
from dalil.vault.custody import encode_event
from dalil.vault.note import Checkpoint, Signer, sign_checkpoint

ORIGIN = "dalil.archive/test-log"
PREFIX = "ICC-2026"
COSIGNED_AT = 1767225600  # 2026-01-01T00:00:00Z
AT = "2026-01-0{}T10:00:00Z"


def seeded_key(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())


def public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def witness_key_id(name: str, key: Ed25519PrivateKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n\x04" + public(key)).digest()[:4]


def witness_vkey(name: str, key: Ed25519PrivateKey) -> str:
    blob = base64.b64encode(b"\x04" + public(key)).decode()
    return f"{name}+{witness_key_id(name, key).hex()}+{blob}"


def cosign(note: str, name: str, key: Ed25519PrivateKey, timestamp: int = COSIGNED_AT) -> str:
    """Append a tlog-cosignature/v1 (Ed25519, type 0x04) line to a signed checkpoint."""
    text = note[: note.rindex("\n\n") + 1]
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    signature = timestamp.to_bytes(8, "big") + key.sign(message)
    blob = base64.b64encode(witness_key_id(name, key) + signature).decode()
    return f"{note}\u2014 {name} {blob}\n"


def tlog_proof(index: int, path: list[bytes], note: str) -> bytes:
    hashes = "".join(base64.b64encode(h).decode() + "\n" for h in path)
    return f"c2sp.org/tlog-proof@v1\nindex {index}\n{hashes}\n{note}".encode()


@dataclass
class Witness:
    name: str  # the policy's name for it
    key_name: str  # its note key name
    key: Ed25519PrivateKey


@dataclass
class Built:
    root: Path
    signer: Signer
    witnesses: list[Witness]
    events: list[bytes]
    numbers: list[str]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def file(self, n: int) -> Path:
        return self.root / "data" / f"{self.numbers[n]}.jpg"

    def metadata(self, n: int) -> Path:
        return self.root / "data" / f"{self.numbers[n]}.json"

    def proof(self, n: int) -> Path:
        return self.root / "data" / f"{self.numbers[n]}.tlog-proof"

    @property
    def events_file(self) -> Path:
        return self.root / "data" / "events.jsonl"

    @property
    def proofs_file(self) -> Path:
        return self.root / "data" / "events.proofs"


def photo(n: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + bytes(range(256)) * (3 + n) + f"synthetic {n}".encode()


def _events(photos: list[bytes]) -> list[tuple[str, dict[str, Any]]]:
    """A small log: a batch, a claim, receipts, a description, a finding, a confirmation."""
    a, b = (hashlib.sha256(p).hexdigest() for p in photos)
    facts = {"make": "SynthCam", "model": "S1", "width": 64, "height": 48}
    body = {
        "sha256": a,
        "check": "ela",
        "verdict": "consistent",
        "tool_version": "0.2.0",
        "parameters": {"quality": 90},
        "error_rate": "0.031",
    }
    reading = {
        "detainee": {"value": "1234", "bp": 9500},
        "branch": {"value": "215", "bp": 9000},
        "report": {"value": None, "bp": 0},
        "script": "latin",
    }
    received = {
        "batch": 1,
        "kind": "file",
        "mtime": None,
        "container": None,
        "depth": 0,
        "path_raw": None,
        "media_type": "image/jpeg",
        "new_object": True,
    }
    return [
        ("archive.created", {"archive_id": "t", "origin": ORIGIN, "verifier_key": "k"}),
        (
            "batch.opened",
            {
                "batch": 1,
                "collection": "Caesar",
                "custodian": "SACD",
                "host": "h",
                "operator": "op",
                "tool": "dalil 0.2.0",
                "source_note": "",
                "sources": [],
                "sources_key": "s",
            },
        ),
        (
            "claim.recorded",
            {
                "batch": 1,
                "holder": "SACD",
                "held_from": "2014",
                "held_until": None,
                "transfer": "hand",
                "attested_by": "x",
                "confidence": "stated",
                "note": "",
                "recorded_by": "op",
            },
        ),
        ("file.received", {**received, "path": "a/one.jpg", "size": len(photos[0]), "sha256": a}),
        ("file.received", {**received, "path": "a/two.jpg", "size": len(photos[1]), "sha256": b}),
        ("object.described", {"sha256": a, "facts_sha256": _sha(facts), "thumbnail": None}),
        (
            "authenticity.finding",
            {"sha256": a, "check": "ela", "verdict": "consistent", "body_sha256": _sha(body)},
        ),
        (
            "catalogue.confirmed",
            {
                "case": 7,
                "field": "detainee",
                "value": "1234",
                "entries": [1, 2],
                "reviewers": ["r1", "r2"],
            },
        ),
        ("flag.raised", {"sha256": b, "code": "near-duplicate", "severity": "info"}),
        ("batch.closed", {"batch": 1, "counts": {}}),
        ("archive.opened", {"batch": 1, "original": None, "outcome": "ok", "members": 0}),
        ("catalogue.read", {"sha256": a, "reader": "ocr-1", "reading": reading}),
        ("catalogue.case", {"case": "C-7", "category": "detainee", "photos": [a, b]}),
    ]


def _sha(value: Any) -> str:
    return hashlib.sha256(canonical.dumps(value)).hexdigest()


def _metadata(number: str, content: bytes, events: list[bytes], own: list[int]) -> bytes:
    def data(seq: int) -> dict[str, Any]:
        return canonical.loads(events[seq])["data"]  # type: ignore[no-any-return]

    def at(seq: int) -> str:
        return canonical.loads(events[seq])["at"]  # type: ignore[no-any-return]

    receipt = own[0]
    d = data(receipt)
    meta: dict[str, Any] = {
        "number": number,
        "sha256": hashlib.sha256(content).hexdigest(),
        "sha512": hashlib.sha512(content).hexdigest(),
        "size": len(content),
        "media_type": "image/jpeg",
        "receipts": [
            {
                "event": receipt,
                "path": d["path"],
                "batch": 1,
                "received_at": at(receipt),
                "size": d["size"],
                "sha256": d["sha256"],
            }
        ],
        "batches": [
            {
                "event": 1,
                "batch": 1,
                "collection": "Caesar",
                "custodian": "SACD",
                "opened_at": at(1),
            }
        ],
        "claims": [{"event": 2, "holder": "SACD", "held_from": "2014", "transfer": "hand"}],
        "withheld": {"near_duplicates": 1},
    }
    if 5 in own:
        facts = {"make": "SynthCam", "model": "S1", "width": 64, "height": 48}
        meta["described"] = {
            "event": 5,
            "facts_sha256": data(5)["facts_sha256"],
            "facts": facts,
            "exif": {"make": "SynthCam", "model": "S1"},
        }
        body = {
            "sha256": meta["sha256"],
            "check": "ela",
            "verdict": "consistent",
            "tool_version": "0.2.0",
            "parameters": {"quality": 90},
            "error_rate": "0.031",
        }
        meta["findings"] = [{"event": 6, "body": body}]
        meta["kind"] = "original"
        meta["catalogue"] = {
            "readings": [
                {
                    "event": 11,
                    "reader": "ocr-1",
                    "detainee": "1234",
                    "branch": "215",
                    "report": None,
                }
            ],
            # The case's event names a photo not disclosed here: it is withheld.
            "case": {"case": "C-7", "category": "detainee", "event": None},
            "confirmations": [
                {"event": 7, "field": "detainee", "value": "1234", "reviewers": ["r1", "r2"]}
            ],
        }
    if 8 in own:
        meta["flags"] = [{"event": 8, "code": "near-duplicate", "severity": "info"}]
    return canonical.dumps(meta)


def build_package(
    root: Path,
    *,
    signer: Signer | None = None,
    witnesses: int = 2,
    cosigners: int | None = None,
    quorum: str = "all",
    earlier: tuple[int, ...] = (4,),
) -> Built:
    """A valid package of two items at ``root``: a log of 13 events, two witnesses."""
    signer = signer or Signer(ORIGIN, seeded_key("log"))
    wits = [
        Witness(f"w{i}", f"witness{i}.example/w", seeded_key(f"w{i}"))
        for i in range(1, witnesses + 1)
    ]
    photos = [photo(0), photo(1)]
    events = [
        encode_event(seq, type_, AT.format(1 + seq % 9), data)
        for seq, (type_, data) in enumerate(_events(photos))
    ]
    leaves = [merkle.leaf_hash(e) for e in events]
    tree = merkle.MerkleTree(leaves)
    size = len(events)
    note = sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), signer)
    for w in wits[: len(wits) if cosigners is None else cosigners]:
        note = cosign(note, w.key_name, w.key)
    numbers = [f"{PREFIX}-{n:06d}" for n in (1, 2)]
    owned = {numbers[0]: [3, 1, 2, 5, 6, 7, 11], numbers[1]: [4, 1, 2, 8]}
    root.mkdir(parents=True)
    items = []
    written: list[int] = []  # each event once, in the order the items first name it
    proof_records = []
    for number, content in zip(numbers, photos, strict=True):
        own = owned[number]
        (root / f"{number}.jpg").write_bytes(content)
        (root / f"{number}.json").write_bytes(_metadata(number, content, events, own))
        receipt = own[0]
        proof = tree.inclusion_proof(receipt, size)
        (root / f"{number}.tlog-proof").write_bytes(tlog_proof(receipt, proof, note))
        for seq in own:
            if seq not in written:
                written.append(seq)
                hashes = "".join(
                    base64.b64encode(h).decode() + "\n" for h in tree.inclusion_proof(seq, size)
                )
                proof_records.append(f"index {seq}\n{hashes}\n")
        items.append(
            {
                "number": number,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file": f"data/{number}.jpg",
                "metadata": f"data/{number}.json",
                "proof": f"data/{number}.tlog-proof",
                "events": sorted(own),
            }
        )
    (root / "events.jsonl").write_bytes(b"".join(events[seq] + b"\n" for seq in written))
    (root / "events.proofs").write_text("".join(proof_records))
    rows = "".join(f"{i['number']},{i['sha256']}\n" for i in items)
    (root / "items.csv").write_text("number,sha256\n" + rows)
    bag_info = {
        "Source-Organization": "Test Archive",
        "Contact-Name": "Custodian",
        "External-Identifier": f"{PREFIX}-D1",
        "Bag-Count": "1 of 1",
        "Internal-Sender-Description": "test disclosure",
        "BagIt-Profile-Identifier": "https://dalil.example/profile/court-package/1",
        "Disclosure-Recipient": "Test Court",
    }
    bagit.make_bag(str(root), bag_info, checksums=["sha256", "sha512"])
    # bagit-python writes version 0.97; the bag it makes is also a valid 1.0 bag.
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    dalil = root / "dalil"
    (dalil / "earlier").mkdir(parents=True)
    (dalil / "checkpoint.txt").write_text(note)
    policy = [f"log {signer.verifier}"]
    policy += [f"witness {w.name} {witness_vkey(w.key_name, w.key)}" for w in wits]
    if wits:
        policy.append(f"group witnesses {quorum} {' '.join(w.name for w in wits)}")
    policy.append("quorum witnesses" if wits else "quorum none")
    (dalil / "policy.txt").write_text("# test policy\n" + "\n".join(policy) + "\n")
    (dalil / "profile.json").write_text('{"BagIt-Profile-Info": {}}\n')
    earlier_entries = []
    for old in earlier:
        old_note = sign_checkpoint(Checkpoint(ORIGIN, old, tree.root(old)), signer)
        proof = tree.consistency_proof(old, size)
        (dalil / "earlier" / f"{old}.checkpoint.txt").write_text(old_note)
        lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
        (dalil / "earlier" / f"{old}.consistency.txt").write_text(lines)
        earlier_entries.append(
            {
                "size": old,
                "checkpoint": f"dalil/earlier/{old}.checkpoint.txt",
                "consistency": f"dalil/earlier/{old}.consistency.txt",
            }
        )
    index = {
        "format": "dalil-court-package/1",
        "disclosure": f"{PREFIX}-D1",
        "recipient": "Test Court",
        "purpose": "test disclosure",
        "log": {"origin": ORIGIN, "verifier_key": str(signer.verifier)},
        "checkpoint": {"size": size, "root": tree.root(size).hex()},
        "items": items,
        "earlier": earlier_entries,
    }
    (dalil / "package.json").write_bytes(canonical.dumps(index))
    shutil.copyfile(verifier.__file__, root / "verify.py")
    (root / "README.txt").write_text("Run: python3 verify.py\n")
    rebag(root, manifests=False)
    return Built(root, signer, wits, events, numbers, note)


def rebag(root: Path, manifests: bool = True) -> None:
    """Rewrite the bag's manifests (and Payload-Oxum) as someone altering it would."""
    bagit.Bag(str(root)).save(manifests=manifests)
