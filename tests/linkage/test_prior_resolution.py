"""The prior is recovered from scored pairs; the model's doubts split chained clusters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dalil.linkage import blocking, clusters, prior, resolution
from dalil.linkage.model import Prediction


@pytest.mark.parametrize("true_prior", [0.002, 0.01, 0.05])
def test_prior_is_recovered_from_calibrated_scores_whatever_the_first_guess(
    true_prior: float,
) -> None:
    # A score x is N(+2, 1) for matches and N(-2, 1) for non-matches, so the exact
    # Bayes factor of x is exp(4x): the evidence a trained model would give.
    rng = np.random.default_rng(5)
    total = 400_000
    matches = rng.random(total) < true_prior
    x = np.where(matches, rng.normal(2.0, 1.0, total), rng.normal(-2.0, 1.0, total))
    evidence = 4.0 * x / math.log(2.0)
    for start in (true_prior / 20, true_prior * 5):
        estimated = prior.estimate(evidence, total, start)
        assert estimated == pytest.approx(matches.mean(), rel=0.05)


def test_pairs_never_scored_count_as_non_matches_in_the_prior() -> None:
    # The same scored pairs among ten times as many pairs: a tenth of the prior.
    evidence = np.array([20.0] * 100 + [-20.0] * 900)
    assert prior.estimate(evidence, 1000, 0.5) == pytest.approx(0.1, rel=1e-3)
    assert prior.estimate(evidence, 10_000, 0.5) == pytest.approx(0.01, rel=1e-3)


# Records 1 and 2 are two men the model tells apart (0.0002); 3 is a sparse record
# that links strongly to both.
CHAIN = [(1, 3, 0.97), (2, 3, 0.95), (1, 2, 0.0002)]


def test_a_sparse_record_does_not_chain_two_people_the_model_tells_apart() -> None:
    first = clusters.cluster([1, 2, 3], CHAIN, 0.8)
    assert first.cluster_of[1] == first.cluster_of[2]  # the chain, before separating
    probabilities = {(a, b): p for a, b, p in CHAIN}
    apart = clusters.separated(first, probabilities, lambda a, b: True)
    assert apart == [(1, 2)]
    result = clusters.cluster([1, 2, 3], CHAIN, 0.8, apart=apart)
    assert result.cluster_of[1] != result.cluster_of[2]
    assert result.cluster_of[3] == result.cluster_of[1]  # the stronger link won


@pytest.mark.parametrize(
    ("compared", "separated"),
    [(True, [(1, 2)]), (False, [])],
)
def test_a_pair_missing_from_the_scores_is_apart_only_if_it_was_compared(
    compared: bool, separated: list[tuple[int, int]]
) -> None:
    links = [(1, 3, 0.97), (2, 3, 0.95)]
    first = clusters.cluster([1, 2, 3], links, 0.8)
    probabilities = {(1, 3): 0.97, (2, 3): 0.95}
    assert clusters.separated(first, probabilities, lambda a, b: compared) == separated


def test_the_model_never_overrules_a_reviewers_must_link() -> None:
    result = clusters.cluster([1, 2, 3], CHAIN, 0.8, must=[(1, 2)], apart=[(1, 2)])
    assert result.cluster_of[1] == result.cluster_of[2]


def test_compared_means_sharing_a_blocking_key_of_any_rule() -> None:
    table = pd.DataFrame(
        {
            "unique_id": [10, 11, 12, 13],
            "blk_0": [["A|B", "A|C"], ["A|C"], None, ["X"]],
            "blk_1": pd.Series(["k", None, "k", "z"], dtype="string"),
        }
    )
    compared = blocking.compared(table)
    assert compared(10, 11)  # A|C
    assert compared(10, 12)  # k
    assert not compared(11, 12)
    assert not compared(12, 13)


def test_resolution_separates_within_clusters_from_a_prediction() -> None:
    frame = pd.DataFrame(CHAIN, columns=["unique_id_l", "unique_id_r", "match_probability"])
    table = pd.DataFrame({"unique_id": [1, 2, 3], "blk_0": [["k"], ["k"], ["k"]]})
    prediction = Prediction(frame[:2], [], weak=frame[2:], table=table)
    result = resolution.cluster(prediction, [1, 2, 3], 0.8)
    assert result.cluster_of[1] != result.cluster_of[2]
