"""Double-entry review: the policy, with no screen and no database.

Two different reviewers type the numbers of a case, each blind to the other and to the
machine's suggestion (shown only after the entry is recorded). A field is *confirmed*
when the same value has been typed by two different reviewers; while the first two
disagree the field is *disputed*, and a third person (anyone who has not typed this
case yet) enters it blind as well. So no value is ever confirmed on the word of one
person, and never on the machine's.

A reviewer may correct their own entry (a typing slip noticed when the suggestion is
shown); the correction replaces their value but is kept, with the original, in the
custody log. A field once confirmed is not changed by a correction.

The terminal UI (``dalil catalogue review``) and the web app call these functions; the
store records what they decide.

Typed values: digits in any script (Western, Eastern Arabic, Persian) for a number,
``-`` when nothing is written for that field on the card, ``?`` when it cannot be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from dalil.catalogue.digits import SEPARATORS, is_number, to_western
from dalil.errors import InputError

FIELDS = ("detainee", "branch", "report")
NOT_WRITTEN = "-"
UNREADABLE = "?"
MAX_DIGITS = 12


class ReviewState(StrEnum):
    """Where a number stands in review; a case is confirmed when all its numbers are,
    disputed when one is."""

    AWAITING = "awaiting"  # fewer than two reviewers have typed it
    DISPUTED = "disputed"  # typed by two or more reviewers, no value by two of them
    CONFIRMED = "confirmed"


AWAITING = ReviewState.AWAITING.value
CONFIRMED = ReviewState.CONFIRMED.value
DISPUTED = ReviewState.DISPUTED.value


class Category(StrEnum):
    """What a case is, by the numbers on its cards: read (``grouping.category_of``) or
    typed by two reviewers (``confirmed_category``)."""

    DETAINEE = "detainee"  # a detainee and a branch number
    OTHER = "other"  # a report number alone: soldiers, attack sites
    UNKNOWN = "unknown"  # the numbers do not say


@dataclass(frozen=True)
class Entry:
    seq: int
    reviewer: str
    kind: str  # "entry" | "correction"
    values: dict[str, str]


@dataclass(frozen=True)
class FieldState:
    status: str
    value: str | None = None  # the confirmed value
    reviewers: tuple[str, ...] = ()  # the two who typed it
    entries: tuple[int, ...] = ()  # their entries' seqs
    typed: tuple[tuple[str, str], ...] = ()  # (reviewer, current value), in entry order


@dataclass(frozen=True)
class CaseState:
    fields: dict[str, FieldState]
    reviewers: tuple[str, ...]  # everyone who has typed this case, in order

    @property
    def status(self) -> str:
        statuses = {f.status for f in self.fields.values()}
        if statuses == {CONFIRMED}:
            return CONFIRMED
        if DISPUTED in statuses:
            return DISPUTED
        return AWAITING

    @property
    def needs(self) -> str | None:
        """What the case waits for: a first or second entry, a third person, or nothing."""
        if self.status == CONFIRMED:
            return None
        if self.status == DISPUTED:
            return "third person"
        return "second entry" if self.reviewers else "first entry"


def same_person(a: str, b: str) -> bool:
    """Names are compared without case and outer spaces: "Alice " is alice."""
    return a.strip().casefold() == b.strip().casefold()


def parse_value(text: str) -> str:
    """A typed field as stored: Western digits, "-" or "?"; InputError says what is wrong."""
    value = text.strip()
    if value in (NOT_WRITTEN, UNREADABLE):
        return value
    value = to_western(value)
    if not is_number(value) or len(value) > MAX_DIGITS:
        raise InputError(
            f"{text!r} is not a number: type digits (0-9 or ٠-٩), '-' when nothing is "
            "written there, or '?' when it cannot be read"
        )
    return value  # leading zeros are kept as written: they are part of what is on the card


def parse_entry(text: str) -> dict[str, str]:
    """Three values typed on one line: detainee, branch, report, separated by spaces.

    "1608/251 2801" (detainee and branch as written on a two-line card) is accepted too.
    """
    parts = []
    for token in text.split():
        if token in (NOT_WRITTEN, UNREADABLE):
            parts.append(token)
            continue
        for separator in SEPARATORS:
            token = token.replace(separator, " ")
        parts += token.split()
    if len(parts) != len(FIELDS):
        raise InputError(
            f"type three values (detainee, branch, report) separated by spaces; got {len(parts)}"
        )
    return {name: parse_value(part) for name, part in zip(FIELDS, parts, strict=True)}


def _current(entries: Sequence[Entry]) -> list[tuple[str, Entry]]:
    """Each reviewer's latest values, in the order reviewers first typed the case."""
    latest: dict[str, Entry] = {}
    order: list[str] = []
    for entry in sorted(entries, key=lambda e: e.seq):
        key = entry.reviewer.strip().casefold()
        if key not in latest:
            order.append(key)
        if entry.kind == "entry" and key in latest:
            continue  # a second blind entry by the same person does not count twice
        latest[key] = entry
    return [(key, latest[key]) for key in order]


def field_state(entries: Sequence[Entry], name: str) -> FieldState:
    """Confirmed at the first value typed by two different reviewers (in the order their
    entries were recorded); disputed when two or more typed and no value has two."""
    current = _current(entries)
    typed = tuple((e.reviewer, e.values[name]) for _, e in current)
    seen: dict[str, tuple[str, int]] = {}
    confirming: list[tuple[int, str, tuple[str, str], tuple[int, int]]] = []
    for _, entry in sorted(current, key=lambda c: c[1].seq):
        value = entry.values[name]
        if value in seen:
            first_reviewer, first_seq = seen[value]
            confirming.append(
                (entry.seq, value, (first_reviewer, entry.reviewer), (first_seq, entry.seq))
            )
        else:
            seen[value] = (entry.reviewer, entry.seq)
    if confirming:
        _, value, reviewers, seqs = min(confirming)
        return FieldState(CONFIRMED, value, reviewers, seqs, typed)
    return FieldState(DISPUTED if len(current) >= 2 else AWAITING, typed=typed)


def case_state(entries: Sequence[Entry]) -> CaseState:
    fields = {name: field_state(entries, name) for name in FIELDS}
    return CaseState(fields, tuple(e.reviewer for _, e in _current(entries)))


def refuse_entry(entries: Sequence[Entry], reviewer: str) -> str | None:
    """Why ``reviewer`` may not type this case now, or None if they may."""
    state = case_state(entries)
    if state.status == CONFIRMED:
        return "every number of this case is confirmed"
    if any(same_person(reviewer, other) for other in state.reviewers):
        return "you have already typed this case; the next entry must come from another person"
    return None


def refuse_correction(
    entries: Sequence[Entry], reviewer: str, values: dict[str, str]
) -> str | None:
    """Why ``reviewer`` may not correct their entry to ``values``, or None if they may."""
    mine = [e for e in entries if same_person(e.reviewer, reviewer)]
    if not mine:
        return "you have no entry for this case to correct"
    latest = max(mine, key=lambda e: e.seq).values
    state = case_state(entries)
    for name in FIELDS:
        if values[name] != latest[name] and state.fields[name].status == CONFIRMED:
            return f"the {name} number is confirmed already; it cannot be changed by a correction"
    return None


def new_confirmations(
    entries: Sequence[Entry], recorded: dict[str, str]
) -> list[tuple[str, FieldState]]:
    """Fields confirmed by ``entries`` whose confirmation is not yet ``recorded``
    (field → value already recorded)."""
    state = case_state(entries)
    return [
        (name, f)
        for name, f in state.fields.items()
        if f.status == CONFIRMED and recorded.get(name) != f.value
    ]


def confirmed_category(values: dict[str, str | None]) -> str | None:
    """The category two reviewers' values imply: detainee (detainee and branch numbers),
    other (a report number, nothing else written), or None when it does not follow."""
    detainee, branch, report = (values.get(n) for n in FIELDS)
    if detainee and is_number(detainee) and branch and is_number(branch):
        return Category.DETAINEE.value
    if detainee == NOT_WRITTEN and branch == NOT_WRITTEN and report and is_number(report):
        return Category.OTHER.value
    return None
