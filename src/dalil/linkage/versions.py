"""Which reviewers' decisions stand once lists have been removed or replaced.

A decision names two records by list name and record id. A list's name outlives the
list: a replacement (a corrected file) takes it over. A decision stands while both
records it names are on current lists *and* read as they did when the reviewer
decided: a decision about a record the replacement corrected was made on other
evidence, and goes out of the current view with the old list (it stays in the log).
Decisions about records the new file left unchanged carry over, so that correcting one
row does not throw away a team's weeks of review.

Pure functions: versions of lists, decisions and records' fields in, decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Ref = tuple[str, str]  # (list name, record id)


@dataclass(frozen=True)
class Version:
    """One import of a list: current from its event until the event that removed it."""

    id: int
    name: str
    seq: int
    removed_seq: int | None

    def current_at(self, seq: int) -> bool:
        return self.seq < seq and (self.removed_seq is None or seq < self.removed_seq)


@dataclass(frozen=True)
class Made:
    """A decision as the reviewer made it: the records, what they said, when (its event)."""

    a: Ref
    b: Ref
    decision: str
    seq: int


def version_at(versions: Sequence[Version], name: str, seq: int) -> Version | None:
    """The version of the list ``name`` that was current at event ``seq``."""
    return next((v for v in versions if v.name == name and v.current_at(seq)), None)


def current(versions: Sequence[Version]) -> dict[str, Version]:
    return {v.name: v for v in versions if v.removed_seq is None}


def needed(versions: Sequence[Version], made: Iterable[Made]) -> set[tuple[int, str]]:
    """(list id, record id) whose fields ``standing`` compares."""
    now = current(versions)
    keys: set[tuple[int, str]] = set()
    for decision in made:
        for name, record in (decision.a, decision.b):
            then = version_at(versions, name, decision.seq)
            if name in now and then is not None and then.id != now[name].id:
                keys |= {(then.id, record), (now[name].id, record)}
    return keys


def standing(
    versions: Sequence[Version],
    made: Iterable[Made],
    fields: Mapping[tuple[int, str], str],
) -> list[Made]:
    """The latest decision on each pair whose records are current and unchanged since.

    ``fields`` gives a record's fields (canonical JSON) by (list id, record id), for the
    keys ``needed`` names; a record not there is not on that version of the list.
    """
    now = current(versions)
    latest: dict[tuple[Ref, Ref], Made] = {}
    for decision in sorted(made, key=lambda d: d.seq):
        latest[(decision.a, decision.b)] = decision
    return [
        d
        for d in latest.values()
        if all(_unchanged(versions, now, ref, d.seq, fields) for ref in (d.a, d.b))
    ]


def _unchanged(
    versions: Sequence[Version],
    now: Mapping[str, Version],
    ref: Ref,
    seq: int,
    fields: Mapping[tuple[int, str], str],
) -> bool:
    name, record = ref
    then = version_at(versions, name, seq)
    if name not in now or then is None:
        return False
    if then.id == now[name].id:
        return True
    before, after = fields.get((then.id, record)), fields.get((now[name].id, record))
    return before is not None and before == after
