"""Proof bundles: an event, its inclusion proof and the signed checkpoint it checks against.

A bundle is plain JSON that a third party can check with nothing but the archive's
verifier key: recompute the leaf from the event bytes, walk the audit path to a root,
compare with the root in the signed checkpoint, check the signature.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection, select

from dalil import lookup
from dalil.db import schema
from dalil.errors import CheckpointError, InputError, NotFound, ProofError
from dalil.vault import checkpoints, custody, merkle
from dalil.vault.note import Signer, VerifierKey, open_checkpoint


def resolve_item(conn: Connection, item: str) -> int:
    """The event number for an item: an event number (``#N``, or ``N`` of fewer than 8
    digits), or an object's SHA-256, whole or a unique prefix of at least 8 hex digits
    (as `dalil files` prints them)."""
    text = item.strip()
    number = text.removeprefix("#")
    if number.isdigit() and (text.startswith("#") or len(text) < lookup.MIN_PREFIX):
        try:
            return custody.require_seq(conn, int(number))
        except NotFound as exc:
            if text.startswith("#"):
                raise
            raise NotFound(
                f"{exc}; an object's SHA-256 prefix needs at least {lookup.MIN_PREFIX} digits",
                text,
            ) from None
    if not lookup.is_hex(text.lower()):
        raise ProofError(f"{item!r} is neither an event number nor an object's SHA-256")
    sha = lookup.resolve_sha256(conn, text)
    seq = conn.execute(
        select(schema.objects.c.first_seq).where(schema.objects.c.sha256 == sha)
    ).scalar_one()
    return int(seq)


def _covering_checkpoint(
    conn: Connection, seq: int, signer: Signer | None
) -> checkpoints.StoredCheckpoint:
    for stored in reversed(checkpoints.all_checkpoints(conn)):
        if stored.size > seq:
            return stored
    if signer is None:
        raise ProofError(f"no signed checkpoint covers event #{seq} yet")
    return checkpoints.sign_head(conn, signer)


def inclusion_bundle(conn: Connection, seq: int, signer: Signer | None) -> dict[str, Any]:
    event = custody.get_event(conn, seq)
    stored = _covering_checkpoint(conn, seq, signer)
    tree = custody.leaves(conn, stored.size)
    proof = merkle.inclusion_proof(tree, seq, stored.size)
    return {
        "kind": "dalil.inclusion-proof/1",
        "event": event.body.decode("utf-8"),
        "index": seq,
        "tree_size": stored.size,
        "leaf_hash": event.leaf.hex(),
        "proof": [p.hex() for p in proof],
        "checkpoint": stored.note,
    }


def consistency_bundle(
    conn: Connection, old_size: int, new_size: int | None, signer: Signer | None
) -> dict[str, Any]:
    size = custody.log_size(conn)
    new_size = size if new_size is None else new_size
    if not 0 <= old_size <= new_size <= size:
        raise ProofError(
            f"no consistency proof from size {old_size} to {new_size}: sizes must satisfy "
            f"0 <= old <= new <= {size}, the log's size now"
        )
    tree = custody.leaves(conn, new_size)
    proof = merkle.consistency_proof(tree, old_size, new_size)
    notes = {c.size: c.note for c in checkpoints.all_checkpoints(conn)}
    if new_size == size and new_size not in notes and signer is not None:
        notes[new_size] = checkpoints.sign_head(conn, signer).note
    return {
        "kind": "dalil.consistency-proof/1",
        "old_size": old_size,
        "new_size": new_size,
        "old_root": merkle.root(tree[:old_size]).hex(),
        "new_root": merkle.root(tree).hex(),
        "proof": [p.hex() for p in proof],
        "old_checkpoint": notes.get(old_size),
        "new_checkpoint": notes.get(new_size),
    }


def _hashes(values: Any) -> list[bytes]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProofError("the proof must be a list of hex strings")
    try:
        return [bytes.fromhex(v) for v in values]
    except ValueError as exc:
        raise ProofError(f"the proof holds something that is not hex: {exc}") from exc


def check_inclusion_bundle(bundle: dict[str, Any], verifier: VerifierKey) -> str:
    """Check a bundle; returns a one-line account, raises ProofError/CheckpointError."""
    checkpoint = open_checkpoint(str(bundle.get("checkpoint", "")), verifier)
    event = str(bundle.get("event", "")).encode("utf-8")
    index, size = bundle.get("index"), bundle.get("tree_size")
    if not isinstance(index, int) or size != checkpoint.size:
        raise ProofError("the bundle's tree size is not the size its checkpoint signs")
    leaf = merkle.leaf_hash(event)
    if not merkle.verify_inclusion(
        leaf, index, checkpoint.size, _hashes(bundle.get("proof")), checkpoint.root
    ):
        raise ProofError(f"the event is NOT proven to be entry {index} of the signed log")
    root_b64 = base64.b64encode(checkpoint.root).decode()
    return f"event #{index} is in the log of size {checkpoint.size} with root {root_b64}"


def check_consistency_bundle(bundle: dict[str, Any], verifier: VerifierKey) -> str:
    old_size, new_size = bundle.get("old_size"), bundle.get("new_size")
    if not isinstance(old_size, int) or not isinstance(new_size, int):
        raise ProofError("the bundle has no sizes")
    roots = {}
    for label, size in (("old", old_size), ("new", new_size)):
        note = bundle.get(f"{label}_checkpoint")
        if note is None:
            roots[label] = bytes.fromhex(str(bundle.get(f"{label}_root", "")))
            continue
        checkpoint = open_checkpoint(str(note), verifier)
        if checkpoint.size != size:
            raise CheckpointError(f"the {label} checkpoint is not of size {size}")
        roots[label] = checkpoint.root
    if not merkle.verify_consistency(
        old_size, new_size, roots["old"], roots["new"], _hashes(bundle.get("proof"))
    ):
        raise ProofError(f"the log of size {old_size} is NOT proven a prefix of size {new_size}")
    signed = bundle.get("old_checkpoint") is not None and bundle.get("new_checkpoint") is not None
    tail = "both roots signed" if signed else "at least one root unsigned: check it yourself"
    return f"the log of size {old_size} is a prefix of the log of size {new_size} ({tail})"


def check_bundle(bundle: Any, verifier: VerifierKey, name: str = "the bundle") -> str:
    """Check an inclusion or a consistency bundle, whichever it is; returns a one-line
    account, raises ProofError/CheckpointError, or InputError if it is no proof bundle."""
    kind = bundle.get("kind") if isinstance(bundle, dict) else None
    if kind == "dalil.inclusion-proof/1":
        return check_inclusion_bundle(bundle, verifier)
    if kind == "dalil.consistency-proof/1":
        return check_consistency_bundle(bundle, verifier)
    raise InputError(f"{name} is not a dalil proof bundle")
