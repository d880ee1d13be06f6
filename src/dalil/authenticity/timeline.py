"""Check 3, timeline: does each photo's EXIF time fit where its file sits?

Within one camera and one folder, file numbers rise as the camera takes photos, and the
folder's name often carries the day; a card reader's copy keeps the camera's file time.
A DateTimeOriginal that runs backwards against the file numbers, disagrees with the
folder's date or with the file time (beyond the camera's usual clock offset), is
impossible, or repeats another photo's to the second, was changed or belongs elsewhere.
Pure: records in, findings out.
"""

from __future__ import annotations

import itertools
import re
import statistics
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from dalil.authenticity.finding import (
    CONSISTENT,
    FLAGGED,
    INFO,
    LOW,
    MEDIUM,
    NONE,
    NOT_APPLICABLE,
    Finding,
)
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import TimelineParams

CHECK = "timeline"
NEIGHBOURS = 3  # photos on each side a photo's time is compared with
_COUNTER = re.compile(r"(\d+)\D*$")
_FOLDER_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)


@dataclass(frozen=True)
class Shot:
    sha256: str
    path: str
    folder: str
    counter: int | None
    taken: datetime
    file_time: datetime | None


def parse_exif_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _file_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def folder_date(folder: str) -> date | None:
    """The date a folder's name carries (its deepest dated component), if any."""
    for part in reversed(folder.replace("!/", "/").split("/")):
        match = _FOLDER_DATE.search(part)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def _split(path: str) -> tuple[str, str]:
    folder, _, name = path.replace("!/", "/").rpartition("/")
    return folder, name


def _counter(name: str) -> int | None:
    match = _COUNTER.search(name.rsplit(".", 1)[0])
    return int(match[1]) if match else None


def _outside_longest_run(ordered: list[Shot]) -> set[str]:
    """The fewest shots whose removal leaves times rising with file numbers (the
    complement of a longest non-decreasing subsequence)."""
    tails: list[datetime] = []
    tail_index: list[int] = []
    previous = [-1] * len(ordered)
    for i, shot in enumerate(ordered):
        position = bisect_right(tails, shot.taken)
        if position == len(tails):
            tails.append(shot.taken)
            tail_index.append(i)
        else:
            tails[position], tail_index[position] = shot.taken, i
        previous[i] = tail_index[position - 1] if position else -1
    keep: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return {shot.sha256 for i, shot in enumerate(ordered) if i not in keep}


def _outside_neighbours(ordered: list[Shot]) -> set[str]:
    """Shots earlier than the (lower) median of the three numbered before them, or later
    than the (upper) median of the three numbered after."""
    found = set()
    for i, shot in enumerate(ordered):
        before = [s.taken for s in ordered[max(0, i - NEIGHBOURS) : i]]
        after = [s.taken for s in ordered[i + 1 : i + 1 + NEIGHBOURS]]
        if (before and shot.taken < statistics.median_low(before)) or (
            after and shot.taken > statistics.median_high(after)
        ):
            found.add(shot.sha256)
    return found


def _not_in_order(shots: list[Shot]) -> set[str]:
    """Shots out of order by both tests: outside a longest run of rising times (which
    alone may blame an honest photo when two runs are equally long) and outside their
    neighbours' times (which alone may blame the neighbour of two moved photos)."""
    ordered = sorted(shots, key=lambda s: (s.counter or 0, s.path))
    return _outside_longest_run(ordered) & _outside_neighbours(ordered)


def _offsets(shots: list[Shot], tolerance: int) -> tuple[float | None, bool]:
    """The folder's usual camera-minus-file time (seconds), and whether file times track
    the camera there: most photos within ``tolerance`` of the usual offset. A folder
    copied without keeping file times fails that test, and its file times are ignored."""
    offsets = [(s.taken - s.file_time).total_seconds() for s in shots if s.file_time]
    if len(offsets) < 3:
        return None, False
    usual = statistics.median(offsets)
    close = sum(1 for o in offsets if abs(o - usual) <= tolerance)
    return usual, close > 0.5 * len(offsets)


def check_timeline(records: list[ImageRecord], params: TimelineParams) -> list[Finding]:
    groups: dict[tuple[str, str], list[Shot]] = defaultdict(list)
    findings: dict[str, list[Finding]] = defaultdict(list)
    seen: dict[str, bool] = {}
    for record in records:
        if record.datetime_original is None:
            seen[record.sha256] = False
            continue
        seen[record.sha256] = True
        taken = parse_exif_time(record.datetime_original)
        if taken is None or taken.year < params.earliest_year:
            findings[record.sha256].append(_impossible(record))
            continue
        for place in record.places:
            folder, name = _split(place.path)
            shot = Shot(
                record.sha256, place.path, folder, _counter(name), taken, _file_time(place.mtime)
            )
            groups[(record.identity or "", folder)].append(shot)
    for (camera, folder), shots in sorted(groups.items()):
        for sha, finding in _group_findings(camera, folder, shots, params):
            if all(f.key != finding.key for f in findings[sha]):
                findings[sha].append(finding)
    return [f for record in records for f in _verdicts(record, seen, findings)]


def _verdicts(
    record: ImageRecord, seen: dict[str, bool], findings: dict[str, list[Finding]]
) -> list[Finding]:
    own = findings.get(record.sha256, [])
    if own:
        return own
    if not seen.get(record.sha256):
        return [
            Finding(
                record.sha256,
                CHECK,
                "not-applicable",
                NOT_APPLICABLE,
                NONE,
                "no EXIF DateTimeOriginal to compare",
            )
        ]
    return [
        Finding(
            record.sha256,
            CHECK,
            "timeline-consistent",
            CONSISTENT,
            NONE,
            "the EXIF time fits the file numbers, folder date and file time",
            camera=record.identity,
        )
    ]


def _impossible(record: ImageRecord) -> Finding:
    return Finding(
        record.sha256,
        CHECK,
        "impossible-time",
        FLAGGED,
        MEDIUM,
        f"DateTimeOriginal {record.datetime_original!r} is not a possible camera time",
        camera=record.identity,
        detail={"datetime_original": record.datetime_original},
    )


def _group_findings(
    camera: str, folder: str, shots: list[Shot], params: TimelineParams
) -> list[tuple[str, Finding]]:
    out: list[tuple[str, Finding]] = []
    label = camera or None
    day = folder_date(folder)
    usual, reliable = _offsets(shots, params.file_time_tolerance_s)
    for shot in shots:
        if day is not None and abs((shot.taken.date() - day).days) > params.folder_tolerance_days:
            out.append(
                (
                    shot.sha256,
                    Finding(
                        shot.sha256,
                        CHECK,
                        "folder-date",
                        FLAGGED,
                        MEDIUM,
                        f"taken {shot.taken:%Y-%m-%d %H:%M:%S} by its EXIF, but it sits in folder "
                        f"{folder!r} dated {day.isoformat()}",
                        camera=label,
                        detail={
                            "path": shot.path,
                            "folder_date": day.isoformat(),
                            "taken": shot.taken.isoformat(),
                        },
                    ),
                )
            )
        if reliable and usual is not None and shot.file_time is not None:
            offset = (shot.taken - shot.file_time).total_seconds()
            off = offset - usual
            if abs(off) > params.file_time_tolerance_s:
                out.append(_file_time_finding(shot, off, label))
    ordered = [s for s in shots if s.counter is not None]
    disorder = _not_in_order(ordered) if len(ordered) >= 3 else set()
    for sha in sorted(disorder):
        shot = next(s for s in ordered if s.sha256 == sha)
        out.append(
            (
                sha,
                Finding(
                    sha,
                    CHECK,
                    "out-of-order",
                    FLAGGED,
                    MEDIUM,
                    f"taken {shot.taken:%Y-%m-%d %H:%M:%S} by its EXIF, out of order with "
                    f"the other file numbers of {camera or 'its camera'} in {folder!r}",
                    camera=label,
                    detail={"path": shot.path, "counter": shot.counter},
                ),
            )
        )
    out.extend(_duplicates_and_gaps(ordered, disorder, folder, label, params))
    return out


def _file_time_finding(shot: Shot, off: float, label: str | None) -> tuple[str, Finding]:
    later = off < 0  # the file was written later than the camera clock implies
    hours = abs(off) / 3600
    span = f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"
    why = (
        "the file was written again after the photo was taken"
        if later
        else "the EXIF time was moved later than the file was written"
    )
    return shot.sha256, Finding(
        shot.sha256,
        CHECK,
        "file-time",
        FLAGGED,
        MEDIUM,
        f"the EXIF time and the file time differ by {span} more than is usual for this "
        f"camera in this folder: {why}, or the EXIF time was changed",
        score=str(int(off)),
        camera=label,
        detail={
            "path": shot.path,
            "seconds_off_usual": int(off),
            "file_time": shot.file_time.isoformat() if shot.file_time else None,
        },
    )


def _duplicates_and_gaps(
    ordered: list[Shot],
    disorder: set[str],
    folder: str,
    label: str | None,
    params: TimelineParams,
) -> list[tuple[str, Finding]]:
    out: list[tuple[str, Finding]] = []
    by_time: dict[datetime, set[str]] = defaultdict(set)
    for shot in ordered:
        by_time[shot.taken].add(shot.sha256)
    for moment, shas in by_time.items():
        if len(shas) > 1:
            for sha in sorted(shas):
                others = sorted(shas - {sha})
                out.append(
                    (
                        sha,
                        Finding(
                            sha,
                            CHECK,
                            "duplicate-time",
                            FLAGGED,
                            LOW,
                            f"{len(others)} other image(s) of the same camera in {folder!r} "
                            f"carry the same DateTimeOriginal {moment:%Y-%m-%d %H:%M:%S}",
                            camera=label,
                            detail={"others": others},
                        ),
                    )
                )
    # Pauses between photos in order only: a moved clock is named once, not as a gap too.
    in_order = [s for s in ordered if s.sha256 not in disorder]
    steps = sorted(in_order, key=lambda s: (s.counter or 0, s.path))
    for before, after in itertools.pairwise(steps):
        pause = (after.taken - before.taken).total_seconds()
        if pause > params.gap_s:
            out.append(
                (
                    after.sha256,
                    Finding(
                        after.sha256,
                        CHECK,
                        "gap",
                        INFO,
                        NONE,
                        f"{pause / 3600:.1f} hours passed between this photo and the previous file "
                        f"number in {folder!r} (a new session, or photos missing)",
                        camera=label,
                        score=str(int(pause)),
                        detail={"after": before.sha256},
                    ),
                )
            )
    return out
