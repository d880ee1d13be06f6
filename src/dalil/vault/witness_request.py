"""What a witness is asked and what it answers: C2SP ``tlog-witness`` add-checkpoint bodies.

A request is ``old <size>``, the consistency proof from that size (one base64 hash a
line), an empty line, then the signed checkpoint; the answer is the witness's
cosignature line. Exchanged as files (a USB key, an e-mail): the witness needs no
network and no access to the archive.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from dalil.errors import CheckpointError
from dalil.vault.merkle import HASH_SIZE

# tlog-witness: a client MUST NOT send more than 63 consistency proof lines.
MAX_PROOF_LINES = 63


@dataclass(frozen=True)
class Request:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str  # the signed note, verbatim

    def text(self) -> str:
        lines = [f"old {self.old_size}", *(base64.b64encode(h).decode() for h in self.proof)]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> Request:
        head, sep, checkpoint = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines[0].startswith("old "):
            raise CheckpointError("a witness request starts with `old SIZE` and a blank line")
        size_text = lines[0][4:]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise CheckpointError(f"the old size {size_text!r} is not a number")
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise CheckpointError("the consistency proof is longer than any log needs")
        proof = []
        for line in lines[1:]:
            try:
                digest = base64.b64decode(line, validate=True)
            except binascii.Error as exc:
                raise CheckpointError(f"a proof line is not base64: {line!r}") from exc
            if len(digest) != HASH_SIZE:
                raise CheckpointError("a proof line is not a SHA-256 hash")
            proof.append(digest)
        return cls(int(size_text), tuple(proof), checkpoint)
