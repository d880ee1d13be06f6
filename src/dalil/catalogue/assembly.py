"""`dalil catalogue group`: gather each photo's facts, group them, record the cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from dalil.catalogue import store
from dalil.catalogue.consensus import Calibration, Vote, shipped_calibration
from dalil.catalogue.grouping import Grouping, GroupingParameters, PhotoFacts, group_photos
from dalil.catalogue.layout import FIELDS
from dalil.catalogue.reader import READER
from dalil.catalogue.review import NOT_WRITTEN, UNREADABLE
from dalil.catalogue.timing import parse_camera_time
from dalil.catalogue.vocabulary import Vocabulary, load_vocabulary
from dalil.vault import checkpoints
from dalil.vault.archive import Archive


@dataclass(frozen=True)
class GroupResult:
    grouping: int  # seq of the grouping event
    photos: int
    cases: int
    unassigned: int
    categories: dict[str, int]
    confident_fields: int
    fields: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def facts_of(row: store.PhotoRow, confirmed: dict[str, str] | None) -> PhotoFacts:
    """What grouping needs of one photo: its time, camera, place, PDQ and numbers."""
    taken = parse_camera_time(row.datetime_original) or _file_time(row.mtime)
    camera = " ".join(p for p in (row.make, row.model, row.serial) if p)
    first = PurePosixPath(row.paths[0].replace("!/", "/")) if row.paths else PurePosixPath("")
    votes: dict[str, Vote] = {}
    category = None
    reading = row.reading
    if reading is not None:
        for name in FIELDS:
            votes[name] = Vote(reading[name], reading[f"{name}_bp"] / 10_000, reading["script"])
        if reading["layout"] == "report_only":
            category = "other"
        elif reading["detainee"] and reading["branch"]:
            category = "detainee"
    if confirmed:
        for name, value in confirmed.items():
            if value not in (NOT_WRITTEN, UNREADABLE):
                votes[name] = Vote(value, 1.0, "confirmed", confirmed=True)
        if confirmed.get("detainee") == NOT_WRITTEN and confirmed.get("branch") == NOT_WRITTEN:
            category = "other"
    return PhotoFacts(
        sha256=row.sha256,
        taken=taken,
        camera=camera,
        folder=str(first.parent),
        name=first.name,
        pdq=row.pdq,
        votes=votes,
        category=category,
    )


def _file_time(mtime: str | None) -> datetime | None:
    if not mtime:
        return None
    try:
        return datetime.fromisoformat(mtime[:19])
    except ValueError:
        return None


def group_archive(
    archive: Archive,
    collection: str | None = None,
    parameters: GroupingParameters | None = None,
    calibration: Calibration | None = None,
    vocabulary: Vocabulary | None = None,
) -> GroupResult:
    """Group every photo into cases and record the grouping; a new grouping each run."""
    parameters = parameters or GroupingParameters()
    vocabulary = vocabulary or load_vocabulary(archive.root)
    with archive.read() as conn:
        rows = store.photo_rows(conn, collection)
        confirmed = store.confirmed_photos(conn)
    photos = [facts_of(row, confirmed.get(row.sha256)) for row in rows]
    grouping = group_photos(
        photos, calibration or shipped_calibration(), vocabulary.numbers, parameters
    )
    with archive.write() as conn:
        seq = store.record_grouping(
            conn, grouping, parameters, READER, vocabulary.sha256, len(photos)
        )
        checkpoints.sign_head(conn, archive.signer())
    return _summary(seq, len(photos), grouping)


def _summary(seq: int, photos: int, grouping: Grouping) -> GroupResult:
    categories: dict[str, int] = {}
    confident = 0
    for case in grouping.cases:
        categories[case.category] = categories.get(case.category, 0) + 1
        confident += sum(s.confident for s in case.suggestions.values())
    return GroupResult(
        grouping=seq,
        photos=photos,
        cases=len(grouping.cases),
        unassigned=len(grouping.unassigned),
        categories=dict(sorted(categories.items())),
        confident_fields=confident,
        fields=3 * len(grouping.cases),
    )
