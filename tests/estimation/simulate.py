"""Simulated capture histories with known N, for the estimator tests."""

from __future__ import annotations

import numpy as np

from dalil.estimation.histories import CaptureTable, from_memberships


def heterogeneous(
    population: int, high: list[float], low: list[float], share_high: float, seed: int
) -> CaptureTable:
    """Two latent classes of people with different capture probabilities per list."""
    rng = np.random.default_rng(seed)
    in_high = rng.random(population) < share_high
    p = np.where(in_high[:, None], high, low)
    caught = rng.random((population, len(high))) < p
    names = [f"L{j + 1}" for j in range(len(high))]
    return from_memberships(names, ([names[j] for j in np.flatnonzero(row)] for row in caught))


def independent(population: int, p: list[float], seed: int) -> CaptureTable:
    return heterogeneous(population, p, p, 0.5, seed)
