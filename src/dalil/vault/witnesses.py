"""The archive's side of witnessing: known witnesses, requests to them, their cosignatures.

A custodian registers a witness by its key (``witness.added``); asks it to cosign the
latest checkpoint with a request file that carries the consistency proof from the last
checkpoint that witness cosigned; and files the answer back. The cosigned checkpoint
is kept beside the others (a signed note is its own proof) and the filing is logged
(``checkpoint.cosigned``). Verify checks every cosignature against the known keys and
reports which checkpoints are witnessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from dalil import lookup
from dalil.clock import utc_now
from dalil.db import schema
from dalil.errors import CheckpointError, InputError
from dalil.vault import checkpoints, custody, merkle
from dalil.vault.archive import Archive, operator
from dalil.vault.cosignature import WitnessKey, add_lines, split_note, verify_cosignatures
from dalil.vault.note import open_checkpoint
from dalil.vault.replay import COSIGNED, VAULT, WITNESS_ADDED
from dalil.vault.witness_request import Request
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Witnessed:
    size: int
    root: str
    witnesses: tuple[str, ...]


def known(conn: Connection) -> list[WitnessKey]:
    rows = conn.execute(select(schema.witnesses).order_by(schema.witnesses.c.name))
    return [WitnessKey.parse(row.witness_key) for row in rows]


def add(archive: Archive, key_text: str) -> WitnessKey:
    """Register a witness by its key (``name+id+key``, signature type 0x04)."""
    key = WitnessKey.parse(key_text)
    with archive.write() as conn:
        if any(w.name == key.name for w in known(conn)):
            raise InputError(f"a witness named {key.name!r} is already registered")
        data = {"name": key.name, "witness_key": str(key), "operator": operator()}
        with Writer(conn, VAULT) as writer:
            writer.record(WITNESS_ADDED, data)
    return key


def _witness(conn: Connection, name: str) -> WitnessKey:
    registered = {w.name: w for w in known(conn)}
    return registered[lookup.choose("witness named", name, registered, "dalil witnesses list")]


def last_cosigned(conn: Connection, witness: WitnessKey) -> checkpoints.StoredCheckpoint | None:
    """The largest checkpoint this witness cosigned, among those filed in the archive."""
    best = None
    for stored in checkpoints.all_checkpoints(conn):
        if verify_cosignatures(stored.note, [witness]) and (
            best is None or stored.size > best.size
        ):
            best = stored
    return best


def request(archive: Archive, name: str) -> Request:
    """What to send the witness: the latest checkpoint and the proof from its last one."""
    with archive.write() as conn:
        witness = _witness(conn, name)
        latest = checkpoints.latest(conn)
        if latest is None or latest.size != custody.log_size(conn):
            latest = checkpoints.sign_head(conn, archive.signer())
        before = last_cosigned(conn, witness)
        old = 0 if before is None else before.size
        proof: list[bytes] = []
        if 0 < old < latest.size:
            proof = merkle.consistency_proof(custody.leaves(conn, latest.size), old, latest.size)
    # The witness is sent the archive's signature only: other witnesses' are its own business.
    body, lines = split_note(latest.note)
    own = [line for line in lines if line.split(" ")[1] == archive.verifier.name]
    return Request(old, tuple(proof), body + "\n" + "\n".join(own) + "\n")


def accept(archive: Archive, name: str, answer: str, asked: Request) -> Witnessed:
    """File a witness's cosignature (its answer to ``asked``); refuses one that fails."""
    with archive.write() as conn:
        witness = _witness(conn, name)
        note = add_lines(asked.checkpoint, [ln for ln in answer.splitlines() if ln.strip()])
        checkpoint = open_checkpoint(note, archive.verifier)
        cosigned = verify_cosignatures(note, [witness])
        if not cosigned:
            raise CheckpointError(f"the answer holds no cosignature by {name}")
        conn.execute(
            schema.checkpoints.insert().values(
                size=checkpoint.size, root=checkpoint.root.hex(), note=note, created_at=utc_now()
            )
        )
        data = {"size": checkpoint.size, "root": checkpoint.root.hex(), "witness": name,
                "timestamp": cosigned[0].timestamp, "operator": operator()}  # fmt: skip
        with Writer(conn, VAULT) as writer:
            writer.record(COSIGNED, data)
    return Witnessed(checkpoint.size, checkpoint.root.hex(), (name,))


def witnessed(conn: Connection) -> list[Witnessed]:
    """Every filed checkpoint that carries cosignatures, with its witnesses."""
    witnesses = known(conn)
    found = []
    for stored in checkpoints.all_checkpoints(conn):
        names = tuple(c.witness for c in verify_cosignatures(stored.note, witnesses))
        if names:
            found.append(Witnessed(stored.size, stored.root, names))
    return found
