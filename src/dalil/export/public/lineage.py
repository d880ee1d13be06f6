"""The link from a released file to its sealed original, which only a court can open.

The manifest gives each file's commitment SHA-256(salt ‖ original's SHA-256), the salt
being 32 random bytes per image kept inside the archive. Without the salt, the
commitment says nothing about which original it is (guessing is trying 2^256 salts);
with it, anyone holding the original (a court package carries its bytes) can check the
link with one hash. Handing out a salt is a custody event: who asked, for whom, why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from dalil.errors import InputError, NotFound
from dalil.export.public import queue
from dalil.export.public.draft import PUBLIC
from dalil.export.public.replay import SALT_REVEALED, commitment
from dalil.export.public.tables import public_previews
from dalil.vault import custody
from dalil.vault.archive import Archive
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Revealed:
    file: str
    salt: str
    original_sha256: str
    commitment: str
    seq: int


def check_link(salt: str, original_sha256: str, committed: str) -> bool:
    """Whether ``committed`` is the commitment to ``original_sha256`` under ``salt``."""
    try:
        return commitment(salt, original_sha256) == committed.lower()
    except ValueError:
        return False


def check_file(release: Path, file: str, salt: str, original: bytes) -> bool:
    """Whether released ``file`` (in the release folder) comes from ``original``'s bytes:
    its own SHA-256 is the manifest's, and the salt opens its commitment."""
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    entry = next((f for f in manifest["files"] if f["file"] == file), None)
    if entry is None:
        return False
    if hashlib.sha256((release / file).read_bytes()).hexdigest() != entry["sha256"]:
        return False
    return check_link(salt, hashlib.sha256(original).hexdigest(), entry["commitment"])


def reveal_salt(
    archive: Archive, name: str, file: str, recipient: str, reason: str, asked_by: str
) -> Revealed:
    """The salt of released ``file`` (``R-0001.jpg`` or ``R-0001``), for ``recipient``."""
    for label, value in (("--recipient", recipient), ("--reason", reason), ("asked by", asked_by)):
        if not value.strip():
            raise InputError(f"{label} is needed: a salt is handed out only on the record")
    wanted = file if file.endswith(".jpg") else f"{file}.jpg"
    with archive.read() as conn:
        state = queue.load(conn, queue.check_name(name))
        if state.released_seq is None:
            raise InputError(
                f"release {name} has not gone out: there is no released file "
                "whose salt a court could need"
            )
        files = custody.get_event(conn, state.released_seq).data["files"]
        entry = next((f for f in files if f["file"] == wanted), None)
        if entry is None:
            raise NotFound(
                f"release {name} has no file {wanted}; it has R-0001.jpg to R-{len(files):04d}.jpg"
            )
        p = public_previews
        row = conn.execute(
            select(p.c.salt, p.c.original_sha256, p.c.commitment).where(
                p.c.seq == entry["preview_seq"], p.c.number == entry["number"]
            )
        ).one()
    if not check_link(row.salt, row.original_sha256, entry["commitment"]):
        raise InputError(
            f"the salt kept for {wanted} does not open its commitment: the "
            "archive was altered; run `dalil verify`"
        )
    data = {
        "name": name,
        "number": entry["number"],
        "file": wanted,
        "commitment": entry["commitment"],
        "asked_by": asked_by,
        "recipient": recipient,
        "reason": reason,
    }
    with archive.write() as conn, Writer(conn, PUBLIC) as writer:
        seq = writer.record(SALT_REVEALED, data).seq
    return Revealed(wanted, row.salt, row.original_sha256, entry["commitment"], seq)
