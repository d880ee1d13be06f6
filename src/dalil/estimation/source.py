"""Capture histories from the archive's latest linkage run, split by stratum.

A cluster is one person; the lists its records come from are that person's capture
history. A person's stratum value is the value most of their records give (records of
one person can disagree: one list says Homs, another Hama); ties go to the value that
sorts first, so the split is reproducible. People with no value form the stratum
"unknown", which is reported rather than dropped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select

from dalil import lookup
from dalil.estimation.histories import CaptureTable, from_memberships
from dalil.linkage import store
from dalil.linkage.tables import link_clusters, list_records, victim_lists
from dalil.vault.archive import Archive

UNKNOWN = "unknown"
# Stratum variables a list can give, and how to read them from a record's fields.
STRATA = ("governorate", "year", "sex", "branch")


def _value(fields: dict[str, str | None], variable: str) -> str | None:
    if variable == "year":
        date = fields.get("death_date") or fields.get("arrest_date")
        return date[:4] if date else None
    return fields.get(variable)


def capture_tables(archive: Archive, by: Sequence[str]) -> dict[tuple[str, ...], CaptureTable]:
    """One capture-history table per stratum of the latest linkage run."""
    for variable in by:
        lookup.choose_fixed("stratum variable", variable, STRATA)
    with archive.read() as conn:
        run = store.latest_run(conn)
        lists = store.current_list_names(conn)
        rows = conn.execute(
            select(link_clusters.c.cluster, victim_lists.c.name, list_records.c.fields)
            .join(list_records, list_records.c.id == link_clusters.c.record)
            .join(victim_lists, victim_lists.c.id == list_records.c.list_id)
            .where(link_clusters.c.run_id == run)
        ).all()
    people: dict[int, tuple[set[str], list[Counter[str]]]] = {}
    for row in rows:
        on, values = people.setdefault(row.cluster, (set(), [Counter() for _ in by]))
        on.add(row.name)
        fields = json.loads(row.fields)
        for counter, variable in zip(values, by, strict=True):
            if (value := _value(fields, variable)) is not None:
                counter[value] += 1
    strata: dict[tuple[str, ...], list[set[str]]] = {}
    for on, values in people.values():
        key = tuple(_mode(c) for c in values)
        strata.setdefault(key, []).append(on)
    return {key: from_memberships(lists, members) for key, members in sorted(strata.items())}


def _mode(counter: Counter[str]) -> str:
    if not counter:
        return UNKNOWN
    top = max(counter.values())
    return min(value for value, count in counter.items() if count == top)
