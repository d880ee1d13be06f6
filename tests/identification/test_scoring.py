"""The explained score: exclusions, null levels, overrides, deterministic ranking."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dalil.identification import calibration, scoring
from dalil.identification.am_report import Mark, MissingPerson, Name
from dalil.identification.comparison import (
    DEATH_BEFORE_ARREST,
    DEFAULT_WEIGHTS,
    SEX_MISMATCH,
    compare_detention,
)
from dalil.identification.dates import PartialDate
from dalil.identification.records import AMQuery, PMCase
from dalil.identification.scoring import FaceEvidence, Override, rank, score

PERSON = MissingPerson(
    name_latin=Name(given="Omar"),
    sex="male",
    birth_date=PartialDate(1980),
    arrest_date=PartialDate(2012, 5),
    arresting_branch="215",
    arrest_governorate="damascus",
    marks=(Mark("scar", "left_arm"),),
)
QUERY = AMQuery("AM-000001", PERSON)


def _case(case_id: str = "C1", **kw: object) -> PMCase:
    base: dict[str, object] = {
        "sex": "male",
        "branch": "215",
        "photo_dates": (date(2012, 9, 1),),
        "age_min": 28,
        "age_max": 38,
        "marks": (Mark("scar", "left_arm"),),
        "place": "damascus",
    }
    base.update(kw)
    return PMCase(case_id, **base)  # type: ignore[arg-type]


def _levels(candidate: scoring.Candidate) -> dict[str, str]:
    return {lv.comparison: lv.label for lv in candidate.levels}


def test_consistent_case_scores_positive_on_every_known_level() -> None:
    candidate = score(QUERY, _case())
    assert not candidate.excluded
    for level in candidate.levels:
        if level.comparison != "face" and not level.is_null:
            assert level.weight > 0, level
    assert _levels(candidate)["marks"] == "same mark, same place"


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        (_case(sex="female"), SEX_MISMATCH),
        (_case(photo_dates=(date(2012, 4, 20),)), DEATH_BEFORE_ARREST),
        (_case(death_date=PartialDate(2011)), DEATH_BEFORE_ARREST),
    ],
)
def test_hard_exclusion_removes_the_case_and_names_the_rule(case: PMCase, rule: str) -> None:
    ranking = rank(QUERY, [case, _case("C2")])
    assert [c.case_id for c in ranking.candidates] == ["C2"]
    assert ranking.excluded[0].excluded_by == (rule,)


def test_reviewer_override_puts_an_excluded_case_back_with_its_reason() -> None:
    case = _case(sex="female")
    override = Override(SEX_MISMATCH, "reviewer-a", "sex misread: the body is badly damaged")
    ranking = rank(QUERY, [case], overrides={"C1": [override]})
    [candidate] = ranking.candidates
    assert candidate.overrides == (override,)
    assert _levels(candidate)["sex"] == "different"  # the evidence still counts against
    rows = scoring.explain(candidate)
    assert any(r["comparison"] == "override" and "misread" in str(r["detail"]) for r in rows)


def test_override_of_another_rule_does_not_lift_an_exclusion() -> None:
    override = Override(DEATH_BEFORE_ARREST, "reviewer-a", "the arrest date is uncertain")
    ranking = rank(QUERY, [_case(sex="female")], overrides={"C1": [override]})
    assert not ranking.candidates and ranking.excluded[0].overrides == ()


def test_death_in_the_month_of_an_arrest_known_to_the_month_is_not_excluded() -> None:
    level = compare_detention(QUERY, _case(photo_dates=(date(2012, 5, 3),)), DEFAULT_WEIGHTS)
    assert level.exclusion is None


def test_unknown_values_weigh_nothing() -> None:
    bare = AMQuery("AM-2", MissingPerson(name_latin=Name(given="X")))
    candidate = score(bare, PMCase("C9"))
    assert candidate.total == 0 and all(lv.is_null for lv in candidate.levels)


def test_closer_face_never_scores_lower() -> None:
    cal = calibration.DEFAULT
    totals = [
        score(QUERY, _case(), FaceEvidence(d, 4), calibration=cal).total
        for d in (0.2, 0.4, 0.5, 0.6, 0.8, 1.2)
    ]
    assert totals == sorted(totals, reverse=True)
    assert max(abs(cal.bits(d)) for d in (0.0, 5.0)) == calibration.CAP_BITS


def test_every_level_is_shown_with_its_weight() -> None:
    rows = scoring.explain(score(QUERY, _case(), FaceEvidence(0.45, 8)))
    assert {r["comparison"] for r in rows} == {
        "sex",
        "detention",
        "last_seen",
        "branch",
        "age",
        "marks",
        "place",
        "face",
    }
    assert all(isinstance(r["weight"], str) and r["weight"][0] in "+-" for r in rows)


_cases = st.lists(
    st.builds(
        lambda i, sex, branch, day, face: (
            PMCase(f"C{i:03d}", sex=sex, branch=branch, photo_dates=(date(2012, 6, 1 + day),)),
            face,
        ),
        st.integers(0, 999),
        st.sampled_from(["male", "female", None]),
        st.sampled_from(["215", "227", "251", None]),
        st.integers(0, 27),
        st.sampled_from([0.3, 0.5, 0.7]),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda pair: pair[0].case_id,
)


@settings(max_examples=60, deadline=None)
@given(_cases, st.randoms())
def test_ranking_does_not_depend_on_the_order_cases_are_given(
    pairs: list[tuple[PMCase, float]], shuffle: random.Random
) -> None:
    cases = [case for case, _ in pairs]
    faces = {case.case_id: FaceEvidence(d, 4) for case, d in pairs}
    first = rank(QUERY, cases, faces)
    shuffle.shuffle(cases)
    second = rank(QUERY, cases, faces)
    assert first == second
    keys = [(-c.total, c.case_id) for c in first.candidates]
    assert keys == sorted(keys)


def test_equal_scores_are_ordered_by_case_id() -> None:
    ranking = rank(QUERY, [_case("C3"), _case("C1"), _case("C2")])
    assert [c.case_id for c in ranking.candidates] == ["C1", "C2", "C3"]


def test_estimate_u_recovers_branch_frequencies_from_random_pairs() -> None:
    rng = random.Random(3)
    shares = {"215": 0.5, "227": 0.3, "251": 0.2}
    branches = list(shares)
    cases = [
        PMCase(f"C{i}", branch=rng.choices(branches, list(shares.values()))[0]) for i in range(2000)
    ]
    queries = [
        AMQuery(
            f"AM-{i}",
            MissingPerson(arresting_branch=rng.choices(branches, list(shares.values()))[0]),
        )
        for i in range(2000)
    ]
    weights = scoring.estimate_u(queries, cases, pairs=20_000, seed=1)
    expected_same = sum(p * p for p in shares.values())  # 0.38
    expected_agency = 2 * 0.5 * 0.3  # 215 and 227 are both military intelligence
    assert math.isclose(weights.mu["branch"]["same branch"][1], expected_same, abs_tol=0.02)
    assert math.isclose(weights.mu["branch"]["same agency"][1], expected_agency, abs_tol=0.02)


def test_calibration_recovers_a_known_likelihood_ratio() -> None:
    rng = random.Random(5)
    sigma, genuine_mean, impostor_mean = 0.08, 0.40, 0.70
    genuine = [rng.gauss(genuine_mean, sigma) for _ in range(4000)]
    impostor = [rng.gauss(impostor_mean, sigma) for _ in range(4000)]
    fitted = calibration.fit(genuine, impostor, "simulated")
    # Equal-variance normals: log LR is linear with these coefficients (in bits).
    slope = -(impostor_mean - genuine_mean) / sigma**2 / math.log(2)
    intercept = (impostor_mean**2 - genuine_mean**2) / (2 * sigma**2) / math.log(2)
    assert math.isclose(fitted.slope, slope, rel_tol=0.08)
    assert math.isclose(fitted.intercept, intercept, rel_tol=0.08)
    assert math.isclose(fitted.even_odds_distance(), 0.55, abs_tol=0.01)
