"""Login attempts counted in the database, per account and per address.

Counted in the catalogue database (not in memory) so that several server processes
share one count and a restart does not reset it. The account is counted by the SHA-256
of the handle typed, whether or not it exists, so a limit says nothing about which
handles are accounts. Limits after OWASP's authentication guidance: a handful of
failures per account (guessing one person's password), more per address (an office
behind one NAT), both over a quarter of an hour.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from dalil.clock import format_utc
from dalil.web.tables import web_login_attempts

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20
KEEP = timedelta(days=1)  # older attempts are pruned as new ones arrive


def account_key(handle: str) -> str:
    return hashlib.sha256(handle.strip().lower().encode()).hexdigest()


def _failures(conn: Connection, column: str, value: str, since: str) -> int:
    a = web_login_attempts
    query = (
        select(func.count())
        .where(a.c[column] == value)
        .where(a.c.at >= since)
        .where(a.c.succeeded.is_(False))
    )
    return int(conn.execute(query).scalar_one())


def limited(conn: Connection, handle: str, ip: str, now: datetime) -> bool:
    """Whether another attempt for ``handle`` from ``ip`` must wait."""
    since = format_utc(now - WINDOW)
    return (
        _failures(conn, "account", account_key(handle), since) >= PER_ACCOUNT
        or _failures(conn, "ip", ip, since) >= PER_ADDRESS
    )


def record(conn: Connection, handle: str, ip: str, now: datetime, succeeded: bool) -> None:
    a = web_login_attempts
    conn.execute(delete(a).where(a.c.at < format_utc(now - KEEP)))
    conn.execute(a.insert().values(at=format_utc(now), account=account_key(handle), ip=ip[:64],
                                   succeeded=succeeded))  # fmt: skip
