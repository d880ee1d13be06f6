"""Registered people: add, list, disable; who is acting; signing what they record.

A library function that records a person's review, entry, decision or confirmation
takes who is acting as ``Acting``: an ``Author`` (a registered person with the private
key they hold) or, in an archive where nobody is registered yet, a plain name as before
people existed. Once one person is registered, every such event must be signed by a
registered, active person: a plain name is refused (``sign``), and verify names any
unsigned one. So a two-person rule counts person ids, each proved by a key: one person
typing under two names is one id, and another's name without their key is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select

from dalil import lookup
from dalil.db import schema
from dalil.errors import InputError
from dalil.people import keyfile, signature
from dalil.people.replay import ADDED, DISABLED, PEOPLE
from dalil.people.tables import people
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer

LISTING = "dalil people list"
ENV_PERSON = "DALIL_PERSON"
ENV_KEY = "DALIL_KEY"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    public_key: str
    added_seq: int
    disabled_seq: int | None = None
    disabled_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.disabled_seq is None

    @property
    def fingerprint(self) -> str:
        return signature.fingerprint(self.public_key)


@dataclass(frozen=True)
class Author:
    """A person acting, with the private key they hold (never stored in the archive)."""

    person: str  # their id or display name, resolved against the registry when used
    key: Ed25519PrivateKey

    @classmethod
    def load(cls, key_path: Path, person: str | None = None) -> Author:
        """The person in ``key_path`` (or ``person``, which ``sign`` holds to the key)."""
        found = keyfile.load(key_path)
        return cls(person or found.person, found.key)


Acting = str | Author


def listing(conn: Connection) -> list[Person]:
    rows = conn.execute(select(people).order_by(people.c.added_seq))
    return [
        Person(r.id, r.name, r.public_key, r.added_seq, r.disabled_seq, r.disabled_reason)
        for r in rows
    ]


def registered(conn: Connection) -> bool:
    return conn.execute(select(people.c.id).limit(1)).first() is not None


def get(conn: Connection, text: str) -> Person:
    """A person by id, or by display name (any case) when exactly one has it."""
    everyone = listing(conn)
    by_id = {p.id: p for p in everyone}
    typed = text.strip()
    if typed.lower() in by_id:
        return by_id[typed.lower()]
    named = [p for p in everyone if p.name.strip().casefold() == typed.casefold()]
    if len(named) == 1:
        return named[0]
    known = [*by_id, *(p.name for p in everyone)]
    return by_id[lookup.choose("person", text, known, LISTING)]  # raises NotFound


def add(archive: Archive, person: str, name: str, public_key: str) -> Person:
    """Register ``person`` with the public key they hold (``dalil people keygen``)."""
    person_id = signature.normalise_id(person)
    key = signature.public_text(signature.parse_public(public_key))
    if not name.strip():
        raise InputError("a person needs a display name (--name), e.g. 'Alice Haddad'")
    with archive.write() as conn:
        _refuse_taken(conn, person_id, key)
        data = {"person": person_id, "name": name.strip(), "public_key": key,
                "operator": operator()}  # fmt: skip
        with Writer(conn, PEOPLE) as writer:
            seq = writer.record(ADDED, data).seq
    return Person(person_id, name.strip(), key, seq)


def add_with_key(archive: Archive, person: str, name: str, key_out: Path) -> Person:
    """Make a key for ``person``, write it to ``key_out`` (outside the archive) and
    register its public half."""
    person_id = signature.normalise_id(person)
    keyfile.refuse_inside(key_out, archive.root)
    with archive.read() as conn:
        _refuse_taken(conn, person_id, None)
    made = keyfile.generate(person_id, key_out, archive.root)
    return add(archive, person_id, name, made.public)


def disable(archive: Archive, person: str, reason: str) -> Person:
    """Retire a person: their key signs nothing new; what they did stays as recorded."""
    if not reason.strip():
        raise InputError("say why the person is disabled (--reason), e.g. 'left the team'")
    with archive.write() as conn:
        found = get(conn, person)
        if not found.active:
            raise InputError(f"{found.id} was disabled already (event #{found.disabled_seq})")
        data = {"person": found.id, "reason": reason.strip(), "operator": operator()}
        with Writer(conn, PEOPLE) as writer:
            seq = writer.record(DISABLED, data).seq
    return Person(found.id, found.name, found.public_key, found.added_seq, seq, reason.strip())


def _refuse_taken(conn: Connection, person_id: str, key: str | None) -> None:
    for other in listing(conn):
        if other.id == person_id:
            raise InputError(f"a person {person_id!r} is registered already ({other.name})")
        if key is not None and other.public_key == key:
            # One key under two ids would let one person count as two reviewers.
            raise InputError(
                f"this key is {other.id}'s already: each person has a key of their own"
            )


# -- acting and signing -----------------------------------------------------------------


def acting(conn: Connection, who: Acting) -> str:
    """The name to record for ``who``: a registered, active person's id proved by their
    key; a plain name only while nobody is registered."""
    if isinstance(who, str):
        if registered(conn):
            raise InputError(
                f"this archive has registered people: record this as one of them, with "
                f"--as PERSON and --key FILE (or ${ENV_PERSON}, ${ENV_KEY}), not as {who!r}"
            )
        return who
    person = get(conn, who.person)
    if not person.active:
        raise InputError(
            f"{person.id} was disabled (event #{person.disabled_seq}: "
            f"{person.disabled_reason}); they can no longer record decisions"
        )
    held = signature.public_text(who.key.public_key())
    if held != person.public_key:
        owner = next((p.id for p in listing(conn) if p.public_key == held), None)
        whose = f"it is {owner}'s" if owner else "it is no registered person's"
        raise InputError(f"the key given is not {person.id}'s registered key ({whose})")
    return person.id


def sign(conn: Connection, who: Acting, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as recorded: signed by ``who`` (with ``by``) if they are a person."""
    assert type_ in signature.SIGNED, f"{type_} is not an event people sign"
    person = acting(conn, who)
    if isinstance(who, str):
        return data
    signed = {**data, signature.BY_FIELD: person}
    signed[signature.SIGNATURE_FIELD] = signature.sign(who.key, archive_id(conn), type_, signed)
    return signed


def archive_id(conn: Connection) -> str:
    m = schema.meta
    return str(conn.execute(select(m.c.value).where(m.c.key == "archive_id")).scalar_one())
