"""The total over strata: what a report's headline number is.

Strata are estimated separately because capture differs between them; the number a
court or a family association quotes is their sum. For LCMCR, adding the strata's
draws one by one gives draws of the total, and its interval is read off them like any
other: strata estimated alone have independent posteriors, and strata sharing their
classes are one model whose draws of every stratum are taken together. The log-linear
methods give an estimate and an interval per stratum, not draws: the total is the sum
of estimates, and each side of its interval adds the strata's distances from estimate
to bound in quadrature, as independent errors add (approximate: the intervals are Wald
on the log scale, so not symmetric, and each side is treated as a standard deviation's
multiple on its own).

A stratum that a method could not estimate (one list only, say) is counted by its
documented people alone, and the total warns that it is low by that stratum's
undocumented: leaving the stratum out silently would present a part as the whole,
withholding the total would let six people of unknown sex hide the estimate of
thousands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from dalil.estimation import diagnostics, lcmcr
from dalil.estimation.histories import CaptureTable
from dalil.estimation.results import MethodEstimate, StratumResult, from_posterior

TOTAL = {"stratum": "total"}


def pooled_table(tables: Sequence[CaptureTable]) -> CaptureTable:
    """The capture histories of every stratum added up (strata share their lists)."""
    counts: dict[tuple[int, ...], int] = {}
    for table in tables:
        if table.lists != tables[0].lists:
            raise ValueError("strata to be added up must share their lists")
        for pattern, count in table.counts.items():
            counts[pattern] = counts.get(pattern, 0) + count
    return CaptureTable(tables[0].lists, counts)


def summed_draws(posteriors: Sequence[lcmcr.Posterior], seconds: float = 0.0) -> MethodEstimate:
    """LCMCR's total: the strata's posterior draws of N added draw by draw."""
    total = lcmcr.Posterior(
        np.sum([p.draws for p in posteriors], axis=0),
        sum(p.observed for p in posteriors),
        posteriors[0].settings,
    )
    detail = f"sum of {len(posteriors)} strata's posteriors, draw by draw"
    return from_posterior(total, seconds, detail)


def quadrature(method: str, estimates: Sequence[MethodEstimate]) -> MethodEstimate:
    """A frequentist method's total: estimates added, each side of the interval in quadrature."""
    total = sum(e.estimate for e in estimates)
    below = math.sqrt(sum((e.estimate - e.low) ** 2 for e in estimates))
    above = math.sqrt(sum((e.high - e.estimate) ** 2 for e in estimates))
    return MethodEstimate(
        method,
        total,
        total - below,
        total + above,
        sum(e.seconds for e in estimates),
        f"sum of {len(estimates)} strata; interval sides added in quadrature",
    )


def _shifted(estimate: MethodEstimate, documented: int, strata: int) -> MethodEstimate:
    return replace(
        estimate,
        estimate=estimate.estimate + documented,
        low=estimate.low + documented,
        high=estimate.high + documented,
        detail=f"{estimate.detail}; plus {documented:,} documented in {strata} "
        f"{'stratum' if strata == 1 else 'strata'} without an estimate",
    )


def over_strata(
    results: Sequence[StratumResult],
    posteriors: Mapping[int, lcmcr.Posterior],
    methods: Sequence[str],
) -> StratumResult:
    """The total of every method, on the pooled table.

    A stratum a method could not estimate adds its documented people and nothing for
    its undocumented ones, and the total says so in a warning: it is then a lower bound
    for that part of the population.
    """
    total = StratumResult(dict(TOTAL), pooled_table([r.table for r in results]))
    for method in methods:
        found = {i: e for i, r in enumerate(results) for e in r.estimates if e.method == method}
        if not found:
            total.warnings.append(f"{method}: no stratum could be estimated, so no total")
            continue
        missing = [r for i, r in enumerate(results) if i not in found]
        seconds = sum(e.seconds for e in found.values())
        if method == "lcmcr":
            combined = summed_draws([posteriors[i] for i in sorted(found)], seconds)
        else:
            combined = quadrature(method, [found[i] for i in sorted(found)])
        if missing:
            documented = sum(r.table.observed for r in missing)
            combined = _shifted(combined, documented, len(missing))
            names = "; ".join(
                ", ".join(f"{k}={v}" for k, v in r.stratum.items()) or "all" for r in missing
            )
            total.warnings.append(
                f"{method}: no estimate for {names}; the total counts the {documented:,} "
                "people documented there and none undocumented, so it is low by their number"
            )
        total.estimates.append(combined)
        rhat = combined.diagnostics.get("rhat", 1.0)
        if rhat > diagnostics.RHAT_LIMIT:
            total.warnings.append(
                f"{method}: the chains disagree on the total (R-hat {rhat:.3f} > "
                f"{diagnostics.RHAT_LIMIT}); run longer (--samples, --burn-in) before quoting it"
            )
    return total
