"""Photos → cases: one case per body, from numbers, time order and visual similarity.

The photographer worked through the bodies one after another, several photos each. So
within a shooting session (one camera, photos without a long pause) a case is a run of
consecutive photos, and the work is to find where one body ends and the next begins:

* numbers: a photo whose numbers agree with the case so far continues it; one whose
  numbers contradict it (weighed by how surely each was read, confirmed numbers
  surest) starts a new case;
* time: a pause longer than ``case_pause`` usually means the next body; it decides
  when the numbers say little;
* a photo with no numbers (card out of frame, unreadable) joins the case on both sides
  of it, or the case next to it when the pause on the other side is long; when neither
  side is clearly closer it stays unassigned, for a person to place;
* visual similarity: a photo that is a near-duplicate (PDQ distance at most
  ``near_duplicate``) of a grouped photo joins that photo's case, wherever it was found
  (a re-saved or resized copy on another drive). Different views of one body are not
  near-duplicates, so PDQ is not used to link them.

Deterministic: the result depends only on the photos' facts, not on their order.
Pure: no image, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dalil.catalogue.consensus import (
    SURE,
    USABLE,
    Calibration,
    Suggestion,
    Vote,
    suggest,
    suggest_absent,
    tally,
)
from dalil.catalogue.layout import FIELDS
from dalil.catalogue.review import Category

# A number read alone on a card that carries up to three (a wide first photo, most of the
# card hidden) may be any of the three, or a mark read as digits: half the weight.
LONE_WEIGHT = 0.5
NUMBERS = "numbers"
NEIGHBOURS = "neighbours"
NEAR_DUPLICATE = "near-duplicate"


@dataclass(frozen=True)
class GroupingParameters:
    session_gap: int = 1200  # seconds: a longer pause starts a new shooting session
    case_pause: int = 60  # seconds: a longer pause usually means the next body
    near_duplicate: int = 31  # PDQ bits: at most this many differ between copies of a photo
    pause_weight: float = 1.0  # how much a long pause counts against continuing a case
    quick_weight: float = 0.5  # how much a short pause counts for continuing it

    def as_json(self) -> dict[str, int | str]:
        return {
            "session_gap": self.session_gap,
            "case_pause": self.case_pause,
            "near_duplicate": self.near_duplicate,
            "pause_weight": str(self.pause_weight),
            "quick_weight": str(self.quick_weight),
        }


@dataclass(frozen=True)
class PhotoFacts:
    sha256: str
    taken: datetime | None  # the camera's DateTimeOriginal (else the file time)
    camera: str  # make, model and serial; "" when unknown
    folder: str  # where it was found, for photos without a time
    name: str  # file name: orders photos taken in the same second
    pdq: str | None = None
    votes: dict[str, Vote] = field(default_factory=dict)
    category: str | None = None  # "other" when its card reads as a report number alone

    @property
    def numbered(self) -> bool:
        return any(v.value is not None and v.confidence >= USABLE for v in self.votes.values())


@dataclass(frozen=True)
class CaseDraft:
    case_id: str
    session: str
    photos: tuple[tuple[str, str], ...]  # (sha256, how it joined), in time order
    first_taken: datetime | None
    last_taken: datetime | None
    suggestions: dict[str, Suggestion]
    category: str  # detainee | other | unknown
    flags: tuple[str, ...] = ()

    @property
    def shas(self) -> list[str]:
        return [sha for sha, _ in self.photos]


@dataclass(frozen=True)
class Grouping:
    cases: tuple[CaseDraft, ...]
    unassigned: tuple[str, ...]


class _Case:
    def __init__(self, session: str) -> None:
        self.session = session
        self.members: list[tuple[PhotoFacts, str]] = []

    def add(self, photo: PhotoFacts, how: str) -> None:
        self.members.append((photo, how))

    @property
    def last(self) -> PhotoFacts:
        return self.members[-1][0]

    @property
    def first(self) -> PhotoFacts:
        return self.members[0][0]

    def votes(self, name: str) -> list[Vote]:
        return [p.votes[name] for p, _ in self.members if name in p.votes]


def group_photos(
    photos: Iterable[PhotoFacts],
    calibration: Calibration,
    vocabulary: frozenset[str],
    parameters: GroupingParameters | None = None,
) -> Grouping:
    """Cases and unassigned photos; the same input set always gives the same output."""
    params = parameters or GroupingParameters()
    unique = {p.sha256: p for p in photos}
    ordered = sorted(unique.values(), key=_order)
    timed = [p for p in ordered if p.taken is not None]
    untimed = [p for p in ordered if p.taken is None]
    cases: list[_Case] = []
    unassigned: list[PhotoFacts] = []
    for session, members in _sessions(timed, untimed, params):
        found, left = _split_session(session, members, params)
        cases += found
        unassigned += left
    unassigned = _attach_near_duplicates(cases, unassigned, params)
    drafts = sorted(
        (_draft(c, calibration, vocabulary) for c in cases if c.members),
        key=lambda d: (d.first_taken or datetime.max, d.session, d.case_id),
    )
    return Grouping(tuple(drafts), tuple(sorted(p.sha256 for p in unassigned)))


def _order(photo: PhotoFacts) -> tuple[str, str, str, str, str]:
    taken = photo.taken.isoformat() if photo.taken else ""
    return (photo.camera, taken, photo.folder, photo.name, photo.sha256)


def _sessions(
    timed: list[PhotoFacts], untimed: list[PhotoFacts], params: GroupingParameters
) -> list[tuple[str, list[PhotoFacts]]]:
    sessions: list[tuple[str, list[PhotoFacts]]] = []
    for photo in timed:
        assert photo.taken is not None
        if sessions:
            last = sessions[-1][1][-1]
            assert last.taken is not None
            gap = (photo.taken - last.taken).total_seconds()
            if last.camera == photo.camera and gap <= params.session_gap:
                sessions[-1][1].append(photo)
                continue
        label = f"{photo.camera or 'unknown camera'} {photo.taken:%Y-%m-%d %H:%M}"
        sessions.append((label, [photo]))
    by_folder: dict[str, list[PhotoFacts]] = {}
    for photo in untimed:
        by_folder.setdefault(photo.folder, []).append(photo)
    for folder in sorted(by_folder):
        members = sorted(by_folder[folder], key=lambda p: (p.name, p.sha256))
        sessions.append((f"no date: {folder}", members))
    return sessions


def _gap(a: PhotoFacts, b: PhotoFacts) -> float | None:
    if a.taken is None or b.taken is None:
        return None
    return abs((b.taken - a.taken).total_seconds())


def continues(case: _Case, photo: PhotoFacts, params: GroupingParameters) -> float:
    """How strongly ``photo`` continues ``case`` (> 0) or starts a new one (<= 0)."""
    score = 0.0
    known = {name: _best(case, name) for name in FIELDS}
    alone = _lone(photo)
    for name in FIELDS:
        vote = photo.votes.get(name)
        best = known[name]
        if vote is None or vote.value is None or vote.confidence < USABLE or best is None:
            continue
        weight = min(vote.confidence, best[1])
        if alone or all(_lone(p) for p, _ in case.members if _agrees(p, name, best[0])):
            weight *= LONE_WEIGHT
        if vote.value == best[0]:
            score += weight
        elif not _partial(vote.value, known) and not _elsewhere(best[0], photo):
            score -= weight
    gap = _gap(case.last, photo)
    if gap is not None:
        score += params.quick_weight if gap <= params.case_pause else -params.pause_weight
    return score


def _lone(photo: PhotoFacts) -> bool:
    """A photo on which one number alone was read, where a card carries up to three."""
    return sum(v.value is not None and v.confidence >= USABLE for v in photo.votes.values()) == 1


def _agrees(photo: PhotoFacts, name: str, value: str) -> bool:
    vote = photo.votes.get(name)
    return vote is not None and vote.value == value and vote.confidence >= USABLE


def _best(case: _Case, name: str) -> tuple[str, float] | None:
    """The case's value for a field so far, and the surest reading of it."""
    totals = tally(case.votes(name))
    if not totals:
        return None
    best = max(totals, key=lambda v: (totals[v], v))
    return best, max(v.confidence for v in case.votes(name) if v.value == best)


def _partial(value: str, known: dict[str, tuple[str, float] | None]) -> bool:
    """A value that is part of one of the case's numbers: the same card read with a
    corner covered or a line lost ("335" of 1335, "2667215" of 2667/215). It neither
    confirms nor contradicts the case."""
    values = [k[0] for k in known.values() if k is not None]
    joined = "".join(values)
    return any(value in k or k in value for k in values) or value in joined


def _elsewhere(value: str, photo: PhotoFacts) -> bool:
    """The case's value read by the photo in another field: a card of which one line was
    found and taken for the wrong number (the detainee number read as a report alone)."""
    return any(v.value == value for v in photo.votes.values() if v.confidence >= USABLE)


def _split_session(
    session: str, members: Sequence[PhotoFacts], params: GroupingParameters
) -> tuple[list[_Case], list[PhotoFacts]]:
    """Cases of one session, and the photos that could not be placed with confidence."""
    cases: list[_Case] = []
    floating: list[tuple[int, PhotoFacts]] = []  # (index of the case before it, photo)
    for photo in members:
        if not photo.numbered:
            floating.append((len(cases) - 1, photo))
            continue
        current = cases[-1] if cases else None
        pending = [p for i, p in floating if i == len(cases) - 1]
        if current is not None and continues(current, photo, params) > 0:
            for p in pending:  # floats between two photos of one case belong to it
                current.add(p, NEIGHBOURS)
            floating = [(i, p) for i, p in floating if i != len(cases) - 1]
            current.add(photo, NUMBERS)
            continue
        case = _Case(session)
        case.add(photo, NUMBERS)
        cases.append(case)
    unplaced: list[PhotoFacts] = []
    for index, photo in floating:
        before = cases[index] if index >= 0 else None
        after = cases[index + 1] if index + 1 < len(cases) else None
        chosen = _nearer(photo, before, after, params)
        if chosen is None:
            unplaced.append(photo)
        else:
            chosen.add(photo, NEIGHBOURS)
    for case in cases:
        case.members.sort(key=lambda m: _order(m[0]))
    return cases, unplaced


def _nearer(
    photo: PhotoFacts, before: _Case | None, after: _Case | None, params: GroupingParameters
) -> _Case | None:
    """The neighbouring case a photo without numbers belongs to, if the pauses say so
    clearly: a short pause on one side and a long one (or none, the session's edge) on
    the other."""
    gap_before = _gap(before.last, photo) if before else None
    gap_after = _gap(photo, after.first) if after else None
    near_before = gap_before is not None and gap_before <= params.case_pause
    near_after = gap_after is not None and gap_after <= params.case_pause
    if near_before and not near_after:
        return before
    if near_after and not near_before:
        return after
    return None


def _attach_near_duplicates(
    cases: list[_Case], unassigned: list[PhotoFacts], params: GroupingParameters
) -> list[PhotoFacts]:
    hashes = [(int(p.pdq, 16), case) for case in cases for p, _ in case.members if p.pdq]
    left = []
    for photo in unassigned:
        match = None
        if photo.pdq:
            value = int(photo.pdq, 16)
            close = [(bin(value ^ h).count("1"), i) for i, (h, _) in enumerate(hashes)]
            close = [c for c in close if c[0] <= params.near_duplicate]
            if close:
                match = hashes[min(close)[1]][1]
        if match is None:
            left.append(photo)
        else:
            match.add(photo, NEAR_DUPLICATE)
    return left


def _within(photo: PhotoFacts) -> tuple[bool, str, str, str, str]:
    """Order of photos in a case: by time, photos without one last; the first names it."""
    taken = photo.taken.isoformat() if photo.taken else ""
    return (photo.taken is None, taken, photo.folder, photo.name, photo.sha256)


def _draft(case: _Case, calibration: Calibration, vocabulary: frozenset[str]) -> CaseDraft:
    members = sorted(case.members, key=lambda m: _within(m[0]))
    times = [p.taken for p, _ in members if p.taken is not None]
    suggestions = {name: suggest(name, case.votes(name), calibration, vocabulary)
                   for name in FIELDS}  # fmt: skip
    photos = [p for p, _ in members]
    if category_of(suggestions, [p.category for p in photos]) == "other":
        alone = [p for p in photos if p.category == "other"]
        sure = sum(p.votes["report"].confidence >= SURE for p in alone if "report" in p.votes)
        against = sum(p.category == "detainee" for p in photos)
        for name in ("detainee", "branch"):
            suggestions[name] = suggest_absent(name, len(alone), sure, against, calibration)
    flags = []
    if any(s.evidence is not None and s.evidence.dissent for s in suggestions.values()):
        flags.append("readings-disagree")
    branch = suggestions["branch"].value
    if branch is not None and branch not in vocabulary:
        flags.append("branch-not-in-vocabulary")
    return CaseDraft(
        case_id=members[0][0].sha256[:16],
        session=case.session,
        photos=tuple((p.sha256, how) for p, how in members),
        first_taken=min(times) if times else None,
        last_taken=max(times) if times else None,
        suggestions=suggestions,
        category=category_of(suggestions, [p.category for p, _ in members]),
        flags=tuple(flags),
    )


def category_of(suggestions: dict[str, Suggestion], photos: Sequence[str | None] = ()) -> str:
    """detainee when a detainee and a branch number are read; other when the cards show a
    report number alone (soldiers and attack sites carry no detainee number); else
    unknown."""
    detainee, branch = suggestions["detainee"].value, suggestions["branch"].value
    if detainee and branch:
        return Category.DETAINEE.value
    said = [c for c in photos if c is not None]
    alone = suggestions["report"].value and not detainee and not branch
    if alone and said and sum(c == Category.OTHER for c in said) * 2 > len(said):
        return Category.OTHER.value
    return Category.UNKNOWN.value
