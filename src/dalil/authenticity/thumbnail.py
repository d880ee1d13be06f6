"""EXIF thumbnail against the image: does the small picture the camera embedded still
show what the image shows?

A camera writes the thumbnail from the same pixels as the image. Editors that keep the
EXIF block often keep the old thumbnail too, so a pasted region, a crop or a different
picture shows up as a local difference, or a different shape, between the two.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# A thumbnail is small by definition; one claiming more is not decoded (a "bomb").
MAX_THUMBNAIL_PIXELS = 1024 * 1024
DARK = 12.0  # grey level under which an edge row or column is padding, not picture


@dataclass(frozen=True)
class Comparison:
    difference: float  # largest local mean absolute difference, grey levels
    aspect_change: float  # (thumbnail's width/height − image's) / image's
    thumbnail_size: tuple[int, int]


def decode_thumbnail(data: bytes) -> np.ndarray:
    """Luminance of the thumbnail JPEG; ValueError if it is not a small, whole image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_THUMBNAIL_PIXELS:
                raise ValueError(f"it claims {image.width}x{image.height} pixels")
            image.load()
            return np.asarray(image.convert("L"), dtype=np.float32)
    except ValueError:
        raise
    except Exception as exc:  # Pillow raises many kinds on damaged input
        raise ValueError(f"the thumbnail cannot be decoded ({exc})") from exc


def _trim_padding(thumb: np.ndarray) -> np.ndarray:
    """Drop the black bands some cameras add to fit a thumbnail into 160×120."""
    rows = np.flatnonzero(thumb.mean(axis=1) > DARK)
    cols = np.flatnonzero(thumb.mean(axis=0) > DARK)
    if rows.size < thumb.shape[0] // 2 or cols.size < thumb.shape[1] // 2:
        return thumb
    return thumb[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def compare(luma: np.ndarray, thumbnail: np.ndarray) -> Comparison:
    """How far the image (luminance, any size) is from its thumbnail (luminance)."""
    thumb = _trim_padding(thumbnail)
    height, width = thumb.shape
    image_ratio = luma.shape[1] / luma.shape[0]
    aspect_change = (width / height - image_ratio) / image_ratio
    small = cv2.resize(luma.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA)
    a = cv2.blur(small, (3, 3))
    b = cv2.blur(thumb, (3, 3))
    difference = a - b
    difference -= float(np.median(difference))  # a global brightness change is not an edit
    local = cv2.blur(np.abs(difference), (5, 5))
    margin = 3  # the edges of a resized picture differ by the resampling alone
    inner = local[margin:-margin, margin:-margin] if min(height, width) > 4 * margin else local
    return Comparison(float(inner.max()), float(aspect_change), (width, height))
