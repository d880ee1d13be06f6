"""The face pipeline on a few real ORL faces (living volunteers), and the face index.

The ORL images are read in place from ../shared/data/faces/orl; these tests are skipped
where that folder is absent. A handful of embeddings only: each costs a fraction of a
second on a laptop.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from dalil.identification.faces import detection, embedding, index, models, pooling, search
from dalil.identification.faces.detection import DetectSettings
from dalil.identification.records import FaceSet, PMCase

ORL = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces" / "orl"
needs_orl = pytest.mark.skipif(not ORL.is_dir(), reason=f"ORL faces not found at {ORL}")
CROP = DetectSettings(assume_crop=True)


def _orl(person: int, image: int) -> Image.Image:
    return Image.open(ORL / f"s{person}" / f"{image}.pgm")


@pytest.fixture(scope="module")
def faces() -> dict[str, embedding.Face]:
    found = {}
    for name, image in {
        "s1/1": _orl(1, 1),
        "s1/2": _orl(1, 2),
        "s2/1": _orl(2, 1),
        "s1/2 turned 90": _orl(1, 2).rotate(90, expand=True),
        "s1/2 blurred": _orl(1, 2).filter(ImageFilter.GaussianBlur(2.5)),
    }.items():
        face = embedding.embed_image(image, CROP)
        assert face is not None
        found[name] = face
    return found


def _distance(a: embedding.Face, b: embedding.Face) -> float:
    return float(np.linalg.norm(a.vector - b.vector))


def test_models_are_found_inside_the_installed_package() -> None:
    for name in (models.SHAPE_PREDICTOR, models.ENCODER, models.CNN_DETECTOR):
        assert models.model_path(name).stat().st_size > 500_000


@needs_orl
def test_same_person_is_closer_than_another_person(faces: dict[str, embedding.Face]) -> None:
    same = _distance(faces["s1/1"], faces["s1/2"])
    other = _distance(faces["s1/1"], faces["s2/1"])
    assert same < 0.6 < other or same < other - 0.15
    assert faces["s1/1"].vector.shape == (128,) and faces["s1/1"].vector.dtype == np.float32


@needs_orl
def test_a_face_lying_on_its_side_is_found_and_turned_upright(
    faces: dict[str, embedding.Face],
) -> None:
    turned = faces["s1/2 turned 90"]
    assert turned.detection.angle in (240, 270, 300)
    assert _distance(turned, faces["s1/2"]) < _distance(faces["s1/2"], faces["s2/1"])


@needs_orl
def test_blur_lowers_the_quality_score(faces: dict[str, embedding.Face]) -> None:
    assert faces["s1/2 blurred"].quality < faces["s1/2"].quality
    assert 0 < faces["s1/2"].quality <= 1


@needs_orl
@pytest.mark.parametrize("turn", [0, 90, 270])
def test_a_volunteer_face_is_found_without_assuming_a_crop(turn: int) -> None:
    found = detection.find_face(_orl(1, 1).rotate(turn, expand=True))
    assert found is not None and found.source == "detector"
    assert found.confidence is not None  # the second opinion was asked, and agreed
    residual = (found.angle + turn + 180) % 360 - 180
    assert abs(residual) <= 30


@needs_orl
def test_a_face_in_a_large_photo_is_found_where_it_is() -> None:
    """Large photos are searched downscaled; the box must come back at full size."""
    rng = np.random.default_rng(3)
    photo = Image.fromarray(rng.normal(140, 6, (1200, 1600)).clip(0, 255).astype(np.uint8))
    face = _orl(2, 1).resize((276, 336), Image.Resampling.BICUBIC)
    photo.paste(face, (900, 500))
    found = detection.find_face(photo)
    assert found is not None and found.angle == 0 and found.scale == 1.0
    left, top, right, bottom = found.box
    assert left <= 900 + 138 <= right and top <= 500 + 168 <= bottom
    assert 100 < right - left < 336


def test_a_known_crop_without_a_detectable_face_is_taken_whole() -> None:
    flat = Image.new("L", (92, 112), 128)
    assert detection.find_face(flat) is None
    found = detection.find_face(flat, CROP)
    assert found is not None and found.source == "crop" and found.score is None


def test_method_record_has_no_floats() -> None:
    flat = Image.new("L", (92, 112), 128)
    face = embedding.embed_image(flat, CROP)
    assert face is not None
    assert not any(isinstance(v, float) for v in face.method().values())
    assert embedding.from_bytes(embedding.to_bytes(face.vector)).tolist() == face.vector.tolist()


def test_numpy_and_faiss_indexes_return_the_same_neighbours() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 128)).astype(np.float32)
    queries = rng.normal(size=(5, 128)).astype(np.float32)
    exact_d, exact_i = index.ExactIndex(vectors).search(queries, 20)
    faiss_d, faiss_i = index.FaissIndex(vectors, use_gpu=False).search(queries, 20)
    assert (exact_i == faiss_i).all()
    assert np.allclose(exact_d, faiss_d, atol=1e-3)
    assert index.build_index(vectors).backend == "numpy"


def test_case_faces_give_best_pair_and_bound_the_rest() -> None:
    rng = np.random.default_rng(1)
    portrait = rng.normal(size=(1, 128)).astype(np.float32)
    near = np.vstack([portrait + 0.01, rng.normal(size=(3, 128))]).astype(np.float32)
    cases = [PMCase("near", faces=FaceSet.of(near))] + [
        PMCase(f"far{i}", faces=FaceSet.of(rng.normal(size=(4, 128)))) for i in range(50)
    ]
    found = search.CaseFaces(cases).evidence(FaceSet.of(portrait), shortlist=8)
    assert found["near"].distance == pytest.approx(pooling.best_pair(portrait, near), abs=1e-4)
    assert not found["near"].beyond_shortlist and found["near"].pairs == 4
    bounded = [found[c.case_id] for c in cases if found[c.case_id].beyond_shortlist]
    assert bounded and all(e.distance >= found["near"].distance for e in bounded)
    assert len(found) == len(cases) and len(found.found) < len(cases)
