"""The catalogue's cases as other capabilities and scripts use them.

``list_cases`` is the one way to read the current cases: each with its photos (SHA-256,
original paths, camera date), its category and, per field, the machine's suggestion
with its confidence, whether it was read confidently, and the value two reviewers
confirmed. Identification builds its PM records from it (``pm_record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.catalogue import store
from dalil.catalogue.review import (
    FIELDS,
    NOT_WRITTEN,
    UNREADABLE,
    Category,
    ReviewState,
    case_state,
    confirmed_category,
)
from dalil.catalogue.tables import catalogue_cases
from dalil.catalogue.timing import parse_camera_time
from dalil.errors import NotFound

CASES_LISTING = "dalil catalogue cases"


@dataclass(frozen=True)
class CasePhoto:
    sha256: str
    paths: tuple[str, ...]  # every path it was received under ("zip!/member" inside a zip)
    taken: str | None  # the camera's DateTimeOriginal, ISO 8601 without a zone
    joined: str  # how it joined the case: numbers, neighbours, near-duplicate


@dataclass(frozen=True)
class CaseField:
    suggestion: str | None
    confidence_bp: int  # 0..10,000
    confident: bool
    confirmed: str | None  # typed identically by two reviewers; "-" nothing written, "?" illegible

    @property
    def value(self) -> str | None:
        """The number to rely on: confirmed, else a confident suggestion, else None."""
        if self.confirmed is not None:
            return self.confirmed if self.confirmed not in (NOT_WRITTEN, UNREADABLE) else None
        return self.suggestion if self.confident else None


@dataclass(frozen=True)
class CaseRecord:
    case_id: str
    category: str  # detainee | other | unknown
    session: str
    photos: tuple[CasePhoto, ...]
    fields: dict[str, CaseField]
    review: str  # awaiting | disputed | confirmed
    reviewers: tuple[str, ...]
    first_taken: str | None
    last_taken: str | None
    flags: tuple[str, ...]

    @property
    def photo_dates(self) -> tuple[date, ...]:
        moments = [parse_camera_time(p.taken) for p in self.photos]
        return tuple(sorted({m.date() for m in moments if m is not None}))

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "category": self.category,
            "session": self.session,
            "review": self.review,
            "reviewers": list(self.reviewers),
            "first_taken": self.first_taken,
            "last_taken": self.last_taken,
            "fields": {
                name: {
                    "suggestion": f.suggestion,
                    "confidence": f.confidence_bp / 10_000,
                    "confident": f.confident,
                    "confirmed": f.confirmed,
                }
                for name, f in self.fields.items()
            },
            "photos": [
                {"sha256": p.sha256, "paths": list(p.paths), "taken": p.taken, "joined": p.joined}
                for p in self.photos
            ],
            "flags": list(self.flags),
        }


def list_cases(conn: Connection, grouping_seq: int | None = None) -> list[CaseRecord]:
    """Every case of the latest grouping (or of ``grouping_seq``), in time order."""
    if grouping_seq is None:
        latest = store.latest_grouping(conn)
        if latest is None:
            return []
        grouping_seq = int(latest["seq"])
    rows = store.case_rows(conn, grouping_seq)
    photos = {p.sha256: p for p in store.photo_rows(conn)}
    confirmed = store.confirmed_values(conn)
    entries = store.entries_by_case(conn, [r["case_id"] for r in rows])
    records = []
    for row in rows:
        case_id = row["case_id"]
        state = case_state(entries.get(case_id, []))
        values = confirmed.get(case_id, {})
        fields = {
            name: CaseField(
                row[name], row[f"{name}_bp"], bool(row[f"{name}_confident"]), values.get(name)
            )
            for name in FIELDS
        }
        category = confirmed_category({n: values.get(n) for n in FIELDS}) or row["category"]
        members = tuple(
            CasePhoto(sha, photos[sha].paths if sha in photos else (),
                      _taken(photos[sha].datetime_original) if sha in photos else None, how)
            for sha, how in canonical.loads(row["photos"])
        )  # fmt: skip
        records.append(
            CaseRecord(
                case_id,
                category,
                row["session"],
                members,
                fields,
                state.status,
                state.reviewers,
                row["first_taken"],
                row["last_taken"],
                tuple(canonical.loads(row["flags"])),
            )
        )
    return records


def find_cases(
    conn: Connection,
    review: str | None = None,
    category: str | None = None,
    limit: int | None = None,
) -> list[CaseRecord]:
    """The cases of the latest grouping in this review state and of this category
    (either or both; ``review.ReviewState``, ``review.Category``), at most ``limit``.
    A state or category outside those sets is refused, not answered with no cases."""
    if review is not None:
        review = lookup.choose_enum("review state", review, ReviewState).value
    if category is not None:
        category = lookup.choose_enum("category", category, Category).value
    chosen = [
        r for r in list_cases(conn)
        if (review is None or r.review == review) and (category is None or r.category == category)
    ]  # fmt: skip
    return chosen[:limit]


def current_case_ids(conn: Connection) -> list[str]:
    """The ids of the latest grouping's cases, in the order they were recorded."""
    latest = store.latest_grouping(conn)
    if latest is None:
        return []
    c = catalogue_cases
    query = select(c.c.case_id).where(c.c.grouping_seq == latest["seq"]).order_by(c.c.seq)
    return [str(v) for v in conn.execute(query).scalars()]


def resolve_case(conn: Connection, text: str, known: list[str] | None = None) -> str:
    """The case that ``text`` names among ``known`` (default: the latest grouping's): its
    id, or a unique prefix of at least 8 of its hex digits; else NotFound naming the
    closest ids, and saying so when the id was replaced by a later grouping."""
    found = current_case_ids(conn) if known is None else known
    try:
        return lookup.choose("case", text, found, CASES_LISTING, prefixes=True)
    except NotFound as exc:
        if text.strip() in earlier_case_ids(conn):
            raise NotFound(
                f"case {text.strip()!r} was in an earlier grouping, not in the current one: "
                f"its photos were regrouped (list the cases with `{CASES_LISTING}`)",
                text,
                exc.suggestions,
            ) from None
        raise


def earlier_case_ids(conn: Connection) -> set[str]:
    """Every case id any grouping gave, the current one's included."""
    return set(lookup.distinct(conn, catalogue_cases.c.case_id))


def count_unassigned(conn: Connection) -> int:
    """Photos the latest grouping could not place in a case (0 before any grouping)."""
    latest = store.latest_grouping(conn)
    if latest is None:
        return 0
    unassigned = canonical.loads(latest["unassigned"])
    return len(unassigned) if isinstance(unassigned, list) else 0


def _taken(exif_time: str | None) -> str | None:
    moment = parse_camera_time(exif_time)
    return moment.isoformat() if moment else None


def pm_record(case: CaseRecord) -> dict[str, Any]:
    """The case as identification's ``case_from_json`` reads it: the numbers to rely on
    (confirmed, else confidently read; unknown otherwise, which compares as "null")."""
    return {
        "case_id": case.case_id,
        "category": case.category,
        "detainee_number": case.fields["detainee"].value,
        "branch": case.fields["branch"].value,
        "report_number": case.fields["report"].value,
        "photo_dates": [d.isoformat() for d in case.photo_dates],
        "photo_sha256": [p.sha256 for p in case.photos],
    }
