"""A person's private key file: written once, outside the archive, read only by them.

The archive holds only public keys. If the private keys lived in the archive folder,
anyone with a copy of the archive (a backup, a court's copy, a stolen laptop) could sign
as every reviewer, and the two-person rule would rest on nothing. So the file is written
where the person says, never inside the archive, owner-read-write only (0600), and never
over an existing file (a key lost by overwriting cannot be recovered).

The file is JSON: the format, the person's id, the public key (to compare with the
registry) and the private key's 32 bytes in base64.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from dalil.errors import InputError
from dalil.people.signature import normalise_id, public_text

FORMAT = "dalil-person-key/1"
# Owner read and write only: a key readable by others on a shared machine is theirs too.
MODE = 0o600


@dataclass(frozen=True)
class KeyFile:
    person: str
    key: Ed25519PrivateKey

    @property
    def public(self) -> str:
        return public_text(self.key.public_key())


def refuse_inside(path: Path, archive_root: Path | None) -> None:
    """A private key inside the archive would travel with every copy of it."""
    if archive_root is None:
        return
    where = path.expanduser().resolve()
    root = archive_root.resolve()
    if where == root or where.is_relative_to(root):
        raise InputError(
            f"{path} is inside the archive {archive_root}: a person's private key must be "
            "kept outside it (on their own device or removable media), or every copy of "
            "the archive could sign as them"
        )


def generate(person: str, path: Path, archive_root: Path | None = None) -> KeyFile:
    """A new key for ``person``, written to ``path`` (0600, never overwriting)."""
    made = KeyFile(normalise_id(person), Ed25519PrivateKey.generate())
    refuse_inside(path, archive_root)
    raw = made.key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    text = json.dumps(
        {"format": FORMAT, "person": made.person, "public_key": made.public,
         "private_key": base64.b64encode(raw).decode("ascii")}, indent=2
    ) + "\n"  # fmt: skip
    path = path.expanduser()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    except FileExistsError as exc:
        raise InputError(f"{path} exists already: choose a new file for the key") from exc
    except OSError as exc:
        raise InputError(f"the key cannot be written to {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return made


def load(path: Path) -> KeyFile:
    """A person's key file; refused if others may read it or it is not one."""
    path = path.expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"the key file {path} cannot be read: {exc.strerror}") from exc
    if stat.S_IMODE(mode) & 0o077:
        raise InputError(
            f"the key file {path} can be read by other users: make it yours alone "
            f"(chmod 600 {path}) and ask whether anyone else could have copied it"
        )
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
        raw = base64.b64decode(data["private_key"], validate=True)
        key = Ed25519PrivateKey.from_private_bytes(raw)
        made = KeyFile(normalise_id(str(data["person"])), key)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise InputError(f"{path} is not a dalil person's key file: {exc}") from exc
    if data.get("public_key") != made.public:
        raise InputError(f"{path} is damaged: its public key does not match its private key")
    return made
