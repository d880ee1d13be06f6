"""The column-wise ranking gives exactly the reference ranking, on varied random data."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from dalil.identification.am_report import Mark, MissingPerson
from dalil.identification.case_table import CaseTable, rank_table
from dalil.identification.comparison import SEX_MISMATCH
from dalil.identification.dates import PartialDate
from dalil.identification.records import AMQuery, PMCase
from dalil.identification.scoring import FaceEvidence, Override, rank

BRANCHES = ["215", "227", "251", "285", "999", None]
KINDS = ["scar", "tattoo", "birthmark"]
REGIONS = ["face", "left_arm", "back", None]
PLACES = ["damascus", "homs", "daraa", None]


def _partial(rng: random.Random, day: date) -> PartialDate | None:
    kind = rng.randrange(4)
    if kind == 0:
        return None
    if kind == 1:
        return PartialDate(day.year)
    if kind == 2:
        return PartialDate(day.year, day.month)
    return PartialDate.of(day)


def _day(rng: random.Random) -> date:
    return date(2011, 1, 1) + timedelta(rng.randrange(1200))


def _marks(rng: random.Random) -> tuple[Mark, ...]:
    return tuple(
        Mark(rng.choice(KINDS), rng.choice(REGIONS)) for _ in range(rng.choice([0, 0, 1, 2]))
    )


def _case(rng: random.Random, i: int) -> PMCase:
    low = rng.choice([None, rng.randrange(15, 60)])
    return PMCase(
        f"C{rng.randrange(10_000):05d}-{i}",
        branch=rng.choice(BRANCHES),
        death_date=_partial(rng, _day(rng)),
        photo_dates=(_day(rng),) if rng.random() < 0.7 else (),
        sex=rng.choice(["male", "female", None, "unknown"]),
        age_min=low,
        age_max=None if low is None else low + rng.randrange(3, 15),
        marks=_marks(rng),
        place=rng.choice(PLACES),
    )


def _query(rng: random.Random) -> AMQuery:
    birth = date(1950, 1, 1) + timedelta(rng.randrange(20_000))
    person = MissingPerson(
        sex=rng.choice(["male", "female", "unknown"]),
        birth_date=_partial(rng, birth),
        age_years=rng.choice([None, rng.randrange(15, 70)]),
        arrest_date=_partial(rng, _day(rng)),
        arresting_branch=rng.choice(BRANCHES),
        arrest_governorate=rng.choice(PLACES),
        last_seen_date=_partial(rng, _day(rng)),
        marks=_marks(rng),
    )
    return AMQuery("AM-1", person)


@pytest.mark.parametrize("seed", range(6))
def test_table_ranking_equals_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    cases = [_case(rng, i) for i in range(300)]
    faces = {c.case_id: FaceEvidence(rng.uniform(0.2, 0.9), 4) for c in cases[::3]}
    table = CaseTable(cases)
    for _ in range(8):
        query = _query(rng)
        target = rng.choice(cases).case_id
        overrides = {target: [Override(SEX_MISMATCH, "ana", "sex misread on the photo")]}
        reference = rank(query, cases, faces, overrides=overrides)
        fast = rank_table(query, table, faces, overrides=overrides, explain=40)
        assert fast.candidates == reference.candidates[:40]
        assert fast.remaining == len(reference.candidates)
        assert [(c.case_id, c.total, c.excluded_by) for c in fast.excluded] == [
            (c.case_id, c.total, c.excluded_by) for c in reference.excluded
        ]


def test_table_ranking_equals_the_reference_with_the_face_index() -> None:
    import numpy as np

    from dalil.identification.faces.search import CaseFaces
    from dalil.identification.records import FaceSet

    rng = random.Random(99)
    vectors = np.random.default_rng(99).normal(0, 0.05, size=(400 * 3, 128))
    cases = [
        replace(_case(rng, i), faces=FaceSet.of(vectors[i * 3 : i * 3 + 3]) if i % 5 else FaceSet())
        for i in range(400)
    ]
    table, index = CaseTable(cases), CaseFaces(cases)
    for n in range(6):
        query = replace(_query(rng), faces=FaceSet.of(vectors[n * 30] + 0.01))
        evidence = index.evidence(query.faces, shortlist=60)
        reference = rank(query, cases, evidence)
        fast = rank_table(query, table, evidence, explain=400)
        assert fast.candidates == reference.candidates
