"""An archive on disk: its folder, catalogue database, object store and signing key.

ARCHIVE/
  dalil-archive.json     identity: id, log origin, verifier key, database address
  catalogue.sqlite       the catalogue (unless DALIL_DATABASE_URL names PostgreSQL)
  store/objects/..       the write-once objects, named by SHA-256
  store/tmp/             partial copies of an ingest in progress
  keys/checkpoint.key    Ed25519 private key that signs checkpoints (owner read-only)
  checkpoints/           checkpoints written out with `dalil log checkpoint --export`
  receipts/              one receipt per closed batch
  writer.lock            held (flock) by the one process running a long write (lock.py)
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from dalil import __version__
from dalil.clock import utc_now
from dalil.db import migrate, schema
from dalil.db.engine import make_engine, reading, writing
from dalil.errors import ArchiveError, ArchiveExists, ArchiveNotFound
from dalil.vault import custody, lock
from dalil.vault.keys import create_key, load_signer
from dalil.vault.note import Signer, VerifierKey
from dalil.vault.replay import ARCHIVE_CREATED, VAULT
from dalil.vault.store import ObjectStore
from dalil.vault.writer import Writer

ARCHIVE_FILE = "dalil-archive.json"
FORMAT = "dalil-archive/1"
DATABASE_ENV = "DALIL_DATABASE_URL"
OPERATOR_ENV = "DALIL_OPERATOR"
SQLITE_NAME = "catalogue.sqlite"


@dataclass(frozen=True)
class ArchiveConfig:
    id: str
    origin: str
    verifier_key: str
    created_at: str
    database: str | None  # None: the SQLite file inside the archive

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "id": self.id,
                "origin": self.origin,
                "verifier_key": self.verifier_key,
                "created_at": self.created_at,
                "database": self.database,
            },
            indent=2,
        )

    @classmethod
    def load(cls, path: Path) -> ArchiveConfig:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"{path} cannot be read: {exc}") from exc
        if data.get("format") != FORMAT:
            raise ArchiveError(f"{path} is not a dalil archive of format {FORMAT}")
        return cls(
            data["id"], data["origin"], data["verifier_key"], data["created_at"], data["database"]
        )


def operator() -> str:
    """Who is running this command, as recorded in the log."""
    name = os.environ.get(OPERATOR_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def host() -> str:
    return socket.gethostname()


class Archive:
    def __init__(self, root: Path, config: ArchiveConfig, engine: Engine) -> None:
        self.root = root
        self.config = config
        self.engine = engine
        self.store = ObjectStore(root / "store")
        self.key_path = root / "keys" / "checkpoint.key"
        self.checkpoints_dir = root / "checkpoints"
        self.receipts_dir = root / "receipts"
        self.verifier = VerifierKey.parse(config.verifier_key)

    @property
    def origin(self) -> str:
        return self.config.origin

    def signer(self) -> Signer:
        signer = load_signer(self.key_path, self.origin)
        if signer.verifier != self.verifier:
            raise ArchiveError(
                f"{self.key_path} is not the key this archive was created with; "
                "checkpoints signed with it would not verify"
            )
        return signer

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with writing(self.engine) as conn:
            yield conn

    @contextmanager
    def exclusive(self, command: str | None = None) -> Iterator[None]:
        """Be the archive's only long-running writer for the block (see ``lock``)."""
        with lock.exclusive(self.root, command):
            yield

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with reading(self.engine) as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- creation and opening ------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, database_url: str | None = None) -> Archive:
        root = root.absolute()
        if (root / ARCHIVE_FILE).exists():
            raise ArchiveExists(f"{root} is already a dalil archive")
        if root.exists() and any(root.iterdir()):
            raise ArchiveExists(f"{root} is not empty; an archive needs a folder of its own")
        database_url = database_url or os.environ.get(DATABASE_ENV) or None
        root.mkdir(parents=True, exist_ok=True)
        archive_id = str(uuid.uuid4())
        origin = f"dalil.archive/{archive_id}"
        key = create_key(root / "keys" / "checkpoint.key")
        verifier = VerifierKey(origin, key.public_key().public_bytes_raw())
        config = ArchiveConfig(archive_id, origin, str(verifier), utc_now(), database_url)
        engine = make_engine(database_url or _sqlite_url(root))
        if not migrate.is_current(engine):
            migrate.upgrade(engine)
        archive = cls(root, config, engine)
        archive.store.create()
        for folder in (archive.checkpoints_dir, archive.receipts_dir):
            folder.mkdir()
        with archive.write() as conn:
            if conn.execute(select(schema.meta.c.key)).first() is not None:
                raise ArchiveExists(
                    "the database already holds an archive; give each archive its own database"
                )
            custody.init_head(conn)
            with Writer(conn, VAULT) as writer:
                data = {
                    "archive_id": archive_id,
                    "origin": origin,
                    "verifier_key": str(verifier),
                    "tool": f"dalil {__version__}",
                    "host": host(),
                    "operator": operator(),
                }
                writer.record(ARCHIVE_CREATED, data)
        _write_config(root / ARCHIVE_FILE, config)
        return archive

    @classmethod
    def open(cls, root: Path) -> Archive:
        root = root.absolute()
        config_path = root / ARCHIVE_FILE
        if not config_path.is_file():
            raise ArchiveNotFound(
                f"no dalil archive at {root}; create one with `dalil init {root}` "
                "or name it with --archive / DALIL_ARCHIVE"
            )
        config = ArchiveConfig.load(config_path)
        url = os.environ.get(DATABASE_ENV) or config.database or _sqlite_url(root)
        engine = make_engine(url)
        before = migrate.current_revisions(engine)
        if before != migrate.HEADS:
            migrate.upgrade(engine)
        archive = cls(root, config, engine)
        with archive.read() as conn:
            stored = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())
        if stored.get("archive_id") != config.id:
            engine.dispose()
            raise ArchiveError(
                f"the catalogue database does not belong to the archive at {root} "
                f"(it holds archive {stored.get('archive_id')!r}, the folder is {config.id!r})"
            )
        if before != migrate.HEADS:
            # A new version of dalil added tables: the change of schema is itself logged.
            with archive.write() as conn:
                custody.append(
                    conn,
                    "schema.upgraded",
                    {
                        "from": sorted(before),
                        "to": sorted(migrate.HEADS),
                        "tool": f"dalil {__version__}",
                        "operator": operator(),
                    },
                )
        return archive


def _sqlite_url(root: Path) -> str:
    return f"sqlite:///{root / SQLITE_NAME}"


def _write_config(path: Path, config: ArchiveConfig) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(config.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
