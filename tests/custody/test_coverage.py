"""The rules cover everything, and the vault depends on nothing above it.

Fails when a table has neither a replay rule nor a reasoned entry among the tables not
replayed, when a rule is never exercised by the full archive, and when the vault
imports a capability (the foundation is handed its rules; it never looks for them).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, select

from dalil.capabilities import CAPABILITIES, rules
from dalil.db import schema
from dalil.vault.archive import Archive
from dalil.vault.verify import SCHEMA_TABLES, verify

VAULT = Path(__file__).resolve().parents[2] / "src" / "dalil" / "vault"
ABOVE = ("dalil.authenticity", "dalil.catalogue", "dalil.identification", "dalil.linkage",
         "dalil.estimation", "dalil.export", "dalil.web", "dalil.capabilities")  # fmt: skip


def test_every_table_is_replayed_or_says_why_not() -> None:
    ruled = {rule.name for rule in rules().table_rules()}
    unreplayed = rules().unreplayed()
    for table in schema.metadata.sorted_tables:
        assert (table.name in ruled) != (table.name in unreplayed), table.name
    assert all(len(why) > 30 for why in unreplayed.values()), unreplayed


def test_each_capability_owns_its_tables_alone() -> None:
    owners: dict[str, str] = {}
    for capability in CAPABILITIES:
        for rule in capability.tables:
            assert rule.name not in owners, (rule.name, owners.get(rule.name))
            owners[rule.name] = capability.name


def test_importing_the_vault_loads_no_capability() -> None:
    code = ("import sys, dalil.vault.verify, dalil.vault.writer, dalil.vault.replayer, "
            f"dalil.vault.receive, dalil.vault.derive; print([m for m in sys.modules "
            f"if m.startswith({ABOVE!r})])")  # fmt: skip
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"the vault imports {loaded}"


@pytest.mark.parametrize("path", sorted(VAULT.glob("*.py")), ids=lambda p: p.name)
def test_no_vault_module_imports_a_capability(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(ABOVE), f"{path.name} imports {name}"


def test_the_full_archive_exercises_every_rule(full: Archive) -> None:
    with full.read() as conn:
        logged = set(conn.execute(select(schema.events.c.type).distinct()).scalars())
        for rule in rules().table_rules():
            for column in rule.marks:
                marked = conn.execute(
                    select(func.count()).where(rule.table.c[column].is_not(None))
                ).scalar_one()
                assert marked, f"no {rule.name} row is marked ({column}): extend full_archive"
    applied = {t for capability in CAPABILITIES for t in capability.appliers}
    assert applied - logged == set(), "rules the full archive never exercises"
    assert all(rules().known(t) for t in logged), logged - applied


def test_a_table_no_rule_covers_is_named_by_verify(archive: Archive) -> None:
    stray = Table("notes_of_someone", MetaData(), Column("id", Integer, primary_key=True))
    with archive.write() as conn:
        stray.create(conn)
        conn.execute(stray.insert().values(id=1))
    report = verify(archive, rules(), fast=True, record=False)
    assert [str(p) for p in report.problems] == [
        "[catalogue] notes_of_someone: holds 1 row(s) that no replay rule covers: verify "
        "cannot say they are what the custody log recorded"
    ]
    assert "alembic_version" in SCHEMA_TABLES
