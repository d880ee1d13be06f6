"""Creating and opening archives: identity, refusals, schema upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from dalil.capabilities import rules
from dalil.db import migrate, schema
from dalil.db.engine import make_engine
from dalil.errors import ArchiveError, ArchiveExists, ArchiveNotFound
from dalil.vault import custody
from dalil.vault.archive import Archive
from dalil.vault.verify import verify


def test_an_archive_needs_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "photo.jpg").write_bytes(b"x")
    with pytest.raises(ArchiveExists, match="not empty"):
        Archive.create(tmp_path / "busy")
    Archive.create(tmp_path / "a").close()
    with pytest.raises(ArchiveExists, match="already a dalil archive"):
        Archive.create(tmp_path / "a")


def test_opening_a_folder_that_is_not_an_archive_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="dalil init"):
        Archive.open(tmp_path)


def test_a_catalogue_of_another_archive_is_refused(tmp_path: Path) -> None:
    Archive.create(tmp_path / "a").close()
    Archive.create(tmp_path / "b").close()
    (tmp_path / "a" / "catalogue.sqlite").unlink()
    (tmp_path / "b" / "catalogue.sqlite").rename(tmp_path / "a" / "catalogue.sqlite")
    with pytest.raises(ArchiveError, match="does not belong to the archive"):
        Archive.open(tmp_path / "a")


def test_private_key_is_owner_read_only_and_outside_the_database(tmp_path: Path) -> None:
    with Archive.create(tmp_path / "a") as archive:
        assert archive.key_path.stat().st_mode & 0o777 == 0o400
        pem = archive.key_path.read_bytes()
    assert b"PRIVATE KEY" in pem
    assert pem not in (tmp_path / "a" / "catalogue.sqlite").read_bytes()


def test_opening_an_older_catalogue_upgrades_it_and_logs_the_change(tmp_path: Path) -> None:
    Archive.create(tmp_path / "a").close()
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'catalogue.sqlite'}")
    config = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001_vault")
    engine.dispose()
    with Archive.open(tmp_path / "a") as archive:
        with archive.read() as conn:
            size = custody.log_size(conn)
            last = custody.get_event(conn, size - 1)
            versions = set(conn.execute(select(schema.meta.c.key)).scalars())
        assert last.type == "schema.upgraded"
        assert last.data["from"] == ["0001_vault"] and last.data["to"] == sorted(migrate.HEADS)
        assert "archive_id" in versions
        assert verify(archive, rules(), record=False).ok
