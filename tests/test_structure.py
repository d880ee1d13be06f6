"""Things that must stay true of the code base as it grows."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dalil import capabilities
from dalil.db import migrate, schema
from dalil.vault.archive import Archive

# Modules the CLI must not import before a command runs: each costs a noticeable part of
# a second, and a custodian pays it at every command, even `dalil --help`.
HEAVY = ("numpy", "PIL", "cv2", "pandas", "splink", "duckdb", "dlib", "statsmodels",
         "scipy", "onnxruntime", "rapidocr", "alembic", "torch", "faiss")  # fmt: skip


def test_migration_heads_constant_matches_the_scripts() -> None:
    assert migrate.script_heads() == set(migrate.HEADS), (
        "update HEADS in dalil/db/migrate.py to the latest revision of every branch"
    )


def test_migrations_create_exactly_the_declared_tables(archive: Archive) -> None:
    with archive.engine.connect() as conn:
        assert capabilities.CAPABILITIES  # every capability's tables are on the metadata
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_importing_the_cli_stays_light() -> None:
    code = f"import sys, dalil.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"dalil.cli imports {loaded} at start-up; import inside the command"


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_cli_starts(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "dalil", *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
