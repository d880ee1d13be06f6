"""The face crop a reviewer sees: the face only, grey, upright; never the whole photo.

Post-mortem photos show bodies; a reviewer comparing a family's portrait needs the face
and nothing else. The crop is cut from the original bytes with the geometry recorded
when the face was embedded (turn, box, scale), with a margin, and returned as PNG.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from dalil.identification.faces.detection import prepare, rotate

MARGIN = 0.15  # of the box size, on each side
SIZE = 200  # pixels of the crop's longer side


def crop_face(image: Image.Image, method: dict[str, Any]) -> bytes:
    grey, scale = prepare(image, equalize=False)
    if abs(scale - float(method.get("scale", scale))) > 1e-4:
        raise ValueError("the photo does not match the recorded face geometry")
    turned = Image.fromarray(rotate(grey, int(method["angle"])))
    left, top, right, bottom = (int(v) for v in method["box"])
    pad_x, pad_y = int((right - left) * MARGIN), int((bottom - top) * MARGIN)
    face = turned.crop((left - pad_x, top - pad_y, right + pad_x, bottom + pad_y))
    face.thumbnail((SIZE, SIZE))
    out = io.BytesIO()
    face.save(out, format="PNG")
    return out.getvalue()
