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
from dataclasses import dataclass
from typing import Any

from dalil.estimation import diagnostics, lcmcr, loglinear, totals
from dalil.estimation.histories import MIN_LISTS, CaptureTable
from dalil.estimation.methods import Method
from dalil.estimation.results import MethodEstimate, StratumResult, from_posterior
from dalil.progress import SILENT, Reporter

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

METHODS = tuple(m.value for m in Method)


def _drop_empty_lists(
    table: CaptureTable, warnings: list[str], shared: bool
) -> CaptureTable | None:
    totals = table.list_totals()
    keep = [j for j, name in enumerate(table.lists) if totals[name] > 0]
    empty = [name for name in table.lists if totals[name] == 0]
    if empty:
        it = "it" if len(empty) == 1 else "them"
        kept = f"; LCMCR keeps {it}, its classes being the population's" if shared else ""
        warnings.append(
            f"no one in this stratum is on {', '.join(empty)}; estimated without {it}{kept}"
        )
    if len(keep) < MIN_LISTS:
        warnings.append("fewer than two lists document this stratum: no estimate is possible")
        return None
    counts: dict[tuple[int, ...], int] = {}
    for pattern, count in table.counts.items():
        reduced = tuple(pattern[j] for j in keep)
        if any(reduced):
            counts[reduced] = counts.get(reduced, 0) + count
    return CaptureTable(tuple(table.lists[j] for j in keep), counts)


def _lcmcr(posterior: lcmcr.Posterior, seconds: float, shared: bool) -> MethodEstimate:
    s = posterior.settings
    detail = f"posterior median; {s.chains} chains × {s.samples} draws thinned by {posterior.thin}"
    if posterior.extended:
        detail += f" (drawn {posterior.extended + 1} times: the chains disagreed)"
    if shared:
        detail += "; latent classes shared by every stratum"
    return from_posterior(posterior, seconds, detail)


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


def _usable(result: StratumResult, methods: Sequence[str], shared: bool) -> CaptureTable | None:
    """The stratum's table without its empty lists, after warning of what weakens it."""
    table = result.table
    if table.observed < MIN_OBSERVED or table.overlap() < MIN_OVERLAP:
        result.warnings.append(
            f"sparse stratum: {table.observed} people, {table.overlap()} on more than one list "
            f"(below {MIN_OBSERVED} or {MIN_OVERLAP}); estimates here are unreliable"
        )
    usable = _drop_empty_lists(table, result.warnings, shared and "lcmcr" in methods)
    if usable is not None and "lcmcr" in methods and len(usable.lists) < MIN_LISTS_FOR_CLASSES:
        result.warnings.append(
            f"lcmcr: with {len(usable.lists)} lists the table cannot tell unequal chances of "
            f"being listed from a different total; the interval leans on the model's "
            f"assumptions (at least {MIN_LISTS_FOR_CLASSES} lists are needed to learn them)"
        )
    return usable


def _posteriors(
    results: Sequence[StratumResult],
    usable: Sequence[CaptureTable | None],
    settings: lcmcr.Settings,
    reporter: Reporter,
    shared: bool,
) -> tuple[dict[int, lcmcr.Posterior], float]:
    """LCMCR for every usable table in one batch, and the seconds each stratum took.

    Strata sharing their classes keep every list, even one that documents no one there:
    the classes are the population's, and a list's chance of reaching a kind of person
    is the same in every stratum under that model.
    """
    index = [i for i, t in enumerate(usable) if t is not None]
    if not index:
        return {}, 0.0
    tables = [results[i].table if shared else usable[i] for i in index]
    start = time.perf_counter()
    drawn = lcmcr.sample_many([t for t in tables if t is not None], settings, reporter, shared)
    return dict(zip(index, drawn, strict=True)), (time.perf_counter() - start) / len(index)


def _check(result: StratumResult, estimate: MethodEstimate) -> None:
    rhat = estimate.diagnostics.get("rhat", 1.0)
    if rhat > diagnostics.RHAT_LIMIT:
        result.warnings.append(
            f"{estimate.method}: chains disagree (R-hat {rhat:.3f} > {diagnostics.RHAT_LIMIT}) "
            "even after retaking the draws more thinly; run longer (--samples, --burn-in)"
        )
    ess = estimate.diagnostics.get("ess", diagnostics.MIN_ESS)
    if 0 < ess < diagnostics.MIN_ESS:
        result.warnings.append(f"{estimate.method}: only {ess:.0f} effective draws; run longer")


@dataclass
class Estimation:
    """Every stratum's estimates and, with more than one stratum, their sum."""

    strata: list[StratumResult]
    total: StratumResult | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "strata": [r.to_json() for r in self.strata],
            "total": self.total.to_json() if self.total else None,
        }


def estimate(
    strata: Sequence[tuple[dict[str, str], CaptureTable]],
    methods: Sequence[str] = METHODS,
    settings: lcmcr.Settings | None = None,
    criterion: str = "aic",
    reporter: Reporter = SILENT,
    shared: bool = False,
) -> Estimation:
    """Every requested method on every stratum, and the total over the strata.

    LCMCR runs every stratum in one batch of chains (lcmcr.sample_many); the seconds it
    reports per stratum are that batch's time divided among them. With ``shared`` the
    strata share LCMCR's latent classes and differ in how many people of each class
    they hold (lcmcr._Chains). Problems become warnings of the stratum they concern.
    """
    results = [StratumResult(stratum, table) for stratum, table in strata]
    usable = [_usable(r, methods, shared) for r in results]
    posteriors: dict[int, lcmcr.Posterior] = {}
    seconds = 0.0
    if "lcmcr" in methods:
        chosen = settings or lcmcr.Settings()
        posteriors, seconds = _posteriors(results, usable, chosen, reporter, shared)
    runners: dict[str, Callable[[CaptureTable, int], MethodEstimate | None]] = {
        "lcmcr": lambda _, i: _lcmcr(posteriors[i], seconds, shared),
        "loglinear": lambda t, _: _loglinear(t, criterion),
        "independence": lambda t, _: _independence(t),
    }
    for i, (result, table) in enumerate(zip(results, usable, strict=True)):
        if table is None:
            continue
        for method in methods:
            try:
                found = runners[method](table, i)
            except (ValueError, ArithmeticError) as exc:
                result.warnings.append(f"{method}: no estimate ({exc})")
                continue
            if found is None:
                result.warnings.append(f"{method}: no model identifies the unobserved count here")
                continue
            result.estimates.append(found)
            _check(result, found)
    estimation = Estimation(results)
    if len(results) > 1 and len({r.table.lists for r in results}) == 1:
        estimation.total = totals.over_strata(results, posteriors, methods)
    return estimation


def estimate_stratum(
    stratum: dict[str, str],
    table: CaptureTable,
    methods: Sequence[str] = METHODS,
    settings: lcmcr.Settings | None = None,
    criterion: str = "aic",
) -> StratumResult:
    """Every requested method on one stratum; problems become warnings."""
    return estimate([(stratum, table)], methods, settings, criterion).strata[0]
