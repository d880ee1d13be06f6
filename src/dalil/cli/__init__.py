"""The ``dalil`` command: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import sys

import typer

from dalil import __version__
from dalil.cli import (
    am_cmd,
    archive_cmd,
    authenticity_cmd,
    catalogue_cmd,
    estimate_cmd,
    export_cmd,
    ingest_cmd,
    listing_cmd,
    lists_cmd,
    log_cmd,
    match_cmd,
    overview_cmd,
    people_cmd,
    synth_cmd,
    verify_cmd,
    web_cmd,
    witness_cmd,
    witnesses_cmd,
)
from dalil.cli.common import console
from dalil.errors import DalilError

app = typer.Typer(
    name="dalil",
    help="dalil (دليل, evidence): a verifiable vault and analyses for atrocity photo collections.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dalil {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """dalil: turn a photo collection into evidence a court can trust."""


archive_cmd.register(app)
ingest_cmd.register(app)
verify_cmd.register(app)
listing_cmd.register(app)
overview_cmd.register(app)
app.add_typer(log_cmd.app, name="log")
app.add_typer(synth_cmd.app, name="synth")
app.add_typer(lists_cmd.app, name="lists")
app.add_typer(catalogue_cmd.app, name="catalogue")
app.add_typer(am_cmd.app, name="am")
app.add_typer(match_cmd.app, name="match")
app.add_typer(people_cmd.app, name="people")
estimate_cmd.register(app)
authenticity_cmd.register(app)
app.add_typer(export_cmd.app, name="export")
app.add_typer(witnesses_cmd.app, name="witnesses")
app.add_typer(witness_cmd.app, name="witness")
web_cmd.register(app)


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="dalil")
    except DalilError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("interrupted: the archive is consistent; run the same command to resume")
        sys.exit(130)
