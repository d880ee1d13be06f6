"""The prior: how likely two records drawn at random are one person.

Splink sets the prior from deterministic rules (same names and birth year) and an
assumed recall of those rules. On victim lists the fathers' names and birth dates are
often missing, the rules find far fewer true pairs than assumed, and the prior comes
out low, and every match probability with it: on the synthetic lists of
``bench/linkage.py`` it was 2.6 times too low, and a tenth of the true pairs fell
under the linking threshold for that reason alone.

Once the comparisons are trained, the prior follows from the scored pairs themselves.
It is the expected share of matches among all pairs, and each pair's probability of
being a match depends on the prior: a fixed point, found by expectation maximisation
of the mixing weight with the comparisons held fixed. Pairs that were never compared,
or whose evidence lies far below zero, add nothing measurable (each would be a match
with a probability under one in a million).
"""

from __future__ import annotations

import math

import numpy as np

# The fixed point is reached when the prior moves by less than this share of itself;
# the match probabilities then move by less than a hundredth of a percent.
TOLERANCE = 1e-4
MAX_ITERATIONS = 200


def logit2(probability: float) -> float:
    """log2 of the odds: Splink's match weight of a probability."""
    return math.log2(probability / (1.0 - probability))


def probability(weight: np.ndarray) -> np.ndarray:
    """Match probability of match weights (log2 odds)."""
    odds: np.ndarray = np.exp2(-weight)
    return 1.0 / (1.0 + odds)


def estimate(evidence: np.ndarray, total_pairs: float, start: float) -> float:
    """The prior under which the expected number of matches is self-consistent.

    ``evidence``: log2 Bayes factor of every scored pair (its match weight without
    the prior); ``total_pairs``: all pairs of records, compared or not; ``start``:
    the first guess.
    """
    if total_pairs <= 0 or len(evidence) == 0:
        return start
    prior = start
    for _ in range(MAX_ITERATIONS):
        expected = float(probability(evidence + logit2(prior)).sum())
        updated = min(max(expected / total_pairs, 1e-15), 0.5)
        if abs(updated - prior) <= TOLERANCE * prior:
            return updated
        prior = updated
    return prior
