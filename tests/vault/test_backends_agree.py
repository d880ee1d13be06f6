"""The same drive received into a SQLite and a PostgreSQL catalogue gives the same records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from dalil.db import schema
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending

from .factories import ingest

# Columns that differ between two archives by nature (time, event numbers are equal here
# but the archives' ids and signatures are not).
VOLATILE = {"opened_at", "closed_at", "mtime_unused"}


def _content(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
    tables = (schema.originals, schema.objects, schema.flags, schema.image_facts,
              schema.archive_openings, schema.batches)  # fmt: skip
    content = {}
    with archive.read() as conn:
        for table in tables:
            columns = [c for c in table.c if c.name not in VOLATILE]
            content[table.name] = sorted(tuple(row) for row in conn.execute(select(*columns)).all())
        events = conn.execute(select(schema.events.c.type).order_by(schema.events.c.seq))
        content["event types"] = [(t,) for t in events.scalars()]
    return content


def test_sqlite_and_postgresql_hold_the_same_records(
    tmp_path: Path, photo_tree: Path, postgres_template: str
) -> None:
    from tests.conftest import temporary_database

    with temporary_database(postgres_template) as pg_url:
        contents = []
        for folder, url in (("lite", None), ("pg", pg_url)):
            with Archive.create(tmp_path / folder, url) as archive:
                ingest(archive, photo_tree)
                describe_pending(archive, workers=1)
                contents.append(_content(archive))
    assert contents[0] == contents[1]
    assert len(contents[0]["originals"]) == 9
