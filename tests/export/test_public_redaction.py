"""Hidden regions keep no detail, and the detector's boxes land on the face it saw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dalil.export.public import redaction

FACES = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces" / "orl"


def _detail(patch: np.ndarray) -> float:
    grey = patch.astype(np.float32).mean(axis=2)
    return float(np.abs(np.diff(grey, axis=0)).mean() + np.abs(np.diff(grey, axis=1)).mean())


def test_a_hidden_box_keeps_almost_none_of_its_detail_and_nothing_outside_changes() -> None:
    image = np.random.default_rng(3).integers(0, 255, (200, 300, 3), dtype=np.uint8)
    before = image.copy()
    redaction.hide(image, (50, 40, 120, 90))
    assert _detail(image[40:130, 50:170]) < 0.1 * _detail(before[40:130, 50:170])
    outside = np.ones(image.shape[:2], bool)
    outside[40:130, 50:170] = False
    assert (image[outside] == before[outside]).all()


@pytest.mark.skipif(not FACES.is_dir(), reason=f"ORL faces not found at {FACES}")
@pytest.mark.parametrize("turn", [0, 90])
def test_the_box_covers_the_pasted_face_however_it_lies(turn: int) -> None:
    floor = Image.fromarray(np.random.default_rng(1).integers(90, 160, (60, 80, 3), np.uint8))
    scene = floor.resize((640, 480), Image.Resampling.BILINEAR)
    face = Image.open(FACES / "s5" / "1.pgm").convert("RGB").resize((184, 224))
    face = face.rotate(turn, expand=True)
    scene.paste(face, (300, 150))
    (box,) = redaction.find_faces(np.asarray(scene))
    x, y, w, h = box
    centre = (300 + face.width / 2, 150 + face.height / 2)
    assert x < centre[0] < x + w and y < centre[1] < y + h
    assert w * h >= 0.5 * face.width * face.height
