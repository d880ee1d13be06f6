"""The commitment links a released file to its original for whoever holds the salt."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from dalil.export.public.lineage import check_link

SALT = "5a" * 32
ORIGINAL = hashlib.sha256(b"the sealed original").hexdigest()
# Computed by hand: SHA-256 over the salt's 32 bytes then the original's 32-byte hash.
COMMITTED = hashlib.sha256(bytes.fromhex(SALT) + bytes.fromhex(ORIGINAL)).hexdigest()


def test_the_salt_opens_the_commitment_to_its_original() -> None:
    assert check_link(SALT, ORIGINAL, COMMITTED)
    assert check_link(SALT, ORIGINAL, COMMITTED.upper())


@given(st.binary(min_size=32, max_size=32))
def test_another_salt_opens_nothing(salt: bytes) -> None:
    if salt.hex() != SALT:
        assert not check_link(salt.hex(), ORIGINAL, COMMITTED)


def test_another_original_is_not_linked_and_garbage_is_refused() -> None:
    other = hashlib.sha256(b"another photo").hexdigest()
    assert not check_link(SALT, other, COMMITTED)
    assert not check_link("not hex", ORIGINAL, COMMITTED)
