"""Combining several faces of one person: the ~4 photos of a body, a family's portraits.

Two ways are offered and measured side by side in bench/identification.py. ``best
pair`` keeps the smallest distance between any portrait and any photo: one good photo
of the body is enough, and bad photos cannot hide it. ``template`` averages each side's
unit vectors weighted by face quality, then compares the two averages: steadier when
every photo is mediocre. ``best pair`` is the default; the bench shows why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


def pair_distances(first: Matrix, second: Matrix) -> Matrix:
    diff = np.asarray(first, np.float32)[:, None, :] - np.asarray(second, np.float32)[None, :, :]
    squared: Matrix = np.einsum("ijk,ijk->ij", diff, diff)
    return np.sqrt(squared).astype(np.float32)


def best_pair(first: Matrix, second: Matrix) -> float:
    return float(pair_distances(first, second).min())


def template(vectors: Matrix, qualities: Sequence[float]) -> Matrix:
    """Quality-weighted mean of the vectors, scaled back to their average length."""
    vectors = np.asarray(vectors, np.float32)
    weights = np.maximum(np.asarray(qualities, np.float32), 1e-3)
    mean = (vectors * weights[:, None]).sum(axis=0) / weights.sum()
    length = float(np.linalg.norm(vectors, axis=1).mean())
    scaled: Matrix = (mean / max(float(np.linalg.norm(mean)), 1e-9) * length).astype(np.float32)
    return scaled


def template_distance(
    first: Matrix, first_q: Sequence[float], second: Matrix, second_q: Sequence[float]
) -> float:
    return float(np.linalg.norm(template(first, first_q) - template(second, second_q)))
