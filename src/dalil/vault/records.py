"""Rows too many for an event, kept as an object of the write-once store.

A list of 40,000 names or a linkage run's pairs would make an event of megabytes, and
an event is copied into every proof and court package that includes it. So such rows
are written as one canonical file, stored like any object (content-addressed,
read-only, re-hashed by verify), and the event names it by its SHA-256: the rows are
parsed from the object's bytes when written and again when verified. The object is
logged by an ``object.stored`` event of its own, before the event that uses it.
"""

from __future__ import annotations

import hashlib

from dalil.vault.placement import place_new
from dalil.vault.replay import STORED
from dalil.vault.store import ObjectStore
from dalil.vault.writer import Writer

MEDIA_TYPE = "text/plain; charset=utf-8"


def store_rows(writer: Writer, store: ObjectStore, data: bytes, holds: str) -> str:
    """Store ``data`` (once), log it, and hand it to the writer; returns its SHA-256.

    ``holds`` says what the object is (``list-records``, ``link-pairs``); the writer
    must include the vault's capability.
    """
    sha = hashlib.sha256(data).hexdigest()
    if writer.has_payload(sha):
        return sha  # the same rows twice in one transaction: stored and logged once
    staged = store.stage_bytes(data)
    try:
        placed = place_new(writer.conn, store, [staged])
    finally:
        store.discard(staged)
    if placed:
        event = {"sha256": staged.sha256, "size": staged.size, "media_type": MEDIA_TYPE,
                 "holds": holds}  # fmt: skip
        writer.record(STORED, event)
    writer.add_payload(staged.sha256, data)
    return staged.sha256
