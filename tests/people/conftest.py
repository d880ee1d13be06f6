"""A team of three registered people (alice, bob, cem), their keys outside the archive."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from dalil.identification import reports
from dalil.identification.am_report import parse_report
from dalil.people import registry
from dalil.people.registry import Author
from dalil.vault.archive import Archive

NAMES = {"alice": "Alice Haddad", "bob": "Bob Nasser", "cem": "Cem Yilmaz"}


@dataclass(frozen=True)
class Team:
    archive: Archive
    keys: Path  # a folder beside the archive, standing in for each person's own device

    def key(self, person: str) -> Path:
        return self.keys / f"{person}.key"

    def author(self, key_of: str, as_: str | None = None) -> Author:
        """Acting with ``key_of``'s key file, as ``as_`` (default: the file's person)."""
        return Author.load(self.key(key_of), as_)


@pytest.fixture
def team(archive: Archive, tmp_path: Path) -> Team:
    keys = tmp_path / "keys"
    keys.mkdir()
    for person, name in NAMES.items():
        registry.add_with_key(archive, person, name, keys / f"{person}.key")
    return Team(archive, keys)


def add_report(archive: Archive) -> str:
    values = {
        "name_latin_given": f"Samir{uuid.uuid4().hex[:6]}",
        "consent_identification": "yes",
        "consent_court": "yes",
    }
    return reports.add_report(archive, parse_report(values, date(2026, 1, 1)))
