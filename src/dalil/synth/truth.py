"""The ground-truth file: everything the generator knows about what it wrote.

It sits at ``OUT/ground-truth.json``, outside ``OUT/drives`` so that ingesting the drives
never ingests the answers. Hashes and sizes are read back from the files as written, so
the truth describes the bytes on disk, not the intentions. One JSON object, one record
per line in its lists. Layout (``format_version`` 1):

    generator, seed, options          how to reproduce it (same seed + version = same bytes)
    drives                            names of the drive folders under drives/
    cameras[]                         id, make, model, serial, owner, software, resolution
                                      [w, h], quality, quantization [luma, chroma] (64 values
                                      each, natural order, as Pillow reads them), subsampling,
                                      byte_order, file_prefix, gps, writes_exif (false: the
                                      extra camera), prnu {seed, strength} (the pattern is
                                      ``camera.prnu_pattern(seed, w, h)``), read_noise
    sessions[]                        id, camera, date, drive, start, digits
    cases[]                           id, category ("detainee" | "other"), session, detainee,
                                      branch, report (null when not written), writing
                                      {surface "card"|"skin", digits "western"|"eastern",
                                      hand, stroke, layout, lines (exactly what is written),
                                      ink}, photos [file keys]
    archives[]                        path, sha256, size, folder, members
    files[]                           one per file or zip member, sorted by key:
        path, member                  the file (for a zip member: the zip, and the name in it)
        key                           path, or ``path!member``
        sha256, size                  of the bytes on disk (of the member, for zip members)
        kind                          "photo" | "copy" | "derived" | "note"
        camera, exif_camera           the true camera; the camera EXIF names (null: no EXIF)
        session, case, photo_index    1-based index of the photo within its case
        taken, exif_taken             true time; time EXIF claims (ISO 8601, camera clock)
        counter                       the file-name counter
        numbers                       {detainee, branch, report} of the case
        card                          {visible, rotation (degrees, counter-clockwise in the
                                      frame), perspective (corner shift / card size), blur
                                      (sigma px at 1600 px width), contrast (1 = full ink),
                                      occlusion null | {side, share}}
        duplicate_of                  key of the original of a byte-identical copy
        derived_from                  key of the photo a derived file was made from
        damage                        null | "truncated" | "zero_bytes" | "random_bytes" |
                                      "not_an_image"
        manipulation                  null | {kind, ...}: "resaved", "pasted" (donor, box,
                                      donor_box, shows_case, shows_numbers), "exif_swapped"
                                      (claimed_camera), "time_shifted" (shift_seconds),
                                      "extra_camera", "resized" (size), "cropped" (crop);
                                      edits also carry edited, tables "camera"|"standard",
                                      quality, software, exif, thumbnail

A "copy" is byte-identical to ``duplicate_of``; a "derived" file was made from
``derived_from`` by its ``manipulation``; a "note" is not an image.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dalil.synth.camera import Camera
from dalil.synth.handling import Handling
from dalil.synth.plan import Case, Plan, Shot
from dalil.synth.writing import Capture

FORMAT_VERSION = 1
FILE_NAME = "ground-truth.json"
FILE_FIELDS = (
    "path", "member", "key", "sha256", "size", "kind", "camera", "exif_camera", "session",
    "case", "photo_index", "taken", "exif_taken", "counter", "numbers", "card",
    "duplicate_of", "derived_from", "damage", "manipulation",
)  # fmt: skip


def file_key(path: str, member: str | None) -> str:
    return f"{path}!{member}" if member else path


@dataclass(frozen=True)
class Derived:
    """A file made from a camera original (resized, cropped copy)."""

    shot: int
    target: str
    manipulation: dict[str, Any]
    exif_kept: bool


def build_truth(
    out: Path,
    plan: Plan,
    handling: Handling,
    header: dict[str, Any],
    manipulated: dict[int, dict[str, Any]],
    derived: list[Derived],
) -> dict[str, Any]:
    """The ground truth of a finished run. ``manipulated`` labels photos changed in place
    (by shot index); ``derived`` lists new files made from photos."""
    damage = {d.shot: d.kind for d in handling.damage}
    bundle = handling.bundle
    zipped = set(bundle.shots) if bundle else set()
    files: list[dict[str, Any]] = []
    for shot in plan.shots:
        case = plan_case(plan, shot.case)
        member = bundle.member(shot) if bundle and shot.index in zipped else None
        path = bundle.path if bundle and member else shot.path
        entry = _shot_entry(shot, case, path, member, damage.get(shot.index))
        entry["manipulation"] = manipulated.get(shot.index)
        files.append(entry)
    by_index = {s.index: files[i] for i, s in enumerate(plan.shots)}
    for copy in handling.copies:
        entry = {**by_index[copy.shot], "path": copy.target, "key": copy.target, "kind": "copy"}
        entry["duplicate_of"] = by_index[copy.shot]["key"]
        files.append(entry)
    for made in derived:
        source = by_index[made.shot]
        entry = {**source, "path": made.target, "key": made.target, "kind": "derived"}
        entry.update(derived_from=source["key"], manipulation=made.manipulation)
        if not made.exif_kept:
            entry.update(exif_camera=None, exif_taken=None)
        files.append(entry)
    for note in handling.notes:
        files.append(_note_entry(note.path))
    _measure(out, files)
    files.sort(key=lambda f: f["key"])
    archives = []
    if bundle is not None:
        raw = (out / bundle.path).read_bytes()
        members = sorted(bundle.member(plan.shots[i]) for i in bundle.shots)
        archives.append(
            {"path": bundle.path, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw),
             "folder": bundle.folder, "members": members}
        )  # fmt: skip
    return {
        **header,
        "drives": plan.drives,
        "cameras": [camera_entry(c) for c in [*plan.cameras, *plan.extra_cameras]],
        "sessions": [_session_entry(plan, s.id) for s in plan.sessions],
        "cases": [_case_entry(c, files) for c in plan.cases],
        "archives": archives,
        "files": files,
    }


def write_truth(path: Path, truth: dict[str, Any]) -> None:
    """JSON with one camera, session, case or file per line: greppable, diffable."""
    lines = ["{"]
    for position, (key, value) in enumerate(truth.items()):
        comma = "," if position < len(truth) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f" {json.dumps(key)}: [")
            rows = [_compact(item) for item in value]
            lines.extend(f"  {row}," for row in rows[:-1])
            lines.append(f"  {rows[-1]}")
            lines.append(f" ]{comma}")
        else:
            lines.append(f" {json.dumps(key)}: {_compact(value)}{comma}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_truth(path: Path) -> dict[str, Any]:
    """The ground truth of a generated collection (``OUT/ground-truth.json``)."""
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def plan_case(plan: Plan, case_id: str) -> Case:
    return plan.cases[int(case_id[1:]) - 1]


def camera_entry(camera: Camera) -> dict[str, Any]:
    return {
        "id": camera.id,
        "make": camera.make,
        "model": camera.model,
        "serial": camera.serial,
        "owner": camera.owner,
        "software": camera.software,
        "resolution": [camera.width, camera.height],
        "quality": camera.quality,
        "quantization": [list(camera.tables[0]), list(camera.tables[1])],
        "subsampling": camera.subsampling,
        "byte_order": camera.byte_order,
        "file_prefix": camera.prefix,
        "gps": camera.gps is not None,
        "writes_exif": camera.writes_exif,
        "prnu": {"seed": camera.prnu_seed, "strength": camera.prnu_strength},
        "read_noise": camera.read_noise,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _session_entry(plan: Plan, session_id: str) -> dict[str, Any]:
    session = next(s for s in plan.sessions if s.id == session_id)
    return {
        "id": session.id,
        "camera": session.camera,
        "date": session.day.isoformat(),
        "drive": session.drive,
        "start": _iso(session.start),
        "digits": "eastern" if session.eastern else "western",
    }


def _case_entry(case: Case, files: list[dict[str, Any]]) -> dict[str, Any]:
    photos = [f["key"] for f in files if f["case"] == case.id and f["kind"] == "photo"]
    return {
        "id": case.id,
        "category": case.category,
        "session": case.session,
        "detainee": case.numbers.detainee,
        "branch": case.numbers.branch,
        "report": case.numbers.report,
        "writing": {**asdict(case.writing), "lines": list(case.writing.lines)},
        "photos": photos,
    }


def _card(capture: Capture) -> dict[str, Any]:
    card = asdict(capture)
    card["occlusion"] = (
        {"side": capture.occlusion[0], "share": capture.occlusion[1]} if capture.occlusion else None
    )
    return card


def _shot_entry(
    shot: Shot, case: Case, path: str, member: str | None, damage: str | None
) -> dict[str, Any]:
    return {
        "path": path,
        "member": member,
        "key": file_key(path, member),
        "sha256": "",
        "size": 0,
        "kind": "photo",
        "camera": shot.camera,
        "exif_camera": shot.exif_camera,
        "session": shot.session,
        "case": shot.case,
        "photo_index": shot.photo_index,
        "taken": _iso(shot.taken),
        "exif_taken": _iso(shot.exif_taken) if shot.exif_camera else None,
        "counter": shot.counter,
        "numbers": {
            "detainee": case.numbers.detainee,
            "branch": case.numbers.branch,
            "report": case.numbers.report,
        },
        "card": _card(shot.capture),
        "duplicate_of": None,
        "derived_from": None,
        "damage": damage,
        "manipulation": None,
    }


def _note_entry(path: str) -> dict[str, Any]:
    entry: dict[str, Any] = dict.fromkeys(FILE_FIELDS)
    entry.update(path=path, key=path, kind="note", damage="not_an_image")
    return entry


def _measure(out: Path, files: list[dict[str, Any]]) -> None:
    """Fill sha256 and size from the bytes actually on disk (or in the zip)."""
    archives: dict[str, zipfile.ZipFile] = {}
    try:
        for entry in files:
            if entry["member"] is None:
                data = (out / entry["path"]).read_bytes()
            else:
                if entry["path"] not in archives:
                    archives[entry["path"]] = zipfile.ZipFile(out / entry["path"])
                data = archives[entry["path"]].read(entry["member"])
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["size"] = len(data)
    finally:
        for archive in archives.values():
            archive.close()
