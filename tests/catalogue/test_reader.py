"""The reader on drawn cards: straightened, restricted to digits, both scripts."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from dalil.catalogue import glyphs
from dalil.catalogue.cardview import card_crop
from dalil.catalogue.lines import binarise
from dalil.catalogue.reader import NO_WRITING, Reader
from dalil.catalogue.vocabulary import load_vocabulary

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(load_vocabulary())


def card_photo(lines: list[str], angle: float, eastern: bool = False) -> np.ndarray:
    """A grey floor with a white card turned by ``angle`` degrees, the lines written on it."""
    card = Image.new("RGB", (420, 300), (238, 238, 232))
    draw = ImageDraw.Draw(card)
    font = ImageFont.truetype(DEJAVU, 64)
    for i, line in enumerate(lines):
        draw.text((60, 20 + i * 90), line, font=font, fill=(30, 30, 40))
    bgr = cv2.cvtColor(np.array(card), cv2.COLOR_RGB2BGR)
    photo = np.full((900, 1200, 3), (120, 128, 122), np.uint8)
    matrix = cv2.getRotationMatrix2D((210, 150), angle, 1.0)
    matrix[:, 2] += (300, 300)
    mask = cv2.warpAffine(np.full((300, 420), 255, np.uint8), matrix, (1200, 900))
    turned = cv2.warpAffine(bgr, matrix, (1200, 900))
    photo[mask > 0] = turned[mask > 0]
    return photo


@pytest.mark.parametrize("angle", [-25.0, 0.0, 18.0])
def test_a_turned_card_is_straightened_and_read(reader: Reader, angle: float) -> None:
    reading = reader.read_image(card_photo(["1608", "251", "2801"], angle))
    values = {n: f.value for n, f in reading.parsed.fields.items()}
    assert values == {"detainee": "1608", "branch": "251", "report": "2801"}
    assert reading.script == "western" and reading.card is not None
    assert all(f.confidence > 0.5 for f in reading.parsed.fields.values())


def test_eastern_arabic_digits_are_read_as_eastern(reader: Reader) -> None:
    reading = reader.read_image(card_photo(["١٥٠٤", "٢١٥", "٢٨٠٦"], 10.0, eastern=True))
    assert reading.script == "eastern"
    assert reading.parsed.fields["branch"].value == "215"
    assert reading.parsed.fields["report"].value == "2806"


def test_the_glyph_classifier_reads_a_printed_line() -> None:
    image = Image.new("RGB", (400, 90), (240, 240, 236))
    ImageDraw.Draw(image).text((20, 5), "٢٣٤٥٦٧٨٩", font=ImageFont.truetype(DEJAVU, 60),
                               fill=(20, 20, 20))  # fmt: skip
    text, confidences = glyphs.read_glyphs(binarise(np.array(image)[:, :, ::-1].copy()))
    assert text == "٢٣٤٥٦٧٨٩"
    assert min(confidences) > 0.5


def test_a_photo_without_writing_says_so(reader: Reader) -> None:
    reading = reader.read_image(np.full((600, 800, 3), (120, 128, 122), np.uint8))
    assert NO_WRITING in reading.flags
    assert all(f.value is None for f in reading.parsed.fields.values())


def test_bytes_that_are_not_an_image_are_flagged(reader: Reader) -> None:
    reading = reader.read_bytes(b"not a jpeg")
    assert reading.flags == ("undecodable",)
    assert reading.as_json()["detainee"] == {"value": None, "bp": 0}


@pytest.mark.parametrize("angle", [-25.0, 20.0])
def test_the_reviewers_crop_of_a_turned_card_is_upright(reader: Reader, angle: float) -> None:
    photo = card_photo(["1608", "251", "2801"], angle)
    reading = reader.read_image(photo)
    assert reading.card is not None
    crop = card_crop(cv2.imencode(".png", photo)[1].tobytes(), [list(p) for p in reading.card])
    assert crop is not None
    regions = reader.engine.detect(np.ascontiguousarray(crop[:, :, ::-1]))
    assert len(regions) >= 3 and all(abs(r.angle) < 5 for r in regions)
