"""Check 2, sensor fingerprint (PRNU): which physical camera took each image?

Comparing every image with every other is out of the question for tens of thousands of
images, so work is blocked first: a camera's fingerprint is built from its own clean
images (EXIF, tables and layout all agree, see ``cameras``), and an image is only tested
against fingerprints of its exact resolution. Images that match no fingerprint are then
clustered among themselves, again only within one resolution, to count the cameras the
collection shows without naming them. This module holds the pure decisions; the pixel
work is in ``measure`` and the orchestration in ``pipeline``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dalil import canonical
from dalil.authenticity.cameras import CameraModel
from dalil.authenticity.finding import (
    CONSISTENT,
    FLAGGED,
    HIGH,
    INFO,
    LOW,
    MEDIUM,
    NONE,
    NOT_APPLICABLE,
    Finding,
    could_not_analyse,
    decimal,
)
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import SensorParams

CHECK = "sensors"


@dataclass(frozen=True)
class FingerprintPlan:
    identity: str
    size: tuple[int, int]
    members: tuple[str, ...]  # SHA-256s, sorted

    def key(self, params: SensorParams) -> str:
        value = {
            "camera": self.identity,
            "size": list(self.size),
            "members": list(self.members),
            "crop": params.crop,
            "wavelet": params.wavelet,
            "levels": params.levels,
            "sigma": decimal(params.sigma, 4),
            "saturation": params.saturation,
        }
        return hashlib.sha256(canonical.dumps(value)).hexdigest()


@dataclass
class SensorSummary:
    """How many physical cameras the collection shows, and on what evidence."""

    fingerprints: dict[str, int] = field(default_factory=dict)  # camera → images in it
    same_sensor: list[list[str]] = field(default_factory=list)  # cameras one sensor took
    clusters: dict[str, list[str]] = field(default_factory=dict)  # unidentified → images
    exif_only: list[str] = field(default_factory=list)  # established, too few clean images

    @property
    def physical_cameras(self) -> int:
        merged = sum(len(group) - 1 for group in self.same_sensor)
        return len(self.fingerprints) - merged + len(self.clusters)

    def as_json(self) -> dict[str, Any]:
        return {
            "physical_cameras": self.physical_cameras,
            "fingerprints": dict(sorted(self.fingerprints.items())),
            "same_sensor": self.same_sensor,
            "unidentified": {k: len(v) for k, v in sorted(self.clusters.items())},
            "exif_only": sorted(self.exif_only),
        }


def plan_fingerprints(
    records: list[ImageRecord], model: CameraModel, params: SensorParams
) -> list[FingerprintPlan]:
    """One fingerprint per established camera, from its clean images of its main size."""
    by_camera: dict[str, list[ImageRecord]] = defaultdict(list)
    for record in records:
        if record.sha256 in model.consistent and record.pixels_readable and record.size:
            by_camera[record.identity or ""].append(record)
    plans = []
    for identity, members in sorted(by_camera.items()):
        sizes: dict[tuple[int, int], int] = defaultdict(int)
        for member in members:
            sizes[member.size or (0, 0)] += 1
        size = max(sorted(sizes), key=lambda s: sizes[s])
        chosen = sorted(m.sha256 for m in members if m.size == size)
        if len(chosen) >= params.min_fingerprint_images:
            plans.append(
                FingerprintPlan(identity, size, tuple(chosen[: params.fingerprint_images]))
            )
    return plans


def candidates_for(record: ImageRecord, plans: list[FingerprintPlan]) -> list[FingerprintPlan]:
    return [p for p in plans if p.size == record.size]


def _scores(measurement: dict[str, Any]) -> dict[str, float]:
    values = (measurement.get("prnu") or {}).get("pce") or {}
    return {name: float(value) for name, value in values.items()}


def decide(
    record: ImageRecord,
    measurement: dict[str, Any] | None,
    plans: list[FingerprintPlan],
    params: SensorParams,
) -> Finding | None:
    """The image's finding, or None when it matches no fingerprint (it goes on to
    clustering, which decides its finding)."""
    sha = record.sha256
    if not candidates_for(record, plans):
        size = f"{record.width}x{record.height}" if record.size else "unknown size"
        return Finding(
            sha,
            CHECK,
            "not-applicable",
            NOT_APPLICABLE,
            NONE,
            f"no camera fingerprint exists for images of {size}",
        )
    if measurement is None:
        return could_not_analyse(sha, CHECK, "the image was not measured")
    if measurement.get("error"):
        return could_not_analyse(sha, CHECK, str(measurement["error"]))
    sensor = measurement.get("prnu") or {}
    if sensor.get("error"):
        return could_not_analyse(sha, CHECK, str(sensor["error"]))
    scores = _scores(measurement)
    if not scores:
        return could_not_analyse(sha, CHECK, "no fingerprint could be compared")
    best = max(sorted(scores), key=lambda name: scores[name])
    claimed = record.identity
    detail = {
        "pce": dict(sorted(measurement["prnu"]["pce"].items())),
        "threshold": decimal(params.pce_threshold, 1),
    }
    if claimed in scores and scores[claimed] >= params.pce_threshold:
        return Finding(
            sha,
            CHECK,
            "sensor-match",
            CONSISTENT,
            NONE,
            f"the sensor noise matches {claimed}'s fingerprint (PCE "
            f"{scores[claimed]:,.0f}, threshold {params.pce_threshold:,.0f})",
            score=decimal(scores[claimed], 1),
            camera=claimed,
            detail=detail,
        )
    if scores[best] >= params.pce_threshold:
        if claimed is None:
            return Finding(
                sha,
                CHECK,
                "sensor-attributed",
                INFO,
                NONE,
                f"no EXIF names a camera; the sensor noise matches {best}'s "
                f"fingerprint (PCE {scores[best]:,.0f})",
                score=decimal(scores[best], 1),
                camera=best,
                detail=detail,
            )
        said = (
            f"PCE {scores[claimed]:,.0f} against it"
            if claimed in scores
            else "which has no fingerprint of this size"
        )
        return Finding(
            sha,
            CHECK,
            "sensor-other-camera",
            FLAGGED,
            HIGH,
            f"the EXIF claims {claimed} ({said}), but the sensor noise matches "
            f"{best} (PCE {scores[best]:,.0f})",
            score=decimal(scores[best], 1),
            camera=best,
            detail=detail,
        )
    return None


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of rows whose normalised residuals correlate above ``threshold``, joined
    transitively (connected components), each sorted, in order of their first row."""
    count = vectors.shape[0]
    if count == 0:
        return []
    similarity = vectors @ vectors.T
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, cols = np.nonzero(np.triu(similarity > threshold, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[root(i)].append(i)
    return [groups[key] for key in sorted(groups)]


def unmatched_finding(
    record: ImageRecord,
    measurement: dict[str, Any],
    cluster_name: str | None,
    cluster_size: int,
    params: SensorParams,
) -> Finding:
    """The finding of an image that matched no fingerprint, once clustering is done."""
    scores = _scores(measurement)
    claimed = record.identity
    detail: dict[str, Any] = {
        "pce": dict(sorted((measurement.get("prnu") or {}).get("pce", {}).items())),
        "threshold": decimal(params.pce_threshold, 1),
        "cluster": cluster_name,
        "cluster_images": cluster_size,
    }
    where = (
        f"; it shares its sensor with {cluster_size - 1} other unmatched image(s): {cluster_name}"
        if cluster_name
        else ""
    )
    if claimed is not None:
        against = f"PCE {scores[claimed]:,.0f}" if claimed in scores else "no fingerprint"
        return Finding(
            record.sha256,
            CHECK,
            "sensor-no-match",
            FLAGGED,
            MEDIUM,
            f"the EXIF claims {claimed} ({against}), but the sensor noise matches "
            f"no camera fingerprint of this size{where}",
            camera=cluster_name or claimed,
            detail=detail,
        )
    if cluster_name is not None:
        return Finding(
            record.sha256,
            CHECK,
            "sensor-unknown-camera",
            FLAGGED,
            LOW,
            f"no EXIF names a camera and the sensor noise matches none with EXIF in "
            f"the collection: taken by an unidentified camera{where}",
            camera=cluster_name,
            detail=detail,
        )
    return Finding(
        record.sha256,
        CHECK,
        "sensor-unattributed",
        INFO,
        NONE,
        "no EXIF names a camera and the sensor noise matches no camera fingerprint "
        "or other image of this size",
        detail=detail,
    )
