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


def latent_classes(
    population: int, lists: int, seed: int, max_classes: int = 10, alpha: float = 1.0
) -> CaptureTable:
    """Capture histories drawn from LCMCR's own model with its priors.

    Class weights by truncated stick breaking with concentration ``alpha``, capture
    probabilities per class and list from Beta(1, 1), each person's lists independent
    given the class. Coverage of the posterior interval is nominal only if the sampler
    is right: the check that the implementation matches the model.
    """
    rng = np.random.default_rng(seed)
    breaks = rng.beta(1.0, alpha, size=max_classes)
    breaks[-1] = 1.0
    weights = breaks * np.concatenate([[1.0], np.cumprod(1.0 - breaks[:-1])])
    probabilities = rng.beta(1.0, 1.0, size=(max_classes, lists))
    classes = rng.choice(max_classes, size=population, p=weights)
    caught = rng.random((population, lists)) < probabilities[classes]
    names = [f"L{j + 1}" for j in range(lists)]
    return from_memberships(names, ([names[j] for j in np.flatnonzero(row)] for row in caught))
