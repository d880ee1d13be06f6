"""Strata run together and add up: batched LCMCR, the total, and retaking the draws."""

from __future__ import annotations

import numpy as np
import pytest

from dalil.estimation import diagnostics, lcmcr, strata, totals
from dalil.estimation.histories import CaptureTable
from dalil.estimation.results import MethodEstimate

from .simulate import heterogeneous, independent

FAST = lcmcr.Settings(burn_in=600, samples=300, thin=3, chains=3, seed=11)


def test_batched_strata_recover_their_own_sizes_and_the_total_covers_the_sum() -> None:
    small = heterogeneous(1200, [0.6, 0.5, 0.7, 0.55], [0.2, 0.15, 0.25, 0.2], 0.4, seed=21)
    large = heterogeneous(6000, [0.5, 0.4, 0.6, 0.45], [0.15, 0.1, 0.2, 0.12], 0.3, seed=22)
    three = independent(2500, [0.3, 0.4, 0.35], seed=23)  # fewer lists: a batch of its own
    small3 = CaptureTable(("L1", "L2", "L3"), three.counts)
    posteriors = lcmcr.sample_many([small, large, small3], FAST)
    # 99% intervals: three 95% intervals would all cover only 86% of the time
    truths = zip(posteriors, (1200, 6000, 2500), (small, large, small3), strict=True)
    for posterior, n, table in truths:
        low, high = posterior.interval(0.99)
        assert low <= n <= high
        assert posterior.observed == table.observed
        assert posterior.draws.shape == (FAST.chains, FAST.samples)
    total = totals.summed_draws(posteriors[:2])
    assert total.low <= 7200 <= total.high
    # the sum of medians is not the median of the sum, but both lie in the total's interval
    assert total.low <= posteriors[0].median + posteriors[1].median <= total.high


def test_a_table_alone_and_in_a_batch_has_the_same_posterior_up_to_monte_carlo_error() -> None:
    table = heterogeneous(3000, [0.5, 0.4, 0.6, 0.45], [0.15, 0.1, 0.2, 0.12], 0.3, seed=31)
    other = heterogeneous(800, [0.7, 0.6, 0.6, 0.5], [0.3, 0.2, 0.2, 0.25], 0.5, seed=32)
    alone = lcmcr.sample(table, FAST)
    batched = lcmcr.sample_many([other, table], FAST)[1]
    assert not np.array_equal(alone.draws, batched.draws)  # different random numbers
    assert abs(alone.median - batched.median) < 0.5 * (alone.interval()[1] - alone.interval()[0])


def test_quadrature_adds_estimates_and_each_side_of_the_interval() -> None:
    parts = [
        MethodEstimate("loglinear", 100.0, 90.0, 120.0, 1.0),
        MethodEstimate("loglinear", 200.0, 170.0, 240.0, 2.0),
    ]
    total = totals.quadrature("loglinear", parts)
    assert total.estimate == 300.0
    assert total.low == pytest.approx(300.0 - (10.0**2 + 30.0**2) ** 0.5)
    assert total.high == pytest.approx(300.0 + (20.0**2 + 40.0**2) ** 0.5)
    assert total.seconds == 3.0


def test_estimate_gives_a_total_over_strata_for_every_method_that_estimated_them_all() -> None:
    north = independent(2000, [0.3, 0.25, 0.4, 0.3], seed=41)
    south = independent(1500, [0.35, 0.3, 0.2, 0.3], seed=42)
    result = strata.estimate(
        [({"governorate": "حلب"}, north), ({"governorate": "درعا"}, south)], settings=FAST
    )
    assert result.total is not None
    assert result.total.table.observed == north.observed + south.observed
    by_method = {e.method: e for e in result.total.estimates}
    assert set(by_method) == set(strata.METHODS)
    for method in ("loglinear", "independence"):
        parts = [next(e for e in r.estimates if e.method == method) for r in result.strata]
        assert by_method[method].estimate == pytest.approx(sum(e.estimate for e in parts))
    assert by_method["lcmcr"].low <= 3500 <= by_method["lcmcr"].high
    assert by_method["independence"].low <= 3500 <= by_method["independence"].high
    assert result.to_json()["total"]["stratum"] == {"stratum": "total"}


def test_a_stratum_without_an_estimate_adds_its_documented_people_and_says_so() -> None:
    rich = independent(2000, [0.3, 0.25, 0.4], seed=51)
    lonely = CaptureTable(("L1", "L2", "L3"), {(1, 0, 0): 40})  # one list only
    result = strata.estimate(
        [({"governorate": "حمص"}, rich), ({"governorate": "إدلب"}, lonely)], settings=FAST
    )
    assert result.total is not None
    assert [e.method for e in result.total.estimates] == list(strata.METHODS)
    for total, alone in zip(result.total.estimates, result.strata[0].estimates, strict=True):
        assert total.estimate == pytest.approx(alone.estimate + 40)
        assert total.low == pytest.approx(alone.low + 40)
        assert "plus 40 documented in 1 stratum without an estimate" in total.detail
    missing = [w for w in result.total.warnings if "no estimate for governorate=إدلب" in w]
    assert len(missing) == len(strata.METHODS)


def test_no_total_when_no_stratum_could_be_estimated() -> None:
    lonely = CaptureTable(("L1", "L2"), {(1, 0): 40})
    result = strata.estimate(
        [({"sex": "M"}, lonely), ({"sex": "F"}, lonely)], ("independence",), FAST
    )
    assert result.total is not None and not result.total.estimates
    assert result.total.warnings == ["independence: no stratum could be estimated, so no total"]


def test_draws_are_retaken_more_thinly_while_the_chains_disagree() -> None:
    # Three lists, a rarely listed class and a very short run: chains started apart
    # have not met. Without retaking, R-hat says so; with it, they are drawn again.
    table = heterogeneous(4000, [0.6, 0.5, 0.7], [0.03, 0.02, 0.05], 0.2, seed=61)
    short = lcmcr.Settings(burn_in=5, samples=40, thin=1, chains=4, seed=3, extensions=0)
    first = lcmcr.sample(table, short)
    assert first.extended == 0
    assert first.rhat > diagnostics.RHAT_LIMIT
    retaken = lcmcr.sample(table, lcmcr.Settings(**{**short.__dict__, "extensions": 4}))
    assert retaken.extended >= 1
    assert retaken.thin == 2**retaken.extended
    assert retaken.rhat <= diagnostics.RHAT_LIMIT or retaken.extended == 4
    assert retaken.draws.shape == first.draws.shape


def test_strata_sharing_their_classes_recover_each_size_and_the_total() -> None:
    # One population, two kinds of people listed alike everywhere; the strata differ in
    # how many of each kind they hold, and one stratum is small.
    high, low = [0.6, 0.5, 0.7, 0.55], [0.12, 0.08, 0.15, 0.1]
    parts = [
        heterogeneous(4000, high, low, 0.2, seed=71),
        heterogeneous(2500, high, low, 0.5, seed=72),
        heterogeneous(400, high, low, 0.3, seed=73),
    ]
    result = strata.estimate(
        [({"region": str(i)}, t) for i, t in enumerate(parts)], ("lcmcr",), FAST, shared=True
    )
    for stratum, n in zip(result.strata, (4000, 2500, 400), strict=True):
        [found] = stratum.estimates
        assert found.low <= n <= found.high
        assert "shared by every stratum" in found.detail
    assert result.total is not None
    [total] = result.total.estimates
    assert total.low <= 6900 <= total.high


def test_strata_sharing_classes_must_share_their_lists() -> None:
    three = independent(1000, [0.3, 0.4, 0.35], seed=81)
    four = independent(1000, [0.3, 0.4, 0.35, 0.3], seed=82)
    with pytest.raises(ValueError, match="same lists"):
        lcmcr.sample_many([three, four], FAST, shared=True)


def test_only_the_tables_whose_chains_disagree_are_retaken() -> None:
    easy = independent(5000, [0.5, 0.6, 0.55, 0.6, 0.5], seed=62)
    rare = [0.03, 0.02, 0.05, 0.02, 0.03]  # 80% of people almost never listed: a ridge
    hard = heterogeneous(4000, [0.6, 0.5, 0.7, 0.5, 0.6], rare, 0.2, seed=61)
    once = lcmcr.Settings(burn_in=1000, samples=200, thin=2, chains=4, seed=4, extensions=0)
    first = lcmcr.sample_many([easy, hard], once)
    assert first[0].rhat <= diagnostics.RHAT_LIMIT < first[1].rhat
    again = lcmcr.sample_many([easy, hard], lcmcr.Settings(**{**once.__dict__, "extensions": 3}))
    assert again[0].extended == 0
    assert np.array_equal(again[0].draws, first[0].draws)  # left as it was
    assert again[1].extended >= 1 and again[1].thin == 2 * 2 ** again[1].extended


def test_a_total_whose_chains_disagree_is_flagged() -> None:
    rare = [0.03, 0.02, 0.05, 0.02]  # most people almost never listed: a ridge
    parts = [heterogeneous(3000, [0.6, 0.5, 0.7, 0.5], rare, 0.2, seed=s) for s in (91, 92)]
    short = lcmcr.Settings(burn_in=5, samples=40, thin=1, chains=4, seed=3, extensions=0)
    result = strata.estimate(
        [({"sex": "M"}, parts[0]), ({"sex": "F"}, parts[1])], ("lcmcr",), short, shared=True
    )
    assert result.total is not None
    [total] = result.total.estimates
    assert total.diagnostics["rhat"] > diagnostics.RHAT_LIMIT
    assert any("chains disagree on the total" in w for w in result.total.warnings)


def test_a_list_absent_from_a_stratum_is_kept_by_shared_classes_and_said() -> None:
    whole = independent(3000, [0.3, 0.4, 0.35, 0.3], seed=101)
    other = independent(800, [0.3, 0.4, 0.35, 0.3], seed=102)
    partial = CaptureTable(whole.lists, {p: c for p, c in other.counts.items() if not p[3]})
    both = [({"r": "a"}, whole), ({"r": "b"}, partial)]
    shared = strata.estimate(both, settings=FAST, shared=True)
    [said] = [w for w in shared.strata[1].warnings if "no one in this stratum is on L4" in w]
    assert "estimated without it; LCMCR keeps it" in said
    alone = strata.estimate(both, settings=FAST)
    [said] = [w for w in alone.strata[1].warnings if "no one in this stratum is on L4" in w]
    assert said.endswith("estimated without it")
