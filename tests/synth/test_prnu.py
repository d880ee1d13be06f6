"""Each camera's sensor pattern is really in its photos: a fingerprint estimated from a
few photos correlates with its own camera's pattern and not with any other's, including
the extra camera that shares a known camera's resolution."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from dalil.synth.camera import prnu_pattern


def read(root: Path, entry: dict[str, Any]) -> bytes:
    path: str = entry["path"]
    if entry["member"] is None:
        return (root / path).read_bytes()
    with zipfile.ZipFile(root / path) as archive:
        return archive.read(entry["member"])


def fingerprint(photos: list[bytes]) -> np.ndarray:
    """Lukáš–Fridrich–Goljan estimate Σ W·I / Σ I², W = image − smoothed image."""
    num = den = None
    for data in photos:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert image is not None
        grey = image.astype(np.float32)
        smooth = cv2.GaussianBlur(grey, (0, 0), 1.5)
        num = (grey - smooth) * smooth if num is None else num + (grey - smooth) * smooth
        den = smooth * smooth if den is None else den + smooth * smooth
    assert num is not None and den is not None
    return num / den


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w] - a[:h, :w].mean(), b[:h, :w] - b[:h, :w].mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def check_attribution(root: Path, truth: dict[str, Any]) -> None:
    patterns = {
        c["id"]: prnu_pattern(c["prnu"]["seed"], *c["resolution"]) for c in truth["cameras"]
    }
    for camera_id, pattern in patterns.items():
        mine = [
            read(root, f)
            for f in truth["files"]
            if f["kind"] == "photo" and f["camera"] == camera_id and f["damage"] is None
            and (f["manipulation"] or {}).get("kind", "extra_camera") == "extra_camera"
        ][:4]  # fmt: skip
        assert mine, camera_id
        estimate = fingerprint(mine)
        own = correlation(estimate, pattern)
        others = [correlation(estimate, p) for c, p in patterns.items() if c != camera_id]
        assert own > 0.1, (camera_id, own)
        assert max(abs(c) for c in others) < 0.05, (camera_id, others)


@pytest.mark.parametrize("which", ["plain", "manipulated"])
def test_fingerprint_points_to_the_true_camera_only(
    which: str, request: pytest.FixtureRequest
) -> None:
    if which == "plain":
        check_attribution(request.getfixturevalue("collection"), request.getfixturevalue("truth"))
    else:
        check_attribution(
            request.getfixturevalue("manipulated"), request.getfixturevalue("manipulated_truth")
        )
