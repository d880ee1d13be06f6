"""Double JPEG compression: do the DCT statistics show an earlier compression?

A JPEG decoded and saved again keeps, in its DCT coefficients, the trace of the first
quantization: values that were multiples of the first step q1 are re-quantized with the
second step q2, so some multiples of q2 become impossible or twice as likely (Lukáš and
Fridrich 2003; Popescu and Farid 2004). Given a candidate first table (the camera the
EXIF claims), this module compares two models of the luminance coefficients at the
low-frequency positions: single compression (a Laplacian quantized with q2) and double
compression (a Laplacian quantized with q1, then with q2). The statistic is the mean
log-likelihood ratio per coefficient; positive favours double compression.

The coefficients are recomputed from the decoded luminance on the JPEG's own 8×8 grid:
rounding in the decoder adds a small error, which the double model absorbs by mixing in
a little of the single one. Same-table re-compression leaves no such trace and is not
tested here (q1 = q2 says nothing). Pure NumPy.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from dalil.vault.jpeg import ZIGZAG

# Standard deviation of the error a coefficient picks up between the two compressions
# (rounding the decoded pixels to whole grey levels, colour conversion, clipping).
NOISE = 0.5  # a position whose coefficients are almost all zero says nothing


def _dct_matrix() -> np.ndarray:
    n = np.arange(8)
    matrix = np.sqrt(2 / 8) * np.cos((2 * n[None, :] + 1) * n[:, None] * np.pi / 16)
    matrix[0] /= np.sqrt(2)
    result: np.ndarray = matrix
    return result


DCT = _dct_matrix()


def block_dct(luma: np.ndarray) -> np.ndarray:
    """DCT coefficients of every whole 8×8 block, shape (blocks, 64), natural order."""
    height, width = (luma.shape[0] // 8) * 8, (luma.shape[1] // 8) * 8
    pixels = luma[:height, :width].astype(np.float64) - 128.0
    blocks = pixels.reshape(height // 8, 8, width // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
    coefficients: np.ndarray = DCT @ blocks @ DCT.T  # batched matrix products: fast
    return coefficients.reshape(-1, 64)


def _histogram(values: np.ndarray, top: int) -> np.ndarray:
    clipped = np.clip(values, -top, top) + top
    return np.bincount(clipped, minlength=2 * top + 1).astype(np.float64)


def _requantized(first: np.ndarray, q1: int, q2: int, top: int) -> np.ndarray:
    """Histogram over second-compression bins of values first quantized with q1: each
    m·q1 comes back from the pixels with a small error, and lands in bin k with the
    probability that m·q1 + error rounds to k·q2."""
    reach = int(np.max(np.abs(first))) + 1 if first.size else 1
    m = np.arange(-reach, reach + 1)
    counts = np.bincount(first + reach, minlength=m.size).astype(np.float64)
    k = np.arange(-top, top + 1)
    upper = ndtr(((k[None, :] + 0.5) * q2 - m[:, None] * q1) / NOISE)
    lower = ndtr(((k[None, :] - 0.5) * q2 - m[:, None] * q1) / NOISE)
    result: np.ndarray = counts @ (upper - lower)
    return result


def _log_likelihood(observed: np.ndarray, model: np.ndarray) -> float:
    probability = (model + 0.5) / (model.sum() + 0.5 * model.size)
    return float(np.dot(observed, np.log(probability)))


def position_llr(
    observed: np.ndarray, calibrated: np.ndarray, q1: int, q2: int
) -> tuple[float, int]:
    """Summed log-likelihood ratio (double vs single) of one position's quantized values,
    against models built from the calibrated (unquantized) coefficients; and how many
    values it covers (0 when the position says nothing)."""
    if q2 % q1 == 0 or observed.size == 0:  # every second bin is reached alike: no trace
        return 0.0, 0
    top = int(np.max(np.abs(observed))) + 2
    seen = _histogram(observed, top)
    single = _histogram(np.rint(calibrated / q2).astype(np.int64), top)
    double = _requantized(np.rint(calibrated / q1).astype(np.int64), q1, q2, top)
    ratio = _log_likelihood(seen, double) - _log_likelihood(seen, single)
    return ratio, int(observed.size)


def llr(
    coefficients: np.ndarray,
    calibrated: np.ndarray,
    current: tuple[int, ...],
    first: tuple[int, ...],
    positions: int,
) -> float | None:
    """Mean log-likelihood ratio per coefficient that the image was compressed with
    ``first`` before ``current`` (luminance tables, natural order); None if the tables
    give the test nothing to work with."""
    total, count = 0.0, 0
    for index in ZIGZAG[1 : positions + 1]:
        q1, q2 = int(first[index]), int(current[index])
        observed = np.rint(coefficients[:, index] / q2).astype(np.int64)
        part, n = position_llr(observed, calibrated[:, index], q1, q2)
        total, count = total + part, count + n
    return total / count if count else None


def calibrated_dct(luma: np.ndarray) -> np.ndarray:
    """DCT on a grid shifted by 4 pixels: blind to the last compression's quantization,
    it estimates what the coefficients looked like before it (Fridrich's calibration)."""
    return block_dct(luma[4:, 4:])


def best_first_compression(
    luma: np.ndarray,
    current: tuple[int, ...],
    candidates: dict[str, tuple[int, ...]],
    positions: int,
) -> tuple[str, float] | None:
    """The candidate first table most likely to precede ``current``, with its statistic."""
    coefficients, calibrated = block_dct(luma), calibrated_dct(luma)
    best: tuple[str, float] | None = None
    for name in sorted(candidates):
        value = llr(coefficients, calibrated, current, candidates[name], positions)
        if value is not None and (best is None or value > best[1]):
            best = (name, value)
    return best
