"""Estimators recover a known population size from simulated capture histories."""

from __future__ import annotations

import numpy as np
import pytest

from dalil.estimation import diagnostics, lcmcr, loglinear
from dalil.estimation.histories import CaptureTable, from_memberships

from .simulate import heterogeneous, independent, latent_classes

FAST = lcmcr.Settings(burn_in=600, samples=300, thin=3, chains=3, seed=7)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_independence_model_recovers_n_when_lists_are_independent(seed: int) -> None:
    table = independent(4000, [0.3, 0.25, 0.4], seed)
    fit = loglinear.fit(table)
    assert fit is not None
    low, high = fit.interval()
    assert low <= 4000 <= high
    assert abs(fit.estimate - 4000) / 4000 < 0.06


def test_two_list_independence_model_is_lincoln_petersen() -> None:
    table = CaptureTable(("a", "b"), {(1, 0): 300, (0, 1): 200, (1, 1): 100})
    fit = loglinear.fit(table)
    assert fit is not None
    assert fit.estimate == pytest.approx(400 * 300 / 100, rel=1e-6)


def test_model_selection_finds_a_pair_of_dependent_lists() -> None:
    rng = np.random.default_rng(5)
    n = 6000
    a = rng.random(n) < 0.3
    b = np.where(a, rng.random(n) < 0.7, rng.random(n) < 0.1)  # b copies from a
    c = rng.random(n) < 0.35
    d = rng.random(n) < 0.25
    names = ["a", "b", "c", "d"]
    rows = np.column_stack([a, b, c, d])
    table = from_memberships(names, ([names[j] for j in np.flatnonzero(r)] for r in rows))
    selection = loglinear.select(table, "bic")
    assert selection is not None
    assert (0, 1) in selection.best.interactions
    low, high = selection.best.interval()
    assert low <= n <= high


def test_lcmcr_recovers_n_under_heterogeneous_capture() -> None:
    table = heterogeneous(5000, [0.5, 0.45, 0.6, 0.5], [0.12, 0.15, 0.1, 0.14], 0.3, seed=11)
    naive = loglinear.fit(table)
    assert naive is not None and naive.interval()[1] < 5000  # the trap LCMCR avoids
    posterior = lcmcr.sample(table, FAST)
    low, high = posterior.interval()
    assert low <= 5000 <= high
    assert abs(posterior.median - 5000) / 5000 < 0.12


def test_lcmcr_intervals_cover_n_when_data_come_from_its_own_model() -> None:
    # A wrong full conditional (the unobserved cell, the N update, the stick breaks)
    # shows here as intervals that miss on one side: this is the sampler's calibration.
    quick = lcmcr.Settings(burn_in=400, samples=200, thin=2, chains=2, seed=3)
    covered, below = 0, 0
    for seed in range(12):
        posterior = lcmcr.sample(latent_classes(1500, 4, seed=100 + seed), quick)
        low, high = posterior.interval()
        covered += low <= 1500 <= high
        below += high < 1500
    assert covered >= 10, (covered, below)


@pytest.mark.parametrize(
    ("design", "share_low"),
    [
        # Two of the designs of Manrique-Vallier (2016) as HRDAG publishes them: most
        # people rarely listed, a few listed almost everywhere.
        (([0.033, 0.033, 0.099, 0.132, 0.033], [0.66, 0.825, 0.759, 0.99, 0.693]), 0.9),
        (([0.113, 0.113, 0.199, 0.232, 0.133], [0.86, 0.925, 0.859, 0.99, 0.793]), 0.8),
    ],
)
def test_lcmcr_recovers_n_in_published_latent_class_designs(
    design: tuple[list[float], list[float]], share_low: float
) -> None:
    low_p, high_p = design
    table = heterogeneous(2000, high_p, low_p, 1.0 - share_low, seed=21)
    posterior = lcmcr.sample(table, FAST)
    low, high = posterior.interval()
    assert low <= 2000 <= high


def test_lcmcr_is_deterministic_for_a_seed() -> None:
    table = independent(800, [0.4, 0.3, 0.5], seed=2)
    settings = lcmcr.Settings(burn_in=50, samples=40, thin=2, chains=2, seed=99)
    first = lcmcr.sample(table, settings)
    again = lcmcr.sample(table, settings)
    other = lcmcr.sample(table, lcmcr.Settings(burn_in=50, samples=40, thin=2, chains=2, seed=98))
    assert np.array_equal(first.draws, again.draws)
    assert not np.array_equal(first.draws, other.draws)


def test_lcmcr_never_estimates_fewer_than_observed() -> None:
    table = independent(300, [0.6, 0.6, 0.6], seed=4)
    posterior = lcmcr.sample(table, lcmcr.Settings(burn_in=100, samples=100, thin=1, chains=2))
    assert posterior.pooled.min() >= table.observed


def test_rhat_flags_chains_that_disagree_and_passes_chains_that_agree() -> None:
    rng = np.random.default_rng(0)
    agree = rng.normal(size=(4, 500))
    disagree = agree + np.arange(4)[:, None] * 3.0
    assert diagnostics.split_rhat(agree) < 1.02
    assert diagnostics.split_rhat(disagree) > 1.5


def test_rank_rhat_flags_chains_that_disagree_in_centre_or_spread() -> None:
    rng = np.random.default_rng(2)
    agree = rng.lognormal(size=(4, 500))  # skewed like draws of N
    shifted = agree + np.arange(4)[:, None]
    wider = agree * np.array([1.0, 1.0, 1.0, 4.0])[:, None]
    assert diagnostics.rank_rhat(agree) < 1.02
    assert diagnostics.rank_rhat(shifted) > 1.1
    assert diagnostics.rank_rhat(wider) > 1.05


def test_ess_of_independent_draws_is_near_their_number_and_of_a_sticky_chain_far_below() -> None:
    rng = np.random.default_rng(1)
    iid = rng.normal(size=(2, 1000))
    sticky = np.repeat(rng.normal(size=(2, 50)), 20, axis=1)
    assert diagnostics.effective_sample_size(iid) > 1500
    assert diagnostics.effective_sample_size(sticky) < 300
