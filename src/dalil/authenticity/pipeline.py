"""``analyze``: every check over an archive's images, recorded as findings with custody.

Order of work: read the images' facts (no decoding) and run the header-level checks;
build camera fingerprints; measure every image's pixels once (cached, in parallel);
decide sensor attribution and cluster what matched no camera; link near-duplicates;
then record only the findings that changed, and close the run with its summary.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from dalil.authenticity import duplicates, measure, measuring, sensors
from dalil.authenticity.cameras import check_cameras
from dalil.authenticity.finding import Finding
from dalil.authenticity.inputs import ImageRecord, inputs_sha256, load_records
from dalil.authenticity.params import Parameters
from dalil.authenticity.reencoding import check_reencoding
from dalil.authenticity.runs import finish_run, open_run
from dalil.authenticity.store import WriteCounts, write_findings
from dalil.authenticity.timeline import check_timeline
from dalil.errors import InputError
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive


@dataclass(frozen=True)
class Analysis:
    run: int
    images: int
    counts: WriteCounts
    summary: dict[str, Any]
    seconds: dict[str, float]  # wall time of each stage (not recorded: it varies)

    def as_json(self) -> dict[str, Any]:
        return {"run": self.run, "images": self.images, "summary": self.summary}


@dataclass
class _Sensing:
    findings: list[Finding]
    summary: sensors.SensorSummary


def _sensing(
    archive: Archive,
    records: list[ImageRecord],
    plans: list[sensors.FingerprintPlan],
    references: dict[str, Any],
    measurements: dict[str, dict[str, Any]],
    params: Parameters,
    workers: int,
    reporter: Reporter,
) -> _Sensing:
    sensor = params.sensors
    usable = [p for p in plans if p.identity in references]
    findings: list[Finding] = []
    unmatched: list[ImageRecord] = []
    attributed: Counter[str] = Counter()
    for record in records:
        finding = sensors.decide(record, measurements.get(record.sha256), usable, sensor)
        if finding is None:
            unmatched.append(record)
            continue
        findings.append(finding)
        if finding.code in ("sensor-match", "sensor-other-camera", "sensor-attributed"):
            attributed[finding.camera or ""] += 1
    summary = sensors.SensorSummary(
        fingerprints={p.identity: attributed[p.identity] for p in usable},
        same_sensor=measuring.same_sensor(references, usable, sensor.cluster_correlation),
    )
    names = _cluster(archive, unmatched, sensor, workers, reporter, summary)
    for record in unmatched:
        name = names.get(record.sha256)
        size = len(summary.clusters.get(name or "", []))
        findings.append(
            sensors.unmatched_finding(
                record, measurements.get(record.sha256) or {}, name, size, sensor
            )
        )
    return _Sensing(findings, summary)


def _cluster(
    archive: Archive,
    unmatched: list[ImageRecord],
    sensor: Any,
    workers: int,
    reporter: Reporter,
    summary: sensors.SensorSummary,
) -> dict[str, str]:
    """Unidentified cameras among unmatched images, blocked by resolution."""
    blocks: dict[tuple[int, int], list[ImageRecord]] = defaultdict(list)
    for record in unmatched:
        if record.size and record.pixels_readable:
            blocks[record.size].append(record)
    found: list[list[ImageRecord]] = []
    for _, members in sorted(blocks.items()):
        members.sort(key=lambda r: r.first_seq)
        for start in range(0, len(members), sensor.max_cluster_block):
            chunk = members[start : start + sensor.max_cluster_block]
            if len(chunk) < sensor.min_cluster:
                continue
            vectors = measuring.residuals(archive, chunk, sensor, workers, reporter)
            kept = [r for r in chunk if r.sha256 in vectors and vectors[r.sha256].size]
            shapes = Counter(vectors[r.sha256].shape for r in kept)
            if not shapes:
                continue
            shape = shapes.most_common(1)[0][0]
            kept = [r for r in kept if vectors[r.sha256].shape == shape]
            matrix = np.stack([vectors[r.sha256] for r in kept]) if kept else np.zeros((0, 1))
            for rows in sensors.cluster(matrix, sensor.cluster_correlation):
                if len(rows) >= sensor.min_cluster:
                    found.append([kept[i] for i in rows])
    found.sort(key=lambda group: min(r.first_seq for r in group))
    names: dict[str, str] = {}
    for number, group in enumerate(found, start=1):
        name = f"unidentified camera U{number}"
        summary.clusters[name] = [r.sha256 for r in group]
        for record in group:
            names[record.sha256] = name
    return names


def _thumbnail_loader(archive: Archive, records: list[ImageRecord]) -> Any:
    store_thumbs = {r.sha256: r.store_thumbnail for r in records if r.store_thumbnail}
    loaded: dict[str, np.ndarray | None] = {}

    def load(sha: str) -> np.ndarray | None:
        if sha not in loaded:
            thumb = store_thumbs.get(sha)
            try:
                data = archive.store.read(thumb) if thumb else None
                with Image.open(io.BytesIO(data or b"")) as image:
                    loaded[sha] = np.asarray(image.convert("L"), dtype=np.float32)
            except Exception:  # a missing or damaged derived thumbnail: no crop match
                loaded[sha] = None
        return loaded[sha]

    return load


def analyze(
    archive: Archive,
    collection: str | None = None,
    params: Parameters | None = None,
    workers: int = 0,
    reporter: Reporter = SILENT,
) -> Analysis:
    """Run every check over the archive (or one collection) and record the findings."""
    params = params or Parameters()
    clock = _Clock()
    with archive.read() as conn:
        records = load_records(conn, collection)
    if collection is not None and not records:
        raise InputError(f"no described images in collection {collection!r}; see `dalil batches`")
    scope = collection or ""
    run_id = open_run(archive, scope, params, inputs_sha256(records), len(records))
    reporter.start("header triage", len(records), "images")
    camera_findings, model = check_cameras(records, params.cameras)
    timeline_findings = check_timeline(records, params.timeline)
    reporter.advance(len(records))
    clock.lap("triage")
    plans = sensors.plan_fingerprints(records, model, params.sensors)
    with tempfile.TemporaryDirectory(prefix="dalil-prnu-") as folder:
        references = measuring.build_fingerprints(
            archive, plans, params.sensors, workers, Path(folder), reporter
        )
        clock.lap("fingerprints")
        planned = measuring.plan_measurements(archive, records, model, plans, references, params)
        measurements = measuring.measure_all(archive, planned, workers, reporter)
        clock.lap("measurements")
        sensing = _sensing(
            archive, records, plans, references, measurements, params, workers, reporter
        )
        measure.forget_fingerprints()  # the files go with the folder
    sensing.summary.exif_only = sorted(
        identity
        for identity, group in model.groups.items()
        if group.established and identity not in references
    )
    clock.lap("clustering")
    links = duplicates.pdq_links(records, params.duplicates)
    linked = {sha for link in links for sha in (link.a, link.b)}
    links += duplicates.crop_links(
        records, model.consistent, _thumbnail_loader(archive, records), linked, params.duplicates
    )
    duplicate_findings, clusters = duplicates.check_duplicates(records, model.consistent, links)
    clock.lap("duplicates")
    reencoding_findings = check_reencoding(
        records, model, measurements, params.reencoding, params.cameras.min_signature_share
    )
    findings = (
        camera_findings
        + sensing.findings
        + timeline_findings
        + reencoding_findings
        + duplicate_findings
    )
    clock.lap("reencoding")
    counts = write_findings(
        archive, run_id, scope, findings, {r.sha256 for r in records}, params, reporter
    )
    summary = {
        "images": len(records),
        "cameras_by_exif": len(model.groups),
        "sensors": sensing.summary.as_json(),
        "near_duplicate_clusters": len(clusters),
        "flagged": _flagged(findings),
        "findings": counts.as_json(),
    }
    finish_run(archive, run_id, summary)
    clock.lap("recording")
    reporter.finish()
    return Analysis(run_id, len(records), counts, summary, clock.seconds)


class _Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._last
        self._last = now


def _flagged(findings: list[Finding]) -> dict[str, int]:
    images: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if finding.is_detection:
            images[finding.check].add(finding.sha256)
    return {check: len(shas) for check, shas in sorted(images.items())}
