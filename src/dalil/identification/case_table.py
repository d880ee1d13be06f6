"""All PM cases as columns, so that one report is scored against every case at once.

``scoring.rank`` explains every level of every case in Python: right for the few
candidates a reviewer reads, too slow for a full ranking of a large collection (25,000
cases took 3 s; bench/identification.py). ``CaseTable`` computes the same levels with
numpy, column by column, and adds the weights in the same order as ``scoring.score``,
so totals are bit-for-bit those of the reference (a test holds it to that). Only the
candidates that are shown are then explained by ``scoring.score`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from dalil.identification import vocabulary as vocab
from dalil.identification.calibration import DEFAULT as DEFAULT_CALIBRATION
from dalil.identification.calibration import FaceCalibration
from dalil.identification.comparison import (
    AGE_SLACK_YEARS,
    DEATH_BEFORE_ARREST,
    DEFAULT_WEIGHTS,
    LONG_DETENTION_DAYS,
    SEX_MISMATCH,
    SHORT_DETENTION_DAYS,
    Weights,
)
from dalil.identification.faces.search import ShortlistEvidence
from dalil.identification.records import AMQuery, PMCase
from dalil.identification.scoring import (
    TOTAL_QUANTUM,
    Candidate,
    FaceEvidence,
    Override,
    Ranking,
    score,
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
_SEX = {"male": 1, "female": 2}
_UNKNOWN_START = date.min.toordinal()


def _codes(values: Sequence[str | None], table: dict[str, int]) -> Ints:
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], np.int64)


@dataclass(frozen=True)
class _Bits:
    """Bit sets of marks: (kind, region) pairs and kinds, as Python ints in object arrays."""

    pairs: npt.NDArray[np.object_]
    kinds: npt.NDArray[np.object_]
    has: Bools


class CaseTable:
    def __init__(self, cases: Sequence[PMCase]) -> None:
        self.cases = list(cases)
        self.ids = [c.case_id for c in self.cases]
        self.id_rank = np.empty(len(self.ids), np.int64)
        self.id_rank[np.argsort(np.array(self.ids, dtype=object), kind="stable")] = np.arange(
            len(self.ids)
        )
        self.position = {case_id: i for i, case_id in enumerate(self.ids)}
        self.has_faces = np.array([len(c.faces) > 0 for c in self.cases], bool)
        self.sex = np.array([_SEX.get(c.sex or "", 0) for c in self.cases], np.int64)
        deaths = [c.death_interval() for c in self.cases]
        self.has_death = np.array([d is not None for d in deaths])
        self.death_lo = np.array([d[0].toordinal() if d else 0 for d in deaths], np.int64)
        self.death_hi = np.array([d[1].toordinal() if d else 0 for d in deaths], np.int64)
        self.branches: dict[str, int] = {}
        self.branch = _codes([c.branch for c in self.cases], self.branches)
        self.agencies: dict[str, int] = {}
        self.agency = _codes(
            [vocab.BRANCH_AGENCY.get(c.branch or "") for c in self.cases], self.agencies
        )
        self.has_age = np.array([c.age_min is not None and c.age_max is not None for c in cases])
        self.age_min = np.array([c.age_min or 0 for c in self.cases], np.int64)
        self.age_max = np.array([c.age_max or 0 for c in self.cases], np.int64)
        self.places: dict[str, int] = {}
        self.place = _codes([c.place for c in self.cases], self.places)
        self.mark_index: dict[tuple[str, str | None], int] = {}
        self.kind_index: dict[str, int] = {}
        self.marks = self._bits([c.marks for c in self.cases])

    def _bits(self, marks: Sequence[Sequence[object]]) -> _Bits:
        pairs, kinds = [], []
        for found in marks:
            p = k = 0
            for mark in found:
                kind, region = mark.kind, mark.region  # type: ignore[attr-defined]
                if region:
                    p |= 1 << self.mark_index.setdefault((kind, region), len(self.mark_index))
                k |= 1 << self.kind_index.setdefault(kind, len(self.kind_index))
            pairs.append(p)
            kinds.append(k)
        return _Bits(
            np.array(pairs, dtype=object),
            np.array(kinds, dtype=object),
            np.array([bool(m) for m in marks]),
        )

    def __len__(self) -> int:
        return len(self.cases)


@dataclass(frozen=True)
class Columns:
    """The weight of each comparison for every case, in ``scoring.score``'s order."""

    weights: list[Floats]
    sex_mismatch: Bools
    death_before_arrest: Bools


def _add(total: Floats, mask: Bools, bits: float) -> None:
    total[mask] += bits


def attribute_columns(q: AMQuery, t: CaseTable, w: Weights) -> Columns:
    n = len(t)
    person = q.person

    sex = np.zeros(n)
    sex_bad = np.zeros(n, bool)
    am_sex = _SEX.get(person.sex, 0)
    if am_sex:
        known = t.sex > 0
        _add(sex, known & (t.sex == am_sex), w.bits("sex", "same"))
        sex_bad = known & (t.sex != am_sex)
        _add(sex, sex_bad, w.bits("sex", "different"))

    detention = np.zeros(n)
    dead_first = np.zeros(n, bool)
    arrest = person.arrest_date
    if arrest is not None:
        least = t.death_lo - arrest.latest.toordinal()
        most = t.death_hi - arrest.earliest.toordinal()
        left = t.has_death.copy()
        dead_first = left & (most < 0)
        _add(detention, dead_first, w.bits("detention", "death before arrest"))
        left &= ~dead_first
        overlap = left & (least < 0) & (t.death_lo != _UNKNOWN_START)
        _add(detention, overlap, w.bits("detention", "dates overlap; order unknown"))
        left &= ~overlap
        short = left & (most <= SHORT_DETENTION_DAYS)
        _add(detention, short, w.bits("detention", "death within 6 months of arrest"))
        left &= ~short
        medium = left & (most <= LONG_DETENTION_DAYS)
        _add(detention, medium, w.bits("detention", "death 6-24 months after arrest"))
        _add(detention, left & ~medium, w.bits("detention", "death over 2 years after arrest"))

    seen = np.zeros(n)
    if person.last_seen_date is not None:
        after = t.has_death & (person.last_seen_date.earliest.toordinal() > t.death_hi)
        _add(seen, after, w.bits("last_seen", "seen alive after the death"))
        _add(seen, t.has_death & ~after, w.bits("last_seen", "last seen alive before death"))

    place = np.zeros(n)
    if person.arrest_governorate:
        code = t.places.get(person.arrest_governorate, -2)
        known = t.place >= 0
        _add(place, known & (t.place == code), w.bits("place", "same governorate"))
        _add(place, known & (t.place != code), w.bits("place", "different governorate"))
    weights = [sex, detention, seen, _branch(q, t, w), _age(q, t, w), _marks(q, t, w), place]
    return Columns(weights, sex_bad, dead_first)


def _branch(q: AMQuery, t: CaseTable, w: Weights) -> Floats:
    out = np.zeros(len(t))
    am = q.person.arresting_branch
    if not am:
        return out
    known = t.branch >= 0
    same = known & (t.branch == t.branches.get(am, -2))
    _add(out, same, w.bits("branch", "same branch"))
    agency = vocab.BRANCH_AGENCY.get(am)
    code = t.agencies.get(agency, -2) if agency else -2
    close = known & ~same & (t.agency == code)
    _add(out, close, w.bits("branch", "same agency"))
    _add(out, known & ~same & ~close, w.bits("branch", "different agency"))
    return out


def _age(q: AMQuery, t: CaseTable, w: Weights) -> Floats:
    out = np.zeros(len(t))
    person = q.person
    ok = t.has_death & t.has_age
    hi = t.death_hi  # the age is taken at the latest possible death, as a day
    if person.birth_date is not None:
        least = np.floor_divide(hi - person.birth_date.latest.toordinal(), 365.25)
        most = np.floor_divide(hi - person.birth_date.earliest.toordinal(), 365.25)
    elif person.age_years is not None and person.arrest_date is not None:
        extra_lo = np.floor_divide(hi - person.arrest_date.latest.toordinal(), 365.25)
        extra_hi = np.floor_divide(hi - person.arrest_date.earliest.toordinal(), 365.25)
        least = person.age_years + np.maximum(0, extra_lo)
        most = person.age_years + 1 + np.maximum(0, extra_hi)
    else:
        return out
    gap = np.maximum(np.maximum(least - t.age_max, t.age_min - most), 0)
    _add(out, ok & (gap == 0), w.bits("age", "age consistent"))
    near = ok & (gap > 0) & (gap <= AGE_SLACK_YEARS)
    _add(out, near, w.bits("age", f"within {AGE_SLACK_YEARS} years"))
    _add(out, ok & (gap > AGE_SLACK_YEARS), w.bits("age", f"over {AGE_SLACK_YEARS} years apart"))
    return out


def _marks(q: AMQuery, t: CaseTable, w: Weights) -> Floats:
    out = np.zeros(len(t))
    if not q.person.marks:
        return out
    pairs = kinds = 0
    for mark in q.person.marks:
        if mark.region and (mark.kind, mark.region) in t.mark_index:
            pairs |= 1 << t.mark_index[(mark.kind, mark.region)]
        if mark.kind in t.kind_index:
            kinds |= 1 << t.kind_index[mark.kind]
    has = t.marks.has
    exact = has & (np.bitwise_and(t.marks.pairs, pairs) != 0).astype(bool)
    kind = has & ~exact & (np.bitwise_and(t.marks.kinds, kinds) != 0).astype(bool)
    _add(out, exact, w.bits("marks", "same mark, same place"))
    _add(out, kind, w.bits("marks", "same kind of mark"))
    _add(out, has & ~exact & ~kind, w.bits("marks", "no mark in common"))
    return out


def face_column(
    t: CaseTable, faces: Mapping[str, FaceEvidence], calibration: FaceCalibration
) -> Floats:
    """The face weight of every case; vectorised for the face index's shortlist evidence."""
    if isinstance(faces, ShortlistEvidence):
        distance = np.full(len(t), np.nan)
        if faces.sizes:
            distance[t.has_faces] = faces.bound
        for case_id, evidence in faces.found.items():
            distance[t.position[case_id]] = evidence.distance
        bits = np.clip(
            calibration.intercept + calibration.slope * distance, -calibration.cap, calibration.cap
        )
        return np.where(np.isnan(distance), 0.0, bits)
    out = np.zeros(len(t))
    for i, case_id in enumerate(t.ids):
        found = faces.get(case_id)
        if found is not None:
            out[i] = calibration.bits(found.distance)
    return out


def rank_table(
    query: AMQuery,
    table: CaseTable,
    faces: Mapping[str, FaceEvidence] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    calibration: FaceCalibration = DEFAULT_CALIBRATION,
    overrides: Mapping[str, Sequence[Override]] | None = None,
    explain: int = 50,
) -> Ranking:
    """``scoring.rank`` for a large table: the same order, the top ``explain`` explained.

    Excluded cases are all listed, with their rules but without level-by-level
    explanations (``scoring.score`` gives those for any case a reviewer asks about).
    """
    faces = faces or {}
    overrides = overrides or {}
    columns = attribute_columns(query, table, weights)
    total = np.zeros(len(table))
    for column in columns.weights:
        total = total + column
    total = total + face_column(table, faces, calibration)
    total = np.floor(total * TOTAL_QUANTUM + 0.5) / TOTAL_QUANTUM  # as scoring.quantize
    rules = {
        SEX_MISMATCH: columns.sex_mismatch.copy(),
        DEATH_BEFORE_ARREST: columns.death_before_arrest.copy(),
    }
    explained: dict[int, Candidate] = {}
    for i, case_id in enumerate(table.ids):
        if case_id in overrides:
            cand = score(query, table.cases[i], faces.get(case_id), weights, calibration,
                         overrides[case_id])  # fmt: skip
            for rule, mask in rules.items():
                mask[i] = rule in cand.excluded_by
            explained[i] = cand
    excluded = rules[SEX_MISMATCH] | rules[DEATH_BEFORE_ARREST]
    kept = np.flatnonzero(~excluded)
    order = kept[np.lexsort((table.id_rank[kept], -total[kept]))]
    top = tuple(
        explained.get(int(i))
        or score(query, table.cases[i], faces.get(table.ids[i]), weights, calibration)
        for i in order[:explain]
    )
    out = np.flatnonzero(excluded)
    sex, death, totals = (rules[SEX_MISMATCH].tolist(), rules[DEATH_BEFORE_ARREST].tolist(),
                          total.tolist())  # fmt: skip
    labels = {
        (True, True): (DEATH_BEFORE_ARREST, SEX_MISMATCH),
        (True, False): (SEX_MISMATCH,),
        (False, True): (DEATH_BEFORE_ARREST,),
    }
    dropped = tuple(
        Candidate(table.ids[i], totals[i], (), labels[(sex[i], death[i])])
        for i in out[np.argsort(table.id_rank[out], kind="stable")].tolist()
    )
    return Ranking(query.report, top, dropped, shortlist=len(kept))
