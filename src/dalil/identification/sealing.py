"""Field-level encryption of families' personal data, with the key outside the database.

Threat: a copy of the catalogue database (a stolen laptop, a backup, a PostgreSQL
administrator) must not reveal who reported a missing relative or how to reach them:
families of detainees have been threatened for asking. So every contact field, portrait
and face embedding is sealed with AES-256-GCM under a key of its own report (a data
key); data keys are sealed under the archive's identification key, a file in
``keys/`` (owner read-only) that never enters the database.

Each sealed value is bound to its place by the associated data (report code and field
name), so a ciphertext moved to another report or field fails to open instead of
showing the wrong family's phone number. Withdrawing consent deletes the report's data
key: whatever copies of the ciphertext survive in old backups can no longer be opened.

Commitments (``commit``) are HMACs under a key derived from the data key: the custody
log can prove which report content was recorded, yet a hash of a name cannot be
reversed by guessing names, and after withdrawal nobody can link it to a person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dalil.identification.errors import ContactKeyError

KEY_FILE = "identification.key"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # GCM's standard nonce; random nonces are safe far beyond 2**32 seals/key
VERSION = b"\x01"
_WRAP_CONTEXT = b"dalil/am-report-key/v1\x00"
_FIELD_CONTEXT = b"dalil/am-field/v1\x00"
_COMMIT_CONTEXT = b"dalil/am-commitment/v1"
_FINGERPRINT_CONTEXT = b"dalil/identification-key-fingerprint/v1"


def fingerprint(master: bytes) -> str:
    """A public name for the key: tells a wrong key file from the right one."""
    return hmac.new(master, _FINGERPRINT_CONTEXT, hashlib.sha256).hexdigest()[:32]


def create_master_key(path: Path) -> bytes:
    """Write a new key file, owner read-only; refuses to overwrite an existing one."""
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    except FileExistsError as exc:
        raise ContactKeyError(f"{path} already exists; dalil never overwrites a key") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key


def load_master_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise ContactKeyError(
            f"the identification key {path} is missing: family contacts and portraits "
            "cannot be opened without it; restore it from your backup of the keys folder"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ContactKeyError(f"the identification key {path} is damaged: {exc}") from exc
    if len(key) != KEY_BYTES:
        raise ContactKeyError(f"the identification key {path} is not {KEY_BYTES} bytes")
    return key


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes, what: str) -> bytes:
    if sealed[:1] != VERSION:
        raise ContactKeyError(f"{what} is sealed in a format this dalil does not know")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag as exc:
        raise ContactKeyError(
            f"{what} does not open with this key: wrong key file, or the value was "
            "moved or altered in the database"
        ) from exc


def wrap_data_key(master: bytes, data_key: bytes, report: str) -> bytes:
    return _seal(master, data_key, _WRAP_CONTEXT + report.encode())


def unwrap_data_key(master: bytes, wrapped: bytes, report: str) -> bytes:
    return _open(master, wrapped, _WRAP_CONTEXT + report.encode(), f"the key of report {report}")


def _field_aad(report: str, name: str) -> bytes:
    return _FIELD_CONTEXT + report.encode() + b"\x00" + name.encode()


def seal_field(data_key: bytes, report: str, name: str, value: bytes) -> bytes:
    return _seal(data_key, value, _field_aad(report, name))


def open_field(data_key: bytes, report: str, name: str, sealed: bytes) -> bytes:
    return _open(data_key, sealed, _field_aad(report, name), f"{name} of report {report}")


def commit(data_key: bytes, content: bytes) -> str:
    """HMAC-SHA256 of ``content`` under a key derived from the report's data key."""
    mac_key = hmac.new(data_key, _COMMIT_CONTEXT, hashlib.sha256).digest()
    return hmac.new(mac_key, content, hashlib.sha256).hexdigest()
