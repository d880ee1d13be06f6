"""Web accounts are registered people (``dalil.people``): their roles, password, TOTP.

Roles are custody (``web.granted`` / ``web.revoked`` events, replayed); the secrets are
not (``tables``). Every function here is what ``dalil web ...`` and the admin pages call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from dalil import lookup
from dalil.errors import InputError
from dalil.people import registry
from dalil.people.registry import Person
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer
from dalil.web import passwords, secretbox, sessions, totp
from dalil.web.replay import GRANTED, PASSWORD_SET, REVOKED, SESSIONS_ENDED, TOTP_ENROLLED, WEB
from dalil.web.roles import EVERY_COLLECTION, Access, Grant, Role
from dalil.web.tables import web_credentials, web_grants


@dataclass(frozen=True)
class Credentials:
    person: str
    password_hash: str | None
    totp_secret: str | None  # sealed
    totp_last_step: int | None


def _collection(conn: Connection, collection: str | None) -> str:
    if collection is None or collection == EVERY_COLLECTION:
        return EVERY_COLLECTION
    return lookup.require_collection(conn, collection)


def _person(conn: Connection, person: str) -> Person:
    found = registry.get(conn, person)
    if not found.active:
        raise InputError(f"{found.id} is disabled (event #{found.disabled_seq}); "
                         "a disabled person cannot be given access")  # fmt: skip
    return found


def grant(archive: Archive, person: str, role: str, collection: str | None = None) -> Grant:
    """Give ``person`` ``role`` in ``collection`` (None: every collection)."""
    chosen = Role(lookup.choose_enum("role", role, Role).value)
    with archive.write() as conn:
        who = _person(conn, person)
        where = _collection(conn, collection)
        data = {"person": who.id, "role": chosen.value, "collection": where, "by": operator()}
        with Writer(conn, WEB) as writer:
            writer.record(GRANTED, data)
    return Grant(chosen, where)


def revoke(archive: Archive, person: str, role: str, collection: str | None = None) -> None:
    chosen = lookup.choose_enum("role", role, Role).value
    with archive.write() as conn:
        who = registry.get(conn, person)
        where = collection or EVERY_COLLECTION
        held = {(g.role.value, g.collection) for g in access(conn, who.id).grants}
        if (chosen, where) not in held:
            raise InputError(f"{who.id} does not hold {chosen} in {where}")
        data = {"person": who.id, "role": chosen, "collection": where, "by": operator()}
        with Writer(conn, WEB) as writer:
            writer.record(REVOKED, data)
        sessions.end_all(conn, who.id)


def access(conn: Connection, person: str) -> Access:
    g = web_grants
    rows = conn.execute(select(g.c.role, g.c.collection).where(g.c.person == person))
    grants = frozenset(Grant(Role(r.role), r.collection) for r in rows if r.role in set(Role))
    return Access(person, grants)


def credentials(conn: Connection, person: str) -> Credentials | None:
    c = web_credentials
    row = conn.execute(select(c).where(c.c.person == person)).first()
    if row is None:
        return None
    return Credentials(row.person, row.password_hash, row.totp_secret, row.totp_last_step)


def _store(conn: Connection, person: str, **values: object) -> None:
    c = web_credentials
    if credentials(conn, person) is None:
        conn.execute(c.insert().values(person=person, **values))
    else:
        conn.execute(update(c).where(c.c.person == person).values(**values))


def set_password(archive: Archive, person: str, password: str, at: str) -> None:
    """Set ``person``'s password; every session they hold ends (a stolen one too)."""
    hashed = passwords.hash_password(password)
    with archive.write() as conn:
        who = _person(conn, person)
        _store(conn, who.id, password_hash=hashed, password_set_at=at)
        data = {"person": who.id, "by": operator(),
                "hash_sha256": hashlib.sha256(hashed.encode()).hexdigest()}  # fmt: skip
        with Writer(conn, WEB) as writer:
            writer.record(PASSWORD_SET, data, at=at)
        sessions.end_all(conn, who.id)


def enrol_totp(archive: Archive, person: str, at: str) -> str:
    """A new TOTP secret for ``person`` (the old one stops working): its otpauth URI."""
    secret = totp.new_secret()
    key = secretbox.load_key(archive.root)
    with archive.write() as conn:
        who = _person(conn, person)
        sealed = secretbox.seal(key, who.id, secret)
        _store(conn, who.id, totp_secret=sealed, totp_last_step=None)
        with Writer(conn, WEB) as writer:
            writer.record(TOTP_ENROLLED, {"person": who.id, "by": operator()}, at=at)
        sessions.end_all(conn, who.id)
    return totp.uri(secret, who.id, archive.config.id[:8])


def totp_secret(archive: Archive, found: Credentials) -> str | None:
    if found.totp_secret is None:
        return None
    return secretbox.open_sealed(secretbox.load_key(archive.root), found.person, found.totp_secret)


def active_person(conn: Connection, handle: str) -> Person | None:
    """The registered, not disabled person ``handle`` names exactly; None otherwise (a
    login form must not suggest the names of other accounts)."""
    for person in registry.listing(conn):
        if person.id == handle.strip().lower() and person.active:
            return person
    return None


def check_password(conn: Connection, handle: str, password: str) -> Person | None:
    person = active_person(conn, handle)
    found = credentials(conn, person.id) if person is not None else None
    stored = found.password_hash if found is not None else None
    if passwords.verify(stored, password) and person is not None:
        return person
    return None


def use_code(archive: Archive, conn: Connection, person: str, code: str, now: datetime) -> bool:
    """Whether ``code`` is ``person``'s current code, used now for the first time."""
    found = credentials(conn, person)
    secret = totp_secret(archive, found) if found is not None else None
    if found is None or secret is None:
        return False
    step = totp.accept(secret, code, now, found.totp_last_step)
    if step is None:
        return False
    c = web_credentials
    # Conditional on the step still being older: two requests racing with one code
    # cannot both succeed.
    done = conn.execute(
        update(c)
        .where(c.c.person == person)
        .where((c.c.totp_last_step.is_(None)) | (c.c.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return done.rowcount == 1


def end_sessions(archive: Archive, person: str, by: str | None = None) -> int:
    """End every session of ``person`` (logged, with how many): the number ended."""
    with archive.write() as conn:
        who = registry.get(conn, person)
        ended = sessions.end_all(conn, who.id)
        data = {"person": who.id, "by": by or operator(), "sessions": ended}
        with Writer(conn, WEB) as writer:
            writer.record(SESSIONS_ENDED, data)
    return ended
