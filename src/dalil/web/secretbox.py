"""TOTP seeds encrypted at rest, under a key kept beside the archive's checkpoint key.

A copy of the catalogue database (a PostgreSQL dump, a backup) must not hand out the
second factor of every account: the seed is sealed with AES-256-GCM under
``ARCHIVE/keys/web.key`` (owner read-only), with the person's id as associated data so a
sealed seed cannot be moved to another account.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_NAME = "web.key"
NONCE = 12


def key_path(archive_root: Path) -> Path:
    return archive_root / "keys" / KEY_NAME


def load_key(archive_root: Path) -> bytes:
    """The archive's web key, made on first use (32 random bytes, mode 0600)."""
    path = key_path(archive_root)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def seal(key: bytes, person: str, plaintext: str) -> str:
    nonce = secrets.token_bytes(NONCE)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), person.encode())
    return base64.b64encode(nonce + sealed).decode()


def open_sealed(key: bytes, person: str, text: str) -> str:
    raw = base64.b64decode(text)
    return AESGCM(key).decrypt(raw[:NONCE], raw[NONCE:], person.encode()).decode()
