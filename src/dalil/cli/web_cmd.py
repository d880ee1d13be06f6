"""``dalil serve`` and ``dalil web ...``: the web app and its accounts, from the terminal.

Starlette, uvicorn and the web package are imported inside the commands, so that
``dalil --help`` stays fast.
"""

from __future__ import annotations

import typer

from dalil.cli.common import ArchiveOption, console, open_archive

app = typer.Typer(help="Web app accounts: roles per collection, passwords, two-factor, sessions.",
                  no_args_is_help=True)  # fmt: skip


def serve(
    archive: ArchiveOption = None,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    insecure_dev_cookies: bool = typer.Option(
        False,
        "--insecure-dev-cookies",
        help="Cookies without Secure and __Host- so plain http works on loopback (development "
        "and tests only; behind TLS never).",
    ),
) -> None:
    """Run the web app (server-rendered pages; put TLS in front of it for a team)."""
    import uvicorn

    from dalil.web.app import create_app
    from dalil.web.context import Settings

    opened = open_archive(archive)
    web = create_app(opened, Settings(secure_cookies=not insecure_dev_cookies))
    console.print(f"dalil web app on http://{host}:{port}/ (archive {opened.root})")
    uvicorn.run(web, host=host, port=port, log_level="info", server_header=False)


@app.command("grant")
def grant(
    person: str = typer.Argument(..., help="A registered person (dalil people list)."),
    role: str = typer.Argument(
        ..., help="admin, custodian, analyst, reviewer, identification, liaison, auditor or viewer."
    ),
    collection: str = typer.Option(None, help="Only in this collection (default: all)."),
    archive: ArchiveOption = None,
) -> None:
    """Give a person a role, in one collection or in all; logged as a custody event."""
    from dalil.web import accounts

    given = accounts.grant(open_archive(archive), person, role, collection)
    console.print(f"{person}: {given.role.value} in {given.collection}")


@app.command("revoke")
def revoke(
    person: str = typer.Argument(..., help="A registered person."),
    role: str = typer.Argument(..., help="The role to take back."),
    collection: str = typer.Option(None, help="The collection it was granted in (default: all)."),
    archive: ArchiveOption = None,
) -> None:
    """Take a role back; the person's sessions end."""
    from dalil.web import accounts

    accounts.revoke(open_archive(archive), person, role, collection)
    console.print(f"{person}: {role} revoked; sessions ended")


@app.command("password")
def password(
    person: str = typer.Argument(..., help="A registered person."),
    archive: ArchiveOption = None,
) -> None:
    """Set a person's password (asked twice, never echoed); their sessions end."""
    from dalil.clock import utc_now
    from dalil.web import accounts

    typed = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    accounts.set_password(open_archive(archive), person, typed, utc_now())
    console.print(f"{person}: password set; sessions ended")


@app.command("totp")
def totp(
    person: str = typer.Argument(..., help="A registered person."),
    archive: ArchiveOption = None,
) -> None:
    """Give a person a new TOTP secret: prints the otpauth URI for their app (once)."""
    from dalil.clock import utc_now
    from dalil.web import accounts

    uri = accounts.enrol_totp(open_archive(archive), person, utc_now())
    typer.echo(uri)


@app.command("end-sessions")
def end_sessions(
    person: str = typer.Argument(..., help="A registered person."),
    archive: ArchiveOption = None,
) -> None:
    """End every web session a person holds (a lost laptop)."""
    from dalil.web import accounts

    ended = accounts.end_sessions(open_archive(archive), person)
    console.print(f"{person}: {ended} session(s) ended")


def register(root: typer.Typer) -> None:
    root.command("serve")(serve)
    root.add_typer(app, name="web")
