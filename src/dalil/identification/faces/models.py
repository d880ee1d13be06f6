"""dlib's face models, found inside the installed ``face_recognition_models`` package.

Every model ships in a pip package and is read from disk: dalil runs offline, and a
model fetched at run time could differ from the one whose error rates were measured.
``face_recognition_models`` looks its files up with ``pkg_resources``, which recent
setuptools no longer has, so the files are located here with ``importlib.resources``.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

from dalil.identification.errors import IdentificationError

PACKAGE = "face_recognition_models"
SHAPE_PREDICTOR = "shape_predictor_5_face_landmarks.dat"
CNN_DETECTOR = "mmod_human_face_detector.dat"
ENCODER = "dlib_face_recognition_resnet_model_v1.dat"
# Name recorded with every embedding: vectors of different models are not comparable.
MODEL_NAME = "dlib_face_recognition_resnet_model_v1"


def model_path(name: str) -> Path:
    try:
        folder = importlib.resources.files(PACKAGE).joinpath("models")
    except ModuleNotFoundError as exc:
        raise IdentificationError(
            "the face models are not installed; install the package "
            "face-recognition-models (pip install face-recognition-models)"
        ) from exc
    path = Path(str(folder.joinpath(name)))
    if not path.is_file():
        raise IdentificationError(f"the face model {name} is missing from {folder}")
    return path


@functools.cache
def detector() -> Any:
    import dlib

    return dlib.get_frontal_face_detector()


@functools.cache
def cnn_detector() -> Any:
    import dlib

    return dlib.cnn_face_detection_model_v1(str(model_path(CNN_DETECTOR)))


@functools.cache
def shape_predictor() -> Any:
    import dlib

    return dlib.shape_predictor(str(model_path(SHAPE_PREDICTOR)))


@functools.cache
def encoder() -> Any:
    import dlib

    return dlib.face_recognition_model_v1(str(model_path(ENCODER)))


def dlib_uses_gpu() -> bool:
    """True when the installed dlib was built with CUDA and sees a GPU."""
    import dlib

    return bool(getattr(dlib, "DLIB_USE_CUDA", False)) and dlib.cuda.get_num_devices() > 0
