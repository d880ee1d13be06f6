"""The ``people`` table: one row per registered person, folded from their events.

Small (a team, not a collection) and changed by a later event (a person disabled), so
verify rebuilds it in memory from ``person.added`` and ``person.disabled``. Roles per
collection for the web app are not held here: they are grants to these people, a table
of their own when the web app records them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table, Text

from dalil.db.schema import metadata

people = Table(
    "people",
    metadata,
    Column("id", String(40), primary_key=True),  # the handle every event names: "alice"
    Column("name", Text, nullable=False),  # the display name: "Alice Haddad"
    Column("public_key", String(80), nullable=False, unique=True),  # "ed25519:" + base64
    Column("added_by", Text, nullable=False),  # the operator who registered the person
    Column("added_seq", BigInteger, nullable=False),
    Column("disabled_seq", BigInteger),
    Column("disabled_reason", Text),
)
