"""Estimates per stratum by every method, with the warnings a statistician needs.

MSE is done by stratum (governorate × year, say) because capture probabilities differ
between strata and pooling heterogeneous strata biases the total. A stratum with few
people, or few people on more than one list, carries almost no information on the
unseen: it is estimated when possible and always flagged, never allowed to crash the
run or pass silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dalil.estimation import diagnostics, lcmcr, loglinear
from dalil.estimation.histories import MIN_LISTS, CaptureTable

# Below these, the overlap between lists is too thin for MSE to say much: published
# practice (HRDAG, Rcapture documentation) treats a few dozen records and a handful of
# overlaps as the floor for an interval that means anything.
MIN_OBSERVED = 50
MIN_OVERLAP = 10

# With three lists the table has 7 cells, and the smallest latent-class model with N
# unknown (two classes) has 8 parameters: N, a class share and 2 × 3 capture
# probabilities. Heterogeneity is then not identified from the table by any method, and
# LCMCR's interval is mostly its prior's (bench/estimation.py: 63% and 75% coverage of
# latent-class populations with three lists in two runs, 96% with four or five).
MIN_LISTS_FOR_CLASSES = 4

METHODS = ("lcmcr", "loglinear", "independence")
HISTOGRAM_BINS = 30


@dataclass(frozen=True)
class MethodEstimate:
    method: str
    estimate: float
    low: float
    high: float
    seconds: float
    detail: str = ""
    diagnostics: dict[str, float] = field(default_factory=dict)
    # Posterior histogram for Bayesian methods: (left edge of each bin, draws in it).
    histogram: tuple[tuple[float, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "estimate": round(self.estimate, 1),
            "interval_95": [round(self.low, 1), round(self.high, 1)],
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
            "diagnostics": {k: round(v, 4) for k, v in self.diagnostics.items()},
        }


@dataclass
class StratumResult:
    stratum: dict[str, str]
    table: CaptureTable
    estimates: list[MethodEstimate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        x, n = self.table.matrix()
        return {
            "stratum": self.stratum,
            "lists": list(self.table.lists),
            "observed": self.table.observed,
            "overlap": self.table.overlap(),
            "capture_histories": [
                {"pattern": "".join(map(str, row)), "count": int(c)}
                for row, c in zip(x, n, strict=True)
            ],
            "estimates": [e.to_json() for e in self.estimates],
            "warnings": self.warnings,
        }


def _drop_empty_lists(table: CaptureTable, warnings: list[str]) -> CaptureTable | None:
    totals = table.list_totals()
    keep = [j for j, name in enumerate(table.lists) if totals[name] > 0]
    empty = [name for name in table.lists if totals[name] == 0]
    if empty:
        warnings.append(f"no one in this stratum is on {', '.join(empty)}; estimated without")
    if len(keep) < MIN_LISTS:
        warnings.append("fewer than two lists document this stratum: no estimate is possible")
        return None
    counts: dict[tuple[int, ...], int] = {}
    for pattern, count in table.counts.items():
        reduced = tuple(pattern[j] for j in keep)
        if any(reduced):
            counts[reduced] = counts.get(reduced, 0) + count
    return CaptureTable(tuple(table.lists[j] for j in keep), counts)


def _lcmcr(table: CaptureTable, settings: lcmcr.Settings) -> MethodEstimate:
    start = time.perf_counter()
    posterior = lcmcr.sample(table, settings)
    low, high = posterior.interval()
    counts, edges = np.histogram(posterior.pooled, bins=HISTOGRAM_BINS)
    return MethodEstimate(
        "lcmcr",
        posterior.median,
        low,
        high,
        time.perf_counter() - start,
        f"posterior median; {settings.chains} chains × {settings.samples} draws",
        {"rhat": posterior.rhat, "rhat_raw": posterior.rhat_raw, "ess": posterior.ess},
        tuple((float(e), int(c)) for e, c in zip(edges[:-1], counts, strict=True)),
    )


def _loglinear(table: CaptureTable, criterion: str) -> MethodEstimate | None:
    start = time.perf_counter()
    selection = loglinear.select(table, criterion)
    if selection is None:
        return None
    best = selection.best
    low, high = best.interval()
    return MethodEstimate(
        "loglinear",
        best.estimate,
        low,
        high,
        time.perf_counter() - start,
        f"{criterion.upper()}-selected: {best.describe(table.lists)} "
        f"({len(selection.candidates)} models)",
    )


def _independence(table: CaptureTable) -> MethodEstimate | None:
    start = time.perf_counter()
    fit = loglinear.fit(table)
    if fit is None:
        return None
    low, high = fit.interval()
    return MethodEstimate(
        "independence", fit.estimate, low, high, time.perf_counter() - start, "no interactions"
    )


def estimate_stratum(
    stratum: dict[str, str],
    table: CaptureTable,
    methods: Sequence[str] = METHODS,
    settings: lcmcr.Settings | None = None,
    criterion: str = "aic",
) -> StratumResult:
    """Every requested method on one stratum; problems become warnings."""
    result = StratumResult(stratum, table)
    if table.observed < MIN_OBSERVED or table.overlap() < MIN_OVERLAP:
        result.warnings.append(
            f"sparse stratum: {table.observed} people, {table.overlap()} on more than one list "
            f"(below {MIN_OBSERVED} or {MIN_OVERLAP}); estimates here are unreliable"
        )
    usable = _drop_empty_lists(table, result.warnings)
    if usable is None:
        return result
    if "lcmcr" in methods and len(usable.lists) < MIN_LISTS_FOR_CLASSES:
        result.warnings.append(
            f"lcmcr: with {len(usable.lists)} lists the table cannot tell unequal chances of "
            f"being listed from a different total; the interval leans on the model's "
            f"assumptions (at least {MIN_LISTS_FOR_CLASSES} lists are needed to learn them)"
        )
    runners: dict[str, Callable[[], MethodEstimate | None]] = {
        "lcmcr": lambda: _lcmcr(usable, settings or lcmcr.Settings()),
        "loglinear": lambda: _loglinear(usable, criterion),
        "independence": lambda: _independence(usable),
    }
    for method in methods:
        try:
            estimate = runners[method]()
        except (ValueError, ArithmeticError) as exc:
            result.warnings.append(f"{method}: no estimate ({exc})")
            continue
        if estimate is None:
            result.warnings.append(f"{method}: no model identifies the unobserved count here")
            continue
        result.estimates.append(estimate)
        if estimate.diagnostics.get("rhat", 1.0) > diagnostics.RHAT_LIMIT:
            result.warnings.append(
                f"{method}: chains disagree (R-hat {estimate.diagnostics['rhat']:.3f} > "
                f"{diagnostics.RHAT_LIMIT}); run longer (--samples, --burn-in)"
            )
        if 0 < estimate.diagnostics.get("ess", diagnostics.MIN_ESS) < diagnostics.MIN_ESS:
            result.warnings.append(
                f"{method}: only {estimate.diagnostics['ess']:.0f} effective draws; run longer"
            )
    return result
