"""The archive's checkpoint signing key, kept in a file outside the catalogue database.

Keeping the key out of the database means a copy of the database alone cannot forge
checkpoints. The private key file is created owner-read-only; move it to removable or
encrypted media if the archive host is not trusted (dalil only needs it to sign).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dalil.errors import ArchiveError
from dalil.vault.note import Signer


def create_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def load_signer(path: Path, name: str) -> Signer:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise ArchiveError(
            f"the checkpoint signing key {path} is missing; restore it from your backup "
            "to sign new checkpoints (verification does not need it)"
        ) from exc
    except ValueError as exc:
        raise ArchiveError(f"the checkpoint signing key {path} is damaged: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ArchiveError(f"{path} is not an Ed25519 key")
    return Signer(name, key)
