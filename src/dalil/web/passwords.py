"""Passwords hashed with argon2id (argon2-cffi's defaults: RFC 9106's second choice).

A login for an account that does not exist still verifies against a fixed hash, so
the time taken does not tell an attacker which handles are accounts.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dalil.errors import InputError

# NIST SP 800-63B: at least 8; a passphrase for an archive of atrocity evidence, 12.
MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 hashes whatever it is given: refuse a megabyte "password"

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("dalil: no such account, same work")


def check_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InputError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InputError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_new(password)
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; None (no account) does the same work."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
