"""The explained score of a PM case for an AM report, and the ranking of all cases.

A candidate's total is the sum of its levels' weights (bits), face included. Hard
exclusions remove a case from the ranking and list it apart, with the rule that
removed it; a reviewer's override (with identity and reason) puts it back, and the
explanation keeps both the rule and the override. Ranking is deterministic: by total,
then by case id, with totals rounded so that summation order on another machine cannot
swap two candidates.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dalil.identification.calibration import DEFAULT as DEFAULT_CALIBRATION
from dalil.identification.calibration import FaceCalibration
from dalil.identification.comparison import (
    ATTRIBUTE_COMPARISONS,
    DEFAULT_WEIGHTS,
    Level,
    Weights,
    null,
)
from dalil.identification.records import AMQuery, PMCase

# Totals are compared at this precision: far below any weight's meaning, far above the
# rounding noise of adding a dozen floats in another order. Rounding is floor(x*Q+0.5)/Q,
# plain IEEE arithmetic, so numpy (case_table) gets bit-identical totals.
TOTAL_QUANTUM = 1e6


def quantize(total: float) -> float:
    return math.floor(total * TOTAL_QUANTUM + 0.5) / TOTAL_QUANTUM


@dataclass(frozen=True)
class Override:
    rule: str
    reviewer: str
    reason: str


@dataclass(frozen=True)
class FaceEvidence:
    """The face distance between a report and a case, and how it was obtained."""

    distance: float
    pairs: int  # portrait x photo pairs compared
    beyond_shortlist: bool = False  # only a lower bound: not among the nearest faces


@dataclass(frozen=True)
class Candidate:
    case_id: str
    total: float
    levels: tuple[Level, ...]
    excluded_by: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_by)

    def probability(self, prior_odds: float) -> float:
        """Posterior probability of identity for a prior given as odds."""
        bits = self.total + math.log2(prior_odds)
        return 1 / (1 + 2 ** (-bits)) if bits > -1000 else 0.0


@dataclass(frozen=True)
class Ranking:
    report: str
    candidates: tuple[Candidate, ...]  # not excluded, best first (the top, if cut)
    excluded: tuple[Candidate, ...] = field(default=())  # by case id
    shortlist: int | None = None  # candidates left after exclusions, when cut

    @property
    def remaining(self) -> int:
        """How many cases are left after hard exclusions."""
        return len(self.candidates) if self.shortlist is None else self.shortlist

    def rank_of(self, case_id: str) -> int | None:
        for i, candidate in enumerate(self.candidates, start=1):
            if candidate.case_id == case_id:
                return i
        return None


def face_level(evidence: FaceEvidence | None, calibration: FaceCalibration) -> Level:
    if evidence is None:
        return null("face", "no usable face on one side")
    if evidence.beyond_shortlist:
        detail = f"not among the nearest faces: distance ≥ {evidence.distance:.3f}"
        label = "beyond shortlist"
    else:
        detail = f"distance {evidence.distance:.3f}, best of {evidence.pairs} pairs"
        label = "calibrated distance"
    return Level("face", label, calibration.bits(evidence.distance), detail)


def score(
    query: AMQuery,
    case: PMCase,
    face: FaceEvidence | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    calibration: FaceCalibration = DEFAULT_CALIBRATION,
    overrides: Sequence[Override] = (),
    use_face: bool = True,
    use_attributes: bool = True,
) -> Candidate:
    levels: list[Level] = []
    if use_attributes:
        levels.extend(compare(query, case, weights) for compare in ATTRIBUTE_COMPARISONS)
    if use_face:
        levels.append(face_level(face, calibration))
    overridden = {o.rule for o in overrides}
    excluded = tuple(
        sorted({lv.exclusion for lv in levels if lv.exclusion and lv.exclusion not in overridden})
    )
    used = tuple(o for o in overrides if any(lv.exclusion == o.rule for lv in levels))
    total = quantize(sum(lv.weight for lv in levels))
    return Candidate(case.case_id, total, tuple(levels), excluded, used)


def rank(
    query: AMQuery,
    cases: Sequence[PMCase],
    faces: Mapping[str, FaceEvidence] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    calibration: FaceCalibration = DEFAULT_CALIBRATION,
    overrides: Mapping[str, Sequence[Override]] | None = None,
    use_face: bool = True,
    use_attributes: bool = True,
) -> Ranking:
    """Every case scored for one report; candidates best first, excluded apart."""
    faces = faces or {}
    overrides = overrides or {}
    scored = [
        score(
            query,
            case,
            faces.get(case.case_id),
            weights,
            calibration,
            overrides.get(case.case_id, ()),
            use_face,
            use_attributes,
        )
        for case in cases
    ]
    kept = sorted((c for c in scored if not c.excluded), key=lambda c: (-c.total, c.case_id))
    dropped = sorted((c for c in scored if c.excluded), key=lambda c: c.case_id)
    return Ranking(query.report, tuple(kept), tuple(dropped))


def estimate_u(
    queries: Sequence[AMQuery],
    cases: Sequence[PMCase],
    base: Weights = DEFAULT_WEIGHTS,
    pairs: int = 20_000,
    seed: int = 0,
) -> Weights:
    """u per level from random report x case pairs, as Splink's random sampling does.

    Nearly all random pairs are different people, so how often they land in a level is
    u. m is kept from ``base``. Levels never seen get one pseudo-count, so no weight is
    infinite.
    """
    rng = random.Random(seed)
    counts: dict[str, Counter[str]] = {name: Counter() for name in base.mu}
    for _ in range(pairs):
        query, case = rng.choice(queries), rng.choice(cases)
        for compare in ATTRIBUTE_COMPARISONS:
            level = compare(query, case, base)
            if not level.is_null:
                counts[level.comparison][level.label] += 1
    mu: dict[str, dict[str, tuple[float, float]]] = {}
    for name, levels in base.mu.items():
        total = sum(counts[name].values()) + len(levels)
        mu[name] = {
            label: (m, (counts[name][label] + 1) / total) for label, (m, _u) in levels.items()
        }
    return Weights(mu)


def ranking_as_json(ranking: Ranking, top: int) -> dict[str, Any]:
    """A ranking as a reviewer reads it: the ``top`` candidates with their explained
    levels (totals as text: no floats), and every excluded case with its rules."""
    return {
        "report": ranking.report,
        "candidates": [
            {"case": c.case_id, "total": f"{c.total:+.2f}", "levels": explain(c)}
            for c in ranking.candidates[:top]
        ],
        "excluded": [{"case": c.case_id, "rules": list(c.excluded_by)} for c in ranking.excluded],
    }


def explain(candidate: Candidate) -> list[dict[str, object]]:
    """The candidate's levels as rows a reviewer reads (weights as text: no floats)."""
    rows: list[dict[str, object]] = [
        {
            "comparison": lv.comparison,
            "level": lv.label,
            "weight": f"{lv.weight:+.2f}",
            "detail": lv.detail,
            "exclusion": lv.exclusion,
        }
        for lv in candidate.levels
    ]
    rows.extend(
        {
            "comparison": "override",
            "level": o.rule,
            "weight": "+0.00",
            "detail": f"{o.reviewer}: {o.reason}",
            "exclusion": None,
        }
        for o in candidate.overrides
    )
    return rows
