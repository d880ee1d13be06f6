"""Proofs as a package carries them: C2SP ``tlog-proof`` files and consistency proofs."""

from __future__ import annotations

import base64
from collections.abc import Sequence

TLOG_PROOF = "c2sp.org/tlog-proof@v1"


def tlog_proof(index: int, path: Sequence[bytes], checkpoint_note: str) -> str:
    """The proof that entry ``index`` is in the tree the (signed) checkpoint names."""
    lines = [TLOG_PROOF, f"index {index}", *(base64.b64encode(h).decode() for h in path)]
    return "\n".join(lines) + "\n\n" + checkpoint_note


def hash_lines(hashes: Sequence[bytes]) -> str:
    """Hashes one base64 line each (a consistency proof)."""
    return "".join(base64.b64encode(h).decode() + "\n" for h in hashes)


def proof_record(index: int, path: Sequence[bytes]) -> str:
    """One entry's inclusion proof as ``events.proofs`` holds it: a tlog-proof's body (its
    index line and hashes) and a blank line, against the package's one checkpoint."""
    return "\n".join([f"index {index}", *(base64.b64encode(h).decode() for h in path)]) + "\n\n"
