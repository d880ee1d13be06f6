"""The controlled vocabulary of security branches: number, Arabic and English name, agency.

The list that ships with dalil (``data/branches.csv``, from Human Rights Watch, "If the
Dead Could Speak", 2015) is a starting point. A custodian edits the archive's own copy,
``ARCHIVE/catalogue/branches.csv`` (made by ``dalil catalogue branches --init``), in any
spreadsheet; when it exists it is the authority. A branch number read or typed that is
not in the vocabulary is never silently accepted: the reading is flagged and is never
"confident", and a reviewer who types one is asked to confirm it.

Every reading and grouping records the SHA-256 of the vocabulary it used, so a later
change to the list is visible in the custody log.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dalil.catalogue.digits import is_number, to_western
from dalil.errors import InputError

COLUMNS = ("number", "name_ar", "name_en", "agency")
ARCHIVE_COPY = Path("catalogue") / "branches.csv"


@dataclass(frozen=True)
class Branch:
    number: str  # Western digits, e.g. "215"
    name_ar: str
    name_en: str
    agency: str


@dataclass(frozen=True)
class Vocabulary:
    branches: dict[str, Branch]
    source: str  # where it was read from
    sha256: str  # of the file's bytes

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and number in self.branches

    def get(self, number: str | None) -> Branch | None:
        return self.branches.get(number) if number is not None else None

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(self.branches)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "branches": [b.__dict__ for b in self.branches.values()],
        }


def default_bytes() -> bytes:
    return resources.files("dalil.catalogue").joinpath("data/branches.csv").read_bytes()


def parse_vocabulary(data: bytes, source: str) -> Vocabulary:
    """Read a branch vocabulary CSV; InputError names the line that cannot be used."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text; save it as CSV UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames[:4]) != COLUMNS:
        raise InputError(f"{source}: the first line must be the header {','.join(COLUMNS)}")
    branches: dict[str, Branch] = {}
    for line, row in enumerate(reader, start=2):
        number = to_western((row.get("number") or "").strip())
        if not is_number(number):
            raise InputError(f"{source}, line {line}: branch number {number!r} is not a number")
        if number in branches:
            raise InputError(f"{source}, line {line}: branch {number} is listed twice")
        name_ar, name_en, agency = ((row.get(c) or "").strip() for c in COLUMNS[1:])
        if not (name_ar or name_en):
            raise InputError(f"{source}, line {line}: branch {number} needs a name")
        branches[number] = Branch(number, name_ar, name_en, agency)
    if not branches:
        raise InputError(f"{source} lists no branch")
    return Vocabulary(branches, source, hashlib.sha256(data).hexdigest())


def load_vocabulary(archive_root: Path | None = None) -> Vocabulary:
    """The archive's own vocabulary if it has one, else the one shipped with dalil."""
    if archive_root is not None:
        path = archive_root / ARCHIVE_COPY
        if path.exists():
            return parse_vocabulary(path.read_bytes(), str(path))
    return parse_vocabulary(default_bytes(), "dalil default vocabulary")


def init_archive_copy(archive_root: Path) -> Path:
    """Write the default vocabulary into the archive for the custodian to edit."""
    path = archive_root / ARCHIVE_COPY
    if path.exists():
        raise InputError(f"{path} exists already; edit it in place")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(default_bytes())
    return path
