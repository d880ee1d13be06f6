"""The two sides of a match: a PM case (one body) and an AM query (one missing person).

``PMCase`` is the interface the catalogue fills: one record per body, with the numbers
written on the card (detainee, branch, forensic report), the dates that bound the death
(the forensic report's date, the camera dates of the photos), what reviewers observed
(sex, an age range, marks) and the faces found in its photos. Every field but the id
may be unknown; an unknown field compares at the "null" level, weight 0, never as a
mismatch. ``AMQuery`` is what matching reads from a report: the missing person's
description and the faces of the family's portraits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from dalil.identification.am_report import Mark, MissingPerson
from dalil.identification.dates import PartialDate

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class FaceSet:
    """Face embeddings (n x 128, float32) of one side, and each face's quality (0-1)."""

    vectors: npt.NDArray[np.float32] | None = field(default=None, compare=False, repr=False)
    qualities: tuple[float, ...] = ()

    def __len__(self) -> int:
        return len(self.qualities)

    @classmethod
    def of(cls, vectors: Any, qualities: Any = None) -> FaceSet:
        import numpy as np

        matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, 128)
        quality = tuple(float(q) for q in qualities) if qualities is not None else ()
        return cls(matrix, quality or (1.0,) * len(matrix))


@dataclass(frozen=True)
class PMCase:
    case_id: str
    detainee_number: str | None = None
    branch: str | None = None  # branch number on the card, e.g. "215"
    report_number: str | None = None  # forensic report number
    death_date: PartialDate | None = None  # from the forensic report, if read
    photo_dates: tuple[date, ...] = ()  # camera dates of the photos, once checked
    sex: str | None = None  # observed: male | female; None when it cannot be seen
    age_min: int | None = None  # observed age range, inclusive
    age_max: int | None = None
    marks: tuple[Mark, ...] = ()
    place: str | None = None  # governorate key where the body was held or recorded
    faces: FaceSet = field(default_factory=FaceSet)

    def death_interval(self) -> tuple[date, date] | None:
        """Earliest and latest possible date of death; the photos were taken after it."""
        latest = min(self.photo_dates) if self.photo_dates else None
        earliest = None
        if self.death_date is not None:
            earliest = self.death_date.earliest
            latest = min(latest, self.death_date.latest) if latest else self.death_date.latest
        if latest is None:
            return None
        return (min(earliest, latest) if earliest else date.min, latest)


@dataclass(frozen=True)
class AMQuery:
    report: str  # the report code
    person: MissingPerson
    faces: FaceSet = field(default_factory=FaceSet)


def death_as_partial(interval: tuple[date, date]) -> PartialDate:
    """The latest possible death as a day, for messages."""
    return PartialDate.of(interval[1])


def case_from_json(data: dict[str, Any], faces: FaceSet | None = None) -> PMCase:
    """A PM case from its JSON form (what the catalogue exports, until it is wired in)."""
    from dalil.identification.dates import parse_partial_date

    death = data.get("death_date")
    return PMCase(
        case_id=str(data["case_id"]),
        detainee_number=data.get("detainee_number"),
        branch=data.get("branch"),
        report_number=data.get("report_number"),
        death_date=parse_partial_date(death, "death_date") if death else None,
        photo_dates=tuple(date.fromisoformat(d) for d in data.get("photo_dates", [])),
        sex=data.get("sex"),
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        marks=tuple(
            Mark(m["kind"], m.get("region"), m.get("details")) for m in data.get("marks", [])
        ),
        place=data.get("place"),
        faces=faces or FaceSet(),
    )
