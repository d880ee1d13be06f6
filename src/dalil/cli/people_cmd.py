"""`dalil people ...`: the registered people who review, enter, decide and confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json

app = typer.Typer(
    help="Registered people (reviewers) and their personal keys: add, list, disable.",
    no_args_is_help=True,
)

KeyOut = Annotated[
    Path | None,
    typer.Option(
        "--key-out",
        help="Make the person's key and write it here (outside the archive, 0600); "
        "give it to them, and to no one else.",
    ),
]


@app.command("add")
def add(
    person: Annotated[str, typer.Argument(help="The person's id: lower case, e.g. a.haddad.")],
    name: Annotated[str, typer.Option("--name", help="Their display name.")],
    key_out: KeyOut = None,
    public_key: Annotated[
        str | None,
        typer.Option(help="Their public key, if they made their own (`dalil people keygen`)."),
    ] = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Register a person; from then on every review, entry and decision must be signed by
    a registered person's key (--as PERSON --key FILE)."""
    from dalil.errors import InputError
    from dalil.people import registry

    if (key_out is None) == (public_key is None):
        raise InputError("give --key-out FILE (dalil makes their key) or --public-key KEY")
    with open_archive(archive_dir) as archive:
        if key_out is not None:
            added = registry.add_with_key(archive, person, name, key_out)
        else:
            assert public_key is not None
            added = registry.add(archive, person, name, public_key)
    out.print(
        f"{added.id} ({added.name}) registered, key {added.fingerprint} (event #{added.added_seq})"
    )
    if key_out is not None:
        out.print(
            f"their private key is in {key_out}: hand it to them; the archive keeps only "
            "the public key"
        )


@app.command("keygen")
def keygen(
    person: Annotated[str, typer.Argument(help="Your person id, e.g. a.haddad.")],
    key_out: Annotated[Path, typer.Option("--key-out", help="Where to write your key (0600).")],
    archive_dir: ArchiveOption = None,
) -> None:
    """Make your own key; give the public key it prints to the custodian to register."""
    from dalil.people import keyfile
    from dalil.vault.archive import ARCHIVE_FILE

    # Refused inside the archive named, or the one the current folder is.
    root = archive_dir or (Path.cwd() if (Path.cwd() / ARCHIVE_FILE).exists() else None)
    made = keyfile.generate(person, key_out, root)
    out.print(f"key for {made.person} written to {key_out}; your public key:")
    out.print(made.public)


@app.command("list")
def listing(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:
    """The registered people, their keys' fingerprints and whether they are active."""
    from dalil.people import registry

    with open_archive(archive_dir) as archive, archive.read() as conn:
        everyone = registry.listing(conn)
    if json_:
        print_json([vars(p) | {"fingerprint": p.fingerprint, "active": p.active} for p in everyone])
        return
    for p in everyone:
        state = (
            "active" if p.active else f"disabled at event #{p.disabled_seq}: {p.disabled_reason}"
        )
        out.print(f"{p.id:<20} {p.name:<30} key {p.fingerprint}  {state}")
    if not everyone:
        out.print(
            "nobody is registered; add people with `dalil people add ID --name NAME --key-out FILE`"
        )


@app.command("disable")
def disable(
    person: Annotated[str, typer.Argument(help="The person's id or display name.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the custody log).")],
    archive_dir: ArchiveOption = None,
) -> None:
    """Disable a person: their key signs nothing new; what they did stays as recorded."""
    from dalil.people import registry

    with open_archive(archive_dir) as archive:
        done = registry.disable(archive, person, reason)
    out.print(f"{done.id} disabled (event #{done.disabled_seq})")
