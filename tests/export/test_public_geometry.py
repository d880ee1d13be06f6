"""The map from an original's pixels to its release: boxes carried exactly, orientation
as EXIF means it, and the inverse that lays a release back onto the sensor."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.export.public.geometry import Placement, affine, carry, inverse

PLAIN = Placement(0.0, 1.0, (0.0, 0.0, 0.0, 0.0))


@pytest.mark.parametrize(
    ("orientation", "corner", "size"),
    [
        (1, (0, 0), (40, 30)),  # as stored
        (3, (40, 30), (40, 30)),  # upside down: the top-left corner comes from bottom-right
        (6, (0, 30), (30, 40)),  # turn 90° clockwise to view: top-left comes from bottom-left
        (8, (40, 0), (30, 40)),  # turn 90° counter-clockwise: from top-right
        (2, (40, 0), (40, 30)),  # mirrored
    ],
)
def test_orientation_turns_the_stored_pixels_as_exif_means(
    orientation: int, corner: tuple[int, int], size: tuple[int, int]
) -> None:
    matrix, width, height = affine(40, 30, Placement(0.0, 1.0, (0, 0, 0, 0), orientation))
    assert (width, height) == size
    mapped = matrix @ np.array([corner[0], corner[1], 1.0])
    assert np.allclose(mapped, [0.0, 0.0])


def test_a_bright_pixel_lands_where_the_matrix_says() -> None:
    placement = Placement(0.8, 0.87, (0.02, 0.03, 0.025, 0.015))
    image = np.zeros((300, 400), np.float32)
    image[120:124, 250:254] = 255.0
    matrix, width, height = affine(400, 300, placement)
    moved = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR)
    y, x = np.unravel_index(np.argmax(cv2.GaussianBlur(moved, (5, 5), 1.0)), moved.shape)
    expected = matrix @ np.array([252.0, 122.0, 1.0])
    assert abs(x - expected[0]) <= 1.5 and abs(y - expected[1]) <= 1.5
    box = carry((250, 120, 4, 4), matrix, width, height)
    assert box is not None and box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]


@given(st.floats(-1.0, 1.0), st.floats(0.7, 0.95), st.integers(1, 8))
def test_the_inverse_undoes_the_map(angle: float, scale: float, orientation: int) -> None:
    matrix, _, _ = affine(640, 480, Placement(angle, scale, (0.02, 0.02, 0.02, 0.02), orientation))
    back = inverse(matrix)
    point = np.array([123.0, 45.0, 1.0])
    there = np.append(matrix @ point, 1.0)
    assert np.allclose(back @ there, point[:2], atol=1e-6)


def test_a_box_outside_the_release_is_dropped_and_one_inside_kept() -> None:
    matrix, width, height = affine(100, 80, PLAIN)
    assert carry((200, 200, 10, 10), matrix, width, height) is None
    assert carry((10, 10, 20, 20), matrix, width, height) == (10, 10, 20, 20)
