"""Log-linear capture–recapture models with model selection (Fienberg 1972).

The observed cells of the 2^K table are modelled as Poisson with
log μ = β0 + Σ_j β_j x_j + Σ_{(j,l) ∈ M} β_jl x_j x_l; the model is fitted to the
2^K − 1 observed cells and the unobserved cell (no list) is predicted as exp(β0).
Two-way interactions stand for dependence between pairs of lists (one list copying
another, or both reaching the same people); they cannot express heterogeneity that
acts on all lists at once, which is why LCMCR is reported beside them.

The interactions M are chosen by AIC (or BIC): every subset when K ≤ 4, forward and
backward steps otherwise. The interval is Wald on the log scale of the unobserved
count, given the selected model: it ignores the uncertainty of the choice of model
and is therefore too narrow when the models disagree; the report shows the runners-up.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm

from dalil.estimation.histories import CaptureTable

Pair = tuple[int, int]

# Exhaustive search up to K = 4 lists (64 models); beyond that stepwise search.
EXHAUSTIVE_MAX_PAIRS = 6
# A coefficient this large means a zero margin drove the fit to infinity: the model
# does not identify the unobserved cell, so it is skipped rather than reported.
MAX_ABS_COEFFICIENT = 15.0
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Fit:
    interactions: tuple[Pair, ...]
    unobserved: float
    log_se: float
    aic: float
    bic: float
    deviance: float
    observed: int

    @property
    def estimate(self) -> float:
        return self.observed + self.unobserved

    def interval(self, z: float = Z95) -> tuple[float, float]:
        log_m = math.log(max(self.unobserved, 1e-9))
        return (
            self.observed + math.exp(log_m - z * self.log_se),
            self.observed + math.exp(log_m + z * self.log_se),
        )

    def describe(self, lists: tuple[str, ...]) -> str:
        if not self.interactions:
            return "independence"
        return " + ".join(f"{lists[a]}×{lists[b]}" for a, b in self.interactions)


@dataclass(frozen=True)
class Selection:
    best: Fit
    candidates: tuple[Fit, ...]  # every model fitted, best first
    criterion: str


def _design(x: npt.NDArray[np.int64], interactions: tuple[Pair, ...]) -> npt.NDArray[np.float64]:
    columns = [np.ones(x.shape[0]), *x.T]
    columns += [x[:, a] * x[:, b] for a, b in interactions]
    return np.column_stack(columns).astype(np.float64)


def fit(table: CaptureTable, interactions: tuple[Pair, ...] = ()) -> Fit | None:
    """Fit one model; None when it does not identify the unobserved count."""
    x, n = table.matrix()
    design = _design(x, interactions)
    if design.shape[1] > design.shape[0]:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.GLM(n.astype(np.float64), design, family=sm.families.Poisson()).fit()
        except (ValueError, np.linalg.LinAlgError):
            return None
    params = np.asarray(result.params, dtype=np.float64)
    se = float(np.asarray(result.bse, dtype=np.float64)[0])
    if not np.all(np.isfinite(params)) or np.max(np.abs(params)) > MAX_ABS_COEFFICIENT:
        return None
    if not math.isfinite(se):
        return None
    k = design.shape[1]
    llf = float(result.llf)
    return Fit(
        interactions=interactions,
        unobserved=math.exp(params[0]),
        log_se=se,
        aic=-2.0 * llf + 2.0 * k,
        bic=-2.0 * llf + k * math.log(max(int(n.sum()), 2)),
        deviance=float(result.deviance),
        observed=int(n.sum()),
    )


def _score(f: Fit, criterion: str) -> float:
    return f.aic if criterion == "aic" else f.bic


def select(table: CaptureTable, criterion: str = "aic") -> Selection | None:
    """The best model by ``criterion`` ("aic" or "bic"); None when no model fits."""
    pairs = list(itertools.combinations(range(len(table.lists)), 2))
    fitted: dict[tuple[Pair, ...], Fit | None] = {}

    def get(m: tuple[Pair, ...]) -> Fit | None:
        key = tuple(sorted(m))
        if key not in fitted:
            fitted[key] = fit(table, key)
        return fitted[key]

    if len(pairs) <= EXHAUSTIVE_MAX_PAIRS:
        for r in range(len(pairs) + 1):
            for m in itertools.combinations(pairs, r):
                get(m)
    else:
        _stepwise(pairs, get, criterion)
    fits = sorted((f for f in fitted.values() if f is not None), key=lambda f: _score(f, criterion))
    if not fits:
        return None
    return Selection(fits[0], tuple(fits), criterion)


def _stepwise(pairs: list[Pair], get: object, criterion: str) -> None:
    assert callable(get)
    current: tuple[Pair, ...] = ()
    best = get(current)
    while True:
        moves = [(*current, p) for p in pairs if p not in current]
        moves += [tuple(q for q in current if q != p) for p in current]
        scored = [(f, m) for m in moves if (f := get(m)) is not None]
        if not scored:
            return
        f, m = min(scored, key=lambda fm: _score(fm[0], criterion))
        if best is not None and _score(f, criterion) >= _score(best, criterion):
            return
        best, current = f, tuple(sorted(m))
