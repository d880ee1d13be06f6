"""Sensor fingerprints (PRNU) and the statistics that compare them with an image.

A sensor's pixels differ slightly in sensitivity; the photo-response non-uniformity K
multiplies the light, so an image carries I·K in its noise residual W. Averaged over
several images of one camera (Chen, Fridrich, Goljan, Lukáš 2008, maximum likelihood):

    K̂ = Σ Wᵢ·Iᵢ / Σ Iᵢ²

with rows and columns brought to zero mean, which removes patterns shared by every
camera of a model (JPEG blocking, colour interpolation). An image is tested against a
fingerprint by the peak-to-correlation energy of the cross-correlation of W with I·K̂:
the squared correlation at zero shift over the mean square correlation elsewhere. Under
"not this camera" PCE behaves like a χ² with one degree of freedom.

Everything here takes an array module ``xp`` (NumPy or CuPy), see ``backend``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from dalil.authenticity.wavelet import residual

PEAK_NEIGHBOURHOOD = 11  # square around the peak left out of the correlation energy


@dataclass
class Sums:
    """The running sums behind one fingerprint (numerator and denominator of K̂)."""

    weighted: Any  # Σ W·I
    energy: Any  # Σ I²
    count: int = 0


def centre_crop(shape: tuple[int, int], side: int, levels: int) -> tuple[slice, slice] | None:
    """The centred crop used for PRNU: at most side×side, sides a multiple of 2**levels."""
    unit = 2**levels
    height = min(shape[0], side) // unit * unit
    width = min(shape[1], side) // unit * unit
    if height < 8 * unit or width < 8 * unit:
        return None
    top, left = (shape[0] - height) // 2, (shape[1] - width) // 2
    return slice(top, top + height), slice(left, left + width)


def prepare(
    xp: ModuleType, luma: Any, wavelet: str, levels: int, sigma: float, saturation: int
) -> tuple[Any, Any]:
    """(W, I) for one cropped luminance array; saturated pixels get no weight in I."""
    intensity = xp.asarray(luma, dtype=xp.float32)
    noise = residual(xp, intensity, wavelet, levels, sigma)
    weight = xp.where(intensity >= saturation, xp.float32(0), intensity)
    return zero_mean(xp, noise), weight


def add(xp: ModuleType, sums: Sums | None, noise: Any, intensity: Any) -> Sums:
    if sums is None:
        return Sums(noise * intensity, intensity * intensity, 1)
    sums.weighted += noise * intensity
    sums.energy += intensity * intensity
    sums.count += 1
    return sums


def zero_mean(xp: ModuleType, x: Any) -> Any:
    x = x - x.mean(axis=1, keepdims=True)
    return x - x.mean(axis=0, keepdims=True)


def fingerprint(xp: ModuleType, sums: Sums, leave_out: tuple[Any, Any] | None = None) -> Any:
    """K̂ from the sums, optionally without one image's own contribution (so that an
    image is never tested against a fingerprint made partly from itself)."""
    weighted, energy = sums.weighted, sums.energy
    if leave_out is not None:
        noise, intensity = leave_out
        weighted = weighted - noise * intensity
        energy = energy - intensity * intensity
    return zero_mean(xp, weighted / (energy + 1.0))


def pce(xp: ModuleType, noise: Any, intensity: Any, estimate: Any) -> float:
    """Peak-to-correlation energy at zero shift, signed by the peak."""
    signal = intensity * estimate
    signal = signal - signal.mean()
    spectrum = xp.fft.rfft2(noise - noise.mean()) * xp.conj(xp.fft.rfft2(signal))
    correlation = xp.fft.irfft2(spectrum, s=noise.shape)
    peak = float(correlation[0, 0])
    half = PEAK_NEIGHBOURHOOD // 2
    rolled = xp.roll(correlation, (half, half), axis=(0, 1))
    total = float((correlation * correlation).sum())
    near = rolled[:PEAK_NEIGHBOURHOOD, :PEAK_NEIGHBOURHOOD]
    excluded = float((near * near).sum())
    count = correlation.size - PEAK_NEIGHBOURHOOD * PEAK_NEIGHBOURHOOD
    energy = (total - excluded) / count
    if energy <= 0:
        return 0.0
    return float((1.0 if peak >= 0 else -1.0) * peak * peak / energy)


def normalised(xp: ModuleType, x: Any) -> Any:
    """x with zero mean and unit norm, flattened (for correlation by dot product)."""
    flat = x.reshape(-1).astype(xp.float32)
    flat = flat - flat.mean()
    norm = float(xp.sqrt((flat * flat).sum()))
    return flat / norm if norm > 0 else flat
