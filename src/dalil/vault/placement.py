"""Placing a group of staged objects and recording their rows: shared by receive and derive.

The order is the archive's durability rule: new objects are renamed into the store and
made durable first, then the rows that name them are inserted, in the caller's
transaction, with their events. An object the catalogue already knows is never placed
again; one met twice in a group is placed once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, select

from dalil.db import schema
from dalil.vault.store import ObjectStore, Staged


def place_new(conn: Connection, store: ObjectStore, staged: Iterable[Staged]) -> set[str]:
    """Place, durably, the staged objects the catalogue does not know; their hashes."""
    items = list(staged)
    shas = {item.sha256 for item in items}
    known = set(
        conn.execute(
            select(schema.objects.c.sha256).where(schema.objects.c.sha256.in_(shas))
        ).scalars()
    )
    placed: set[str] = set()
    dirs: set[Path] = set()
    for item in items:
        if item.sha256 not in known and item.sha256 not in placed:
            dirs.add(store.place(item))
            placed.add(item.sha256)
    store.sync(dirs)
    return placed
