"""`dalil witnesses ...`: the archive's side of witnessing its checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json

app = typer.Typer(
    help="Witnesses that cosign the archive's checkpoints: register, ask, file answers.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    key: Annotated[str, typer.Argument(help="The witness's key, as `dalil witness show` prints.")],
    archive_dir: ArchiveOption = None,
) -> None:
    """Register a witness by its key; its cosignatures are checked from now on."""
    from dalil.vault import witnesses

    with open_archive(archive_dir) as archive:
        witness = witnesses.add(archive, key)
    out.print(f"witness {witness.name} registered")


@app.command("list")
def listing(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:
    """The registered witnesses and the checkpoints they cosigned."""
    from dalil.vault import witnesses

    with open_archive(archive_dir) as archive, archive.read() as conn:
        keys = witnesses.known(conn)
        cosigned = witnesses.witnessed(conn)
    if json_:
        print_json(
            {
                "witnesses": [str(k) for k in keys],
                "cosigned": [vars(c) | {"witnesses": list(c.witnesses)} for c in cosigned],
            }
        )
        return  # fmt: skip
    for key in keys:
        out.print(f"witness {key}")
    for c in cosigned:
        out.print(f"checkpoint {c.size} ({c.root[:16]}…) cosigned by {', '.join(c.witnesses)}")
    if not keys:
        out.print("no witnesses registered; add one with `dalil witnesses add KEY`")


@app.command("request")
def request(
    name: Annotated[str, typer.Argument(help="The witness to ask.")],
    to: Annotated[Path, typer.Option("--out", "-o", help="Where to write the request.")],
    archive_dir: ArchiveOption = None,
) -> None:
    """Write a request for the witness: the latest checkpoint and the consistency proof
    from the last checkpoint it cosigned (C2SP tlog-witness add-checkpoint)."""
    from dalil.vault import witnesses

    with open_archive(archive_dir) as archive:
        asked = witnesses.request(archive, name)
    to.write_text(asked.text(), encoding="utf-8")
    out.print(f"request for {name} written to {to}: give it to the witness's operator")


@app.command("accept")
def accept(
    name: Annotated[str, typer.Argument(help="The witness that answered.")],
    asked: Annotated[Path, typer.Argument(help="The request that was sent.")],
    answer: Annotated[Path, typer.Argument(help="The witness's answer (its cosignature).")],
    archive_dir: ArchiveOption = None,
) -> None:
    """File a witness's cosignature; refused unless it verifies."""
    from dalil.vault import witnesses
    from dalil.vault.witness_request import Request

    request_text = Request.parse(asked.read_text(encoding="utf-8"))
    with open_archive(archive_dir) as archive:
        filed = witnesses.accept(archive, name, answer.read_text(encoding="utf-8"), request_text)
    out.print(f"checkpoint {filed.size} ({filed.root[:16]}…) cosigned by {name}: filed")
