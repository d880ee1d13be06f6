"""What verify replays for authenticity: runs, findings and supersessions from their events.

A finding's event carries its key, verdict, severity, score and the SHA-256 of its whole
body, so an edited message or detail is caught by the body hash and an edited verdict
by the replay itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from dalil import canonical
from dalil.authenticity.tables import authenticity_findings, authenticity_runs
from dalil.vault.custody import Event
from dalil.vault.expectations import register

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


def _run_status(row: Any) -> list[str]:
    closed = row.finished_seq is not None
    if row.status != ("closed" if closed else "open") or (row.finished_at is None) == closed:
        return [f"status {row.status!r} does not match its finishing event"]
    parameters = hashlib.sha256(row.parameters.encode("utf-8")).hexdigest()
    if parameters != row.parameters_sha256:
        return ["the parameters were changed after they were logged"]
    return []


def _finding_inside(row: Any) -> list[str]:
    if body_sha256(dict(row._mapping)) != row.body_sha256:
        return ["the finding was changed after it was logged"]
    return []


@register(authenticity_runs, "started_seq", {RUN_STARTED}, _run_status)
def _run(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "id": d["run"],
        "scope": d["scope"],
        "tool_version": d["tool"].removeprefix("dalil "),
        "parameters_sha256": d["parameters_sha256"],
        "inputs_sha256": d["inputs_sha256"],
        "images": d["images"],
        "started_at": event.at,
    }


@register(authenticity_runs, "finished_seq", {RUN_FINISHED})
def _run_finished(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "id": d["run"],
        "status": "closed",
        "finished_at": event.at,
        "summary": canonical.dumps(d["summary"]).decode("utf-8"),
    }


@register(authenticity_findings, "seq", {FINDING}, _finding_inside)
def _finding(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "run_id": d["run"],
        "scope": d["scope"],
        "sha256": d["sha256"],
        "check": d["check"],
        "code": d["code"],
        "subject": d["subject"],
        "verdict": d["verdict"],
        "severity": d["severity"],
        "score": d["score"],
        "body_sha256": d["body_sha256"],
    }


@register(authenticity_findings, "superseded_seq", {SUPERSEDED})
def _superseded(event: Event) -> dict[str, Any]:
    return {"seq": event.data["finding"]}
