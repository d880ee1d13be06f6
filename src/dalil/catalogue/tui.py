"""`dalil catalogue review`: double entry at the keyboard, one case after another.

For each case the reviewer sees the card (cut out of the photo, upright) and types the
three numbers on one line: ``1608 251 2801`` and Enter (``-`` for a number that is not
written, ``?`` for one that cannot be read). Only then is the machine's reading shown,
field by field, and the reviewer may correct a slip (``c``) or go on (Enter). Other keys:
``n`` the case's next photo, ``o`` open the whole photo, ``s`` skip the case, ``q`` quit.

The screen is thin: what may be typed, what is confirmed and what is recorded is decided
by ``review`` (the policy) and written by ``store``; the web app uses the same two.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

from dalil import canonical
from dalil.catalogue import review, store
from dalil.catalogue.cases import CaseRecord, list_cases, resolve_case
from dalil.catalogue.vocabulary import Vocabulary
from dalil.errors import InputError
from dalil.people import registry as people
from dalil.vault.archive import Archive

Ask = Callable[[str], str]
VIEWER_ENV = "DALIL_VIEWER"  # command that opens a photo file, e.g. "eog" or "open"
ORDER = {"third person": 0, "second entry": 1, "first entry": 2}


@dataclass
class ReviewSummary:
    entered: int = 0
    corrected: int = 0
    confirmed: int = 0  # fields
    skipped: int = 0
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Quit(Exception):
    pass


class ReviewApp:
    def __init__(
        self,
        archive: Archive,
        reviewer: people.Acting,
        ask: Ask,
        console: Console,
        vocabulary: Vocabulary,
        include_confident: bool = False,
    ) -> None:
        if isinstance(reviewer, str) and not reviewer.strip():
            raise InputError("a reviewer's name is needed: --reviewer NAME or $DALIL_OPERATOR")
        self.archive = archive
        self.acting = reviewer.strip() if isinstance(reviewer, str) else reviewer
        # A registered person's id, proved by their key, once ``run`` has checked it.
        self.reviewer = self.acting if isinstance(self.acting, str) else self.acting.person
        self.ask = ask
        self.console = console
        self.vocabulary = vocabulary
        self.include_confident = include_confident
        self.summary = ReviewSummary()

    # -- the queue ----------------------------------------------------------------------

    def queue(self, only: str | None = None) -> list[CaseRecord]:
        """Cases this reviewer may type now: a third person's first, then second entries,
        then new cases; cases read confidently in full only with ``include_confident``."""
        with self.archive.read() as conn:
            cases = list_cases(conn)
            entries = store.entries_by_case(conn)
        chosen = []
        for case in cases:
            if only is not None and case.case_id != only:
                continue
            mine = entries.get(case.case_id, [])
            if review.refuse_entry(mine, self.reviewer) is not None:
                continue
            confident = all(f.confident for f in case.fields.values())
            if confident and not mine and not self.include_confident and only is None:
                continue
            chosen.append(case)
        states = {c.case_id: review.case_state(entries.get(c.case_id, [])).needs for c in chosen}
        return sorted(chosen, key=lambda c: (ORDER.get(states[c.case_id] or "", 3),
                                             c.first_taken or "", c.case_id))  # fmt: skip

    def run(self, only: str | None = None, limit: int | None = None) -> ReviewSummary:
        if only is not None:
            with self.archive.read() as conn:
                only = resolve_case(conn, only)
        with self.archive.read() as conn:
            self.reviewer = people.acting(conn, self.acting)
        cases = self.queue(only)
        if only is not None and not cases:
            raise InputError(
                f"case {only} is not open to you: it is unknown, confirmed, or you typed it"
            )
        self.console.print(f"{len(cases)} cases to review as {self.reviewer}")
        try:
            for case in cases[:limit]:
                self._review(case)
        except (_Quit, EOFError):
            pass
        self.console.print(
            f"entered {self.summary.entered}, corrected {self.summary.corrected}, "
            f"confirmed {self.summary.confirmed} numbers, skipped {self.summary.skipped}"
        )
        return self.summary

    # -- one case -----------------------------------------------------------------------

    def _review(self, case: CaseRecord) -> None:
        with self.archive.read() as conn:
            entries = store.entries_by_case(conn, [case.case_id]).get(case.case_id, [])
            readings = store.latest_readings(conn, [p.sha256 for p in case.photos])
            grouping = store.latest_grouping(conn)
        refusal = review.refuse_entry(entries, self.reviewer)
        if refusal is not None or grouping is None:
            self.summary.refused.append(case.case_id)
            return
        needs = review.case_state(entries).needs
        photos = _card_first(case, readings)
        shown = 0
        self.console.rule(
            f"case {case.case_id} · {len(case.photos)} photos · {case.session} · {needs}"
        )
        self._show(photos, shown, readings)
        while True:
            line = self.ask("detainee branch report> ").strip()
            if line == "q":
                raise _Quit
            if line == "s":
                self.summary.skipped += 1
                return
            if line == "n":
                shown = (shown + 1) % max(len(photos), 1)
                self._show(photos, shown, readings)
                continue
            if line == "o":
                self._open(photos[shown] if photos else None)
                continue
            values = self._values(line)
            if values is not None:
                break
        seq = self._record(case, int(grouping["seq"]), values, _typed(line), None)
        self._reveal(case, values)
        answer = self.ask("Enter: next case · c: correct your entry> ").strip()
        if answer == "q":
            raise _Quit
        if answer == "c":
            self._correct(case, int(grouping["seq"]), seq)

    def _values(self, line: str) -> dict[str, str] | None:
        try:
            values = review.parse_entry(line)
        except InputError as exc:
            self.console.print(f"[red]{exc}[/]")
            return None
        branch = values["branch"]
        if branch not in (review.NOT_WRITTEN, review.UNREADABLE) and branch not in self.vocabulary:
            keep = self.ask(
                f"branch {branch} is not in the vocabulary of branches; keep it? [y/N] "
            )
            if keep.strip().lower() != "y":
                return None
        return values

    def _correct(self, case: CaseRecord, grouping: int, replaces: int) -> None:
        while True:
            line = self.ask("corrected detainee branch report> ").strip()
            if not line:
                return
            values = self._values(line)
            if values is None:
                continue
            with self.archive.read() as conn:
                entries = store.entries_by_case(conn, [case.case_id]).get(case.case_id, [])
            refusal = review.refuse_correction(entries, self.reviewer, values)
            if refusal is not None:
                self.console.print(f"[red]{refusal}[/]")
                return
            self._record(case, grouping, values, _typed(line), replaces)
            self.summary.corrected += 1
            return

    def _record(
        self,
        case: CaseRecord,
        grouping: int,
        values: dict[str, str],
        typed: dict[str, str],
        replaces: int | None,
    ) -> int:
        """The entry (or correction) and any confirmation it brings, in one transaction."""
        with self.archive.write() as conn:
            seq = store.record_entry(
                conn, case.case_id, grouping, self.acting, values, typed, replaces
            )
            entries = store.entries_by_case(conn, [case.case_id]).get(case.case_id, [])
            recorded = store.confirmed_values(conn).get(case.case_id, {})
            for name, state in review.new_confirmations(entries, recorded):
                assert state.value is not None
                store.record_confirmation(
                    conn, case.case_id, name, state.value, list(state.entries),
                    list(state.reviewers), by=self.acting,
                )  # fmt: skip
                self.summary.confirmed += 1
        if replaces is None:
            self.summary.entered += 1
        return seq

    def _reveal(self, case: CaseRecord, values: dict[str, str]) -> None:
        parts = []
        for name in review.FIELDS:
            suggestion = case.fields[name].suggestion
            mark = "✓" if suggestion == values[name] else "✗"
            parts.append(f"{name} {suggestion or '—'} {mark}")
        self.console.print("recorded. machine read: " + "   ".join(parts))

    def _show(self, photos: list[tuple[str, Any]], index: int, readings: dict[str, Any]) -> None:
        from dalil.catalogue.cardview import blocks, card_crop

        if not photos:
            self.console.print("(no photo)")
            return
        sha, corners = photos[index]
        image = card_crop(self.archive.store.read(sha), corners)
        if image is None:
            self.console.print(f"photo {sha[:16]} cannot be decoded; press o to open it")
            return
        self.console.print(blocks(image))
        where = "the card" if corners else "no card found: the whole photo"
        self.console.print(
            f"photo {index + 1}/{len(photos)}, {where} · n next photo · o open · s skip · q quit"
        )

    def _open(self, photo: tuple[str, Any] | None) -> None:
        if photo is None:
            return
        path = self.archive.store.path_for(photo[0])
        command = os.environ.get(VIEWER_ENV)
        if not command:
            self.console.print(f"the photo is {path}; set ${VIEWER_ENV} to open it from here")
            return
        subprocess.Popen([*shlex.split(command), str(path)])


def _card_first(case: CaseRecord, readings: dict[str, Any]) -> list[tuple[str, Any]]:
    """The case's photos, those whose card was read most surely first."""
    scored = []
    for photo in case.photos:
        reading = readings.get(photo.sha256)
        corners = canonical.loads(reading["card"]) if reading and reading["card"] else None
        sure = sum(reading[f"{n}_bp"] for n in review.FIELDS) if reading else -1
        scored.append((-sure, photo.sha256, corners))
    return [(sha, corners) for _, sha, corners in sorted(scored)]


def _typed(line: str) -> dict[str, str]:
    parts = line.split()
    return {
        "line": line,
        **({} if len(parts) != 3 else dict(zip(review.FIELDS, parts, strict=True))),
    }
