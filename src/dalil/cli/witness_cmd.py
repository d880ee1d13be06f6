"""`dalil witness ...`: the witness's own tool, run by another organisation elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import JsonOption, out, print_json

app = typer.Typer(
    help="Be a witness: cosign an archive's checkpoints only when they extend the last one.",
    no_args_is_help=True,
)
StateOption = Annotated[
    Path, typer.Option("--state", help="The witness's own folder (its key and memory).")
]


@app.command("init")
def init(
    state: StateOption,
    name: Annotated[str, typer.Option(help="The witness's name, e.g. witness.example.org/1.")],
) -> None:
    """Create a witness: a key of its own and an empty memory."""
    from dalil.witness import state as witness_state

    created = witness_state.init(state, name)
    out.print(f"witness {created.name} created; give its key to the archive's custodian:")
    out.print(str(created.public_key))


@app.command("cosign")
def cosign(
    request: Annotated[Path, typer.Argument(help="The archive's request file.")],
    state: StateOption,
    to: Annotated[Path, typer.Option("--out", "-o", help="Where to write the cosignature.")],
    trust: Annotated[
        str | None,
        typer.Option(help="The log's verifier key, to trust on its first request."),
    ] = None,
) -> None:
    """Cosign the request's checkpoint if it extends the last one cosigned; refuse a fork."""
    from dalil.vault.note import VerifierKey
    from dalil.vault.witness_request import Request
    from dalil.witness import cosigning
    from dalil.witness import state as witness_state

    current = witness_state.load(state)
    asked = Request.parse(request.read_text(encoding="utf-8"))
    key = VerifierKey.parse(trust) if trust else None
    line = cosigning.cosign_request(current, asked, key)
    to.write_text(line + "\n", encoding="utf-8")
    out.print(f"cosigned; the answer is in {to}")


@app.command("show")
def show(state: StateOption, json_: JsonOption = False) -> None:
    """The witness's key and the last checkpoint it cosigned for each log."""
    from dalil.witness import state as witness_state

    current = witness_state.load(state)
    logs = {o: vars(v) for o, v in current.logs.items()}
    if json_:
        print_json({"name": current.name, "key": str(current.public_key), "logs": logs})
        return
    out.print(f"witness {current.public_key}")
    for origin, view in logs.items():
        out.print(f"  {origin}: size {view['size']}, root {view['root'][:16]}…")
