"""Bring a catalogue database to the schema this version of dalil needs.

Each capability owns a branch of migrations rooted at the vault's first revision
(``0001_vault``), labelled with the capability's name; upgrading goes to every head.
Capabilities can therefore add tables without ordering their migrations against
each other.

Opening an archive only compares the database's revisions with ``HEADS``; Alembic (slow
to import) is loaded when a migration must actually run. A test keeps ``HEADS`` equal to
the heads of the migration scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# The latest revision of every capability's branch.
HEADS = frozenset(
    {
        "authenticity_0001",
        "catalogue_0001",
        "estimation_0001",
        "export_0002",
        "identification_0001",
        "linkage_0003",
        "people_0001",
        "vault_0002",
        "web_0001",
    }
)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def script_heads() -> set[str]:
    """The heads of the migration scripts on disk (imports Alembic)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return set(rows)
    except DBAPIError:
        return set()  # no version table yet: a new database


def is_current(engine: Engine) -> bool:
    return current_revisions(engine) == HEADS


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (a no-op on an up-to-date database)."""
    from alembic import command

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
