"""What verify replays for authenticity: runs, findings and supersessions from their events.

A finding's event carries its key, verdict, severity, score and the SHA-256 of its whole
body, so an edited message or detail is caught by the body hash and an edited verdict
by the replay itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from dalil import canonical
from dalil.authenticity.tables import (
    authenticity_findings,
    authenticity_measurements,
    authenticity_runs,
)
from dalil.vault.changes import GIVEN, Change, Mark, Update, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

RUN_STARTED = "authenticity.run.started"
RUN_FINISHED = "authenticity.run.finished"
FINDING = "authenticity.finding"
SUPERSEDED = "authenticity.finding.superseded"

# The columns hashed into a finding's body_sha256, in this order of keys (canonical JSON
# sorts them anyway): everything a reader of the finding relies on.
BODY_COLUMNS = (
    "scope", "sha256", "check", "code", "subject", "verdict", "severity", "score", "camera",
    "message", "detail", "tool_version", "parameters", "error_rate",
)  # fmt: skip


def body_sha256(values: dict[str, Any]) -> str:
    body = {column: values[column] for column in BODY_COLUMNS}
    return hashlib.sha256(canonical.dumps(body)).hexdigest()


def _finding_inside(row: Any) -> list[str]:
    if body_sha256(dict(row)) != row["body_sha256"]:
        return ["the finding was changed after it was logged"]
    return []


def _run_inside(row: Any) -> list[str]:
    if hashlib.sha256(row["parameters"].encode("utf-8")).hexdigest() != row["parameters_sha256"]:
        return ["the parameters were changed after they were logged"]
    return []


def _run(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        authenticity_runs,
        {
            "id": d["run"],
            "scope": d["scope"],
            "tool_version": d["tool"].removeprefix("dalil "),
            "parameters": canonical.dumps(d["parameters"]).decode("utf-8"),
            "parameters_sha256": d["parameters_sha256"],
            "inputs_sha256": d["inputs_sha256"],
            "images": d["images"],
            "status": "open",
            "started_at": event.at,
            "started_seq": event.seq,
            "finished_at": None,
            "finished_seq": None,
            "summary": None,
        },
    )


def _run_finished(event: Event) -> Iterator[Change]:
    d = event.data
    values = {
        "status": "closed",
        "finished_at": event.at,
        "finished_seq": event.seq,
        "summary": canonical.dumps(d["summary"]).decode("utf-8"),
    }
    yield Update(authenticity_runs, {"id": d["run"]}, values)


# Columns of a finding that its event binds by ``body_sha256`` instead of carrying them.
HELD = ("camera", "message", "detail", "tool_version", "parameters", "error_rate")


def _finding(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "run_id": d["run"],
        **{k: d[k] for k in ("scope", "sha256", "check", "code", "subject", "verdict")},
        "severity": d["severity"],
        "score": d["score"],
        "body_sha256": d["body_sha256"],
        **dict.fromkeys(HELD, GIVEN),
    }
    yield insert(authenticity_findings, row)


def _superseded(event: Event) -> Iterator[Change]:
    yield Mark(authenticity_findings, {"seq": event.data["finding"]}, "superseded_seq")


AUTHENTICITY = Capability(
    name="authenticity",
    tables=(
        TableRule(authenticity_runs, check=_run_inside),
        TableRule(
            authenticity_findings, origin="seq", marks=("superseded_seq",), check=_finding_inside
        ),
    ),
    appliers={
        RUN_STARTED: _run,
        RUN_FINISHED: _run_finished,
        FINDING: _finding,
        SUPERSEDED: _superseded,
    },
    unreplayed={
        authenticity_measurements: "a cache of pixel measurements keyed by what produced "
        "them; not evidence (the findings are), measured again when missing",
    },
)
