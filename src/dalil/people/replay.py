"""The people capability's replay rules: the ``people`` table from its two events, and
the watch that checks every signed event as verify reads the log."""

from __future__ import annotations

from collections.abc import Iterator

from dalil.people.check import SignatureWatch
from dalil.people.tables import people
from dalil.vault.changes import Change, Update, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

ADDED = "person.added"
DISABLED = "person.disabled"


def _added(event: Event) -> Iterator[Change]:
    d = event.data
    yield insert(
        people,
        {
            "id": d["person"],
            "name": d["name"],
            "public_key": d["public_key"],
            "added_by": d["operator"],
            "added_seq": event.seq,
            "disabled_seq": None,
            "disabled_reason": None,
        },
    )


def _disabled(event: Event) -> Iterator[Change]:
    d = event.data
    values = {"disabled_seq": event.seq, "disabled_reason": d["reason"]}
    yield Update(people, {"id": d["person"]}, values)


PEOPLE = Capability(
    name="people",
    tables=(TableRule(people),),
    appliers={ADDED: _added, DISABLED: _disabled},
    watchers=(SignatureWatch,),
)
