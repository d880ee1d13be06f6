"""The card of a photo, cut out and drawn in a terminal for a reviewer.

A reviewer needs to see the writing, not the body: the review shows the card region the
reader found (turned upright), so that transcribing hundreds of cases does not mean
looking at hundreds of bodies. The whole photo is opened only when the reviewer asks.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt
from rich.style import Style
from rich.text import Text

Corners = list[list[int]] | list[tuple[int, int]]
COLUMNS = 72  # width of the drawing in terminal cells


def card_crop(data: bytes, corners: Corners | None) -> npt.NDArray[np.uint8] | None:
    """The written area, upright, as RGB; the whole photo when no card was found; None
    when the bytes are not an image."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        return None
    if corners:
        points = np.array(corners, dtype=np.float64)
        centre = points.mean(axis=0)
        edge = points[1] - points[0]  # the reader gives the corners with the text along this
        angle = math.degrees(math.atan2(float(edge[1]), float(edge[0])))
        matrix = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle, 1.0)
        turned = points @ matrix[:, :2].T + matrix[:, 2]
        (x0, y0), (x1, y1) = turned.min(axis=0), turned.max(axis=0)
        matrix[0, 2] -= x0
        matrix[1, 2] -= y0
        size = (max(8, round(x1 - x0)), max(8, round(y1 - y0)))
        bgr = np.asarray(
            cv2.warpAffine(bgr, matrix, size, borderMode=cv2.BORDER_REPLICATE), dtype=np.uint8
        )
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def blocks(rgb: npt.NDArray[np.uint8], columns: int = COLUMNS) -> Text:
    """The image in half-block characters: each cell shows two pixels, top and bottom."""
    height, width = rgb.shape[:2]
    rows = max(2, round(height * columns / width / 2) * 2)
    small = cv2.resize(rgb, (columns, rows), interpolation=cv2.INTER_AREA)
    text = Text()
    for y in range(0, rows, 2):
        for x in range(columns):
            top, bottom = small[y, x], small[y + 1, x]
            text.append(
                "▀",
                Style(color=f"rgb({top[0]},{top[1]},{top[2]})",
                      bgcolor=f"rgb({bottom[0]},{bottom[1]},{bottom[2]})"),
            )  # fmt: skip
        text.append("\n")
    return text
