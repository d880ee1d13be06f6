"""What each custody event says the catalogue must hold: the replay rules of verify.

For each table whose rows are custody facts, an expectation names the events that create
its rows and, for such an event, the row it implies. Verification walks the log and the
table side by side in event order and names every row that differs from its event, every
event without its row and every row without its event. A capability that adds custody
tables registers its own expectations here, and verify covers them with no other change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from dalil import canonical
from dalil.db import schema
from dalil.vault.custody import Event
from dalil.vault.facts import facts_columns

RowFor = Callable[[Event], dict[str, Any] | None]
SelfCheck = Callable[[Any], list[str]]


@dataclass(frozen=True)
class Expectation:
    table: Table
    key: str  # the column holding the seq of the event that created the row
    event_types: frozenset[str]
    row_for: RowFor  # the row an event implies, or None if this event implies none
    self_check: SelfCheck | None = None  # what must hold within the row itself


EXPECTATIONS: list[Expectation] = []


def register(
    table: Table, key: str, event_types: set[str], self_check: SelfCheck | None = None
) -> Callable[[RowFor], RowFor]:
    def decorate(row_for: RowFor) -> RowFor:
        EXPECTATIONS.append(Expectation(table, key, frozenset(event_types), row_for, self_check))
        return row_for

    return decorate


def _batch_status(row: Any) -> list[str]:
    closed = row.closed_seq is not None
    if row.status != ("closed" if closed else "open") or (row.closed_at is None) == closed:
        return [f"status {row.status!r} does not match its closing event"]
    return []


def _facts_inside(row: Any) -> list[str]:
    problems = []
    if hashlib.sha256(row.facts.encode("utf-8")).hexdigest() != row.facts_sha256:
        problems.append("the facts were changed after they were logged")
    else:
        for column, value in facts_columns(canonical.loads(row.facts)).items():
            if getattr(row, column) != value:
                problems.append(f"{column} is {getattr(row, column)!r}, its facts say {value!r}")
    return problems


def _tool_version(tool: str) -> str:
    return tool.removeprefix("dalil ")


@register(schema.batches, "opened_seq", {"batch.opened"}, _batch_status)
def _batch(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "id": d["batch"],
        "collection": d["collection"],
        "custodian": d["custodian"],
        "host": d["host"],
        "operator": d["operator"],
        "tool_version": _tool_version(d["tool"]),
        "source_note": d["source_note"],
        "sources": canonical.dumps(d["sources"]).decode(),
        "sources_key": d["sources_key"],
        "opened_at": event.at,
        "opened_seq": event.seq,
    }


@register(schema.batches, "closed_seq", {"batch.closed"})
def _batch_closed(event: Event) -> dict[str, Any]:
    return {"id": event.data["batch"], "status": "closed", "closed_at": event.at}


@register(schema.custody_claims, "seq", {"claim.recorded"})
def _claim(event: Event) -> dict[str, Any]:
    d = event.data
    fields = ("holder", "held_from", "held_until", "transfer", "attested_by", "confidence")
    return {
        "batch_id": d["batch"],
        **{f: d[f] for f in fields},
        "note": d["note"],
        "recorded_by": d["recorded_by"],
    }


def raw_path(path: str, path_raw: str | None) -> bytes:
    return bytes.fromhex(path_raw) if path_raw is not None else path.encode("utf-8")


@register(schema.originals, "seq", {"file.received"})
def _original(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "batch_id": d["batch"],
        "path": d["path"],
        "path_raw": d["path_raw"],
        "path_key": hashlib.sha256(raw_path(d["path"], d["path_raw"])).hexdigest(),
        "entry_kind": d["kind"],
        "size": d["size"],
        "mtime": d["mtime"],
        "container_sha256": d["container"],
        "depth": d["depth"],
        "object_sha256": d["sha256"],
    }


@register(schema.objects, "first_seq", {"file.received", "object.described"})
def _object(event: Event) -> dict[str, Any] | None:
    d = event.data
    if event.type == "file.received":
        if not d["new_object"]:
            return None
        return {
            "sha256": d["sha256"],
            "size": d["size"],
            "kind": "original",
            "media_type": d["media_type"],
            "derived_from": None,
            "derivation": None,
        }
    thumbnail = d["thumbnail"]
    if thumbnail is None or not thumbnail["new"]:
        return None
    return {
        "sha256": thumbnail["sha256"],
        "size": thumbnail["size"],
        "kind": "derived",
        "media_type": "image/jpeg",
        "derived_from": d["sha256"],
        "derivation": "thumbnail-256",
    }


@register(schema.flags, "seq", {"flag.raised"})
def _flag(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "object_sha256": d["sha256"],
        "original_seq": d["original"],
        "code": d["code"],
        "severity": d["severity"],
        "reason": d["reason"],
    }


@register(schema.archive_openings, "seq", {"archive.opened"})
def _opening(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "batch_id": d["batch"],
        "original_seq": d["original"],
        "outcome": d["outcome"],
        "members": d["members"],
    }


@register(schema.image_facts, "seq", {"object.described"}, _facts_inside)
def _facts(event: Event) -> dict[str, Any]:
    d = event.data
    thumbnail = d["thumbnail"]
    return {
        "sha256": d["sha256"],
        "facts_sha256": d["facts_sha256"],
        "thumbnail_sha256": None if thumbnail is None else thumbnail["sha256"],
    }
