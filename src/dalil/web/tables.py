"""The web app's tables: who may do what in which collection, who saw which image, and
the secrets and sessions of signing in.

Custody covers what a court may ask about: the roles granted (``web_grants``, rebuilt by
replaying ``web.granted`` / ``web.revoked``) and every reveal of a graphic image
(``web_reveals``, one row per ``web.revealed`` event). Credentials, sessions and login
attempts are deliberately *not* custody: a password's hash or a TOTP secret written into
an append-only log that is exported to courts could never be taken back, and a session
is a bearer secret that lives for minutes. A change of password is still logged, by a
hash of the hash only (``web.password_set``).

TODO(people, issue 14): ``person`` is the handle of a registered person. When the
people table lands, these columns become foreign keys to it and ``accounts.require``
checks that the person exists and is not disabled.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from dalil.db.schema import SHA, TIME, metadata

PERSON = String(200)

web_grants = Table(
    "web_grants",
    metadata,
    Column("person", PERSON, primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("collection", String(200), primary_key=True),  # "*": every collection
    Column("granted_seq", BigInteger, nullable=False),
    Column("granted_by", Text, nullable=False),
    Column("granted_at", TIME, nullable=False),
)

web_reveals = Table(
    "web_reveals",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("person", PERSON, nullable=False),
    Column("sha256", SHA, nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("session", String(32), nullable=False),  # the session's public id, not its token
    Column("seconds", Integer, nullable=False),
    Column("revealed_at", TIME, nullable=False),
    Index(None, "session", "sha256"),
)

web_credentials = Table(
    "web_credentials",
    metadata,
    Column("person", PERSON, primary_key=True),
    Column("password_hash", Text),
    Column("password_set_at", TIME),
    Column("totp_secret", Text),  # AES-GCM under the archive's web key (secretbox.py)
    Column("totp_last_step", BigInteger),  # a code is accepted once: only later steps
    Column("disabled_at", TIME),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_sha256", SHA, primary_key=True),  # the cookie's token is never stored
    Column("sid", String(32), nullable=False, unique=True),
    Column("person", PERSON, nullable=False),
    Column("stage", String(10), nullable=False),  # totp: password given, code awaited
    Column("csrf", String(64), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("seen_at", TIME, nullable=False),
    Index(None, "person"),
)

web_login_attempts = Table(
    "web_login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TIME, nullable=False),
    Column("account", SHA, nullable=False),  # SHA-256 of the handle typed, existing or not
    Column("ip", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index(None, "account", "at"),
    Index(None, "ip", "at"),
)
