"""Which events a person signs, what exactly is signed, and checking a signature.

Pure: no database, no files. A signature is Ed25519 over

    DOMAIN + archive id + "\\n" + event type + "\\n" + canonical JSON of the event's data
    without its "signature" field

The domain string keeps a person's signature on a dalil event from being valid as
anything else they sign with the same key; the archive id keeps a decision made in one
archive from being replayed into another; the event type keeps an entry from being
re-labelled as a confirmation. The data include ``by`` (the person's id) and every
decision the event records, so nothing in it can be changed without the signature
failing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dalil import canonical
from dalil.errors import InputError

DOMAIN = b"dalil person-signature v1\n"
KEY_PREFIX = "ed25519:"
SIGNATURE_FIELD = "signature"
BY_FIELD = "by"

# Every event that records what a person reviewed, entered, decided or confirmed, and
# the field of its data that names the person (None: the event names them only in
# ``by``, e.g. a confirmation that the second reviewer's action completed). Literals,
# not imports, so that this pure module loads nothing; a test holds every type to the
# capabilities' own event types.
SIGNED: Mapping[str, str | None] = {
    "catalogue.entry": "reviewer",
    "catalogue.correction": "reviewer",
    "catalogue.confirmed": None,
    "match.decided": "reviewer",
    "match.confirmed": None,
    "match.unconfirmed": None,
    "match.exclusion.overridden": "reviewer",
    "match.task.closed": "by",
    "lists.decided": "by",
}

# The people each confirmation counts for its two-person rule.
CONFIRMERS: Mapping[str, str] = {
    "catalogue.confirmed": "reviewers",
    "match.confirmed": "confirmed_by",
}

# A person's id: short, lower case, no spaces, so that "Alice " and "alice" are one id.
PERSON_ID = re.compile(r"[a-z][a-z0-9._-]{0,39}")


def normalise_id(text: str) -> str:
    """A person's id as stored: lower case, without outer spaces; refused if malformed."""
    person = text.strip().lower()
    if not PERSON_ID.fullmatch(person):
        raise InputError(
            f"{text!r} is not a person id: use 1-40 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter (e.g. 'alice' or 'a.haddad')"
        )
    return person


def message(archive_id: str, type_: str, data: Mapping[str, Any]) -> bytes:
    """The bytes a person signs for an event of ``type_`` with ``data``."""
    body = {k: v for k, v in data.items() if k != SIGNATURE_FIELD}
    head = f"{archive_id}\n{type_}\n".encode()
    return DOMAIN + head + canonical.dumps(body)


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public(text: str) -> Ed25519PublicKey:
    """A public key as the archive stores it: ``ed25519:`` and 32 bytes in base64."""
    raw = _b64(text.strip().removeprefix(KEY_PREFIX), "public key")
    if not text.strip().startswith(KEY_PREFIX) or len(raw) != 32:
        raise InputError(f"{text!r} is not a person's public key (ed25519:<base64 of 32 bytes>)")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(public: str) -> str:
    """A short name for a key that people can compare by reading it aloud."""
    return hashlib.sha256(public.encode("ascii")).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, archive_id: str, type_: str, data: Mapping[str, Any]) -> str:
    return base64.b64encode(key.sign(message(archive_id, type_, data))).decode("ascii")


def verifies(
    key: Ed25519PublicKey, archive_id: str, type_: str, data: Mapping[str, Any], signature: Any
) -> bool:
    """Whether ``signature`` (as the event holds it) is ``key``'s over this event."""
    if not isinstance(signature, str):
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message(archive_id, type_, data))
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(f"the {what} is not base64: {exc}") from exc
