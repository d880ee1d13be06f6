"""``generate_collection``: plan, render in parallel, then copy, damage, zip and record.

The run is a pure function of (seed, options, generator version): the same inputs give
byte-identical files, file times and ground truth, whatever the number of workers,
because every shot is rendered from its own seed and nothing depends on the order in
which workers finish.
"""

from __future__ import annotations

import calendar
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dalil.errors import InputError
from dalil.progress import SILENT, Reporter
from dalil.synth import render, truth
from dalil.synth.editor import EditJob, run_edit
from dalil.synth.handling import Handling, damaged_bytes, plan_handling, write_zip
from dalil.synth.manipulation import (
    DERIVED,
    MAX_RATE,
    Manipulations,
    describe,
    extra_photo_count,
    labels,
    plan_manipulations,
    with_exif_changes,
)
from dalil.synth.plan import Plan, plan_shots

GENERATOR_VERSION = 1  # bump whenever the same seed would give different bytes
MIN_PHOTOS = 10  # below this a collection cannot have its structure (cameras, drives, zip)
MAX_PHOTOS = 1_000_000
MIN_PHOTOS_MANIPULATED = 30
MIN_SCALE = 0.05


@dataclass(frozen=True)
class SynthOptions:
    """What to generate. ``scale`` shrinks every camera's resolution (tests use ~0.2)."""

    photos: int
    seed: int = 0
    scale: float = 1.0
    manipulations: float = 0.0  # share of photos manipulated in a known way (0 to 0.5)
    hard_cards: bool = False  # numbers that are hard to read (see dalil.synth.writing)
    workers: int | None = None  # default: one per core

    def check(self) -> None:
        if not MIN_PHOTOS <= self.photos <= MAX_PHOTOS:
            raise InputError(
                f"--photos must be between {MIN_PHOTOS} and {MAX_PHOTOS:,}; got {self.photos}"
            )
        if not MIN_SCALE <= self.scale <= 1.0:
            raise InputError(f"--scale must be between {MIN_SCALE} and 1; got {self.scale}")
        if not 0.0 <= self.manipulations <= MAX_RATE:
            raise InputError(
                f"--manipulations must be between 0 and {MAX_RATE}; got {self.manipulations}"
            )
        if self.manipulations > 0 and self.photos < MIN_PHOTOS_MANIPULATED:
            raise InputError(
                f"--manipulations needs at least {MIN_PHOTOS_MANIPULATED} photos, so that "
                f"every kind of manipulation has originals to start from; got {self.photos}"
            )
        if self.seed < 0:
            raise InputError(f"--seed must be zero or positive; got {self.seed}")


@dataclass(frozen=True)
class CollectionSummary:
    out: Path
    ground_truth: Path
    photos: int
    files: int
    bytes: int
    cameras: int
    cases: int
    drives: int
    seconds: float


def generate_collection(
    out: Path, options: SynthOptions, reporter: Reporter = SILENT
) -> CollectionSummary:
    """Write a synthetic collection under ``out/drives`` and its truth in ``out``."""
    options.check()
    _check_output(out)
    started = time.perf_counter()
    extra = extra_photo_count(options.manipulations, options.photos)
    plan = plan_shots(
        options.seed, options.photos, options.scale, hard=options.hard_cards, extra_photos=extra
    )
    known = {c.id for c in plan.cameras}
    handling = plan_handling(
        options.seed, plan, exclude={s.index for s in plan.shots if s.camera not in known}
    )
    changes = plan_manipulations(
        options.seed, plan, handling.untouched(plan), options.manipulations
    )
    plan = with_exif_changes(plan, changes)
    with _pool(plan, out, options) as run:
        _render_all(run, plan, handling, reporter)
        _edit_all(run, out, plan, changes, reporter)
    reporter.start("packing drives", total=None, unit="steps")
    _apply_handling(out, plan, handling)
    header = {
        "format": "dalil-synth-collection",
        "format_version": truth.FORMAT_VERSION,
        "generator": {"name": "dalil.synth", "version": GENERATOR_VERSION},
        "seed": options.seed,
        "options": {k: v for k, v in asdict(options).items() if k not in ("seed", "workers")},
    }
    derived = [
        truth.Derived(e.shot, e.target, describe(e, plan), e.keep_exif)
        for e in changes.edits
        if e.kind in DERIVED
    ]
    record = truth.build_truth(out, plan, handling, header, labels(changes, plan), derived)
    truth.write_truth(out / truth.FILE_NAME, record)
    _touch(out / truth.FILE_NAME, _end_time(plan))
    reporter.finish()
    files = record["files"]
    return CollectionSummary(
        out=out,
        ground_truth=out / truth.FILE_NAME,
        photos=len(plan.shots),
        files=len({f["path"] for f in files}),
        bytes=sum(f["size"] for f in files if f["member"] is None)
        + sum(a["size"] for a in record["archives"]),
        cameras=len(plan.cameras) + len(plan.extra_cameras),
        cases=len(plan.cases),
        drives=len(plan.drives),
        seconds=time.perf_counter() - started,
    )


def _check_output(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(
            f"{out} already exists and is not an empty folder; "
            "give a new or empty folder so that nothing there is overwritten"
        )
    out.mkdir(parents=True, exist_ok=True)


Runner = Callable[[Callable[[Any], Any], Sequence[Any]], Iterator[Any]]


@contextmanager
def _pool(plan: Plan, out: Path, options: SynthOptions) -> Iterator[Runner]:
    """A map over worker processes (or this process when ``workers`` is 1)."""
    setup = render.WorkerSetup(
        str(out), tuple([*plan.cameras, *plan.extra_cameras]), noise_seed=options.seed
    )
    count = options.workers or os.cpu_count() or 1
    if count == 1:
        render.start_worker(setup)
        yield lambda function, jobs: (function(job) for job in jobs)
        return
    with ProcessPoolExecutor(count, initializer=render.start_worker, initargs=(setup,)) as pool:
        yield lambda function, jobs: pool.map(function, jobs, chunksize=4)


def _render_all(run: Runner, plan: Plan, handling: Handling, reporter: Reporter) -> None:
    unrendered = {d.shot for d in handling.damage if d.kind != "truncated"}
    sessions = {s.id: s for s in plan.sessions}
    jobs = [
        render.PhotoJob(
            shot, truth.plan_case(plan, shot.case), sessions[shot.session].seed, shot.path
        )
        for shot in plan.shots
        if shot.index not in unrendered
    ]
    reporter.start("rendering photos", total=len(jobs), unit="photos")
    for _ in run(render.run_job, jobs):
        reporter.advance()


def _edit_all(
    run: Runner, out: Path, plan: Plan, changes: Manipulations, reporter: Reporter
) -> None:
    """Edit after every original is written: edits read originals only."""
    if not changes.edits:
        return
    jobs = []
    for edit in changes.edits:
        shot = plan.shots[edit.shot]
        camera, claimed = plan.camera(shot.camera), shot.exif_camera
        fields = None
        if claimed is not None:
            rng = np.random.default_rng([shot.seed, 2])  # as render drew them
            fields = render.exif_fields(plan.camera(claimed), shot, rng)
        donor = plan.shots[edit.donor].path if edit.donor is not None else None
        jobs.append(
            EditJob(str(out), edit, shot.path, donor, fields, camera.tables, camera.subsampling)
        )
    reporter.start("manipulating photos", total=len(jobs), unit="photos")
    for _ in run(run_edit, jobs):
        reporter.advance()


def _apply_handling(out: Path, plan: Plan, handling: Handling) -> None:
    """Damage, duplicates, the zip and the notes, in an order that keeps copies clean."""
    for damage in handling.damage:
        path = out / plan.shots[damage.shot].path
        original = path.read_bytes() if path.exists() else b""
        render.write_file(path, damaged_bytes(original, damage), plan.shots[damage.shot].taken)
    for copy in handling.copies:
        target = out / copy.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out / plan.shots[copy.shot].path, target)
    if handling.bundle is not None:
        write_zip(out, handling.bundle, plan)
        last = max(plan.shots[i].taken for i in handling.bundle.shots)
        _touch(out / handling.bundle.path, calendar.timegm(last.timetuple()) + 86_400)
    for note in handling.notes:
        (out / note.path).write_text(note.text, encoding="utf-8")
        _touch(out / note.path, _end_time(plan))


def _end_time(plan: Plan) -> int:
    """A fixed time for files made after the shooting: a day after the last photo."""
    return calendar.timegm(max(s.taken for s in plan.shots).timetuple()) + 86_400


def _touch(path: Path, seconds: int) -> None:
    os.utime(path, (seconds, seconds))
