"""The demo's synthetic collection, with volunteers' faces on a few bodies.

``dalil.synth`` draws no person. For the identification step a few cases get a living
volunteer's face (``faces``): their photos are rendered again from the generator's own
plan, exactly as the camera would have written them (the same scene, sensor pattern,
quantization tables, EXIF and embedded thumbnail), with the face placed on the shape
that stands for the body, away from the card. So the authenticity checks see camera
originals, not edits. What was changed is recorded beside the ground truth in
``demo-faces.json`` (case, volunteer, each photo's path and new SHA-256), which the
tests read as the truth of the identification step.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from dalil.cli.common import BarReporter
from dalil.demo.faces import Volunteer, degrade
from dalil.synth import jpeg, render
from dalil.synth.camera import Camera, prnu_gain
from dalil.synth.card import draw_writing
from dalil.synth.exif import build_exif
from dalil.synth.plan import Plan, Shot, plan_shots
from dalil.synth.scene import View, case_look, choose_view, draw_scene, to_pixels
from dalil.synth.truth import plan_case

SEED = 7
FACES_FILE = "demo-faces.json"
FACES_FORMAT = 1
FACE_WIDTH = 0.13  # scene units (frame widths at zoom 1): about a fifth of the frame
FACE_OFFSET = 0.1  # from the shape's centre, on the side away from the card
FACE_PHOTOS = 2  # photos of a case that show the face


@dataclass(frozen=True)
class Collection:
    folder: Path
    drives: Path
    truth: dict[str, Any]
    faces: dict[str, Any]  # the contents of demo-faces.json
    generated: bool


def prepare(folder: Path, photos: int, volunteers: list[Volunteer]) -> Collection:
    """Reuse the collection in ``folder`` if it was made for the same photos and faces,
    else generate it again (nothing else is ever kept in that folder)."""
    wanted = {"photos": photos, "volunteers": [v.name for v in volunteers]}
    made = folder / FACES_FILE
    generated = False
    if not made.exists() or _read(made).get("made_for") != wanted:
        from dalil.synth import SynthOptions, generate_collection

        shutil.rmtree(folder, ignore_errors=True)
        generate_collection(folder, SynthOptions(photos=photos, seed=SEED), BarReporter())
        truth = _read(folder / "ground-truth.json")
        record = {"format": FACES_FORMAT, "made_for": wanted, "cases": []}
        record["cases"] = place_faces(folder, truth, volunteers, photos)
        made.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")
        generated = True
    return Collection(
        folder, folder / "drives", _read(folder / "ground-truth.json"), _read(made), generated
    )


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def plain_photos(truth: dict[str, Any]) -> set[str]:
    """Photos that are plain camera files: no copy of them, no damage, no zip member, no
    manipulation (so that rendering one again changes nothing else in the collection)."""
    touched = {f["duplicate_of"] for f in truth["files"] if f["duplicate_of"]}
    touched |= {f["derived_from"] for f in truth["files"] if f["derived_from"]}
    return {
        f["key"]
        for f in truth["files"]
        if f["kind"] == "photo" and f["member"] is None and f["damage"] is None
        and f["manipulation"] is None and f["key"] not in touched
    }  # fmt: skip


def eligible_cases(truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Detainee cases written on a card, with enough plain photos to show a face."""
    plain = plain_photos(truth)
    return [
        c
        for c in truth["cases"]
        if c["category"] == "detainee" and c["writing"]["surface"] == "card" and c["branch"]
        and len(plain.intersection(c["photos"])) >= FACE_PHOTOS
    ]  # fmt: skip


def place_faces(
    folder: Path, truth: dict[str, Any], volunteers: list[Volunteer], photos: int
) -> list[dict[str, Any]]:
    """Give each volunteer's face to one case spread across the collection; returns what
    was changed, for demo-faces.json."""
    candidates = eligible_cases(truth)
    volunteers = volunteers[: len(candidates)]  # a tiny collection has few bodies
    if not volunteers:
        return []
    step = len(candidates) // len(volunteers)
    chosen = [candidates[i * step + step // 2]["id"] for i in range(len(volunteers))]
    plain = frozenset(plain_photos(truth))
    jobs = [(photos, case, v, plain) for case, v in zip(chosen, volunteers, strict=True)]
    reporter = BarReporter()
    reporter.start("placing volunteers' faces", len(jobs), "bodies")
    placed = []
    # Spawned, not forked, and apart from this process: OpenCV's threads must not start
    # here, or the process pools of later stages, which fork, inherit their locks.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(len(jobs), os.cpu_count() or 1), mp_context=spawn) as pool:
        for (_, case, volunteer, _), shots in zip(jobs, pool.map(_face_job, jobs), strict=True):
            done = []
            for path, taken, data in shots:
                render.write_file(folder / path, data, taken)
                done.append({"path": path, "sha256": hashlib.sha256(data).hexdigest()})
            if done:  # else the face fitted in none of the case's views
                placed.append({"case": case, "volunteer": volunteer.name, "photos": done})
            reporter.advance()
    reporter.finish()
    return placed


FaceJob = tuple[int, str, Volunteer, frozenset[str]]  # photos, case, volunteer, plain photos


def _face_job(job: FaceJob) -> list[tuple[str, datetime, bytes]]:
    """The first ``FACE_PHOTOS`` plain photos of a case that can show the face, rendered
    again with it."""
    photos, case_id, volunteer, plain = job
    cv2.setNumThreads(1)
    plan = plan_shots(SEED, photos)
    sessions = {s.id: s.seed for s in plan.sessions}
    shots = []
    for strength, shot in enumerate(s for s in plan.shots if s.case == case_id and s.path in plain):
        camera = plan.camera(shot.camera)
        gain = prnu_gain(camera)
        data = _render_with_face(
            plan, shot, camera, gain, sessions[shot.session], volunteer, strength
        )
        if data is not None:
            shots.append((shot.path, shot.taken, data))
        if len(shots) == FACE_PHOTOS:
            break
    return shots


def _render_with_face(
    plan: Plan,
    shot: Shot,
    camera: Camera,
    gain: np.ndarray,
    floor_seed: int,
    volunteer: Volunteer,
    strength: int,
) -> bytes | None:
    """The shot's bytes as ``render.photo_bytes`` writes them, the face on the shape;
    None when the face would leave the frame in this view."""
    case = plan_case(plan, shot.case)
    rng = np.random.default_rng([shot.seed, 1])
    look = case_look(case.seed, case.writing.surface == "skin")
    view = choose_view(rng, shot.photo_index, look)
    canvas = draw_scene(rng, camera.height, camera.width, floor_seed, look, view)
    if shot.capture.visible:
        draw_writing(canvas, case.writing, shot.capture, look, view, rng)
    if not _paste_face(canvas, view, look.card_centre[0], volunteer, strength):
        return None
    light = cv2.multiply(canvas, gain, dtype=cv2.CV_32F)
    draw = np.random.default_rng([shot.seed, 3]).standard_normal(light.shape, np.float32)
    noise = np.asarray(draw, dtype=np.float32)
    pixels: np.ndarray = cv2.convertScaleAbs(cv2.scaleAdd(noise, camera.read_noise, light))
    encoded = jpeg.encode(pixels, camera.tables, camera.subsampling)
    if shot.exif_camera is None:
        return jpeg.with_app1(encoded, None)
    fields = render.exif_fields(plan.camera(shot.exif_camera), shot, _exif_rng(shot))
    return jpeg.with_app1(encoded, build_exif(fields, jpeg.thumbnail(pixels, camera.tables)))


def _exif_rng(shot: Shot) -> np.random.Generator:
    return np.random.default_rng([shot.seed, 2])  # as render.photo_bytes draws them


def _paste_face(
    canvas: np.ndarray, view: View, card_x: float, volunteer: Volunteer, strength: int
) -> bool:
    height, width = canvas.shape[:2]
    side = 1.0 if card_x >= 0 else -1.0
    centre = to_pixels(view.matrix(width, height), np.array([[-side * FACE_OFFSET, 0.0]]))[0]
    face = degrade(volunteer.post_mortem, strength)
    face_w = round(FACE_WIDTH * view.zoom * width)
    face_h = round(face_w * face.shape[0] / face.shape[1])
    left, top = round(centre[0] - face_w / 2), round(centre[1] - face_h / 2)
    if left < 0 or top < 0 or left + face_w > width or top + face_h > height:
        return False
    resized = cv2.resize(face, (face_w, face_h), interpolation=cv2.INTER_CUBIC)
    canvas[top : top + face_h, left : left + face_w] = resized
    return True


def truth_case(collection: Collection, case_id: str) -> dict[str, Any]:
    by_id: dict[str, dict[str, Any]] = {c["id"]: c for c in collection.truth["cases"]}
    return by_id[case_id]


def session_day(collection: Collection, case: dict[str, Any]) -> str:
    sessions = {s["id"]: s for s in collection.truth["sessions"]}
    return str(sessions[case["session"]]["date"])


__all__ = ["Collection", "prepare", "session_day", "truth_case"]
