"""The plan of a collection: cameras, shooting sessions, cases and every shot, decided
before any pixel is drawn.

Everything here is pure and follows from the seed alone, so the ground truth is known
before rendering and any worker can render any shot on its own. Sessions are one camera
on one day; a case (one body) is photographed about four times within one session;
report numbers rise with time across all cameras, as they did at the hospital.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np

from dalil.synth.camera import Camera, make_cameras, make_extra_camera
from dalil.synth.numbers import CaseNumbers, NumberBook
from dalil.synth.writing import (
    HARD_EASTERN_SHARE,
    Capture,
    Writing,
    choose_capture,
    choose_writing,
)

FIRST_DAY = date(2011, 5, 1)  # the period the Caesar photos cover
LAST_DAY = date(2013, 8, 31)
# Photos per body, mean ≈ 4.2 (Human Rights Watch: 28,707 photos of 6,786 people).
PHOTOS_PER_CASE = (2, 3, 4, 5, 6)
PHOTOS_PER_CASE_P = (0.05, 0.2, 0.35, 0.25, 0.15)
OTHER_SHARE = 0.12  # bodies that are not detainees: soldiers, attack sites
COUNTER_LIMIT = 9999  # four-digit file counters roll over, as cameras' do


@dataclass(frozen=True)
class Session:
    id: str
    camera: str
    day: date
    drive: str
    start: datetime
    seed: int
    eastern: bool = False


@dataclass(frozen=True)
class Case:
    id: str
    category: str  # "detainee" or "other"
    numbers: CaseNumbers
    session: str
    writing: Writing
    seed: int


@dataclass(frozen=True)
class Shot:
    """One exposure: what the camera saw, when, and under which name it saved it."""

    index: int
    camera: str
    session: str
    case: str
    photo_index: int
    taken: datetime
    counter: int
    filename: str
    folder: str  # relative to the output folder, e.g. drives/drive-A/2012-05-14
    seed: int
    capture: Capture
    exif_camera: str | None = None  # the camera EXIF claims; None: no EXIF at all
    exif_taken: datetime | None = None  # the time EXIF claims

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.filename}"


@dataclass
class Plan:
    seed: int
    cameras: list[Camera]
    drives: list[str]
    sessions: list[Session]
    cases: list[Case]
    shots: list[Shot]
    extra_cameras: list[Camera] = field(default_factory=list)

    def camera(self, camera_id: str) -> Camera:
        return next(c for c in [*self.cameras, *self.extra_cameras] if c.id == camera_id)


def plan_shots(
    seed: int,
    photos: int,
    scale: float = 1.0,
    hard: bool = False,
    extra_photos: int = 0,
) -> Plan:
    """Cameras, sessions, cases and shots for ``photos`` exposures in all.

    ``extra_photos`` of them come from a camera outside the known set (no EXIF).
    """
    rng = np.random.default_rng([seed, 1])
    cameras = make_cameras(rng, int(rng.integers(3, 6)), scale)
    extras = [make_extra_camera(rng, cameras[0])] if extra_photos else []
    drives = [f"drive-{letter}" for letter in "ABC"[: int(rng.integers(2, 4))]]
    sessions, sizes = _sessions(rng, cameras, drives, photos - extra_photos, hard)
    if extras:
        extra_sessions, extra_sizes = _sessions(rng, extras, drives, extra_photos, hard)
        sessions, sizes = sessions + extra_sessions, sizes + extra_sizes
    order = sorted(range(len(sessions)), key=lambda i: (sessions[i].start, sessions[i].id))
    book = NumberBook(rng)
    counters = {c.id: c.first_counter for c in [*cameras, *extras]}
    prefixes = {c.id: c.prefix for c in [*cameras, *extras]}
    cases: list[Case] = []
    shots: list[Shot] = []
    for i in order:
        roll = _Roll(book, counters, prefixes[sessions[i].camera], hard)
        _shoot_session(rng, sessions[i], sizes[i], roll, cases, shots)
    exif_of = {c.id: (c.id if c.writes_exif else None) for c in [*cameras, *extras]}
    shots = [_with_exif(s, exif_of[s.camera]) for s in shots]
    if hard and not any(c.writing.surface == "skin" for c in cases):
        middle = len(cases) // 2  # hard sets always have numbers written on a body
        cases[middle] = replace(
            cases[middle], writing=replace(cases[middle].writing, surface="skin")
        )
    return Plan(seed, cameras, drives, sessions, cases, shots, extras)


def _with_exif(shot: Shot, exif_camera: str | None) -> Shot:
    return replace(shot, exif_camera=exif_camera, exif_taken=shot.taken)


def _sessions(
    rng: np.random.Generator, cameras: list[Camera], drives: list[str], photos: int, hard: bool
) -> tuple[list[Session], list[int]]:
    """Sessions and their photo counts; every camera shoots at least once."""
    mean = min(max(photos / (3 * len(cameras)), 8.0), 80.0)
    count = max(len(cameras), min(round(photos / mean), photos // 2 or 1))
    sizes = _split(rng, photos, count)
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(int(d) for d in rng.choice(span + 1, size=count, replace=count > span + 1))
    owners = _assign_cameras(rng, [d / span for d in days], len(cameras))
    prefix = "S" if cameras[0].writes_exif else "X"
    taken_until: dict[int, datetime] = {}
    sessions = []
    for index, (offset, owner) in enumerate(zip(days, owners, strict=True)):
        day = FIRST_DAY + timedelta(days=offset)
        start = datetime(day.year, day.month, day.day, 8) + timedelta(
            seconds=int(rng.integers(0, 6 * 3600))
        )
        if owner in taken_until:  # the same camera twice in a day: one session after the other
            start = max(start, taken_until[owner] + timedelta(minutes=15))
        taken_until[owner] = start + timedelta(hours=2 + sizes[index] // 20)
        # Hard sets always have Eastern Arabic digits: the second session, and a share of the rest.
        eastern = hard and (index == 1 or rng.random() < HARD_EASTERN_SHARE)
        drive = drives[index % len(drives)] if index < len(drives) else str(rng.choice(drives))
        sessions.append(
            Session(
                id=f"{prefix}{index + 1:04d}",
                camera=cameras[owner].id,
                day=start.date(),
                drive=drive,
                start=start,
                seed=int(rng.integers(0, 2**63)),
                eastern=eastern,
            )
        )
    return sessions, sizes


def _split(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """``total`` photos into ``parts`` sessions of at least 2 (the last may hold 1)."""
    weights = rng.uniform(0.5, 1.5, size=parts)
    sizes = np.maximum(np.floor(weights / weights.sum() * total).astype(int), 2)
    while sizes.sum() > total and sizes.max() > 1:
        sizes[int(np.argmax(sizes))] -= 1
    sizes[int(rng.integers(0, parts))] += total - int(sizes.sum())
    return [int(s) for s in sizes]


def _assign_cameras(rng: np.random.Generator, times: list[float], count: int) -> list[int]:
    """Each camera is in use for an overlapping stretch of the period; all are used."""
    owners = []
    for t in times:
        active = [c for c in range(count) if c / count - 0.15 <= t <= (c + 1) / count + 0.15]
        owners.append(int(rng.choice(active)))
    for camera in range(count):  # a camera never chosen takes over a session in its stretch
        if camera not in owners:
            spare = [i for i in range(len(owners)) if owners.count(owners[i]) > 1]
            closest = min(spare, key=lambda i: abs(times[i] - (camera + 0.5) / count))
            owners[closest] = camera
    return owners


@dataclass
class _Roll:
    """What runs on across sessions: the number book and each camera's file counter."""

    book: NumberBook
    counters: dict[str, int]
    prefix: str
    hard: bool


def _advance(rng: np.random.Generator, counter: int) -> int:
    """The next file counter: now and then a shot was deleted in camera, leaving a gap."""
    step = 1 + (int(rng.integers(1, 4)) if rng.random() < 0.03 else 0)
    return (counter + step - 1) % COUNTER_LIMIT + 1


def _case_sizes(rng: np.random.Generator, photos: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < photos:
        sizes.append(int(rng.choice(PHOTOS_PER_CASE, p=PHOTOS_PER_CASE_P)))
    sizes[-1] -= sum(sizes) - photos
    return sizes


def _shoot_session(
    rng: np.random.Generator,
    session: Session,
    photos: int,
    roll: _Roll,
    cases: list[Case],
    shots: list[Shot],
) -> None:
    """Cases of one session in shooting order, appended to ``cases`` and ``shots``."""
    moment = session.start
    folder = f"drives/{session.drive}/{session.day.isoformat()}"
    for size in _case_sizes(rng, photos):
        other = rng.random() < OTHER_SHARE
        numbers = roll.book.next_other() if other else roll.book.next_detainee()
        writing = choose_writing(rng, numbers, session.eastern, roll.hard)
        case = Case(
            f"C{len(cases) + 1:05d}",
            "other" if other else "detainee",
            numbers,
            session.id,
            writing,
            int(rng.integers(0, 2**63)),
        )
        cases.append(case)
        for photo_index in range(1, size + 1):
            counter = roll.counters[session.camera]
            roll.counters[session.camera] = _advance(rng, counter)
            shots.append(
                Shot(
                    index=len(shots),
                    camera=session.camera,
                    session=session.id,
                    case=case.id,
                    photo_index=photo_index,
                    taken=moment,
                    counter=counter,
                    filename=f"{roll.prefix}{counter:04d}.JPG",
                    folder=folder,
                    seed=int(rng.integers(0, 2**63)),
                    capture=choose_capture(rng, photo_index, roll.hard),
                )
            )
            moment += timedelta(seconds=int(rng.integers(8, 46)))
        moment += timedelta(seconds=int(rng.integers(60, 300)))
