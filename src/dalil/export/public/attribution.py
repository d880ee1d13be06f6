"""What is left of the camera's sensor noise in a released image, measured as dalil would.

A camera's fingerprint is built as ``authenticity`` builds it: from the archive's images
of that camera (EXIF make, model and serial) at the image's resolution, up to
``fingerprint_images`` of them, with the image's own contribution left out, so that an
image is never tested against a fingerprint made partly from itself. Images without a
camera in their EXIF are tested against every fingerprint of their resolution (their
metadata may have been stripped before receipt).

The released image is measured at its most exposed: mapped back onto the sensor's pixel
grid with the exact transform it was made with (which the public does not know), so
that its PCE is what an examiner who found the right scale, angle and crop would see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dalil.authenticity import measure, prnu
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import SensorParams
from dalil.export.public.geometry import Matrix
from dalil.vault.archive import Archive

Inputs = tuple[Any, Any]  # (noise residual W, intensity I) of the crop PRNU looks at
EDGE = 8  # pixels next to where the release has no pixels: its residual is an edge's


@dataclass
class Print:
    camera: str
    sums: prnu.Sums
    members: frozenset[str]


@dataclass(frozen=True)
class Score:
    pce: float | None  # the highest over the fingerprints tested; None: none to test
    note: str


@dataclass
class Fingerprints:
    """The archive's camera fingerprints, built on first use, one per camera and size."""

    archive: Archive
    records: list[ImageRecord]
    sensor: SensorParams = field(default_factory=SensorParams)
    _built: dict[tuple[int, int], list[Print]] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return self.sensor.pce_threshold

    def at(self, size: tuple[int, int]) -> list[Print]:
        if size not in self._built:
            self._built[size] = self._build(size)
        return self._built[size]

    def _build(self, size: tuple[int, int]) -> list[Print]:
        by_camera: dict[str, list[str]] = defaultdict(list)
        for record in self.records:
            if record.size == size and record.identity and record.pixels_readable:
                by_camera[record.identity].append(record.sha256)
        prints = []
        for camera, shas in sorted(by_camera.items()):
            chosen = sorted(shas)[: self.sensor.fingerprint_images]
            paths = [str(self.archive.store.path_for(sha)) for sha in chosen]
            weighted, energy, count = measure.fingerprint_sums(paths, self.sensor)
            if weighted is None or count < self.sensor.min_fingerprint_images:
                continue
            prints.append(Print(camera, prnu.Sums(weighted, energy, count), frozenset(chosen)))
        return prints

    def score(self, record: ImageRecord, own: Inputs | None, test: Inputs | None) -> Score:
        """The highest PCE of ``test`` against the fingerprints of the record's size,
        each without the record's own share (``own``, from the original)."""
        if record.size is None or test is None:
            return Score(None, "the image is too small for a sensor-noise test")
        prints = [p for p in self.at(record.size) if p.sums.weighted.shape == test[0].shape]
        usable = []
        for p in prints:
            inside = record.sha256 in p.members
            if inside and (own is None or p.sums.count - 1 < self.sensor.min_fingerprint_images):
                continue
            usable.append((p, own if inside else None))
        if not usable:
            return Score(
                None,
                "no camera fingerprint of its resolution: the archive holds "
                f"fewer than {self.sensor.min_fingerprint_images} other images "
                "of any camera at that size",
            )
        scores = [prnu.pce(np, *test, prnu.fingerprint(np, p.sums, out)) for p, out in usable]
        mine = [p for p, _ in usable if p.camera == record.identity]
        others = len(usable) - len(mine)
        if mine:
            count = mine[0].sums.count - (1 if record.sha256 in mine[0].members else 0)
            note = f"its own camera's fingerprint ({count} other images)"
            note += f" and {others} other camera(s) of its resolution" if others else ""
        else:
            note = f"{others} camera fingerprint(s) of its resolution (its camera has none)"
        return Score(max(scores), note)


def original_inputs(data: bytes, sensor: SensorParams) -> Inputs | None:
    """(W, I) of an original, exactly as the authenticity check computes them."""
    try:
        luma = measure.decode_luma(data)
    except measure.Unreadable:
        return None
    return measure.sensor_inputs(luma, sensor, np)


def aligned_inputs(
    rgb: npt.NDArray[np.uint8], matrix: Matrix, size: tuple[int, int], sensor: SensorParams
) -> Inputs | None:
    """(W, I) of a released image laid back onto the original's pixels by ``matrix`` (the
    map from the original to the release); where the release has no pixels, nothing."""
    width, height = size
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    back = cv2.warpAffine(
        rgb.astype(np.float32),
        matrix,
        (width, height),
        flags=flags,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    ones = np.ones(rgb.shape[:2], dtype=np.float32)
    seen = cv2.warpAffine(
        ones, matrix, (width, height), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    inside = cv2.erode((seen > 0.999).astype(np.uint8), np.ones((2 * EDGE + 1,) * 2, np.uint8))
    luma = back[..., 0] * 0.299 + back[..., 1] * 0.587 + back[..., 2] * 0.114
    crop = prnu.centre_crop(luma.shape, sensor.crop, sensor.levels)
    if crop is None:
        return None
    noise, intensity = prnu.prepare(
        np, luma[crop], sensor.wavelet, sensor.levels, sensor.sigma, sensor.saturation
    )
    keep = inside[crop].astype(np.float32)
    return prnu.zero_mean(np, noise * keep) * keep, intensity * keep
