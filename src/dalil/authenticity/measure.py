"""The pixel work, done once per image in a worker process: decode, then measure.

Each function here runs in a pool worker and returns plain values (numbers as text, so
they can go to canonical JSON unchanged). A damaged or hostile file never raises out of
a worker: the measurement says what could not be done and why. Fingerprint files are
loaded once per process and kept.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from dalil.authenticity import backend, doublejpeg, prnu, thumbnail
from dalil.authenticity.finding import decimal
from dalil.authenticity.params import SensorParams
from dalil.vault.jpeg import read_header

# A decode larger than this is refused (the vault's own limit; Pillow warns at 89 MP).
MAX_PIXELS = 64_000_000
HEADER_BYTES = 1 << 20


@dataclass(frozen=True)
class Reference:
    """A camera fingerprint a worker compares images against."""

    name: str
    path: str  # .npz holding the fingerprint's sums
    members: frozenset[str]  # images inside it, whose own share is left out when tested


@dataclass(frozen=True)
class MeasureJob:
    sha256: str
    path: str
    thumbnail: tuple[int, int] | None  # offset and size inside the EXIF block
    primaries: tuple[tuple[str, tuple[int, ...]], ...]  # candidate first luminance tables
    references: tuple[Reference, ...]
    sensor: SensorParams
    positions: int


@dataclass(frozen=True)
class ResidualJob:
    sha256: str
    path: str
    sensor: SensorParams


class Unreadable(ValueError):
    """The image's pixels cannot be decoded safely."""


def decode_luma(data: bytes) -> np.ndarray:
    """Full-resolution luminance (the JPEG's own Y plane, not re-derived from RGB)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Unreadable(
                        f"it claims {image.width}x{image.height} pixels, over the safety limit"
                    )
                if image.format == "JPEG" and image.mode in ("RGB", "YCbCr"):
                    image.draft("YCbCr", image.size)
                image.load()
                if image.mode == "YCbCr":
                    return np.asarray(image.getchannel(0))
                return np.asarray(image.convert("L"))
    except Unreadable:
        raise
    except Exception as exc:  # Pillow raises many kinds on damaged or hostile input
        raise Unreadable(f"the pixels cannot be decoded ({type(exc).__name__}: {exc})") from exc


_fingerprints: dict[str, prnu.Sums] = {}


def _sums(xp: Any, path: str) -> prnu.Sums:
    if path not in _fingerprints:
        with np.load(path) as stored:
            weighted, energy = stored["weighted"], stored["energy"]
            count = int(stored["count"])
        _fingerprints[path] = prnu.Sums(xp.asarray(weighted), xp.asarray(energy), count)
    return _fingerprints[path]


def forget_fingerprints() -> None:
    """Drop the fingerprints this process loaded (their files are temporary)."""
    _fingerprints.clear()


def sensor_inputs(luma: np.ndarray, sensor: SensorParams, xp: Any) -> tuple[Any, Any] | None:
    crop = prnu.centre_crop(luma.shape[:2], sensor.crop, sensor.levels)
    if crop is None:
        return None
    return prnu.prepare(
        xp, luma[crop], sensor.wavelet, sensor.levels, sensor.sigma, sensor.saturation
    )


def _prnu(luma: np.ndarray, job: MeasureJob) -> dict[str, Any]:
    if not job.references:
        return {}
    xp = backend.array_module(job.sensor.device)
    inputs = sensor_inputs(luma, job.sensor, xp)
    if inputs is None:
        return {"error": "the image is too small for a sensor-noise test"}
    noise, intensity = inputs
    scores = {}
    for reference in job.references:
        sums = _sums(xp, reference.path)
        if sums.weighted.shape != noise.shape:
            continue
        own = (noise, intensity) if job.sha256 in reference.members else None
        estimate = prnu.fingerprint(xp, sums, own)
        scores[reference.name] = decimal(prnu.pce(xp, noise, intensity, estimate), 1)
    return {"pce": scores}


def _thumbnail(data: bytes, luma: np.ndarray, where: tuple[int, int]) -> dict[str, Any]:
    payload = read_header(data[:HEADER_BYTES]).exif
    offset, size = where
    if payload is None or offset + size > len(payload) or size <= 0:
        return {"error": "the EXIF thumbnail lies outside the EXIF block"}
    try:
        small = thumbnail.decode_thumbnail(payload[offset : offset + size])
    except ValueError as exc:
        return {"error": str(exc)}
    result = thumbnail.compare(luma, small)
    return {
        "difference": decimal(result.difference, 2),
        "aspect_change": decimal(result.aspect_change, 4),
        "size": list(result.thumbnail_size),
    }


def _double_jpeg(data: bytes, luma: np.ndarray, job: MeasureJob) -> dict[str, Any] | None:
    if not job.primaries:
        return None
    tables = read_header(data[:HEADER_BYTES]).qtables
    if 0 not in tables or luma.shape[0] < 16 or luma.shape[1] < 16:
        return None
    current = tuple(tables[0])
    best = doublejpeg.best_first_compression(luma, current, dict(job.primaries), job.positions)
    if best is None:
        return {"tested": False}
    return {"tested": True, "camera": best[0], "llr": decimal(best[1], 4)}


def measure(job: MeasureJob) -> dict[str, Any]:
    """Everything the pixel checks need about one image (runs in a worker)."""
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return {"error": f"the stored file cannot be read ({exc.strerror})"}
    try:
        luma = decode_luma(data)
    except Unreadable as exc:
        return {"error": str(exc)}
    result: dict[str, Any] = {"size": [int(luma.shape[1]), int(luma.shape[0])]}
    steps: tuple[tuple[str, Callable[[], dict[str, Any] | None]], ...] = (
        ("thumbnail", lambda: _thumbnail(data, luma, job.thumbnail) if job.thumbnail else None),
        ("double_jpeg", lambda: _double_jpeg(data, luma, job)),
        ("prnu", lambda: _prnu(luma, job)),
    )
    for name, step in steps:
        try:
            result[name] = step()
        except Exception as exc:  # one failed measurement must not lose the others
            result[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return result


def fingerprint_sums(
    paths: list[str], sensor: SensorParams
) -> tuple[np.ndarray | None, np.ndarray | None, int]:
    """Σ W·I and Σ I² over the images at ``paths`` (a worker's share of a fingerprint)."""
    xp = backend.array_module(sensor.device)
    sums: prnu.Sums | None = None
    shape: tuple[int, ...] | None = None
    for path in paths:
        try:
            luma = decode_luma(Path(path).read_bytes())
        except (OSError, Unreadable):
            continue
        inputs = sensor_inputs(luma, sensor, xp)
        if inputs is None or (shape is not None and inputs[0].shape != shape):
            continue
        shape = inputs[0].shape
        sums = prnu.add(xp, sums, *inputs)
    if sums is None:
        return None, None, 0
    return backend.to_numpy(sums.weighted), backend.to_numpy(sums.energy), sums.count


def residual_vector(job: ResidualJob) -> tuple[str, np.ndarray | None]:
    """The normalised noise residual of one image, for clustering (runs in a worker)."""
    xp = backend.array_module(job.sensor.device)
    try:
        luma = decode_luma(Path(job.path).read_bytes())
    except (OSError, Unreadable):
        return job.sha256, None
    inputs = sensor_inputs(luma, job.sensor, xp)
    if inputs is None:
        return job.sha256, None
    return job.sha256, backend.to_numpy(prnu.normalised(xp, inputs[0]))
