"""The simulated cameras: identity, firmware tables and a fixed sensor-noise pattern.

Each camera is what a forensic examiner would recognise: make, model and body serial in
EXIF, a resolution of its own, quantization tables of its own firmware, a file-name
prefix and counter, and a photo-response non-uniformity (PRNU) pattern, the fixed
per-pixel gain differences of its sensor. The pattern is regenerated from the camera's
seed wherever it is needed, so worker processes agree on it without sharing memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dalil.synth.quantization import Tables, camera_tables

# (make, model, width, height, file prefix, firmware). Fictional makers: the
# generator must never be mistaken for evidence about a real device.
MODELS = (
    ("Synthetic Optics", "SO-P50", 1632, 1224, "DSCN", "SO-P50 V1.1"),
    ("Kestrel Imaging", "Kestrel K12", 1600, 1200, "IMG_", "K12 Firmware 1.0.3"),
    ("Orion Camera Co.", "OC-1440Z", 1440, 1080, "PICT", "OC-1440Z Ver.2.00"),
    ("Harbor Digital", "HD 1280", 1280, 960, "HDC_", "HD1280-0104"),
    ("Meridian", "MX-15", 1536, 1152, "DSC_", "MX-15 v1.02"),
)
# A camera that never appears in EXIF: its photos reach the collection stripped.
EXTRA_MODEL = ("Lantern", "LX-2", 0, 0, "FILE", "LX-2 1.0")

# Approximate centre of Damascus; one camera geotags, so that source-protection
# stripping on export has GPS to remove.
GPS_ORIGIN = (33.5138, 36.2765, 690.0)

PRNU_STRENGTH = (0.01, 0.03)  # relative gain spread, as in consumer CMOS sensors
READ_NOISE = (1.8, 3.0)  # grey levels: what keeps a 1.5 MP camera JPEG at 300-700 KB
MIN_SIDE = 64


@dataclass(frozen=True)
class Camera:
    """One simulated physical camera."""

    id: str
    make: str
    model: str
    software: str
    serial: str
    owner: str | None
    width: int
    height: int
    quality: int
    tables: Tables
    subsampling: str
    byte_order: str
    prefix: str
    first_counter: int
    gps: tuple[float, float, float] | None
    prnu_seed: int
    prnu_strength: float
    read_noise: float  # sigma of the temporal noise, in grey levels
    writes_exif: bool = True


def make_cameras(rng: np.random.Generator, count: int, scale: float) -> list[Camera]:
    """``count`` distinct cameras; the second one geotags, the first records an owner."""
    picks = rng.choice(len(MODELS), size=count, replace=False)
    qualities = rng.choice(np.arange(89, 96), size=count, replace=False)
    cameras = []
    for index, (pick, quality) in enumerate(zip(picks, qualities, strict=True)):
        make, model, width, height, prefix, software = MODELS[int(pick)]
        cameras.append(
            _camera(
                rng,
                f"cam{index + 1}",
                (make, model, software, prefix),
                _scaled(width, height, scale),
                int(quality),
                owner="Photo Unit 7" if index == 0 else None,
                gps=GPS_ORIGIN if index == 1 else None,
            )
        )
    return cameras


def make_extra_camera(rng: np.random.Generator, like: Camera) -> Camera:
    """A camera outside the known set, at the same resolution as ``like`` (so only its
    sensor noise tells the two apart), whose photos carry no EXIF."""
    make, model, _, _, prefix, software = EXTRA_MODEL
    quality = int(rng.integers(88, 96))
    camera = _camera(
        rng, "extra1", (make, model, software, prefix), (like.width, like.height), quality
    )
    return replace(camera, writes_exif=False)


def _camera(
    rng: np.random.Generator,
    camera_id: str,
    names: tuple[str, str, str, str],
    size: tuple[int, int],
    quality: int,
    owner: str | None = None,
    gps: tuple[float, float, float] | None = None,
) -> Camera:
    make, model, software, prefix = names
    return Camera(
        id=camera_id,
        make=make,
        model=model,
        software=software,
        serial=f"{int(rng.integers(10, 99))}{int(rng.integers(0, 10**6)):06d}",
        owner=owner,
        width=size[0],
        height=size[1],
        quality=quality,
        tables=camera_tables(rng, quality),
        subsampling=str(rng.choice(["4:2:0", "4:2:2"])),
        byte_order=str(rng.choice(["II", "MM"])),
        prefix=prefix,
        first_counter=int(rng.integers(100, 2000)),
        gps=gps,
        prnu_seed=int(rng.integers(0, 2**63)),
        prnu_strength=round(float(rng.uniform(*PRNU_STRENGTH)), 4),
        read_noise=round(float(rng.uniform(*READ_NOISE)), 2),
    )


def _scaled(width: int, height: int, scale: float) -> tuple[int, int]:
    """Resolution at ``scale`` (tests use small images), in whole 16-pixel MCUs."""
    if scale == 1.0:
        return width, height
    return (
        max(MIN_SIDE, round(width * scale / 16) * 16),
        max(MIN_SIDE, round(height * scale / 16) * 16),
    )


def prnu_pattern(seed: int, width: int, height: int) -> np.ndarray:
    """The camera's fixed pattern K (float32, H×W, standard Gaussian), from its PRNU seed
    as the ground truth records it, so a checker can compare against the true pattern."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((height, width), dtype=np.float32)


def prnu_gain(camera: Camera) -> np.ndarray:
    """The camera's per-pixel gain ``1 + s·K`` (float32, H×W×3, the same in each colour
    channel), applied to the light before noise and JPEG encoding."""
    field = prnu_pattern(camera.prnu_seed, camera.width, camera.height)
    field *= np.float32(camera.prnu_strength)
    field += np.float32(1.0)
    return np.repeat(field[:, :, None], 3, axis=2)
