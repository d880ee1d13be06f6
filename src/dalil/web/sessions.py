"""Server-side sessions in the catalogue database.

The browser holds a 128-bit random token; the database holds only its SHA-256, so a copy
of the database opens no session. A session ends after 15 idle minutes, 12 hours after
it began (OWASP's session guidance for sensitive applications), at logout, when its
person's password or second factor changes, when the person is disabled, and when an
admin ends it. Signing in always makes a new session (no fixation). ``stage`` is
``totp`` between a right password and a right code: such a session opens nothing but
the code's page.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update

from dalil.clock import format_utc
from dalil.people.tables import people
from dalil.web.tables import web_sessions

IDLE = timedelta(minutes=15)
ABSOLUTE = timedelta(hours=12)
TOKEN_BYTES = 16  # 128 bits (OWASP: at least 64 bits of entropy)
FULL = "full"
TOTP = "totp"


@dataclass(frozen=True)
class Session:
    sid: str  # public: named in custody events instead of the token
    person: str
    stage: str
    csrf: str
    created_at: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(conn: Connection, person: str, stage: str, now: datetime) -> tuple[str, Session]:
    """A new session for ``person``: the token for the cookie, and the session."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    at = format_utc(now)
    session = Session(secrets.token_hex(16), person, stage, secrets.token_urlsafe(32), at)
    conn.execute(web_sessions.insert().values(
        token_sha256=_digest(token), sid=session.sid, person=person, stage=stage,
        csrf=session.csrf, created_at=at, seen_at=at,
    ))  # fmt: skip
    return token, session


def load(conn: Connection, token: str | None, now: datetime) -> Session | None:
    """The live session ``token`` opens, its idle time restarted; None if it has ended
    (an expired one is deleted) or its person is disabled."""
    if not token or len(token) > 64:
        return None
    s = web_sessions
    row = conn.execute(
        select(s, people.c.disabled_seq)
        .select_from(s.outerjoin(people, people.c.id == s.c.person))
        .where(s.c.token_sha256 == _digest(token))
    ).first()
    if row is None:
        return None
    expired = (format_utc(now - IDLE) > row.seen_at) or (
        format_utc(now - ABSOLUTE) > row.created_at
    )
    if expired or row.disabled_seq is not None:
        conn.execute(delete(s).where(s.c.token_sha256 == row.token_sha256))
        return None
    conn.execute(
        update(s).where(s.c.token_sha256 == row.token_sha256).values(seen_at=format_utc(now))
    )
    return Session(row.sid, row.person, row.stage, row.csrf, row.created_at)


def end(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(delete(web_sessions).where(web_sessions.c.token_sha256 == _digest(token)))


def end_all(conn: Connection, person: str) -> int:
    """End every session of ``person``: how many there were."""
    done = conn.execute(delete(web_sessions).where(web_sessions.c.person == person))
    return int(done.rowcount)


def count(conn: Connection, person: str) -> int:
    rows = conn.execute(select(web_sessions.c.sid).where(web_sessions.c.person == person))
    return len(rows.all())
