"""Recording findings: only what changed, each change with its custody event.

A re-run that reaches the same findings writes nothing. A finding whose body changed
(another verdict, score, wording, setting or error rate) is superseded and its successor
added; a finding the run no longer reaches, for an image it analysed, is superseded with
no successor. Writes go in groups, each one transaction with its events, so an
interrupted run leaves whole groups behind and the next run completes the rest.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from dalil import __version__, canonical
from dalil.authenticity.finding import Finding
from dalil.authenticity.params import ANALYSER, Parameters
from dalil.authenticity.rates import for_check
from dalil.authenticity.replay import AUTHENTICITY, FINDING, SUPERSEDED, body_sha256
from dalil.authenticity.tables import authenticity_findings as table
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive
from dalil.vault.writer import Writer

GROUP_ITEMS = 2000
# What a finding's event carries; the rest of its row is bound by ``body_sha256``.
EVENT_COLUMNS = ("scope", "sha256", "check", "code", "subject", "verdict", "severity",
                 "score", "body_sha256")  # fmt: skip
GROUP_SECONDS = 2.0

Key = tuple[str, str, str, str]


@dataclass
class WriteCounts:
    added: int = 0
    superseded: int = 0
    unchanged: int = 0

    def as_json(self) -> dict[str, int]:
        return {"added": self.added, "superseded": self.superseded, "unchanged": self.unchanged}


def tool_version() -> str:
    return f"dalil {__version__} {ANALYSER}"


def body(finding: Finding, scope: str, params: Parameters) -> dict[str, Any]:
    """The stored row of a finding, less its event number and run."""
    values = {
        "scope": scope,
        "sha256": finding.sha256,
        "check": finding.check,
        "code": finding.code,
        "subject": finding.subject,
        "verdict": finding.verdict,
        "severity": finding.severity,
        "score": finding.score,
        "camera": finding.camera,
        "message": finding.message,
        "detail": canonical.dumps(finding.detail).decode("utf-8"),
        "tool_version": tool_version(),
        "parameters": canonical.dumps(params.check(finding.check)).decode("utf-8"),
        "error_rate": canonical.dumps(for_check(finding.check)).decode("utf-8"),
    }
    values["body_sha256"] = body_sha256(values)
    return values


def current(conn: Connection, scope: str) -> dict[Key, tuple[int, str]]:
    """The findings in force for a scope: key → (event, body hash)."""
    t = table
    rows = conn.execute(
        select(t.c.seq, t.c.sha256, t.c.check, t.c.code, t.c.subject, t.c.body_sha256).where(
            t.c.scope == scope, t.c.superseded_seq.is_(None)
        )
    )
    return {(r.sha256, r.check, r.code, r.subject): (r.seq, r.body_sha256) for r in rows}


@dataclass(frozen=True)
class _Change:
    old: int | None  # the finding superseded, if any
    new: dict[str, Any] | None  # the row added, if any


def plan_changes(
    existing: dict[Key, tuple[int, str]],
    findings: Iterable[Finding],
    analysed: set[str],
    scope: str,
    params: Parameters,
) -> tuple[list[_Change], int]:
    """What to write so that the recorded findings become ``findings``; and how many
    stay as they are. Pure apart from reading ``existing``."""
    changes: list[_Change] = []
    produced: set[Key] = set()
    unchanged = 0
    for finding in findings:
        if finding.key in produced:
            continue  # one answer per question; the first the checks gave stands
        produced.add(finding.key)
        row = body(finding, scope, params)
        old = existing.get(finding.key)
        if old is not None and old[1] == row["body_sha256"]:
            unchanged += 1
            continue
        changes.append(_Change(old[0] if old else None, row))
    for key, (seq, _) in sorted(existing.items(), key=lambda item: item[1][0]):
        if key[0] in analysed and key not in produced:
            changes.append(_Change(seq, None))
    return changes, unchanged


def _groups(changes: list[_Change]) -> Iterator[list[_Change]]:
    group: list[_Change] = []
    started = time.monotonic()
    for change in changes:
        group.append(change)
        if len(group) >= GROUP_ITEMS or time.monotonic() - started >= GROUP_SECONDS:
            yield group
            group, started = [], time.monotonic()
    if group:
        yield group


def _record(conn: Connection, run_id: int, group: list[_Change], counts: WriteCounts) -> None:
    with Writer(conn, AUTHENTICITY) as writer:
        for change in group:
            if change.old is not None:
                writer.record(SUPERSEDED, {"finding": change.old, "run": run_id})
                counts.superseded += 1
            if change.new is not None:
                new = change.new
                data = {k: new[k] for k in EVENT_COLUMNS}
                writer.record(FINDING, {"run": run_id, **data}, given=new)
                counts.added += 1


def write_findings(
    archive: Archive,
    run_id: int,
    scope: str,
    findings: list[Finding],
    analysed: set[str],
    params: Parameters,
    reporter: Reporter = SILENT,
) -> WriteCounts:
    with archive.read() as conn:
        existing = current(conn, scope)
    changes, unchanged = plan_changes(existing, findings, analysed, scope, params)
    counts = WriteCounts(unchanged=unchanged)
    reporter.start("recording findings", len(changes), "findings")
    for group in _groups(changes):
        with archive.write() as conn:
            _record(conn, run_id, group, counts)
        reporter.advance(len(group))
    return counts
