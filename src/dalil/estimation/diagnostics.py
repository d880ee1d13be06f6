"""Convergence diagnostics for MCMC draws: split R-hat and effective sample size.

Both follow Gelman et al., *Bayesian Data Analysis* (3rd ed., §11.4–11.5): R-hat
compares the spread within and between half-chains (near 1 when the chains agree);
the effective sample size discounts the draws by their autocorrelation, summed in
pairs until the pairs turn negative (Geyer's initial positive sequence).

``rank_rhat`` is the rank-normalised R-hat of Vehtari et al. (2021, *Bayesian
Analysis* 16:667): split R-hat of the normal scores of the pooled ranks, and of the
ranks of the distance to the median (which catches chains that agree on the centre but
not on the spread), whichever is larger. Posterior draws of a population size are
skewed with a long right tail; plain R-hat on raw draws is driven by a few tail
draws there, the rank-normalised one is not, and it still fails chains that disagree.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Thresholds commonly used before trusting a posterior summary (Vehtari et al. 2021
# recommend R-hat < 1.01 for publication; 1.05 is the usual working limit).
RHAT_LIMIT = 1.05
MIN_ESS = 100


def _split(draws: FloatArray) -> FloatArray:
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, half : 2 * half]], axis=0)


def split_rhat(draws: FloatArray) -> float:
    """Potential scale reduction of chains × draws; 1.0 for constant draws."""
    chains = _split(np.atleast_2d(draws))
    n = chains.shape[1]
    within = float(chains.var(axis=1, ddof=1).mean())
    between = float(n * chains.mean(axis=1).var(ddof=1))
    if within <= 0.0:
        return 1.0
    pooled = (n - 1) / n * within + between / n
    return float(np.sqrt(pooled / within))


def _normal_scores(values: FloatArray) -> FloatArray:
    from scipy.stats import norm, rankdata

    ranks = rankdata(values, method="average").reshape(values.shape)
    return np.asarray(norm.ppf((ranks - 0.375) / (values.size + 0.25)), dtype=np.float64)


def rank_rhat(draws: FloatArray) -> float:
    """Rank-normalised split R-hat (bulk and folded), the larger of the two."""
    chains = np.atleast_2d(draws)
    if np.all(chains == chains.flat[0]):
        return 1.0
    bulk = split_rhat(_normal_scores(chains))
    folded = split_rhat(_normal_scores(np.abs(chains - np.median(chains))))
    return max(bulk, folded)


def _autocorrelation(chain: FloatArray) -> FloatArray:
    n = chain.shape[0]
    centred = chain - chain.mean()
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size)
    acov = np.fft.irfft(spectrum * np.conjugate(spectrum), size)[:n].real
    if acov[0] <= 0.0:
        return np.zeros(n)
    return np.asarray(acov / acov[0], dtype=np.float64)


def effective_sample_size(draws: FloatArray) -> float:
    """Effective number of independent draws across all chains."""
    chains = np.atleast_2d(draws)
    m, n = chains.shape
    if np.all(chains.var(axis=1) == 0.0):
        return float(m * n)
    rho = np.mean([_autocorrelation(c) for c in chains], axis=0)
    total = 0.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0.0:
            break
        total += pair
    tau = max(2.0 * total - 1.0, 1.0 / np.log10(max(m * n, 10)))
    return float(m * n / tau)
