"""Tables of the authenticity analysis: runs, findings, and a cache of pixel measurements.

A run is opened by one custody event and closed by another, like an ingest batch. Each
finding is written with an event of its own; a finding is never edited: when a later run
reaches a different result for the same image, check and question, the old finding is
marked superseded by a further event and the new one is added. The current findings are
the ones not superseded, so a re-run that reaches the same results writes nothing.

Measurements (sensor-noise correlations, thumbnail differences, double-compression
statistics) are a cache of costly pixel work keyed by what produced them; they are not
evidence themselves (the findings built from them are), so they carry no event and a
missing or deleted measurement is simply measured again.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from dalil.db.schema import SHA, TIME, metadata

authenticity_runs = Table(
    "authenticity_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("scope", String(200), nullable=False),  # a collection name, or "" for all
    Column("tool_version", String(60), nullable=False),
    Column("parameters", Text, nullable=False),  # canonical JSON
    Column("parameters_sha256", SHA, nullable=False),
    Column("inputs_sha256", SHA, nullable=False),  # over the sorted SHA-256s analysed
    Column("images", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # open | closed
    Column("started_at", TIME, nullable=False),
    Column("started_seq", BigInteger, nullable=False, unique=True),
    Column("finished_at", TIME),
    Column("finished_seq", BigInteger, unique=True),
    Column("summary", Text),  # canonical JSON, when closed
)

authenticity_findings = Table(
    "authenticity_findings",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("run_id", Integer, ForeignKey("authenticity_runs.id"), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("sha256", SHA, ForeignKey("objects.sha256"), nullable=False),
    Column("check", String(20), nullable=False),
    Column("code", String(60), nullable=False),
    Column("subject", String(64), nullable=False),  # another object it concerns, or ""
    Column("verdict", String(20), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("score", String(60)),  # a number written as text: canonical JSON has no floats
    Column("camera", Text),
    Column("message", Text, nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON
    Column("tool_version", String(60), nullable=False),
    Column("parameters", Text, nullable=False),  # canonical JSON: the check's settings
    Column("error_rate", Text, nullable=False),  # canonical JSON: the check's measured rates
    Column("body_sha256", SHA, nullable=False),  # hash of everything above but seq and run
    Column("superseded_seq", BigInteger, unique=True),
    Index(None, "sha256"),
    Index(None, "check", "severity"),
    Index(None, "scope", "superseded_seq"),
)

authenticity_measurements = Table(
    "authenticity_measurements",
    metadata,
    Column("sha256", SHA, primary_key=True),
    Column("key", SHA, primary_key=True),  # hash of the measurer, its settings and references
    Column("result", Text, nullable=False),  # canonical JSON
)

__all__ = ["authenticity_findings", "authenticity_measurements", "authenticity_runs"]
