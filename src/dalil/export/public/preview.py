"""One image of a release made from its original: redacted, scrubbed, encoded, measured.

The preview a reviewer sees is the very file that goes out if approved: its SHA-256 is
recorded with the decision and checked again at release. Rendering is a function of the
original's bytes, the transform and the regions; faces are searched for only when a
preview is first made, and kept as regions, so that a revision (a reviewer's boxes
added) hides exactly the same faces in exactly the same frame.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image

from dalil.authenticity.inputs import ImageRecord
from dalil.errors import InputError
from dalil.export.public import encoding, redaction, scrubber
from dalil.export.public.attribution import Fingerprints, Score, aligned_inputs, original_inputs
from dalil.export.public.geometry import affine
from dalil.export.public.redaction import FACE, RELEASE, Region
from dalil.export.public.scrubber import STANDARD, STRONG, Strength, Transform

MAX_PIXELS = 64_000_000  # the vault's own decoding limit


@dataclass(frozen=True)
class Preview:
    data: bytes
    sha256: str
    transform: Transform
    regions: tuple[Region, ...]
    faces: int
    score: Score
    before: Score  # the original against the same fingerprints

    def passes(self, threshold: float) -> bool:
        return self.score.pce is None or self.score.pce < threshold


def decode(data: bytes) -> scrubber.RGB:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InputError(f"{image.width}x{image.height} pixels: over the limit")
                return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except InputError:
        raise
    except Exception as exc:  # Pillow raises many kinds on damaged input
        raise InputError(f"the pixels cannot be decoded ({type(exc).__name__}: {exc})") from exc


def render(
    original: scrubber.RGB, transform: Transform, regions: tuple[Region, ...], find_faces: bool
) -> tuple[scrubber.RGB, tuple[Region, ...]]:
    """The released pixels, and every region hidden in them (faces found included)."""
    height, width = original.shape[:2]
    matrix, out_w, out_h = affine(width, height, transform.placement)
    pixels = scrubber.resampled(original, transform)
    if find_faces:
        faces = tuple(Region(b, RELEASE, FACE) for b in redaction.find_faces(pixels))
        regions = faces + tuple(r for r in regions if r.why != FACE)
    for region in regions:
        box = redaction.in_release(region, matrix, out_w, out_h)
        if box is not None:
            redaction.hide(pixels, box)
    return scrubber.with_fresh_noise(pixels, transform), regions


def make(
    data: bytes,
    record: ImageRecord,
    regions: tuple[Region, ...],
    prints: Fingerprints,
    transform: Transform | None = None,
    orientation: int = 1,
) -> Preview:
    """The preview of one original. A new one (no ``transform``) is scrubbed at standard
    strength, and again at ``STRONG`` if its sensor noise still matches; a revision keeps
    its transform (the reviewer's boxes are drawn in its frame)."""
    original = decode(data)
    own = original_inputs(data, prints.sensor)
    before = prints.score(record, own, own)
    strengths: tuple[Strength | None, ...] = (None,) if transform else (STANDARD, STRONG)
    preview = None
    for strength in strengths:
        chosen = transform or scrubber.draw(strength or STANDARD, orientation)
        pixels, hidden = render(original, chosen, regions, find_faces=transform is None)
        encoded = encoding.encode(pixels, chosen.settings.quality)
        height, width = original.shape[:2]
        matrix, _, _ = affine(width, height, chosen.placement)
        released = decode(encoded)
        test = aligned_inputs(released, matrix, (width, height), prints.sensor)
        score = prints.score(record, own, test)
        faces = sum(1 for r in hidden if r.why == FACE)
        preview = Preview(
            encoded, hashlib.sha256(encoded).hexdigest(), chosen, hidden, faces, score, before
        )
        if preview.passes(prints.threshold):
            break
    assert preview is not None
    return preview
