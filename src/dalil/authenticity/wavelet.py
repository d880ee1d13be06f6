"""A periodised orthogonal wavelet transform and the Lukáš–Fridrich–Goljan noise residual.

The transform is written with array operations only (shifts, strided slices, sums), so
it runs unchanged on NumPy or CuPy; with periodisation it matches PyWavelets'
``mode="periodization"`` exactly (a test holds it to that).

The residual W = I − F(I) keeps what a denoiser F removes: the sensor's fixed pattern
(PRNU) and random noise, minus most of the scene. F is the wavelet-domain local Wiener
filter of Mihçak et al. as used by Lukáš, Fridrich and Goljan (2006): for each detail
coefficient, the local signal variance is the smallest over windows of 3, 5, 7 and 9
of (mean square − σ0²), floored at zero, and the noise part kept is c·σ0²/(v + σ0²).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

import pywt

WINDOWS = (3, 5, 7, 9)


@cache
def filters(name: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Decomposition low- and high-pass filters of a wavelet, as plain floats."""
    wavelet = pywt.Wavelet(name)
    return tuple(wavelet.dec_lo), tuple(wavelet.dec_hi)


def _phase(centre: int, k: int) -> tuple[int, int]:
    """Where tap k of a filter centred at ``centre`` reads: (parity, whole-step shift)."""
    parity = (centre - k) % 2
    return parity, (centre - k - parity) // 2


def _take(x: Any, axis: int, start: int) -> Any:
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, None, 2)
    return x[tuple(index)]


def _analyse(
    xp: ModuleType, x: Any, lo: tuple[float, ...], hi: tuple[float, ...], axis: int
) -> tuple[Any, Any]:
    """Low- and high-pass filter, keeping every other sample, periodically along
    ``axis``: out[n] = sum_k f[k]·x[2n + L/2 − k]. Works on the even and odd samples
    separately (polyphase), so no output that is thrown away is ever computed."""
    phases = (_take(x, axis, 0), _take(x, axis, 1))
    centre = len(lo) // 2
    low = high = None
    for k in range(len(lo)):
        parity, step = _phase(centre, k)
        shifted = xp.roll(phases[parity], -step, axis=axis)
        low = shifted * lo[k] if low is None else low + shifted * lo[k]
        high = shifted * hi[k] if high is None else high + shifted * hi[k]
    return low, high


def _synthesise(
    xp: ModuleType,
    low: Any,
    high: Any,
    lo: tuple[float, ...],
    hi: tuple[float, ...],
    axis: int,
) -> Any:
    """The transpose of ``_analyse`` (its inverse, the filters being orthogonal)."""
    centre = len(lo) // 2
    phases: list[Any] = [None, None]
    for k in range(len(lo)):
        parity, step = _phase(centre, k)
        term = xp.roll(low, step, axis=axis) * lo[k] + xp.roll(high, step, axis=axis) * hi[k]
        phases[parity] = term if phases[parity] is None else phases[parity] + term
    shape = list(low.shape)
    shape[axis] *= 2
    out = xp.empty(shape, dtype=low.dtype)
    for parity in (0, 1):
        index = [slice(None)] * low.ndim
        index[axis] = slice(parity, None, 2)
        out[tuple(index)] = phases[parity]
    return out


def dwt2(xp: ModuleType, x: Any, name: str) -> tuple[Any, tuple[Any, Any, Any]]:
    """One level: approximation and (horizontal, vertical, diagonal) details."""
    lo, hi = filters(name)
    low, high = _analyse(xp, x, lo, hi, 1)
    approx, horizontal = _analyse(xp, low, lo, hi, 0)
    vertical, diagonal = _analyse(xp, high, lo, hi, 0)
    return approx, (horizontal, vertical, diagonal)


def idwt2(xp: ModuleType, approx: Any, details: tuple[Any, Any, Any], name: str) -> Any:
    lo, hi = filters(name)
    horizontal, vertical, diagonal = details
    low = _synthesise(xp, approx, horizontal, lo, hi, 0)
    high = _synthesise(xp, vertical, diagonal, lo, hi, 0)
    return _synthesise(xp, low, high, lo, hi, 1)


def _ndimage(xp: ModuleType) -> ModuleType:
    if xp.__name__ == "cupy":
        import cupyx.scipy.ndimage as ndimage  # type: ignore[import-not-found, unused-ignore]
    else:
        import scipy.ndimage as ndimage
    module: ModuleType = ndimage
    return module


def box_mean(xp: ModuleType, x: Any, width: int) -> Any:
    """Mean over a width×width window, wrapping at the edges (as the transform does)."""
    return _ndimage(xp).uniform_filter(x, size=width, mode="wrap")


def _noise_part(xp: ModuleType, c: Any, variance0: float) -> Any:
    square = c * c
    local = xp.maximum(box_mean(xp, square, WINDOWS[0]) - variance0, 0)
    for width in WINDOWS[1:]:
        local = xp.minimum(local, xp.maximum(box_mean(xp, square, width) - variance0, 0))
    return c * (variance0 / (local + variance0))


def residual(xp: ModuleType, image: Any, name: str, levels: int, sigma: float) -> Any:
    """The noise residual of a 2-D float image whose sides are multiples of 2**levels."""
    variance0 = sigma * sigma
    approx = image
    kept: list[tuple[Any, Any, Any]] = []
    for _ in range(levels):
        approx, details = dwt2(xp, approx, name)
        horizontal, vertical, diagonal = (_noise_part(xp, d, variance0) for d in details)
        kept.append((horizontal, vertical, diagonal))
    approx = xp.zeros_like(approx)
    for details in reversed(kept):
        approx = idwt2(xp, approx, details, name)
    return approx
