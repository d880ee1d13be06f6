"""LCMCR: Bayesian latent-class multiple-recapture (Manrique-Vallier 2016).

D. Manrique-Vallier, "Bayesian population size estimation using Dirichlet process
mixtures", Biometrics 72 (2016) 1246–1254. People fall into latent classes; within a
class, lists capture independently with probabilities λ_jk. Classes absorb the
heterogeneity that makes plain capture–recapture wrong (well-known victims are on every
list, rural victims on none). The number of classes is left to the data through a
Dirichlet-process prior truncated at ``max_classes`` by stick breaking:

    λ_jk ~ Beta(1, 1)          π ~ SB_K*(α)        α ~ Gamma(a, b)       p(N) ∝ 1/N
    z_i | π ~ Categorical(π)    x_ij | z_i = k ~ Bernoulli(λ_jk)

The Gibbs sampler augments the n observed people with the n0 never captured:

1. allocate the people of each observed pattern and the n0 unobserved to classes
   (one multinomial draw per pattern: people with the same pattern are exchangeable);
2. λ_jk | · ~ Beta(1 + captured in k by j, 1 + in k − captured);
3. stick breaks V_k | · ~ Beta(1 + n_k, α + Σ_{l>k} n_l), V_K* = 1;
4. α | · ~ Gamma(a + K* − 1, b − Σ_{k<K*} log(1 − V_k));
5. n0 | · ~ NegBinomial(n, 1 − π0), π0 = Σ_k π_k Π_j (1 − λ_jk), from the 1/N prior.

Steps 5 and 1 together draw (n0, classes of the never listed) | λ, π as one block,
since nothing changes between them; observed people's classes depend on λ and π only.
The order differs from the R package's (which allocates the unobserved right after
drawing n0, and α last) but every step is an exact full conditional, so the chain
has the same stationary distribution. Checked two ways in the tests: with one class
the model is M_t and the posterior of N has a closed form, which the draws match
quantile by quantile (test_lcmcr_exact.py, on a sparse table where a flat prior on N
would shift the median); and intervals cover N on data drawn from the model itself.

What the model cannot do (bench/estimation.py): when the chance of being listed varies
continuously between people and the same people are hard to reach for every list
(logit-normal heterogeneity, or capture driven by a continuous trait), LCMCR
undercounts with an interval too narrow to cover N: a few classes describe the people
who are listed, and nothing in the table shows the low tail of people almost no list
reaches (Link 2003, Biometrics 59:1123). A larger truncation or a prior favouring more
classes did not change this where tried. Latent-class heterogeneity with four or more lists is
what it recovers.

Defaults follow the LCMCR R package (K* = 10, a = b = 0.25). Chains share one generator
seeded by ``Settings.seed``: the same seed gives the same draws on every machine.

This Gibbs sampler, like the R package's, mixes slowly where N is weakly identified
(three lists, or a class rarely listed): N, the unobserved count of the rarely listed
classes and their capture probabilities move together along a ridge, a few hundred
to a few thousand iterations per independent draw. Hence the long default chain
(10,000 burn-in, 1,000 draws thinned by 20: 30,000 iterations per chain; the package's
own example uses 10,000 + 100,000) and R-hat on every estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dalil.estimation import diagnostics
from dalil.estimation.histories import CaptureTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Keeps log(1 − V) finite when a stick break is drawn as exactly 1.0 in floating point.
_EPS = 1e-12


@dataclass(frozen=True)
class Settings:
    max_classes: int = 10
    alpha_shape: float = 0.25
    alpha_rate: float = 0.25
    burn_in: int = 10000
    samples: int = 1000
    thin: int = 20
    chains: int = 4
    seed: int = 20160101


@dataclass(frozen=True)
class Posterior:
    """Draws of the population size N, one row per chain, and their summary."""

    draws: IntArray
    observed: int
    settings: Settings

    @property
    def pooled(self) -> IntArray:
        return self.draws.reshape(-1)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        tail = (1.0 - level) / 2.0
        low, high = np.quantile(self.pooled, [tail, 1.0 - tail])
        return float(low), float(high)

    @property
    def mean(self) -> float:
        return float(self.pooled.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.pooled))

    @property
    def rhat(self) -> float:
        """Rank-normalised split R-hat of N (see ``diagnostics.rank_rhat``)."""
        return diagnostics.rank_rhat(self.draws.astype(np.float64))

    @property
    def rhat_raw(self) -> float:
        """Split R-hat of the raw draws of N, sensitive to their long right tail."""
        return diagnostics.split_rhat(self.draws.astype(np.float64))

    @property
    def ess(self) -> float:
        return diagnostics.effective_sample_size(self.draws.astype(np.float64))


class _Chains:
    """Several Gibbs chains advanced together: every array has the chain as first axis.

    Running chains side by side in one set of array operations costs about as much as
    running one, and several chains are what makes R-hat meaningful. The unobserved
    people are the last row of the pattern matrix (all zeros, count n0), so that one
    multinomial draw allocates observed and unobserved people to classes (step 1).
    Chains start dispersed: capture probabilities drawn from their prior, equal class
    weights and n0 = n, as the R package does apart from its single chain.
    """

    def __init__(self, x: IntArray, counts: IntArray, settings: Settings, rng: np.random.Generator):
        c, k = settings.chains, settings.max_classes
        self.x = np.vstack([x, np.zeros((1, x.shape[1]))]).astype(np.float64)
        self.counts = np.zeros((c, x.shape[0] + 1), dtype=np.int64)
        self.counts[:, :-1] = counts
        self.n = int(counts.sum())
        self.counts[:, -1] = self.n
        self.s = settings
        self.rng = rng
        self.lam = rng.beta(1.0, 1.0, size=(c, x.shape[1], k))
        self.alpha = np.ones(c)
        self.log_pi = np.log(np.full((c, k), 1.0 / k))

    def step(self) -> IntArray:
        rng, s = self.rng, self.s
        lam = np.clip(self.lam, _EPS, 1.0 - _EPS)
        log_miss = np.log1p(-lam)
        # C × (H+1) × K: log P(pattern h, class k); the last row is the unobserved pattern.
        logits = (
            self.x @ (np.log(lam) - log_miss) + (log_miss.sum(axis=1) + self.log_pi)[:, None, :]
        )
        allocated = rng.multinomial(self.counts, _softmax(logits))  # step 1
        in_class = allocated.sum(axis=1)
        captured = np.einsum("hj,chk->cjk", self.x, allocated)
        self.lam = rng.beta(1.0 + captured, 1.0 + in_class[:, None, :] - captured)  # step 2
        after = np.cumsum(in_class[:, ::-1], axis=1)[:, ::-1][:, 1:]
        v = rng.beta(1.0 + in_class[:, :-1], self.alpha[:, None] + after)  # step 3
        v = np.clip(v, _EPS, 1.0 - _EPS)
        log_rest = np.log1p(-v)
        self.log_pi = np.concatenate([np.log(v), np.zeros((v.shape[0], 1))], axis=1)
        self.log_pi[:, 1:] += np.cumsum(log_rest, axis=1)
        rate = s.alpha_rate - log_rest.sum(axis=1)
        self.alpha = rng.gamma(s.alpha_shape + s.max_classes - 1, 1.0 / rate)  # step 4
        miss = np.log1p(-np.clip(self.lam, _EPS, 1.0 - _EPS)).sum(axis=1) + self.log_pi
        pi0 = np.minimum(np.exp(miss).sum(axis=1), 1.0 - _EPS)
        n0 = rng.negative_binomial(self.n, 1.0 - pi0).astype(np.int64)  # step 5
        self.counts[:, -1] = n0
        return np.asarray(self.n + n0, dtype=np.int64)


def _softmax(logits: FloatArray) -> FloatArray:
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(p / p.sum(axis=-1, keepdims=True), dtype=np.float64)


def sample(table: CaptureTable, settings: Settings | None = None) -> Posterior:
    """Posterior draws of N for one capture-history table."""
    settings = settings or Settings()
    x, counts = table.matrix()
    if int(counts.sum()) == 0:
        raise ValueError("no one is documented in this table")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(settings.seed)))
    chains = _Chains(x, counts, settings, rng)
    for _ in range(settings.burn_in):
        chains.step()
    draws = np.empty((settings.chains, settings.samples), dtype=np.int64)
    for i in range(settings.samples):
        for _ in range(settings.thin - 1):
            chains.step()
        draws[:, i] = chains.step()
    return Posterior(draws, int(counts.sum()), settings)
