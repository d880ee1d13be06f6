"""The witness's one decision: cosign this checkpoint, or refuse and say why.

Pure apart from the clock: given what the witness remembers of the log and a request,
check the log's signature, that the old size is the size last cosigned, the consistency
proof from it, and that an equal size has an equal root (a fork otherwise). Only then
is the checkpoint cosigned and the memory moved forward.
"""

from __future__ import annotations

import time

from dalil.errors import CheckpointError, DalilError
from dalil.vault import merkle
from dalil.vault.cosignature import cosign
from dalil.vault.note import Checkpoint, VerifierKey, open_checkpoint
from dalil.vault.witness_request import Request
from dalil.witness.state import LogView, WitnessState


class WitnessRefused(DalilError):
    """The witness will not cosign: the reason says what is wrong with the request."""


def _check(view: LogView, request: Request) -> Checkpoint:
    try:
        checkpoint = open_checkpoint(request.checkpoint, VerifierKey.parse(view.verifier_key))
    except CheckpointError as exc:
        raise WitnessRefused(f"the checkpoint is not signed by the log's key: {exc}") from exc
    if request.old_size > checkpoint.size:
        raise WitnessRefused(
            f"old size {request.old_size} is beyond the checkpoint's {checkpoint.size}"
        )
    if request.old_size != view.size:
        raise WitnessRefused(
            f"this witness last cosigned size {view.size}, not {request.old_size}: "
            f"ask again with `old {view.size}`"
        )
    if view.size == checkpoint.size:
        if view.root and bytes.fromhex(view.root) != checkpoint.root:
            raise WitnessRefused(
                f"a fork: size {view.size} was cosigned with another root; the log was rewritten"
            )
        return checkpoint
    if view.size and not merkle.verify_consistency(
        view.size, checkpoint.size, bytes.fromhex(view.root), checkpoint.root,
        list(request.proof),
    ):  # fmt: skip
        raise WitnessRefused(
            f"the checkpoint of size {checkpoint.size} is not consistent with the one of "
            f"size {view.size} this witness cosigned: the log was rewritten"
        )
    return checkpoint


def cosign_request(state: WitnessState, request: Request, trust: VerifierKey | None = None) -> str:
    """The cosignature line for the request's checkpoint; the state moves forward.

    ``trust`` pins the log's key on its first request; later requests must be signed by
    the same key.
    """
    origin = request.checkpoint.split("\n", 1)[0]
    view = state.logs.get(origin)
    if view is None:
        if trust is None or trust.name != origin:
            raise WitnessRefused(
                f"this witness does not know the log {origin!r}: trust its verifier key "
                "first (--trust KEY)"
            )
        view = LogView(str(trust))
    elif trust is not None and str(trust) != view.verifier_key:
        raise WitnessRefused(f"the log {origin!r} is known with another key")
    checkpoint = _check(view, request)
    line = cosign(checkpoint.text(), state.name, state.key, int(time.time()))
    state.logs[origin] = LogView(view.verifier_key, checkpoint.size, checkpoint.root.hex())
    state.save()
    return line
