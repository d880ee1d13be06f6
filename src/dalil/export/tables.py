"""The disclosure register: every package that left the archive, to whom, and why.

One row per export, written with its ``export.disclosed`` event: the recipient and the
purpose, the items (an object of the store listing disclosure number and SHA-256, one a
line), the checkpoint the package proves against, and the SHA-256 of the package's
``tagmanifest-sha256.txt``, which covers every byte of the package through its manifests.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from dalil.db.schema import SHA, TIME, metadata

disclosures = Table(
    "disclosures",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(10), nullable=False),  # court | public
    Column("reference", String(200), nullable=False),  # External-Identifier
    Column("recipient", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("profile", String(200), nullable=False),
    Column("items", Integer, nullable=False),
    Column("items_sha256", SHA, nullable=False),  # the object listing number and SHA-256
    Column("checkpoint_size", BigInteger, nullable=False),
    Column("checkpoint_root", SHA, nullable=False),
    Column("package_sha256", SHA, nullable=False),
    Column("operator", Text, nullable=False),
    Column("disclosed_at", TIME, nullable=False),
    Index(None, "recipient"),
)
