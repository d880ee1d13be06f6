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
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from dalil.errors import InputError
from dalil.progress import SILENT, Reporter
from dalil.synth import render, truth
from dalil.synth.handling import Handling, damaged_bytes, plan_handling, write_zip
from dalil.synth.plan import Plan, plan_shots

GENERATOR_VERSION = 1  # bump whenever the same seed would give different bytes
MIN_PHOTOS = 10  # below this a collection cannot have its structure (cameras, drives, zip)
MAX_PHOTOS = 1_000_000
MIN_SCALE = 0.05


@dataclass(frozen=True)
class SynthOptions:
    """What to generate. ``scale`` shrinks every camera's resolution (tests use ~0.2)."""

    photos: int
    seed: int = 0
    scale: float = 1.0
    workers: int | None = None  # default: one per core

    def check(self) -> None:
        if not MIN_PHOTOS <= self.photos <= MAX_PHOTOS:
            raise InputError(
                f"--photos must be between {MIN_PHOTOS} and {MAX_PHOTOS:,}; got {self.photos}"
            )
        if not MIN_SCALE <= self.scale <= 1.0:
            raise InputError(f"--scale must be between {MIN_SCALE} and 1; got {self.scale}")
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
    plan = plan_shots(options.seed, options.photos, options.scale)
    handling = plan_handling(options.seed, plan, exclude=set())
    _render_all(out, plan, handling, options, reporter)
    reporter.start("packing drives", total=None, unit="steps")
    _apply_handling(out, plan, handling)
    header = {
        "format": "dalil-synth-collection",
        "format_version": truth.FORMAT_VERSION,
        "generator": {"name": "dalil.synth", "version": GENERATOR_VERSION},
        "seed": options.seed,
        "options": {k: v for k, v in asdict(options).items() if k not in ("seed", "workers")},
    }
    record = truth.build_truth(out, plan, handling, header, [])
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


def _render_all(
    out: Path, plan: Plan, handling: Handling, options: SynthOptions, reporter: Reporter
) -> None:
    unrendered = {d.shot for d in handling.damage if d.kind != "truncated"}
    sessions = {s.id: s for s in plan.sessions}
    jobs = [
        render.PhotoJob(
            shot, truth.plan_case(plan, shot.case), sessions[shot.session].seed, shot.path
        )
        for shot in plan.shots
        if shot.index not in unrendered
    ]
    setup = render.WorkerSetup(
        str(out), tuple([*plan.cameras, *plan.extra_cameras]), noise_seed=options.seed
    )
    reporter.start("rendering photos", total=len(jobs), unit="photos")
    for _ in _run(jobs, setup, options.workers):
        reporter.advance()


def _run(
    jobs: list[render.PhotoJob], setup: render.WorkerSetup, workers: int | None
) -> Iterator[tuple[int, str, int]]:
    """Results of ``jobs`` over a process pool (in this process when ``workers`` is 1)."""
    count = workers or os.cpu_count() or 1
    if count == 1:
        render.start_worker(setup)
        yield from (render.run_job(job) for job in jobs)
        return
    with ProcessPoolExecutor(count, initializer=render.start_worker, initargs=(setup,)) as pool:
        results: Iterable[tuple[int, str, int]] = pool.map(render.run_job, jobs, chunksize=4)
        yield from results


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
