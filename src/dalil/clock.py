"""Timestamps as dalil writes them: UTC, ISO 8601, microseconds, a trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return format_utc(datetime.now(UTC))


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_ns(ns: int) -> str:
    """A file time in nanoseconds since the epoch, exactly, as ISO 8601 UTC."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    whole = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{nanos:09d}Z"
