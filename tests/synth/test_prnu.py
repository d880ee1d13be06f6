"""Each camera's sensor pattern is really in its photos: the noise residual of a photo
correlates with its own camera's pattern and not with another camera's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from dalil.synth.camera import prnu_gain
from dalil.synth.plan import plan_shots

from .conftest import SMALL


def residual(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Noise residual and smooth content of a photo's grey image."""
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert image is not None, path
    grey = image.astype(np.float32)
    smooth = cv2.GaussianBlur(grey, (0, 0), 1.5)
    return grey - smooth, smooth


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_photo_noise_matches_its_own_camera_pattern(
    collection: Path, photos: list[dict[str, Any]]
) -> None:
    plan = plan_shots(SMALL.seed, SMALL.photos, SMALL.scale)
    patterns = {c.id: prnu_gain(c)[:, :, 0] - 1 for c in plan.cameras}
    for camera_id, pattern in patterns.items():
        mine = [f for f in photos if f["camera"] == camera_id][:4]
        assert mine, camera_id
        # The fingerprint estimate of Lukáš–Fridrich–Goljan: Σ W·I / Σ I².
        num, den = np.zeros_like(pattern), np.zeros_like(pattern)
        for entry in mine:
            noise, smooth = residual(collection / entry["path"])
            num += noise * smooth
            den += smooth * smooth
        estimate = num / den
        own = correlation(estimate, pattern)
        h, w = pattern.shape
        others = [
            correlation(estimate[: min(h, p.shape[0]), : min(w, p.shape[1])],
                        p[: min(h, p.shape[0]), : min(w, p.shape[1])])
            for other, p in patterns.items()
            if other != camera_id
        ]  # fmt: skip
        assert own > 0.1, (camera_id, own)
        assert max(abs(c) for c in others) < 0.05, (camera_id, others)
