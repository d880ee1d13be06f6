"""The estimates made on the archive: which linkage run they counted, how, and what came out.

A count of the undocumented dead is what a court or a report quotes; each one made on
the archive is recorded with its event, so anyone can see which clusters (a linkage
run and the SHA-256 of its clusters), which capture tables, which methods and seed
produced it. The full result (estimates, intervals, diagnostics, warnings) is kept as
JSON, bound to its event by its SHA-256.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from dalil.db.schema import SHA, TIME, metadata

estimation_runs = Table(
    "estimation_runs",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("link_run", Integer, nullable=False),
    Column("link_run_seq", BigInteger, nullable=False),
    Column("clusters_sha256", SHA, nullable=False),
    Column("by_variables", Text, nullable=False),  # canonical JSON: the stratum variables
    Column("methods", Text, nullable=False),  # canonical JSON
    Column("settings", Text, nullable=False),  # canonical JSON: seed, draws, criterion
    Column("tables_sha256", SHA, nullable=False),  # over the capture tables estimated
    Column("result", Text, nullable=False),  # JSON of the whole estimation
    Column("result_sha256", SHA, nullable=False),
    Column("tool_version", String(60), nullable=False),
    Column("operator", Text, nullable=False),
    Column("recorded_at", TIME, nullable=False),
)
