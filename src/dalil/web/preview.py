"""The images a browser may receive: a blurred greyscale preview, and a reveal's copy.

The preview is made here, on the server, from the archive's metadata-free thumbnail: so
small and so blurred that no face, wound or number can be made out, so the page can show
that a photo is there without showing it (Atlos' blur is a CSS filter over the full
image, which the browser already holds). A revealed image is re-encoded from pixels only:
no camera serial, owner or GPS reaches the browser (source protection).
"""

from __future__ import annotations

import io

from PIL import Image, ImageFilter, ImageOps

PREVIEW_SOURCE = 24  # pixels across before blurring: below what shows a face
PREVIEW_SIZE = 192  # pixels across as sent
PREVIEW_BLUR = 8
REVEALED_MAX = 1600


def blurred(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        grey = ImageOps.exif_transpose(image).convert("L")
    grey.thumbnail((PREVIEW_SOURCE, PREVIEW_SOURCE))
    height = max(1, round(PREVIEW_SIZE * grey.height / max(grey.width, 1)))
    large = grey.resize((PREVIEW_SIZE, height), Image.Resampling.BILINEAR)
    soft = large.filter(ImageFilter.GaussianBlur(PREVIEW_BLUR))
    out = io.BytesIO()
    soft.save(out, "JPEG", quality=60)
    return out.getvalue()


def revealed(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((REVEALED_MAX, REVEALED_MAX))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=90)  # pixels only: no EXIF, no ICC, no comment
    return out.getvalue()
