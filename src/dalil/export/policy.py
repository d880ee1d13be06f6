"""The package's trust policy in C2SP ``tlog-policy`` form: the log, the witnesses, a quorum.

``quorum`` is ``none`` (the log's signature alone), ``all`` (every registered witness),
or a number k (any k of them). The verifier inside the package enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dalil.errors import InputError
from dalil.vault.cosignature import WitnessKey
from dalil.vault.note import VerifierKey


@dataclass(frozen=True)
class Policy:
    log: VerifierKey
    witnesses: tuple[WitnessKey, ...]
    needed: int  # cosignatures required, 0 for none

    def text(self) -> str:
        lines = [f"log {self.log}"]
        names = []
        for i, witness in enumerate(self.witnesses, start=1):
            names.append(f"w{i}")
            lines.append(f"witness w{i} {witness}")
        if self.needed == 0:
            lines.append("quorum none")
        else:
            lines.append(f"group witnesses {self.needed} {' '.join(names)}")
            lines.append("quorum witnesses")
        return "\n".join(lines) + "\n"


def make(log: VerifierKey, witnesses: list[WitnessKey], quorum: str) -> Policy:
    if quorum == "none":
        return Policy(log, tuple(witnesses), 0)
    if quorum == "all":
        return Policy(log, tuple(witnesses), len(witnesses))
    if not quorum.isdigit() or not 1 <= int(quorum) <= len(witnesses):
        raise InputError(
            f"--quorum is none, all, or a number from 1 to {len(witnesses)} (the witnesses "
            f"registered); got {quorum!r}"
        )
    return Policy(log, tuple(witnesses), int(quorum))
