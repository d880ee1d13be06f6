"""A witness's own key and memory: the last checkpoint it cosigned for each log.

The state folder holds ``witness.key`` (Ed25519, owner read-only) and ``witness.json``:
the witness's name, and per log origin the log's verifier key it trusts and the size and
root it last cosigned. Updates are written to a new file, synced and renamed, so a crash
never leaves the witness remembering less than it signed (which would let a log roll
back behind its cosignature).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dalil.errors import InputError
from dalil.vault.cosignature import WitnessKey
from dalil.vault.keys import create_key

KEY_FILE = "witness.key"
STATE_FILE = "witness.json"


@dataclass
class LogView:
    verifier_key: str
    size: int = 0
    root: str = ""  # hex of the root last cosigned; "" before the first


@dataclass
class WitnessState:
    folder: Path
    name: str
    logs: dict[str, LogView] = field(default_factory=dict)

    @property
    def key(self) -> Ed25519PrivateKey:
        loaded = serialization.load_pem_private_key(
            (self.folder / KEY_FILE).read_bytes(), password=None
        )
        if not isinstance(loaded, Ed25519PrivateKey):
            raise InputError(f"{self.folder / KEY_FILE} is not an Ed25519 key")
        return loaded

    @property
    def public_key(self) -> WitnessKey:
        raw = self.key.public_key().public_bytes_raw()
        return WitnessKey(self.name, raw)

    def save(self) -> None:
        data = {"name": self.name, "logs": {o: vars(v) for o, v in sorted(self.logs.items())}}
        tmp = self.folder / (STATE_FILE + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.folder / STATE_FILE)
        dir_fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def init(folder: Path, name: str) -> WitnessState:
    """A new witness: its key and an empty memory. Refuses a folder already in use."""
    if not name or any(c.isspace() or c == "+" for c in name):
        raise InputError(f"a witness name may not be empty or hold spaces or '+': {name!r}")
    if (folder / STATE_FILE).exists() or (folder / KEY_FILE).exists():
        raise InputError(f"{folder} already holds a witness; a witness is created once")
    folder.mkdir(parents=True, exist_ok=True)
    create_key(folder / KEY_FILE)
    state = WitnessState(folder, name)
    state.save()
    return state


def load(folder: Path) -> WitnessState:
    path = folder / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"no witness at {folder}; create one with `dalil witness init`") from exc
    logs = {origin: LogView(**view) for origin, view in data["logs"].items()}
    return WitnessState(folder, data["name"], logs)
