"""LCMCR's draws of N against a posterior computed exactly, without sampling.

With a single latent class the model is Darroch's M_t: list j captures everyone with
probability λ_j ~ Beta(1, 1), and p(N) ∝ 1/N. Integrating the λ_j out gives the
posterior of N in closed form,

    p(N | x) ∝ (1/N) · N! / (N − n)! · Π_j B(1 + n_j, 1 + N − n_j),

n documented people, n_j of them on list j. The Gibbs sampler reaches the same
distribution only through data augmentation (the negative binomial draw of the
never-listed, the Beta draws of λ): any slip in either shifts its quantiles away from
these. The table is sparse on purpose: there the 1/N prior moves the posterior
(a flat prior would put its median 8 higher), so a sampler with the wrong prior fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln, gammaln

from dalil.estimation import lcmcr
from dalil.estimation.histories import CaptureTable

SPARSE = CaptureTable(
    ("a", "b", "c"),
    {
        (1, 0, 0): 20,
        (0, 1, 0): 15,
        (0, 0, 1): 18,
        (1, 1, 0): 3,
        (0, 1, 1): 2,
        (1, 0, 1): 3,
        (1, 1, 1): 1,
    },
)
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def exact_quantiles(table: CaptureTable, prior_power: float) -> list[int]:
    """Quantiles of N under p(N) ∝ N^−prior_power, by summing the closed form."""
    x, counts = table.matrix()
    n = int(counts.sum())
    on_list = (x * counts[:, None]).sum(axis=0)
    sizes = np.arange(n, 500 * n, dtype=np.float64)
    log_post = -prior_power * np.log(sizes) + gammaln(sizes + 1) - gammaln(sizes - n + 1)
    for n_j in on_list:
        log_post += betaln(1.0 + n_j, 1.0 + sizes - n_j)
    weights = np.exp(log_post - log_post.max())
    cdf = np.cumsum(weights) / weights.sum()
    return [int(sizes[np.searchsorted(cdf, q)]) for q in QUANTILES]


def test_the_sparse_table_separates_the_1_over_n_prior_from_a_flat_one() -> None:
    with_prior, flat = exact_quantiles(SPARSE, 1.0), exact_quantiles(SPARSE, 0.0)
    assert flat[2] - with_prior[2] >= 6


@pytest.mark.parametrize("seed", [1, 2])
def test_one_class_lcmcr_draws_n_from_the_exact_posterior(seed: int) -> None:
    settings = lcmcr.Settings(max_classes=1, burn_in=200, samples=4000, thin=1, chains=2, seed=seed)
    posterior = lcmcr.sample(SPARSE, settings)
    drawn = np.quantile(posterior.pooled, QUANTILES)
    exact = exact_quantiles(SPARSE, 1.0)
    # Monte Carlo error of these quantiles with ~1,000 effective draws: 0.7–2.3 (sd over 20 seeds).
    tolerance = [3, 3, 4, 5, 8]
    for q, got, want, tol in zip(QUANTILES, drawn, exact, tolerance, strict=True):
        assert abs(got - want) <= tol, (q, got, want)
