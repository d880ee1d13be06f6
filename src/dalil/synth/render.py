"""Rendering one shot into the bytes its camera would have written: the worker's job.

A worker process renders any shot from the plan alone. What is costly and shared stays
in the process: each camera's PRNU gain (regenerated from its seed) and a bank of
Gaussian noise from which each photo takes its own stretch, so that drawing fresh noise
for every pixel of every photo does not dominate the run.
"""

from __future__ import annotations

import calendar
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from dalil.synth import jpeg
from dalil.synth.camera import Camera, prnu_gain
from dalil.synth.card import card_box, draw_writing
from dalil.synth.exif import ExifFields, build_exif
from dalil.synth.plan import Case, Shot
from dalil.synth.scene import case_look, choose_view, draw_scene

EXPOSURES = ((1, 30), (1, 45), (1, 60), (1, 90), (1, 125))
F_NUMBERS = ((28, 10), (32, 10), (40, 10), (56, 10))
ISOS = (100, 200, 400)
GPS_JITTER = 0.0004  # degrees: a few tens of metres between fixes


@dataclass(frozen=True)
class PhotoJob:
    shot: Shot
    case: Case
    floor_seed: int
    target: str  # where to write, relative to the output folder


@dataclass(frozen=True)
class WorkerSetup:
    out: str
    cameras: tuple[Camera, ...]
    noise_seed: int


class _Worker:
    """What one process keeps between jobs."""

    def __init__(self, setup: WorkerSetup) -> None:
        self.out = Path(setup.out)
        self.cameras = {camera.id: camera for camera in setup.cameras}
        self._gains: dict[str, np.ndarray] = {}
        largest = max(c.width * c.height * 3 for c in setup.cameras)
        rng = np.random.default_rng(setup.noise_seed)
        self.noise = rng.standard_normal(largest + 2**20, dtype=np.float32)

    def gain(self, camera: Camera) -> np.ndarray:
        if camera.id not in self._gains:
            self._gains[camera.id] = prnu_gain(camera)
        return self._gains[camera.id]


_worker: _Worker | None = None


def start_worker(setup: WorkerSetup) -> None:
    """Process-pool initializer: one OpenCV thread per process, caches empty."""
    global _worker
    cv2.setNumThreads(1)
    _worker = _Worker(setup)


def run_job(job: PhotoJob) -> tuple[int, str, int]:
    """Render, encode and write one shot; returns (shot index, SHA-256, size)."""
    if _worker is None:
        raise RuntimeError("start_worker was not called in this process")
    data = photo_bytes(_worker, job)
    write_file(_worker.out / job.target, data, job.shot.taken)
    return job.shot.index, hashlib.sha256(data).hexdigest(), len(data)


def photo_bytes(worker: _Worker, job: PhotoJob) -> bytes:
    shot = job.shot
    camera = worker.cameras[shot.camera]
    pixels = render_pixels(worker, camera, job)
    if shot.exif_camera is None:
        return jpeg.with_app1(jpeg.encode(pixels, camera.tables, camera.subsampling), None)
    claimed = worker.cameras[shot.exif_camera]
    rng = np.random.default_rng([shot.seed, 2])
    fields = exif_fields(claimed, shot, rng)
    thumb = jpeg.thumbnail(pixels, camera.tables)
    encoded = jpeg.encode(pixels, camera.tables, camera.subsampling)
    return jpeg.with_app1(encoded, build_exif(fields, thumb))


def render_pixels(worker: _Worker, camera: Camera, job: PhotoJob) -> np.ndarray:
    """The scene as the sensor records it: gain pattern times light, plus noise."""
    shot, case = job.shot, job.case
    rng = np.random.default_rng([shot.seed, 1])
    look = case_look(case.seed, case.writing.surface == "skin")
    view = choose_view(rng, shot.photo_index, look)
    canvas = draw_scene(rng, camera.height, camera.width, job.floor_seed, look, view)
    if shot.capture.visible:
        draw_writing(canvas, case.writing, shot.capture, look, view, rng)
    light = cv2.multiply(canvas, worker.gain(camera), dtype=cv2.CV_32F)
    start = int(rng.integers(0, worker.noise.size - light.size))
    noise = worker.noise[start : start + light.size].reshape(light.shape)
    light = cv2.scaleAdd(noise, camera.read_noise, light)
    # Saturating conversion; light is never negative here (darkest ink is ~25 grey levels).
    result: np.ndarray = cv2.convertScaleAbs(light)
    return result


def card_location(camera: Camera, shot: Shot, case: Case) -> tuple[int, int, int, int] | None:
    """Where ``shot`` shows its card, in pixels, or None when the card is out of frame.
    Follows ``render_pixels``' draws exactly (same seed, same order)."""
    if not shot.capture.visible:
        return None
    rng = np.random.default_rng([shot.seed, 1])
    look = case_look(case.seed, case.writing.surface == "skin")
    view = choose_view(rng, shot.photo_index, look)
    return card_box(case.writing, shot.capture, look, view, (camera.width, camera.height))


def exif_fields(camera: Camera, shot: Shot, rng: np.random.Generator) -> ExifFields:
    gps = None
    if camera.gps is not None:
        lat, lon, alt = camera.gps
        jitter = rng.uniform(-GPS_JITTER, GPS_JITTER, size=2)
        gps = (lat + float(jitter[0]), lon + float(jitter[1]), alt)
    return ExifFields(
        make=camera.make,
        model=camera.model,
        software=camera.software,
        taken=shot.exif_taken or shot.taken,
        width=camera.width,
        height=camera.height,
        serial=camera.serial,
        owner=camera.owner,
        gps=gps,
        exposure=EXPOSURES[int(rng.integers(len(EXPOSURES)))],
        f_number=F_NUMBERS[int(rng.integers(len(F_NUMBERS)))],
        iso=ISOS[int(rng.integers(len(ISOS)))],
        byte_order=camera.byte_order,
    )


def write_file(path: Path, data: bytes, moment: datetime) -> None:
    """Write ``data`` with the file time set to ``moment`` (camera clock read as UTC), as a
    card reader's copy keeps the camera's time; deterministic, unlike "now"."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    seconds = calendar.timegm(moment.timetuple())
    os.utime(path, (seconds, seconds))
