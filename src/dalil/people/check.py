"""Verify's watch over signed events: each one against the keys registered before it.

The watch reads the log in order and keeps its own registry from ``person.added`` and
``person.disabled`` events, so a signature is checked against the key the person had
*at that point of the log*, not against the ``people`` table (which verify compares
with the same events separately: a key swapped in the table is named there). An event
of a signed type (``signature.SIGNED``) is named when

- it carries no signature, though a person was registered before it (events recorded
  before the first person stay valid as recorded: archives older than people);
- it is signed by an id no earlier event registered, or by a person disabled before it;
- its signature does not verify with that person's key (forged, made with another
  person's key, or the event altered after signing);
- it names one person as its reviewer and is signed by another;
- a confirmation counts the same person twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dalil.errors import InputError
from dalil.people import signature
from dalil.vault.custody import Event
from dalil.vault.rules import Sink

AREA = "people"
CREATED = "archive.created"
ADDED = "person.added"
DISABLED = "person.disabled"


@dataclass
class SignatureWatch:
    archive_id: str = ""
    keys: dict[str, Ed25519PublicKey | None] = field(default_factory=dict)
    disabled: dict[str, int] = field(default_factory=dict)
    first_person: int | None = None  # the seq of the first person.added
    signed: int = 0

    def see(self, event: Event, sink: Sink) -> None:
        data = event.data
        if event.type == CREATED:
            self.archive_id = str(data.get("archive_id", ""))
        elif event.type == ADDED:
            self._added(event, sink)
        elif event.type == DISABLED:
            self.disabled.setdefault(str(data.get("person")), event.seq)
        elif event.type in signature.SIGNED:
            for problem in self.problems(event):
                sink.add(AREA, f"event #{event.seq} ({event.type})", problem)

    def finish(self, sink: Sink) -> None:
        if self.first_person is not None:
            sink.note(f"{self.signed:,} events signed by registered people checked")

    def _added(self, event: Event, sink: Sink) -> None:
        person = str(event.data.get("person"))
        if self.first_person is None:
            self.first_person = event.seq
        try:
            self.keys[person] = signature.parse_public(str(event.data.get("public_key")))
        except InputError as exc:
            self.keys[person] = None
            sink.add(AREA, f"event #{event.seq} ({event.type})", f"{person}'s key: {exc}")

    def problems(self, event: Event) -> list[str]:
        """What is wrong with one signed event's signature, in words."""
        data = event.data
        if signature.SIGNATURE_FIELD not in data:
            if self.first_person is None:
                return []  # recorded before anyone was registered: valid as recorded
            return [
                "is not signed by a registered person, though people are registered since "
                f"event #{self.first_person}: who made it cannot be shown"
            ]
        self.signed += 1
        by = data.get(signature.BY_FIELD)
        found = self._signer(event, by)
        if found:
            return found
        key = self.keys.get(str(by))
        if key is None or not signature.verifies(
            key, self.archive_id, event.type, data, data[signature.SIGNATURE_FIELD]
        ):
            return [
                f"its signature is not {by}'s: it was made with another key, or the event "
                "was altered after it was signed"
            ]
        return self._named(event, str(by))

    def _signer(self, event: Event, by: Any) -> list[str]:
        if not isinstance(by, str) or by not in self.keys:
            return [f"is signed as {by!r}, whom no earlier event registered"]
        disabled = self.disabled.get(by)
        if disabled is not None and disabled < event.seq:
            return [f"is signed by {by}, who was disabled by event #{disabled}"]
        return []

    def _named(self, event: Event, by: str) -> list[str]:
        data, found = event.data, []
        named = signature.SIGNED[event.type]
        if named is not None and data.get(named) != by:
            found.append(f"names {data.get(named)!r} as its {named} but is signed by {by}")
        counted = signature.CONFIRMERS.get(event.type)
        if counted is not None:
            people: list[Any] = list(data.get(counted) or [])
            if len({str(p).strip().casefold() for p in people}) < len(people) or len(people) < 2:
                found.append(f"confirms on the word of {people!r}: not two different people")
        return found
