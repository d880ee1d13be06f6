"""Known manipulations, planned: which photos are edited, how, and from what.

The authenticity checks are scored against these. Four kinds change a photo in place
(re-saved by an editor, a region pasted from another photo, EXIF of another camera,
a shifted clock), two add derived copies (resized, cropped), and one adds photos from a
camera outside the known set, with EXIF removed. A photo gets at most one manipulation;
donors and sources of copies are never themselves edited, so every edit starts from a
camera original.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from dalil.synth.plan import Plan, Shot
from dalil.synth.render import card_location
from dalil.synth.truth import plan_case

IN_PLACE = ("resaved", "pasted", "exif_swapped", "time_shifted")
DERIVED = ("resized", "cropped")
KINDS = (*IN_PLACE, "extra_camera", *DERIVED)
EDITORS = (
    "Adobe Photoshop CS5 Windows",
    "Adobe Photoshop CS6 (Macintosh)",
    "GIMP 2.8.10",
    "Microsoft Windows Photo Viewer 6.1.7600.16385",
)
EDITOR_QUALITIES = (75, 80, 85, 90, 92, 95)
MIN_EXTRA_PHOTOS = 6  # enough for a sensor fingerprint of the extra camera
MAX_RATE = 0.5


@dataclass(frozen=True)
class Edit:
    """One file-level manipulation (``resaved``, ``pasted``, ``resized``, ``cropped``)."""

    kind: str
    shot: int  # the photo edited in place, or the source of a derived copy
    target: str  # the file written: the photo's own path, or a new one
    edited: datetime  # when the editor saved it (file time, EXIF DateTime)
    quality: int | None = None  # libjpeg quality; None: the camera's own tables
    software: str | None = None  # editor written in EXIF Software; None: unchanged
    donor: int | None = None  # pasted: the photo the region comes from
    box: tuple[int, int, int, int] | None = None  # pasted: where, in the edited photo
    donor_box: tuple[int, int, int, int] | None = None  # pasted: from where in the donor
    size: tuple[int, int] | None = None  # resized: new width and height
    crop: tuple[int, int, int, int] | None = None  # cropped: kept box
    keep_exif: bool = True


@dataclass(frozen=True)
class Manipulations:
    edits: tuple[Edit, ...] = ()
    claimed: tuple[tuple[int, str], ...] = ()  # (shot, camera its EXIF claims)
    shifted: tuple[tuple[int, int], ...] = ()  # (shot, seconds its EXIF clock is off)
    extra: tuple[int, ...] = ()  # shots by the extra camera


def extra_photo_count(rate: float, photos: int) -> int:
    """Photos the extra camera takes, out of ``photos`` in all."""
    if rate <= 0:
        return 0
    return max(MIN_EXTRA_PHOTOS, round(rate * photos / len(KINDS)))


def plan_manipulations(seed: int, plan: Plan, candidates: list[int], rate: float) -> Manipulations:
    """Choose manipulations among ``candidates`` (loose, undamaged, uncopied photos)."""
    if rate <= 0:
        return Manipulations()
    rng = np.random.default_rng([seed, 5])
    known = {c.id for c in plan.cameras}
    pool = [i for i in candidates if plan.shots[i].camera in known]
    each = max(1, round(rate * len(plan.shots) / len(KINDS)))
    order = [int(i) for i in rng.permutation(pool)]
    visible = [i for i in order if card_at(plan, i) is not None]
    targets: dict[str, list[int]] = {}
    used: set[int] = set()
    targets["pasted"] = _take(visible, each, used)
    for kind in ("resaved", "exif_swapped", "time_shifted"):
        targets[kind] = _take(order, each, used)
    donors = [_donor(plan, i, visible, used) for i in targets["pasted"]]
    for kind in DERIVED:
        targets[kind] = _take(order, each, used)
    edits = [_resave(rng, plan, i) for i in targets["resaved"]]
    edits += [
        _paste(rng, plan, i, d)
        for i, d in zip(targets["pasted"], donors, strict=True)
        if d is not None
    ]
    edits += [_derive(rng, plan, kind, i) for kind in DERIVED for i in targets[kind]]
    cameras = [c.id for c in plan.cameras]
    claimed = tuple(
        (i, str(rng.choice([c for c in cameras if c != plan.shots[i].camera])))
        for i in targets["exif_swapped"]
    )
    shifted = tuple((i, _clock_error(rng)) for i in targets["time_shifted"])
    extra = tuple(s.index for s in plan.shots if s.camera not in known)
    return Manipulations(tuple(edits), claimed, shifted, extra)


def with_exif_changes(plan: Plan, manipulations: Manipulations) -> Plan:
    """The plan with EXIF claims changed: another camera's identity, a shifted clock."""
    shots = list(plan.shots)
    for index, camera in manipulations.claimed:
        shots[index] = replace(shots[index], exif_camera=camera)
    for index, seconds in manipulations.shifted:
        taken = shots[index].taken + timedelta(seconds=seconds)
        shots[index] = replace(shots[index], exif_taken=taken)
    return replace(plan, shots=shots)


def card_at(plan: Plan, index: int) -> tuple[int, int, int, int] | None:
    shot = plan.shots[index]
    return card_location(plan.camera(shot.camera), shot, plan_case(plan, shot.case))


def _take(order: list[int], count: int, used: set[int]) -> list[int]:
    chosen = [i for i in order if i not in used][:count]
    used.update(chosen)
    return chosen


def _donor(plan: Plan, target: int, visible: list[int], used: set[int]) -> int | None:
    """A photo of another body whose card has the same layout, from the same camera if
    possible: the pasted card then fits and the forgery is as hard to see as it gets."""
    shot = plan.shots[target]
    lines = len(plan_case(plan, shot.case).writing.lines)
    fitting = [
        i
        for i in visible
        if i not in used
        and plan.shots[i].case != shot.case
        and len(plan_case(plan, plan.shots[i].case).writing.lines) == lines
    ]
    same_camera = [i for i in fitting if plan.shots[i].camera == shot.camera]
    choices = same_camera or fitting
    if not choices:
        return None
    used.add(choices[0])
    return choices[0]


def _edit_time(rng: np.random.Generator, shot: Shot) -> datetime:
    return shot.taken + timedelta(
        days=int(rng.integers(1, 400)), seconds=int(rng.integers(0, 86_400))
    )


def _resave(rng: np.random.Generator, plan: Plan, index: int) -> Edit:
    shot = plan.shots[index]
    return Edit(
        "resaved",
        index,
        shot.path,
        _edit_time(rng, shot),
        quality=int(rng.choice(EDITOR_QUALITIES)),
        software=str(rng.choice(EDITORS)),
    )


def _paste(rng: np.random.Generator, plan: Plan, index: int, donor: int) -> Edit:
    """The card of another body pasted over this photo's card: other numbers shown."""
    shot = plan.shots[index]
    careful = rng.random() < 0.5  # keeps the camera's tables and EXIF untouched
    return Edit(
        "pasted",
        index,
        shot.path,
        _edit_time(rng, shot),
        quality=None if careful else int(rng.choice(EDITOR_QUALITIES)),
        software=None if careful else str(rng.choice(EDITORS)),
        donor=donor,
        box=card_at(plan, index),
        donor_box=card_at(plan, donor),
    )


def _derive(rng: np.random.Generator, plan: Plan, kind: str, index: int) -> Edit:
    shot = plan.shots[index]
    camera = plan.camera(shot.camera)
    drive, day = shot.folder.split("/")[1:3]
    stem = shot.filename.rsplit(".", 1)[0]
    target = f"drives/{drive}/export/{day}_{stem}_{'small' if kind == 'resized' else 'crop'}.jpg"
    common: dict[str, Any] = {
        "edited": _edit_time(rng, shot),
        "quality": int(rng.choice(EDITOR_QUALITIES)),
        "software": str(rng.choice(EDITORS)),
        "keep_exif": bool(rng.random() < 0.5),
    }
    if kind == "resized":
        factor = float(rng.uniform(0.4, 0.8))
        size = (round(camera.width * factor), round(camera.height * factor))
        return Edit(kind, index, target, size=size, **common)
    share = float(rng.uniform(0.6, 0.9))
    w, h = round(camera.width * share), round(camera.height * share)
    x0 = int(rng.integers(0, camera.width - w + 1))
    y0 = int(rng.integers(0, camera.height - h + 1))
    return Edit(kind, index, target, crop=(x0, y0, x0 + w, y0 + h), **common)


def _clock_error(rng: np.random.Generator) -> int:
    """Seconds the EXIF clock is moved: hours, days, or a year (a reset camera clock)."""
    unit = int(rng.choice([3600, 86_400, 365 * 86_400]))
    span = {3600: (1, 13), 86_400: (1, 60), 365 * 86_400: (1, 2)}[unit]
    sign = 1 if rng.random() < 0.5 else -1
    return sign * unit * int(rng.integers(*span))


def describe(edit: Edit, plan: Plan) -> dict[str, Any]:
    """The ground-truth record of a file edit."""
    record: dict[str, Any] = {"kind": edit.kind, "edited": edit.edited.isoformat()}
    record["tables"] = "camera" if edit.quality is None else "standard"
    record["quality"] = edit.quality
    record["software"] = edit.software
    if edit.kind == "pasted" and edit.donor is not None:
        donor = plan.shots[edit.donor]
        numbers = plan_case(plan, donor.case).numbers
        record["donor"] = donor.path  # donors are loose camera originals
        record["box"] = list(edit.box or ())
        record["donor_box"] = list(edit.donor_box or ())
        record["shows_case"] = donor.case
        record["shows_numbers"] = {
            "detainee": numbers.detainee, "branch": numbers.branch, "report": numbers.report,
        }  # fmt: skip
    if edit.size is not None:
        record["size"] = list(edit.size)
    if edit.crop is not None:
        record["crop"] = list(edit.crop)
    if edit.kind in DERIVED:
        record["exif"] = "kept" if edit.keep_exif else "removed"
    if edit.keep_exif:  # editors here copy the EXIF block, thumbnail and all
        record["thumbnail"] = "original"
    return record


def labels(manipulations: Manipulations, plan: Plan) -> dict[int, dict[str, Any]]:
    """Ground-truth ``manipulation`` records of photos changed in place, by shot."""
    records: dict[int, dict[str, Any]] = {}
    for edit in manipulations.edits:
        if edit.kind in IN_PLACE:
            records[edit.shot] = describe(edit, plan)
    for index, camera in manipulations.claimed:
        records[index] = {"kind": "exif_swapped", "claimed_camera": camera}
    for index, seconds in manipulations.shifted:
        records[index] = {"kind": "time_shifted", "shift_seconds": seconds}
    for index in manipulations.extra:
        records[index] = {"kind": "extra_camera", "exif": "removed"}
    return records
