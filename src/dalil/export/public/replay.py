"""What a public release's events do to its tables, and the export capability with them.

Four events: a draft (the release's choices and one preview per image), a reviewer's
decision (with, for a revision, the new preview that replaces the old), the release
itself (which also enters the disclosure register, as every export does), and a salt
handed to a court. Each row comes from its event through the functions here, the same
ones ``verify`` replays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from dalil import canonical
from dalil.export.public.tables import (
    public_previews,
    public_releases,
    public_reveals,
    public_reviews,
)
from dalil.export.tables import disclosures
from dalil.vault.changes import Change, Digest, Mark, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

DRAFTED = "export.public.drafted"
REVIEWED = "export.public.reviewed"
RELEASED = "export.public.released"
SALT_REVEALED = "export.public.salt-revealed"


def commitment(salt: str, original_sha256: str) -> str:
    """SHA-256 of the salt's bytes followed by the original's 32-byte SHA-256, in hex."""
    return hashlib.sha256(bytes.fromhex(salt) + bytes.fromhex(original_sha256)).hexdigest()


def salt_sha256(salt: str) -> str:
    """What the log records of a salt: the SHA-256 of its hex text (it reveals nothing)."""
    return hashlib.sha256(salt.encode("ascii")).hexdigest()


def _json(value: Any) -> str:
    return canonical.dumps(value).decode("utf-8")


def preview_row(name: str, seq: int, item: dict[str, Any]) -> dict[str, Any]:
    """The row of one preview, as an event's item describes it."""
    return {
        "seq": seq,
        "number": item["number"],
        "release": name,
        "original_sha256": item["original_sha256"],
        "preview_sha256": item["preview_sha256"],
        "version": item["version"],
        "regions": _json(item["regions"]),
        "faces": item["faces"],
        "card": item["card"],
        "transform": _json(item["transform"]),
        "pce": item["pce"],
        "pce_note": item["pce_note"],
        "commitment": item["commitment"],
        "salt": Digest(item["salt_sha256"]),
    }


def _drafted(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        public_releases,
        {
            "seq": event.seq,
            "name": d["name"],
            "purpose": d["purpose"],
            "numbers": d["numbers"],
            "items": len(d["items"]),
            "left_out": _json(d["left_out"]),
            "operator": d["operator"],
            "drafted_at": event.at,
        },
    )
    yield insert(public_previews, *(preview_row(d["name"], event.seq, i) for i in d["items"]))


def _reviewed(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        public_reviews,
        {
            "seq": event.seq,
            "release": d["name"],
            "number": d["number"],
            "preview_sha256": d["preview_sha256"],
            "decision": d["decision"],
            "reviewer": d["reviewer"],
            "reason": d["reason"],
            "regions": _json(d["regions"]),
            "reviewed_at": event.at,
        },
    )
    revision = d.get("revision")
    if revision is not None:
        key = {"seq": d["preview_seq"], "number": d["number"]}
        yield Mark(public_previews, key, "superseded_seq")
        yield insert(public_previews, preview_row(d["name"], event.seq, revision))


def _released(event: Event) -> Iterator[Change]:
    d = event.data
    yield Mark(public_releases, {"seq": d["draft_seq"]}, "released_seq")
    yield insert(
        disclosures,
        {
            "seq": event.seq,
            "kind": "public",
            "reference": d["name"],
            "recipient": d["recipient"],
            "purpose": d["purpose"],
            "profile": d["format"],
            "items": d["items"],
            "items_sha256": d["items_sha256"],
            "checkpoint_size": d["checkpoint"]["size"],
            "checkpoint_root": d["checkpoint"]["root"],
            "package_sha256": d["manifest_sha256"],
            "operator": d["operator"],
            "disclosed_at": event.at,
        },
    )


def _revealed(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        public_reveals,
        {
            "seq": event.seq,
            "release": d["name"],
            "number": d["number"],
            "commitment": d["commitment"],
            "asked_by": d["asked_by"],
            "recipient": d["recipient"],
            "reason": d["reason"],
            "revealed_at": event.at,
        },
    )


def _preview_inside(row: Any) -> list[str]:
    """The salt must still open the commitment (a swapped salt is named, not just its
    hash: the row's salt and commitment would then disagree)."""
    try:
        opened = commitment(row["salt"], row["original_sha256"])
    except (ValueError, TypeError):
        return ["the salt was changed after it was logged: it is not hex"]
    if opened != row["commitment"]:
        return ["the salt was changed after it was logged: it does not open the commitment"]
    return []


TABLES = (
    TableRule(public_releases, origin="seq", marks=("released_seq",)),
    TableRule(
        public_previews,
        origin="seq",
        order=("number",),
        marks=("superseded_seq",),
        check=_preview_inside,
    ),
    TableRule(public_reviews, origin="seq"),
    TableRule(public_reveals, origin="seq"),
)
APPLIERS = {DRAFTED: _drafted, REVIEWED: _reviewed, RELEASED: _released, SALT_REVEALED: _revealed}


def with_public_releases(export: Capability) -> Capability:
    """The export capability with the public releases' tables and events added."""
    return Capability(
        name=export.name,
        tables=export.tables + TABLES,
        appliers={**export.appliers, **APPLIERS},
        quiet=export.quiet,
        pruners=export.pruners,
        unreplayed=export.unreplayed,
        checks=export.checks,
    )
