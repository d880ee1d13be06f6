"""The public releases' tables: drafts, the previews made for review, the reviewers'
decisions, and each time a salt was revealed to a court.

Every row is written with its custody event (``dalil.export.public.replay``) and never
updated; a later event may only mark it (a preview superseded by a revision, a draft
released). A preview's salt is the one value kept out of the log: it would let anyone
holding the log link a released image to its sealed original. The row holds it, and
its check verifies it against the commitment the event did record.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from dalil.db.schema import SHA, TIME, metadata

NAME = String(100)

# One row per draft: what the custodian chose for the whole release.
public_releases = Table(
    "public_releases",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("name", NAME, nullable=False, unique=True),
    Column("purpose", Text, nullable=False),
    Column("numbers", String(10), nullable=False),  # keep | mask
    Column("items", Integer, nullable=False),
    Column("left_out", Text, nullable=False),  # [{"sha256", "reason"}] not images
    Column("operator", Text, nullable=False),
    Column("drafted_at", TIME, nullable=False),
    Column("released_seq", BigInteger),  # the release event, once it went out
)

# One row per preview: the exact bytes a reviewer sees, and that go out if approved.
public_previews = Table(
    "public_previews",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("number", Integer, primary_key=True, autoincrement=False),  # R-0001 is 1
    Column("release", NAME, nullable=False),
    Column("original_sha256", SHA, nullable=False),
    Column("preview_sha256", SHA, nullable=False),
    Column("version", Integer, nullable=False),  # 1 at the draft, +1 per revision
    Column("regions", Text, nullable=False),  # canonical JSON: every region redacted
    Column("faces", Integer, nullable=False),
    Column("card", String(10), nullable=False),  # kept | masked | not-found
    Column("transform", Text, nullable=False),  # canonical JSON: the scrubbing's settings
    Column("pce", String(20)),  # the highest PCE against a camera fingerprint; None: none
    Column("pce_note", Text, nullable=False),  # what it was measured against, or why not
    Column("commitment", SHA, nullable=False),  # SHA-256(salt || original SHA-256)
    Column("salt", String(64), nullable=False),  # kept out of the log (see above)
    Column("superseded_seq", BigInteger),  # a reviewer's revision replaced it
    Index(None, "release"),
)

# One row per reviewer's decision on one preview.
public_reviews = Table(
    "public_reviews",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("release", NAME, nullable=False),
    Column("number", Integer, nullable=False),
    Column("preview_sha256", SHA, nullable=False),
    Column("decision", String(10), nullable=False),  # approve | reject
    Column("reviewer", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("regions", Text, nullable=False),  # regions asked for: a revision follows
    Column("reviewed_at", TIME, nullable=False),
    Index(None, "release"),
)

# One row each time a salt was handed out: who asked, for whom, why.
public_reveals = Table(
    "public_reveals",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("release", NAME, nullable=False),
    Column("number", Integer, nullable=False),
    Column("commitment", SHA, nullable=False),
    Column("asked_by", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("revealed_at", TIME, nullable=False),
)
