"""Who is acting: ``--as PERSON`` and ``--key FILE``, shared by every command that
records a person's review, entry, decision or confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from dalil.people.registry import Acting

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="DALIL_PERSON",
        help="The registered person you are (default: $DALIL_PERSON, else the key's person).",
        show_default=False,
    ),
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        envvar="DALIL_KEY",
        help="Your personal key file, kept outside the archive (default: $DALIL_KEY).",
        show_default=False,
    ),
]


def actor(person: str | None, key: Path | None, name: str | None = None) -> Acting:
    """A person with their key; without a key, the name the archive recorded before
    people were registered (refused by the library once anyone is registered)."""
    if key is not None:
        from dalil.people.registry import Author

        return Author.load(key, person)
    from dalil.vault.archive import operator

    return name or person or operator()
