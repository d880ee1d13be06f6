"""The vault's own replay rules: the rows of batches, files, objects, flags and facts.

Each function takes an event and returns the changes it implies; ``writer.Writer``
carries them out when the event is written and ``verify`` replays them to name any row
that differs. The log tables themselves (events, head, checkpoints) are checked by
verify's log check, not replayed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dalil import canonical
from dalil.db import schema
from dalil.vault.changes import Change, Digest, Insert, Update, insert
from dalil.vault.custody import Event
from dalil.vault.entries import path_key
from dalil.vault.facts import facts_columns
from dalil.vault.rules import Capability, TableRule

ARCHIVE_CREATED = "archive.created"
BATCH_OPENED = "batch.opened"
BATCH_CLOSED = "batch.closed"
CLAIM = "claim.recorded"
RECEIVED = "file.received"
DESCRIBED = "object.described"
FLAG = "flag.raised"
OPENED = "archive.opened"
STORED = "object.stored"
WITNESS_ADDED = "witness.added"
COSIGNED = "checkpoint.cosigned"
THUMBNAIL = "thumbnail-256"


def tool_version(tool: str) -> str:
    return tool.removeprefix("dalil ")


def raw_path(path: str, path_raw: str | None) -> bytes:
    return bytes.fromhex(path_raw) if path_raw is not None else path.encode("utf-8")


def _created(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        schema.meta,
        {"key": "archive_id", "value": d["archive_id"]},
        {"key": "origin", "value": d["origin"]},
        {"key": "verifier_key", "value": d["verifier_key"]},
    )


def _batch_opened(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        schema.batches,
        {
            "id": d["batch"],
            "collection": d["collection"],
            "custodian": d["custodian"],
            "host": d["host"],
            "operator": d["operator"],
            "tool_version": tool_version(d["tool"]),
            "source_note": d["source_note"],
            "sources": canonical.dumps(d["sources"]).decode(),
            "sources_key": d["sources_key"],
            "status": "open",
            "opened_at": event.at,
            "opened_seq": event.seq,
            "closed_at": None,
            "closed_seq": None,
        },
    )


def _batch_closed(event: Event) -> Iterator[Change]:
    values = {"status": "closed", "closed_at": event.at, "closed_seq": event.seq}
    yield Update(schema.batches, {"id": event.data["batch"]}, values)


CLAIM_FIELDS = ("holder", "held_from", "held_until", "transfer", "attested_by", "confidence")


def _claim(event: Event) -> Iterator[Change]:
    d = event.data
    row = {"seq": event.seq, "batch_id": d["batch"], **{f: d[f] for f in CLAIM_FIELDS}}
    yield insert(schema.custody_claims, {**row, "note": d["note"], "recorded_by": d["recorded_by"]})


def _received(event: Event) -> Iterator[Change]:
    d = event.data
    if d["new_object"]:
        yield insert(
            schema.objects,
            {
                "sha256": d["sha256"],
                "size": d["size"],
                "kind": "original",
                "media_type": d["media_type"],
                "derived_from": None,
                "derivation": None,
                "first_seq": event.seq,
            },
        )
    yield insert(
        schema.originals,
        {
            "seq": event.seq,
            "batch_id": d["batch"],
            "path": d["path"],
            "path_raw": d["path_raw"],
            # Events before v2 name no position: every path of theirs was unique.
            "path_key": path_key(
                raw_path(d["path"], d["path_raw"]), d.get("ordinal"), d.get("same_name_as")
            ),
            "entry_kind": d["kind"],
            "size": d["size"],
            "mtime": d["mtime"],
            "container_sha256": d["container"],
            "depth": d["depth"],
            "object_sha256": d["sha256"],
        },
    )


def _described(event: Event) -> Iterator[Change]:
    d = event.data
    thumbnail = d["thumbnail"]
    if thumbnail is not None and thumbnail["new"]:
        yield insert(
            schema.objects,
            {
                "sha256": thumbnail["sha256"],
                "size": thumbnail["size"],
                "kind": "derived",
                "media_type": "image/jpeg",
                "derived_from": d["sha256"],
                "derivation": THUMBNAIL,
                "first_seq": event.seq,
            },
        )
    yield insert(
        schema.image_facts,
        {
            "sha256": d["sha256"],
            "seq": event.seq,
            "facts": Digest(d["facts_sha256"]),
            "facts_sha256": d["facts_sha256"],
            "thumbnail_sha256": None if thumbnail is None else thumbnail["sha256"],
        },
    )


def _flag(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        schema.flags,
        {
            "seq": event.seq,
            "object_sha256": d["sha256"],
            "original_seq": d["original"],
            "code": d["code"],
            "severity": d["severity"],
            "reason": d["reason"],
        },
    )


def _opened(event: Event) -> Iterator[Change]:
    d = event.data
    yield Insert(
        schema.archive_openings,
        [
            {
                "seq": event.seq,
                "batch_id": d["batch"],
                "original_seq": d["original"],
                "outcome": d["outcome"],
                "members": d["members"],
            }
        ],
    )


def _stored(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "sha256": d["sha256"],
        "size": d["size"],
        "kind": "record",
        "media_type": d["media_type"],
        "derived_from": None,
        "derivation": d["holds"],
        "first_seq": event.seq,
    }
    yield insert(schema.objects, row)


def _witness(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        schema.witnesses,
        {"name": d["name"], "witness_key": d["witness_key"], "added_seq": event.seq},
    )


def _facts_columns(row: Any) -> dict[str, Any]:
    return facts_columns(canonical.loads(row["facts"]))


VAULT = Capability(
    name="vault",
    tables=(
        TableRule(schema.meta),
        TableRule(schema.batches),
        TableRule(schema.custody_claims, origin="seq"),
        TableRule(schema.objects, origin="first_seq"),
        TableRule(schema.originals, origin="seq"),
        TableRule(schema.flags, origin="seq"),
        TableRule(schema.archive_openings, origin="seq"),
        TableRule(schema.image_facts, origin="seq", derive=_facts_columns),
        TableRule(schema.witnesses),
    ),
    appliers={
        ARCHIVE_CREATED: _created,
        BATCH_OPENED: _batch_opened,
        BATCH_CLOSED: _batch_closed,
        CLAIM: _claim,
        RECEIVED: _received,
        DESCRIBED: _described,
        FLAG: _flag,
        OPENED: _opened,
        STORED: _stored,
        WITNESS_ADDED: _witness,
    },
    quiet=frozenset({"schema.upgraded", "checkpoint.exported", "verify.completed", COSIGNED}),
    unreplayed={
        schema.events: "the custody log itself: each event's bytes are hashed into the "
        "Merkle tree that the signed checkpoints sign",
        schema.log_head: "the log's size and peaks, compared with the tree recomputed "
        "from the events",
        schema.checkpoints: "signed notes, each checked by its signature and against the "
        "tree recomputed from the events",
    },
)
