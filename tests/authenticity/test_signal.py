"""The signal-processing core: wavelets, sensor fingerprints, double compression,
thumbnails and quantization tables, each against a case with a known answer."""

from __future__ import annotations

import io
import struct

import cv2
import numpy as np
import pytest
import pywt
from PIL import Image

from dalil.authenticity import doublejpeg, prnu, thumbnail, wavelet
from dalil.authenticity.measure import Unreadable, decode_luma
from dalil.authenticity.quantization import estimated_quality, standard_quality
from dalil.authenticity.sensors import cluster
from dalil.synth.quantization import camera_tables
from dalil.vault.jpeg import read_header

SIDE = 128


def _texture(seed: int, side: int = SIDE) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.normal(128, 40, (side // 8, side // 8)).astype(np.float32)
    return cv2.resize(coarse, (side, side), interpolation=cv2.INTER_CUBIC)


def _jpeg(pixels: np.ndarray, **options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.stack([pixels] * 3, axis=-1)).save(out, "JPEG", **options)
    return out.getvalue()


def _luma(data: bytes) -> np.ndarray:
    return decode_luma(data)


@pytest.mark.parametrize("name", ["haar", "db2", "db4", "db8"])
def test_wavelet_transform_matches_pywavelets_and_inverts_exactly(name: str) -> None:
    x = np.random.default_rng(0).random((32, 48))
    approx, details = wavelet.dwt2(np, x, name)
    expected_approx, expected_details = pywt.dwt2(x, name, mode="periodization")
    assert np.allclose(approx, expected_approx)
    assert all(np.allclose(a, b) for a, b in zip(details, expected_details, strict=True))
    assert np.allclose(wavelet.idwt2(np, approx, details, name), x)


def _sensor_images(pattern: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    images = []
    for i in range(count):
        scene = np.clip(_texture(seed * 100 + i) * 0.5 + 90, 20, 230)
        images.append(scene * (1 + 0.02 * pattern) + rng.normal(0, 2, scene.shape))
    return images


def _inputs(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return prnu.prepare(np, image.astype(np.float32), "db4", 4, 3.0, 250)


def test_a_fingerprint_recognises_its_own_sensor_and_not_another() -> None:
    rng = np.random.default_rng(7)
    own, other = rng.standard_normal((2, SIDE, SIDE)).astype(np.float32)
    sums = None
    for image in _sensor_images(own, 6, 1):
        sums = prnu.add(np, sums, *_inputs(image))
    assert sums is not None
    estimate = prnu.fingerprint(np, sums)
    same = _inputs(_sensor_images(own, 1, 2)[0])
    different = _inputs(_sensor_images(other, 1, 3)[0])
    assert prnu.pce(np, *same, estimate) > 60
    assert prnu.pce(np, *different, estimate) < 60


def test_an_image_is_never_tested_against_its_own_contribution() -> None:
    pattern = np.random.default_rng(8).standard_normal((SIDE, SIDE)).astype(np.float32)
    noisy = np.random.default_rng(9).normal(128, 2, (SIDE, SIDE))  # no sensor pattern at all
    inputs = _inputs(noisy)
    sums = None
    for image in _sensor_images(pattern, 3, 4):
        sums = prnu.add(np, sums, *_inputs(image))
    assert sums is not None
    sums = prnu.add(np, sums, *inputs)
    inside = prnu.pce(np, *inputs, prnu.fingerprint(np, sums))
    left_out = prnu.pce(np, *inputs, prnu.fingerprint(np, sums, inputs))
    assert inside > 60 > left_out


def test_clustering_joins_images_of_one_sensor_only() -> None:
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal((2, SIDE, SIDE)).astype(np.float32)
    images = _sensor_images(a, 3, 5) + _sensor_images(b, 2, 6)
    vectors = np.stack([prnu.normalised(np, _inputs(image)[0]) for image in images])
    assert cluster(vectors, 0.01) == [[0, 1, 2], [3, 4]]


@pytest.mark.parametrize(("first", "second"), [(90, 75), (92, 85), (95, 80)])
def test_double_compression_is_seen_only_after_a_first_compression(first: int, second: int) -> None:
    rng = np.random.default_rng(1)
    coarse = rng.normal(128, 40, (64, 64)).astype(np.float32)
    scene = cv2.resize(coarse, (384, 384), interpolation=cv2.INTER_CUBIC)
    pixels = np.clip(scene + rng.normal(0, 3, scene.shape), 0, 255).astype(np.uint8)
    tables = camera_tables(np.random.default_rng(first), first)
    camera = _jpeg(pixels, qtables=[list(tables[0]), list(tables[1])])
    resaved = _jpeg(_luma(camera), quality=second)
    once = _jpeg(pixels, quality=second)
    candidates = {"camera": tuple(tables[0])}

    def statistic(data: bytes) -> float:
        current = tuple(read_header(data).qtables[0])
        found = doublejpeg.best_first_compression(_luma(data), current, candidates, 15)
        assert found is not None
        return found[1]

    assert statistic(resaved) > 0.003 > statistic(once)


def test_thumbnail_comparison_sees_a_pasted_area_and_a_crop() -> None:
    image = np.clip(cv2.resize(_texture(12, 40), (320, 240)), 0, 255).astype(np.float32)
    small = cv2.resize(image, (160, 120), interpolation=cv2.INTER_AREA)
    assert thumbnail.compare(image, small).difference < 3
    pasted = image.copy()
    pasted[100:150, 120:200] = 255 - pasted[100:150, 120:200]
    assert thumbnail.compare(pasted, small).difference > 8
    cropped = image[:, :200]
    assert abs(thumbnail.compare(cropped, small).aspect_change) > 0.03


def test_a_thumbnail_claiming_millions_of_pixels_is_not_decoded() -> None:
    big = _bomb_header(4000, 4000)
    with pytest.raises(ValueError, match="claims"):
        thumbnail.decode_thumbnail(big)


def _bomb_header(width: int, height: int) -> bytes:
    """A JPEG start that claims ``width``×``height`` and holds no image data."""
    real = _jpeg(np.zeros((8, 8), dtype=np.uint8), quality=50)
    sof = real.index(b"\xff\xc0")
    return real[: sof + 5] + struct.pack(">HH", height, width) + real[sof + 9 :]


def test_an_image_claiming_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(Unreadable, match="safety limit"):
        decode_luma(_bomb_header(9000, 9000))


@pytest.mark.parametrize("data", [b"", b"\xff\xd8", b"\xff\xd8\xff\xdb\x00\x43" + bytes(70)])
def test_broken_bytes_are_unreadable_not_a_crash(data: bytes) -> None:
    with pytest.raises(Unreadable):
        decode_luma(data)


@pytest.mark.parametrize("quality", [30, 50, 75, 90, 95, 100])
def test_libjpeg_tables_are_recognised_with_their_quality(quality: int) -> None:
    data = _jpeg(np.zeros((16, 16), dtype=np.uint8), quality=quality)
    tables = tuple(tuple(t) for _, t in sorted(read_header(data).qtables.items()))
    assert standard_quality(tables) == quality
    assert estimated_quality(tables[0]) == quality


def test_camera_tables_are_not_taken_for_libjpeg_ones() -> None:
    tables = camera_tables(np.random.default_rng(3), 92)
    assert standard_quality(tables) is None


def test_numpy_is_the_default_and_a_missing_gpu_is_refused_with_a_reason() -> None:
    from dalil.authenticity import backend
    from dalil.errors import InputError

    assert backend.array_module("cpu") is np
    if backend._cupy() is None:
        assert backend.array_module("auto") is np
        with pytest.raises(InputError, match="CuPy"):
            backend.array_module("gpu")
