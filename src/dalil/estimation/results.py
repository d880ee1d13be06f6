"""What estimation gives back: each method's estimate of a stratum, and the stratum's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dalil.estimation import lcmcr
from dalil.estimation.histories import CaptureTable

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


def histogram(draws: npt.NDArray[np.int64]) -> tuple[tuple[float, int], ...]:
    """Posterior draws binned for the report: (left edge of each bin, draws in it)."""
    counts, edges = np.histogram(draws, bins=HISTOGRAM_BINS)
    return tuple((float(e), int(c)) for e, c in zip(edges[:-1], counts, strict=True))


def from_posterior(posterior: lcmcr.Posterior, seconds: float, detail: str) -> MethodEstimate:
    """LCMCR's estimate: the posterior median, its 95% interval, diagnostics and histogram."""
    low, high = posterior.interval()
    return MethodEstimate(
        "lcmcr",
        posterior.median,
        low,
        high,
        seconds,
        detail,
        {"rhat": posterior.rhat, "rhat_raw": posterior.rhat_raw, "ess": posterior.ess},
        histogram(posterior.pooled),
    )
