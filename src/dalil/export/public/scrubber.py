"""Scrubbing the camera's sensor noise out of an image, so that PRNU cannot name it.

A sensor's fixed pattern (PRNU) survives re-encoding and metadata stripping: it is in
the pixels, and dalil's own sensor check (``authenticity.prnu``) attributes an image to
its camera by it with a PCE in the thousands. Measured by ``bench/public_release.py``
(12 synthetic 1-1.5 MP images, each laid back exactly onto the sensor, the strongest
test; dalil attributes at PCE 60):

    transformation                                 PCE median      max
    none (the original)                               102,193  121,084
    re-encoded only (metadata stripped)                92,893  108,023
    non-integer resample + rotation + crop             34,391   44,971
    dalil's own wavelet denoiser + resample            14,428   36,452
    this module: resample, non-local means (h 8),
      fresh noise sigma 2, JPEG quality 88                2.8     17.0

So a release image is: mapped by a random small rotation, non-integer scale and crop
(``geometry``; it breaks the pixel grid a fingerprint is laid on, and a blind search must
then find scale and angle), denoised by non-local means (it removes the pattern where a
wavelet denoiser leaves much of it), given fresh Gaussian noise from a new seed (what
is left of the noise is no longer the camera's), and encoded again. Each image's PCE is
measured (``attribution``); above the threshold it is scrubbed again at ``STRONG``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from dalil.export.public.geometry import Placement, affine

RGB = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Strength:
    name: str
    denoise: float  # non-local means filter strength h (luminance and colour)
    scale: tuple[float, float]  # range the scale factor is drawn from
    noise: float  # σ of the fresh noise, grey levels
    quality: int  # JPEG quality of the release


STANDARD = Strength("standard", 8.0, (0.85, 0.9), 2.0, 88)
STRONG = Strength("strong", 12.0, (0.72, 0.78), 3.0, 85)
STRENGTHS = {s.name: s for s in (STANDARD, STRONG)}
ANGLE = (0.4, 1.0)  # degrees, either way: within it the crop below hides the corners
CROP = (0.015, 0.035)  # share of each side cut off


@dataclass(frozen=True)
class Transform:
    """Everything the scrubbing of one image used: with the original, it gives the
    released pixels again exactly."""

    strength: str
    placement: Placement
    seed: int  # of the fresh noise

    def as_json(self) -> dict[str, object]:
        p = self.placement
        return {
            "strength": self.strength,
            "angle": repr(p.angle),
            "scale": repr(p.scale),
            "crop": [repr(c) for c in p.crop],
            "orientation": p.orientation,
            "seed": str(self.seed),
        }

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Transform:
        crop = tuple(float(str(c)) for c in value["crop"])  # type: ignore[attr-defined]
        placement = Placement(
            float(str(value["angle"])),
            float(str(value["scale"])),
            (crop[0], crop[1], crop[2], crop[3]),
            int(str(value["orientation"])),
        )
        return cls(str(value["strength"]), placement, int(str(value["seed"])))

    @property
    def settings(self) -> Strength:
        return STRENGTHS[self.strength]


def draw(strength: Strength, orientation: int = 1) -> Transform:
    """A new random transform (from the operating system's randomness: nobody can
    reproduce it from the image)."""
    rng = np.random.default_rng(secrets.randbits(128))
    angle = float(rng.uniform(*ANGLE)) * (1 if rng.integers(2) else -1)
    crop = tuple(round(float(rng.uniform(*CROP)), 4) for _ in range(4))
    placement = Placement(
        round(angle, 4),
        round(float(rng.uniform(*strength.scale)), 4),
        (crop[0], crop[1], crop[2], crop[3]),
        orientation,
    )
    return Transform(strength.name, placement, secrets.randbits(63))


def resampled(rgb: RGB, transform: Transform) -> RGB:
    """The original mapped onto the release's pixel grid, then denoised."""
    height, width = rgb.shape[:2]
    matrix, out_w, out_h = affine(width, height, transform.placement)
    moved = cv2.warpAffine(
        rgb, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    h = transform.settings.denoise
    return np.asarray(cv2.fastNlMeansDenoisingColored(moved, None, h, h, 7, 21), dtype=np.uint8)


def with_fresh_noise(rgb: RGB, transform: Transform) -> RGB:
    rng = np.random.default_rng(transform.seed)
    noisy = rgb.astype(np.float32) + rng.normal(0.0, transform.settings.noise, rgb.shape).astype(
        np.float32
    )
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
