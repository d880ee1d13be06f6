"""The pixel stage of an analysis: fingerprints, per-image measurements, clustering.

Measurements are cached in ``authenticity_measurements`` under a key naming exactly what
produced them (analyser version, settings, the fingerprints compared against, the tables
tested), written in groups as they come back from the workers. An interrupted run, or a
re-run over the same collection, measures only what is missing.

The pixel work runs in ``dalil.parallel.isolated_map``: a file that kills its decoder
process is retried alone and reported through the stage's ``_crashed``, never stopping
the run. With one worker everything runs in this process (tests, small runs).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import select

from dalil import canonical, parallel
from dalil.authenticity import measure, prnu, reencoding
from dalil.authenticity.cameras import CameraModel
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import ANALYSER, Parameters, SensorParams
from dalil.authenticity.sensors import FingerprintPlan, candidates_for
from dalil.authenticity.tables import authenticity_measurements as cache
from dalil.progress import Reporter
from dalil.vault.archive import Archive

GROUP_ITEMS = 64
GROUP_SECONDS = 2.0
FINGERPRINT_CHUNK = 8  # images summed by one worker task

T = TypeVar("T")
R = TypeVar("R")


def _one_thread() -> None:
    """Worker start: one OpenCV thread per process, so that the processes share the cores."""
    import cv2

    cv2.setNumThreads(1)


def _pixels(
    function: Callable[[T], R], items: list[T], workers: int, crashed: Callable[[T], R]
) -> Iterator[R]:
    count = parallel.worker_count(workers, len(items))
    return parallel.isolated_map(function, items, crashed, count, initializer=_one_thread)


def _fingerprint_part(job: tuple[list[str], SensorParams]) -> tuple[Any, Any, int]:
    return measure.fingerprint_sums(*job)


def build_fingerprints(
    archive: Archive,
    plans: list[FingerprintPlan],
    params: SensorParams,
    worker_count: int,
    folder: Path,
    reporter: Reporter,
) -> dict[str, measure.Reference]:
    """Each planned fingerprint's sums, written to ``folder``; references by camera.

    Members are summed in chunks of a fixed size, in a fixed order, so the sums are the
    same to the last bit whatever the number of workers (re-runs stay identical)."""
    jobs: list[tuple[list[str], SensorParams]] = []
    owners: list[int] = []
    for index, plan in enumerate(plans):
        paths = [str(archive.store.path_for(sha)) for sha in plan.members]
        for start in range(0, len(paths), FINGERPRINT_CHUNK):
            jobs.append((paths[start : start + FINGERPRINT_CHUNK], params))
            owners.append(index)
    totals: dict[int, list[Any]] = {}
    reporter.start("sensor fingerprints", len(jobs), "parts")
    crashed: tuple[Any, Any, int] = (None, None, 0)
    for owner, (weighted, energy, n) in zip(
        owners, _pixels(_fingerprint_part, jobs, worker_count, lambda _: crashed), strict=True
    ):
        reporter.advance()
        if weighted is None:
            continue
        if owner not in totals:
            totals[owner] = [weighted, energy, n]
        elif totals[owner][0].shape == weighted.shape:
            totals[owner][0] += weighted
            totals[owner][1] += energy
            totals[owner][2] += n
    references = {}
    for index, (weighted, energy, n) in sorted(totals.items()):
        plan = plans[index]
        path = folder / f"{plan.key(params)}.npz"
        np.savez(path, weighted=weighted, energy=energy, count=np.int64(n))
        references[plan.identity] = measure.Reference(
            plan.identity, str(path), frozenset(plan.members)
        )
    return references


def same_sensor(
    references: dict[str, measure.Reference], plans: list[FingerprintPlan], threshold: float
) -> list[list[str]]:
    """Cameras (by EXIF) whose fingerprints correlate: one physical sensor."""
    vectors: dict[str, np.ndarray] = {}
    for name, reference in references.items():
        with np.load(reference.path) as stored:
            sums = prnu.Sums(stored["weighted"], stored["energy"], int(stored["count"]))
        vectors[name] = prnu.normalised(np, prnu.fingerprint(np, sums))
    size = {p.identity: p.size for p in plans}
    names = sorted(vectors)
    groups: list[list[str]] = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if size[a] != size[b] or vectors[a].shape != vectors[b].shape:
                continue
            if float(vectors[a] @ vectors[b]) > threshold:
                joined = [g for g in groups if a in g or b in g]
                merged = sorted({a, b}.union(*joined))
                groups = [g for g in groups if g not in joined] + [merged]
    return sorted(groups)


@dataclass(frozen=True)
class _Planned:
    job: measure.MeasureJob
    key: str


def _luma_tables(model: CameraModel, records: list[ImageRecord]) -> dict[str, tuple[int, ...]]:
    """Each established camera's main luminance table, for double-compression tests."""
    wanted = {signature: identity for signature, identity in model.by_signature.items()}
    tables: dict[str, tuple[int, ...]] = {}
    for record in records:
        identity = wanted.get(record.qt_signature or "")
        if identity and identity not in tables and record.qtables:
            tables[identity] = record.qtables[0]
    return tables


def plan_measurements(
    archive: Archive,
    records: list[ImageRecord],
    model: CameraModel,
    plans: list[FingerprintPlan],
    references: dict[str, measure.Reference],
    params: Parameters,
) -> list[_Planned]:
    tables = _luma_tables(model, records)
    planned = []
    for record in records:
        refs = tuple(
            references[p.identity]
            for p in candidates_for(record, plans)
            if p.identity in references
        )
        thumb = (record.thumbnail.offset, record.thumbnail.size) if record.thumbnail else None
        first = reencoding.primaries(record, model, tables)
        if not refs and thumb is None and not first:
            continue
        job = measure.MeasureJob(
            record.sha256,
            str(archive.store.path_for(record.sha256)),
            thumb,
            tuple(sorted(first.items())),
            refs,
            params.sensors,
            params.reencoding.double_jpeg_positions,
        )
        identity = {
            "analyser": ANALYSER,
            "sensors": params.check("sensors"),
            "positions": params.reencoding.double_jpeg_positions,
            "thumbnail": list(thumb) if thumb else None,
            "primaries": [[name, list(t)] for name, t in job.primaries],
            "references": sorted(Path(r.path).stem for r in refs),
        }
        planned.append(_Planned(job, hashlib.sha256(canonical.dumps(identity)).hexdigest()))
    return planned


def _crashed(job: measure.MeasureJob) -> dict[str, Any]:
    return {"error": "the decoder process died on this file twice; it was not measured"}


def measure_all(
    archive: Archive, planned: list[_Planned], worker_count: int, reporter: Reporter
) -> dict[str, dict[str, Any]]:
    """Measurements by image: from the cache where present, measured otherwise."""
    wanted = {p.job.sha256: p.key for p in planned}
    found: dict[str, dict[str, Any]] = {}
    with archive.read() as conn:
        for row in conn.execute(select(cache.c.sha256, cache.c.key, cache.c.result)):
            if wanted.get(row.sha256) == row.key:
                found[row.sha256] = canonical.loads(row.result)
    missing = [p for p in planned if p.job.sha256 not in found]
    reporter.start("measuring pixels", len(missing), "images")
    group: list[dict[str, Any]] = []
    started = time.monotonic()
    results = _pixels(measure.measure, [p.job for p in missing], worker_count, _crashed)
    for item, result in zip(missing, results, strict=True):
        found[item.job.sha256] = result
        group.append(
            {
                "sha256": item.job.sha256,
                "key": item.key,
                "result": canonical.dumps(result).decode("utf-8"),
            }
        )
        reporter.advance()
        if len(group) >= GROUP_ITEMS or time.monotonic() - started > GROUP_SECONDS:
            _save(archive, group)
            group, started = [], time.monotonic()
    _save(archive, group)
    return found


def _save(archive: Archive, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with archive.write() as conn:
        keys = [(r["sha256"], r["key"]) for r in rows]
        present = {
            (row.sha256, row.key)
            for row in conn.execute(
                select(cache.c.sha256, cache.c.key).where(cache.c.sha256.in_([k[0] for k in keys]))
            )
        }
        fresh = [r for r in rows if (r["sha256"], r["key"]) not in present]
        if fresh:
            conn.execute(cache.insert(), fresh)


def _residual_crashed(job: measure.ResidualJob) -> tuple[str, None]:
    return job.sha256, None


def residuals(
    archive: Archive,
    records: list[ImageRecord],
    params: SensorParams,
    worker_count: int,
    reporter: Reporter,
) -> dict[str, np.ndarray]:
    jobs = [
        measure.ResidualJob(r.sha256, str(archive.store.path_for(r.sha256)), params)
        for r in records
    ]
    reporter.start("sensor noise of unmatched images", len(jobs), "images")
    found = {}
    for sha, vector in _pixels(measure.residual_vector, jobs, worker_count, _residual_crashed):
        reporter.advance()
        if vector is not None:
            found[sha] = vector
    return found
