"""Where Splink scores the candidate pairs: DuckDB on one machine, or a Spark cluster.

Kept apart from the model (pandas, Splink) so that the command line can offer the
choice without loading them.
"""

from __future__ import annotations

from enum import StrEnum


class Backend(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"
