"""What an editor does to a camera original: re-save, paste a region, resize, crop.

Runs in the worker pool after every original is on disk. Each edit reads camera
originals only (never a file another edit writes), so edits can run in any order.
The EXIF an editor keeps is the camera's own block, old thumbnail included: that is
what makes a thumbnail-versus-image check meaningful.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from dalil.synth import jpeg
from dalil.synth.exif import ExifFields, build_exif, thumbnail_of
from dalil.synth.manipulation import Edit
from dalil.synth.quantization import Tables
from dalil.synth.render import write_file


@dataclass(frozen=True)
class EditJob:
    out: str
    edit: Edit
    source: str  # the camera original, relative to ``out``
    donor: str | None  # pasted: the photo the region comes from
    fields: ExifFields | None  # the original's EXIF, as its camera wrote it
    tables: Tables  # the camera's own tables, for careful re-saves
    subsampling: str


def run_edit(job: EditJob) -> tuple[str, str, int]:
    """Apply one edit; returns (target, SHA-256, size)."""
    out, edit = Path(job.out), job.edit
    original = (out / job.source).read_bytes()
    pixels = jpeg.decode(original)
    if edit.kind == "pasted":
        if job.donor is None or edit.box is None or edit.donor_box is None:
            raise ValueError("a pasted edit needs a donor and both boxes")
        pixels = paste(
            pixels, jpeg.decode((out / job.donor).read_bytes()), edit.box, edit.donor_box
        )
    elif edit.kind == "resized" and edit.size is not None:
        pixels = cv2.resize(pixels, edit.size, interpolation=cv2.INTER_AREA)
    elif edit.kind == "cropped" and edit.crop is not None:
        x0, y0, x1, y1 = edit.crop
        pixels = np.ascontiguousarray(pixels[y0:y1, x0:x1])
    data = _save(job, original, pixels)
    write_file(out / edit.target, data, edit.edited)
    return edit.target, hashlib.sha256(data).hexdigest(), len(data)


def paste(
    pixels: np.ndarray,
    donor: np.ndarray,
    box: tuple[int, int, int, int],
    donor_box: tuple[int, int, int, int],
) -> np.ndarray:
    """``pixels`` with ``box`` replaced by the donor's ``donor_box``, scaled to fit, its
    edge feathered over a few pixels as a careful forger's clone tool would."""
    x0, y0, x1, y1 = box
    dx0, dy0, dx1, dy1 = donor_box
    patch = cv2.resize(donor[dy0:dy1, dx0:dx1], (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    feather = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
    margin = max(1, min(x1 - x0, y1 - y0) // 20)
    feather[margin:-margin, margin:-margin] = 1.0
    weight: np.ndarray = cv2.GaussianBlur(feather, (0, 0), margin / 2 + 0.5)[:, :, None]
    result = pixels.copy()
    region = result[y0:y1, x0:x1].astype(np.float32)
    blended = region * (1 - weight) + patch * weight
    result[y0:y1, x0:x1] = np.clip(blended, 0, 255).astype(np.uint8)
    return result


def _save(job: EditJob, original: bytes, pixels: np.ndarray) -> bytes:
    """Encode as the edit's tool would, with the EXIF it keeps."""
    edit = job.edit
    old_exif = jpeg.exif_payload(original)
    if edit.quality is None:  # careful: camera tables, camera header, EXIF untouched
        return jpeg.with_app1(jpeg.encode(pixels, job.tables, job.subsampling), old_exif)
    exif = None
    if edit.keep_exif and job.fields is not None and old_exif is not None:
        fields = replace(
            job.fields, software=edit.software or job.fields.software, modified=edit.edited
        )
        exif = build_exif(fields, thumbnail_of(old_exif))
    return jpeg.with_app1(jpeg.encode_quality(pixels, edit.quality), exif, keep_jfif=True)
