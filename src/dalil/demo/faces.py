"""Faces of living volunteers for the identification step, never a victim's.

Two sources, the first that exists: the ORL faces of living volunteers in
``../shared/data/faces/orl`` (read in place, never copied; one folder per person, the
first image the family's portrait, another one the post-mortem stand-in), else the
NASA portrait of astronaut Eileen Collins that ships, in the public domain, inside
scikit-image's wheel (``skimage/data/astronaut.png``; found without importing the
package). Without either, the demo matches its reports on the numbers alone and says so.

The post-mortem side is degraded as bodies are photographed: turned, flat, dark, blurred.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

# ``../shared/data/faces/orl`` of the repository (this file is src/dalil/demo/faces.py).
ORL = Path(__file__).resolve().parents[4] / "shared" / "data" / "faces" / "orl"
ORL_PEOPLE = ("s5", "s2", "s4")  # three families; faces that stay recognisable degraded
ASTRONAUT_FACE = (150, 20, 290, 200)  # (left, top, right, bottom) of her face in the PNG


@dataclass(frozen=True)
class Volunteer:
    """One person's portrait (what the family hands over) and a different photo of the
    same person for the post-mortem side."""

    name: str
    source: str  # where the faces come from, for the summary
    portrait: bytes  # the file as the family gave it
    portrait_is_crop: bool
    post_mortem: Image.Image  # the face to place into a scene, before degradation


def _astronaut_png() -> Path | None:
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "data" / "astronaut.png"
        if path.is_file():
            return path
    return None


def find_volunteers(orl: Path = ORL, astronaut: Path | None = None) -> list[Volunteer]:
    """The volunteers' faces available on this machine (possibly none)."""
    if all((orl / person / "1.pgm").is_file() for person in ORL_PEOPLE):
        return [
            Volunteer(
                f"ORL {person}",
                f"ORL face database ({orl})",
                (orl / person / "1.pgm").read_bytes(),
                True,
                Image.open(orl / person / "5.pgm").convert("RGB"),
            )
            for person in ORL_PEOPLE
        ]
    png = astronaut or _astronaut_png()
    if png is None:
        return []
    with Image.open(png) as image:
        face = image.convert("RGB").crop(ASTRONAUT_FACE)
    source = "NASA portrait of Eileen Collins, public domain (scikit-image data)"
    return [Volunteer("astronaut", source, png.read_bytes(), False, face)]


def degrade(face: Image.Image, strength: int) -> np.ndarray:
    """The face as a body is photographed (stronger with ``strength``): flatter, darker,
    softer, turned a little; RGB uint8."""
    grey = ImageOps.grayscale(face).convert("RGB")
    softer = grey.filter(ImageFilter.GaussianBlur(0.4 + 0.15 * strength))
    flat = ImageEnhance.Contrast(softer).enhance(0.8 - 0.05 * strength)
    dark = ImageEnhance.Brightness(flat).enhance(0.9 - 0.03 * strength)
    corners = np.asarray(dark)[[0, 0, -1, -1], [0, -1, 0, -1]].mean(axis=0)
    background = (int(corners[0]), int(corners[1]), int(corners[2]))
    angle = 8 + 6 * strength
    turned = dark.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=background)
    return np.asarray(turned, dtype=np.uint8)
