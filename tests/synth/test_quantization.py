"""Quantization tables: libjpeg's standard ones are what Pillow writes, and no camera's
own tables can be mistaken for an editor's."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

from dalil.synth.quantization import camera_tables, is_standard, standard_tables


@pytest.mark.parametrize("quality", [10, 50, 75, 90, 95, 100])
def test_standard_tables_are_what_libjpeg_writes(quality: int) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", quality=quality)
    image = Image.open(buffer)
    assert isinstance(image, JpegImageFile)
    written = image.quantization
    assert (tuple(written[0]), tuple(written[1])) == standard_tables(quality)


@pytest.mark.parametrize("seed", range(50))
def test_camera_tables_are_never_an_editors(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tables = camera_tables(rng, int(rng.integers(85, 98)))
    assert not is_standard(tables)
    assert all(1 <= v <= 255 for table in tables for v in table)
