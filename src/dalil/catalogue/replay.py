"""The catalogue's custody events, and the rows each one implies (what verify replays).

The store writes every row from its event through the same functions, so the rows
and the log cannot drift apart; verify calls them again to name any row edited since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from dalil import canonical
from dalil.catalogue.tables import (
    catalogue_cases,
    catalogue_confirmations,
    catalogue_entries,
    catalogue_groupings,
    catalogue_readings,
)
from dalil.vault.changes import Change, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

READ = "catalogue.read"
GROUPED = "catalogue.grouped"
CASE = "catalogue.case"
ENTRY = "catalogue.entry"
CORRECTION = "catalogue.correction"
CONFIRMED = "catalogue.confirmed"
FIELDS = ("detainee", "branch", "report")


def _json(value: Any) -> str:
    return canonical.dumps(value).decode("utf-8")


def reading_row(event: Event) -> dict[str, Any]:
    d = event.data
    reading = d["reading"]
    row: dict[str, Any] = {
        "sha256": d["sha256"],
        "reader": d["reader"],
        "script": reading["script"],
        "layout": reading["layout"],
        "lines": _json(reading["lines"]),
        "card": None if reading["card"] is None else _json(reading["card"]),
        "flags": _json(reading["flags"]),
    }
    for name in FIELDS:
        row[name] = reading[name]["value"]
        row[f"{name}_bp"] = reading[name]["bp"]
    return row


def grouping_row(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "reader": d["reader"],
        "parameters": _json(d["parameters"]),
        "vocabulary_sha256": d["vocabulary_sha256"],
        "photos": d["photos"],
        "cases": d["cases"],
        "unassigned": _json(d["unassigned"]),
    }


def case_row(event: Event) -> dict[str, Any]:
    d = event.data
    row: dict[str, Any] = {
        "grouping_seq": d["grouping"],
        "case_id": d["case"],
        "category": d["category"],
        "session": d["session"],
        "photos": _json(d["photos"]),
        "first_taken": d["first_taken"],
        "last_taken": d["last_taken"],
        "flags": _json(d["flags"]),
    }
    for name in FIELDS:
        suggestion = d["fields"][name]
        row[name] = suggestion["value"]
        row[f"{name}_bp"] = suggestion["bp"]
        row[f"{name}_confident"] = suggestion["confident"]
    return row


def entry_row(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "case_id": d["case"],
        "grouping_seq": d["grouping"],
        "reviewer": d["reviewer"],
        "kind": "entry" if event.type == ENTRY else "correction",
        **{name: d["values"][name] for name in FIELDS},
        "typed": _json(d["typed"]),
        "replaces": d["replaces"],
    }


def confirmation_row(event: Event) -> dict[str, Any]:
    d = event.data
    return {
        "case_id": d["case"],
        "field": d["field"],
        "value": d["value"],
        "entries": _json(d["entries"]),
        "reviewers": _json(d["reviewers"]),
    }


def _inserting(table: Any, row_for: Callable[[Event], dict[str, Any]]) -> Any:
    def apply(event: Event) -> Iterator[Change]:
        yield insert(table, {"seq": event.seq, **row_for(event)})

    return apply


CATALOGUE = Capability(
    name="catalogue",
    tables=tuple(
        TableRule(table, origin="seq")
        for table in (
            catalogue_readings,
            catalogue_groupings,
            catalogue_cases,
            catalogue_entries,
            catalogue_confirmations,
        )
    ),
    appliers={
        READ: _inserting(catalogue_readings, reading_row),
        GROUPED: _inserting(catalogue_groupings, grouping_row),
        CASE: _inserting(catalogue_cases, case_row),
        ENTRY: _inserting(catalogue_entries, entry_row),
        CORRECTION: _inserting(catalogue_entries, entry_row),
        CONFIRMED: _inserting(catalogue_confirmations, confirmation_row),
    },
)
