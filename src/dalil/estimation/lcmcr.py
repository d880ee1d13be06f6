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
what it recovers; heterogeneity that follows what the lists record is recovered by strata
sharing their classes (below): 91% coverage where the pooled table gave 82%.

Defaults follow the LCMCR R package (K* = 10, a = b = 0.25). Chains share one generator
seeded by ``Settings.seed``: the same seed gives the same draws on every machine.

This Gibbs sampler, like the R package's, mixes slowly where N is weakly identified
(three lists, or a class rarely listed): N, the unobserved count of the rarely listed
classes and their capture probabilities move together along a ridge, a few hundred
to a few thousand iterations per independent draw. Hence the long default chain
(10,000 burn-in, 1,000 draws thinned by 20: 30,000 iterations per chain; the package's
own example uses 10,000 + 100,000), R-hat on every estimate, and the draws retaken with
twice the thinning while the chains still disagree (``Settings.extensions``).

Strata. `dalil estimate --by` runs every stratum's chains in one batch
(``sample_many``). By default the strata share their latent classes: one set of capture
probabilities λ_jk for the population, drawn from every stratum's people, while each
stratum has its own class weights π_s, concentration α_s and unobserved count n0_s:

    λ_jk ~ Beta(1, 1)    π_s ~ SB_K*(α_s)    z_i | s(i) ~ Categorical(π_s(i))

Step 2 then pools the strata and steps 1, 3, 4 and 5 run per stratum; each is still an
exact full conditional. What the lists record (governorate, urban or rural, age) then
explains part of the heterogeneity that a pooled table hides, and a small stratum
borrows the class profiles the whole population shows instead of guessing them from
forty people. Estimating each stratum alone (``shared=False``) is the other choice;
bench/estimation.py measures both.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dalil.estimation import diagnostics
from dalil.estimation.histories import CaptureTable
from dalil.progress import SILENT, Reporter

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
    # While the chains of a table disagree (rank R-hat above diagnostics.RHAT_LIMIT),
    # the draws are taken again with twice the thinning, the earlier ones counting as
    # burn-in: up to this many times (each costs twice the one before; two at most
    # keep a stratum under 30 s in bench/estimation.py).
    extensions: int = 2


@dataclass(frozen=True)
class Posterior:
    """Draws of the population size N, one row per chain, and their summary."""

    draws: IntArray
    observed: int
    settings: Settings
    # Times the draws were retaken because the chains disagreed, and the thinning used.
    extended: int = 0

    @property
    def thin(self) -> int:
        return int(self.settings.thin * 2**self.extended)

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
    """Gibbs chains of several tables advanced together, in one set of array operations.

    Every array has the row (table × chain) as first axis: running tables and chains
    side by side costs little more than running one, which is what makes estimating
    every stratum of a country affordable, and several chains per table are what make
    R-hat meaningful. The tables share their number of lists, so one pattern matrix
    serves all; the unobserved people are its last row (all zeros, count n0 per row),
    so that one multinomial draw allocates observed and unobserved people to classes
    (step 1). Chains start dispersed: capture probabilities drawn from their prior,
    equal class weights and n0 = n, as the R package does apart from its single chain.

    With ``shared``, the tables are strata of one population and their classes are the
    same classes: one set of capture probabilities per chain, drawn from the people of
    every stratum (step 2 pools them), while each stratum keeps its own class weights,
    concentration and unobserved count. A stratum of forty documented people then
    borrows what the whole population says about how each kind of person is listed,
    and strata differ by how many of each kind they hold.
    """

    def __init__(
        self,
        x: IntArray,
        counts: IntArray,
        settings: Settings,
        rng: np.random.Generator,
        shared: bool = False,
    ):
        c, k = settings.chains, settings.max_classes
        rows = np.repeat(counts, c, axis=0)  # table-major: the chains of table 0 first
        self.x = np.vstack([x, np.zeros((1, x.shape[1]))]).astype(np.float64)
        self.counts = np.concatenate([rows, rows.sum(axis=1, keepdims=True)], axis=1)
        self.n = rows.sum(axis=1)
        self.s = settings
        self.rng = rng
        r = rows.shape[0]
        self.tables = counts.shape[0]
        self.shared = shared
        if shared:
            self.lam = np.tile(rng.beta(1.0, 1.0, size=(c, x.shape[1], k)), (self.tables, 1, 1))
        else:
            self.lam = rng.beta(1.0, 1.0, size=(r, x.shape[1], k))
        self.alpha = np.ones(r)
        self.log_pi = np.log(np.full((r, k), 1.0 / k))

    def select(self, tables: IntArray) -> _Chains:
        """The chains of these tables only (by position), continuing where they are."""
        rows = (tables[:, None] * self.s.chains + np.arange(self.s.chains)).reshape(-1)
        chosen = copy.copy(self)
        chosen.counts = self.counts[rows]
        chosen.n = self.n[rows]
        chosen.lam = self.lam[rows]
        chosen.alpha = self.alpha[rows]
        chosen.log_pi = self.log_pi[rows]
        chosen.tables = len(tables)
        return chosen

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
        if self.shared:
            # rows are table-major: summing over the leading axis pools a chain's strata
            captured = captured.reshape(self.tables, s.chains, *captured.shape[1:]).sum(axis=0)
            people = in_class.reshape(self.tables, s.chains, -1).sum(axis=0)
            lam = rng.beta(1.0 + captured, 1.0 + people[:, None, :] - captured)  # step 2
            self.lam = np.tile(lam, (self.tables, 1, 1))
        else:
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
    return sample_many([table], settings)[0]


def sample_many(
    tables: Sequence[CaptureTable],
    settings: Settings | None = None,
    reporter: Reporter = SILENT,
    shared: bool = False,
) -> list[Posterior]:
    """Posterior draws of N for each table (strata of one population, say), in order.

    Tables with the same number of lists run as one batch of chains. Every posterior
    has the same shape (chains × samples), so draws of different tables can be added
    draw by draw. One generator seeded by ``settings.seed`` serves every batch, in
    order of the number of lists: the same tables and seed give the same draws. With
    ``shared`` the tables are strata of one population sharing their latent classes
    (see ``_Chains``), which needs the same lists in every table; their draws are then
    joint draws, and added draw by draw they give the posterior of the total.
    """
    settings = settings or Settings()
    matrices = [t.matrix() for t in tables]
    for table, (_, counts) in zip(tables, matrices, strict=True):
        if int(counts.sum()) == 0:
            raise ValueError(f"no one is documented in the table of {', '.join(table.lists)}")
    if shared and len({t.lists for t in tables}) > 1:
        raise ValueError("strata sharing their classes must be documented by the same lists")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(settings.seed)))
    posteriors: dict[int, Posterior] = {}
    for k in sorted({len(t.lists) for t in tables}):
        members = [i for i, t in enumerate(tables) if len(t.lists) == k]
        x = matrices[members[0]][0]
        counts = np.stack([matrices[i][1] for i in members])
        chains = _Chains(x, counts, settings, rng, shared)
        label = f"LCMCR, {len(members)} {'table' if len(members) == 1 else 'tables'} of {k} lists"
        draws, extended = _run(chains, len(members), settings, reporter, label)
        for row, i in enumerate(members):
            observed = int(counts[row].sum())
            posteriors[i] = Posterior(draws[row], observed, settings, int(extended[row]))
    reporter.finish()
    return [posteriors[i] for i in range(len(tables))]


_REPORT_EVERY = 500


def _run(
    chains: _Chains, tables: int, s: Settings, reporter: Reporter, label: str
) -> tuple[IntArray, IntArray]:
    """Burn in and draw; retake more thinly the draws of tables whose chains disagree.

    Separate tables are retaken alone (the others' chains stop there); strata sharing
    their classes are one model, retaken together while their total's chains disagree
    (a stratum's own R-hat is reported with its estimate). Returns the draws, tables ×
    chains × samples, and how many times each table's were retaken.
    """
    reporter.start(label, s.burn_in + s.samples * s.thin, unit="iterations")
    for i in range(1, s.burn_in + 1):
        chains.step()
        if i % _REPORT_EVERY == 0:
            reporter.advance(_REPORT_EVERY)
    reporter.advance(s.burn_in % _REPORT_EVERY)
    draws = _draw(chains, s, s.thin, reporter)
    extended = np.zeros(tables, dtype=np.int64)
    active = np.arange(tables)  # the tables the chains still run, in their order
    for times in range(1, s.extensions + 1):
        if chains.shared:
            # one model: judged by the total, the number reported over all strata
            total = draws.sum(axis=0).astype(np.float64)
            if diagnostics.rank_rhat(total) <= diagnostics.RHAT_LIMIT:
                break
        else:
            rhat = [diagnostics.rank_rhat(d.astype(np.float64)) for d in draws[active]]
            disagree = np.array(rhat) > diagnostics.RHAT_LIMIT
            if not disagree.any():
                break
            chains = chains.select(np.flatnonzero(disagree))
            active = active[disagree]
        thin = s.thin * 2**times
        reporter.start(
            f"{label}: chains disagree on {len(active)}, drawing again thinned by {thin}",
            s.samples * thin,
            unit="iterations",
        )
        draws[active] = _draw(chains, s, thin, reporter)
        extended[active] = times
    return draws, extended


def _draw(chains: _Chains, s: Settings, thin: int, reporter: Reporter) -> IntArray:
    """``samples`` draws of N per chain, every ``thin`` iterations: tables × chains × samples."""
    draws = np.empty((chains.tables * s.chains, s.samples), dtype=np.int64)
    for i in range(s.samples):
        for _ in range(thin - 1):
            chains.step()
        draws[:, i] = chains.step()
        reporter.advance(thin)
    return draws.reshape(chains.tables, s.chains, s.samples)
