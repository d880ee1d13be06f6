"""RapidOCR's ONNX models, run directly: text detection, and recognition restricted to digits.

The models are the files inside the ``rapidocr`` pip package (PP-OCR detection and
recognition); nothing is downloaded. They are run through onnxruntime with our own
pre- and post-processing, because reading card numbers needs what the stock pipeline
does not give: the recogniser's full per-time-step distribution, so that decoding can be
restricted to digits and a separator and each character gets its own probability, and
the unrestricted reading beside it, which tells Eastern Arabic writing (read by this
Latin/Chinese model as letters) from Western digits.

One ``Engine`` per process: onnxruntime sessions are not shared across processes, and
each runs on one thread so that a pool of processes uses the cores without contention.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dalil.errors import DalilError

DET_SIDE = 640  # longest side given to detection: fast, and more accurate here than 960+
DET_THRESHOLD = 0.3  # DBNet probability that a pixel is text
BOX_THRESHOLD = 0.5  # mean probability inside a region for it to count as text
UNCLIP_RATIO = 1.6  # DBNet predicts shrunk text kernels; grow them back (PP-OCR default)
MIN_REGION = 12  # pixels at detection scale; smaller regions are specks
REC_HEIGHT = 48
DIGIT_CLASSES = "0123456789/"

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Region:
    """A detected text region: a rotated rectangle in image pixels."""

    centre: tuple[float, float]
    size: tuple[float, float]  # along the text, across it
    angle: float  # degrees of the text direction, counter-clockwise from x, -45..45
    score: float

    def corners(self) -> list[tuple[float, float]]:
        (cx, cy), (w, h) = self.centre, self.size
        a = math.radians(-self.angle)  # image y points down
        ux, uy = math.cos(a), math.sin(a)
        vx, vy = -uy, ux
        return [
            (cx + sx * ux * w / 2 + sy * vx * h / 2, cy + sx * uy * w / 2 + sy * vy * h / 2)
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]


@dataclass(frozen=True)
class Recognised:
    text: str  # restricted to digits and "/"
    confidences: tuple[float, ...]  # one per character of ``text``
    free_text: str  # what the model reads with its whole alphabet


class EngineMissing(DalilError):
    """The OCR models are not installed."""


def model_dir() -> Path:
    spec = importlib.util.find_spec("rapidocr")  # located, not imported: its import is slow
    if spec is None or not spec.submodule_search_locations:
        raise EngineMissing(
            "the rapidocr package is not installed; install dalil's dependencies "
            "(pip install rapidocr onnxruntime)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _model(kind: str) -> Path:
    found = sorted(model_dir().glob(f"*_{kind}_*.onnx"))
    if not found:
        raise EngineMissing(f"rapidocr ships no {kind} model in {model_dir()}; reinstall it")
    return found[-1]


def model_identity() -> dict[str, str]:
    """File name and SHA-256 of each model, recorded with every reading."""
    return {
        kind: f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
        for kind in ("det", "rec")
        for path in [_model(kind)]
    }


class Engine:
    def __init__(self) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        providers = ["CPUExecutionProvider"]
        self._det = ort.InferenceSession(str(_model("det")), options, providers=providers)
        self._rec = ort.InferenceSession(str(_model("rec")), options, providers=providers)
        characters = self._rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._alphabet = ["", *characters, " "]  # CTC blank first, as PP-OCR trains it
        self._digits = np.array([0] + [self._alphabet.index(c) for c in DIGIT_CLASSES])

    @cached_property
    def _det_input(self) -> str:
        return str(self._det.get_inputs()[0].name)

    @cached_property
    def _rec_input(self) -> str:
        return str(self._rec.get_inputs()[0].name)

    def detect(self, bgr: Image) -> list[Region]:
        """Text regions, as rotated rectangles grown back to the whole text."""
        height, width = bgr.shape[:2]
        scale = DET_SIDE / max(height, width)
        h32 = max(32, round(height * scale / 32) * 32)
        w32 = max(32, round(width * scale / 32) * 32)
        small = cv2.resize(bgr, (w32, h32), interpolation=cv2.INTER_AREA).astype(np.float32)
        tensor = ((small / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
        prob = self._det.run(None, {self._det_input: tensor})[0][0, 0]
        return _regions(prob, (width / w32, height / h32))

    def recognise(self, crops: list[Image]) -> list[Recognised]:
        """Read each crop (BGR, text horizontal) as digits and "/", with confidences."""
        if not crops:
            return []
        widths = [max(8, math.ceil(REC_HEIGHT * c.shape[1] / max(c.shape[0], 1))) for c in crops]
        batch = np.zeros((len(crops), 3, REC_HEIGHT, max(widths)), dtype=np.float32)
        for i, (crop, w) in enumerate(zip(crops, widths, strict=True)):
            resized = cv2.resize(crop, (w, REC_HEIGHT)).astype(np.float32)
            batch[i, :, :, :w] = ((resized / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
        output = self._rec.run(None, {self._rec_input: batch})[0]
        return [self._decode(steps) for steps in output]

    def _decode(self, steps: npt.NDArray[np.float32]) -> Recognised:
        best = steps.argmax(axis=1)
        free = "".join(
            self._alphabet[k] for i, k in enumerate(best) if k and (i == 0 or k != best[i - 1])
        )
        sub = steps[:, self._digits]
        sub = sub / np.maximum(sub.sum(axis=1, keepdims=True), 1e-9)
        picks = sub.argmax(axis=1)
        chars: list[str] = []
        confidences: list[float] = []
        previous = -1
        for k, row in zip(picks, sub, strict=True):
            if k and k != previous:
                chars.append(DIGIT_CLASSES[k - 1])
                confidences.append(float(row[k]))
            elif k and k == previous:  # the same character over several steps: keep the surest
                confidences[-1] = max(confidences[-1], float(row[k]))
            previous = int(k)
        return Recognised("".join(chars), tuple(confidences), free.strip())


def _regions(prob: npt.NDArray[np.float32], scale: tuple[float, float]) -> list[Region]:
    mask = (prob > DET_THRESHOLD).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    regions = []
    for contour in contours:
        if cv2.contourArea(contour) < MIN_REGION:
            continue
        region_mask = np.zeros_like(mask)
        cv2.drawContours(region_mask, [contour], -1, 1, thickness=-1)
        score = float(prob[region_mask.astype(bool)].mean())
        if score < BOX_THRESHOLD:
            continue
        regions.append(_unclip(contour, score, scale))
    return regions


def _unclip(contour: Any, score: float, scale: tuple[float, float]) -> Region:
    rect = cv2.minAreaRect(contour)
    points = cv2.boxPoints(rect) * np.array(scale, dtype=np.float32)
    edges = [points[1] - points[0], points[2] - points[1]]
    lengths = [float(np.hypot(*e)) for e in edges]
    along = 0 if lengths[0] >= lengths[1] else 1
    dx, dy = (float(v) for v in edges[along])
    angle = math.degrees(math.atan2(-dy, dx))  # counter-clockwise, as seen on screen
    angle = (angle + 90) % 180 - 90  # a line of text has no head: keep it within ±90
    w, h = lengths[along], lengths[1 - along]
    grow = w * h * UNCLIP_RATIO / max(2 * (w + h), 1e-6)
    centre = points.mean(axis=0)
    return Region((float(centre[0]), float(centre[1])), (w + 2 * grow, h + 2 * grow), angle, score)
