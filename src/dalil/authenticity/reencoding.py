"""Check 4, re-encoding and edits: was the file saved again after the camera wrote it?

Header evidence (no decoding): an editor named in the Software tag, or software other
than the camera's own firmware; a modification time later than the capture time;
libjpeg's standard tables; dimensions the claimed camera does not write, or that differ
from the EXIF's own. Pixel evidence (from ``measure``): the EXIF thumbnail no longer
showing the image, and DCT statistics showing an earlier compression with the camera's
tables (double JPEG). Pure: records and measurements in, findings out.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from typing import Any

from dalil.authenticity.cameras import CameraModel
from dalil.authenticity.finding import (
    CONSISTENT,
    FLAGGED,
    HIGH,
    INFO,
    LOW,
    MEDIUM,
    NONE,
    Finding,
    could_not_analyse,
)
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import ReencodingParams
from dalil.authenticity.quantization import standard_quality
from dalil.authenticity.timeline import parse_exif_time

CHECK = "reencoding"
# Software that edits or re-saves photos; a camera's firmware names itself otherwise.
EDITORS = re.compile(
    r"photoshop|gimp|lightroom|picasa|paint|acdsee|photo ?viewer|windows photo|irfanview|"
    r"snapseed|pixlr|affinity|capture one|photoscape|xnview|faststone|imagemagick|"
    r"graphicsmagick|libjpeg|pillow|python|instagram|facebook|whatsapp|telegram|preview",
    re.IGNORECASE,
)


def firmware(records: list[ImageRecord], share: float) -> dict[str, frozenset[str]]:
    """The Software values each camera's own images carry (its firmware versions)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        if record.identity and record.software and not EDITORS.search(record.software):
            counts[record.identity][record.software] += 1
    own = {}
    for identity, values in counts.items():
        total = sum(values.values())
        own[identity] = frozenset(v for v, n in values.items() if n >= max(2, share * total))
    return own


def primaries(
    record: ImageRecord, model: CameraModel, tables: dict[str, tuple[int, ...]]
) -> dict[str, tuple[int, ...]]:
    """First-compression tables worth testing: the claimed camera's, when the image's own
    tables are not that camera's; every camera's, when no EXIF names one."""
    if not record.qtables:
        return {}
    group = model.groups.get(record.identity or "")
    if group is not None:
        if record.qt_signature in group.signatures or group.identity not in tables:
            return {}
        return {group.identity: tables[group.identity]}
    return {name: t for name, t in tables.items() if t != record.qtables[0]}


def _header(
    record: ImageRecord,
    model: CameraModel,
    own_software: dict[str, frozenset[str]],
    params: ReencodingParams,
) -> list[Finding]:
    sha, camera = record.sha256, record.identity
    out = []
    software = record.software
    if software and EDITORS.search(software):
        out.append(
            Finding(
                sha,
                CHECK,
                "editing-software",
                FLAGGED,
                HIGH,
                f"the Software tag names an editor: {software!r}",
                camera=camera,
                detail={"software": software},
            )
        )
    elif software and camera and own_software.get(camera) and software not in own_software[camera]:
        out.append(
            Finding(
                sha,
                CHECK,
                "software-changed",
                FLAGGED,
                MEDIUM,
                f"the Software tag {software!r} is not the firmware {camera}'s other "
                f"images carry ({', '.join(sorted(own_software[camera]))})",
                camera=camera,
                detail={"software": software},
            )
        )
    taken = parse_exif_time(record.datetime_original or "")
    changed = parse_exif_time(record.datetime_modified or "")
    if taken and changed and (changed - taken).total_seconds() > params.modified_tolerance_s:
        out.append(
            Finding(
                sha,
                CHECK,
                "modified-after-capture",
                FLAGGED,
                MEDIUM,
                f"the EXIF says the file was modified on {changed:%Y-%m-%d %H:%M:%S}, "
                f"after it was taken ({taken:%Y-%m-%d %H:%M:%S})",
                camera=camera,
                score=str(int((changed - taken).total_seconds())),
                detail={"modified": record.datetime_modified},
            )
        )
    quality = standard_quality(record.qtables)
    if quality is not None:
        out.append(
            Finding(
                sha,
                CHECK,
                "standard-tables",
                FLAGGED,
                MEDIUM,
                f"saved with libjpeg's standard tables at quality {quality}, as "
                "software does (camera firmware uses tables of its own)",
                camera=camera,
                score=str(quality),
                detail={"quality": quality},
            )
        )
    out.extend(_dimensions(record, model))
    return out


def _dimensions(record: ImageRecord, model: CameraModel) -> list[Finding]:
    out: list[Finding] = []
    size = record.size
    if size is None:
        return out
    text = f"{size[0]}x{size[1]}"
    if record.exif_size is not None and record.exif_size not in (size, size[::-1]):
        claimed = f"{record.exif_size[0]}x{record.exif_size[1]}"
        out.append(
            Finding(
                record.sha256,
                CHECK,
                "exif-dimensions",
                FLAGGED,
                HIGH,
                f"the EXIF says the image is {claimed}, the JPEG is {text}: resized or "
                "cropped after the EXIF was written",
                camera=record.identity,
                detail={"exif": claimed, "jpeg": text},
            )
        )
    group = model.groups.get(record.identity or "")
    if group is not None and group.established and group.sizes and size not in group.sizes:
        own = ", ".join(f"{w}x{h}" for w, h in sorted(group.sizes))
        out.append(
            Finding(
                record.sha256,
                CHECK,
                "dimensions",
                FLAGGED,
                MEDIUM,
                f"the image is {text}, but {group.identity} writes {own}",
                camera=group.identity,
                detail={"jpeg": text, "camera": own},
            )
        )
    return out


def usual_aspects(
    records: list[ImageRecord], measurements: dict[str, dict[str, Any]]
) -> dict[str, float]:
    """Each camera's usual thumbnail-versus-image shape difference (median): some
    cameras squeeze every thumbnail into 160×120, which is not a sign of a crop."""
    values: dict[str, list[float]] = defaultdict(list)
    for record in records:
        thumb = (measurements.get(record.sha256) or {}).get("thumbnail")
        if record.identity and isinstance(thumb, dict) and "aspect_change" in thumb:
            values[record.identity].append(float(thumb["aspect_change"]))
    return {identity: statistics.median(v) for identity, v in values.items()}


def _pixels(
    record: ImageRecord,
    measurement: dict[str, Any],
    params: ReencodingParams,
    usual_aspect: float,
) -> tuple[list[Finding], dict[str, Any]]:
    sha, camera = record.sha256, record.identity
    out: list[Finding] = []
    tested: dict[str, Any] = {}
    thumb = measurement.get("thumbnail")
    if isinstance(thumb, dict) and "error" in thumb:
        out.append(
            Finding(
                sha,
                CHECK,
                "thumbnail-unreadable",
                INFO,
                LOW,
                f"the EXIF thumbnail cannot be compared: {thumb['error']}",
                camera=camera,
                detail={"reason": thumb["error"]},
            )
        )
    elif isinstance(thumb, dict):
        difference = float(thumb["difference"])
        aspect = abs(float(thumb["aspect_change"]) - usual_aspect)
        tested["thumbnail_difference"] = thumb["difference"]
        if aspect > params.thumbnail_aspect_tolerance:
            out.append(
                Finding(
                    sha,
                    CHECK,
                    "thumbnail-mismatch",
                    FLAGGED,
                    HIGH,
                    f"the EXIF thumbnail has another shape than the image (aspect "
                    f"ratios differ by {aspect:.1%} more than is usual for this camera): "
                    "the image was cropped after the camera wrote it",
                    score=thumb["aspect_change"],
                    camera=camera,
                    detail=thumb,
                )
            )
        elif difference > params.thumbnail_difference:
            out.append(
                Finding(
                    sha,
                    CHECK,
                    "thumbnail-mismatch",
                    FLAGGED,
                    HIGH,
                    f"the EXIF thumbnail differs from the image by up to "
                    f"{difference:.0f} grey levels in one area (threshold "
                    f"{params.thumbnail_difference:.0f}): the picture was changed "
                    "after the camera wrote it",
                    score=thumb["difference"],
                    camera=camera,
                    detail=thumb,
                )
            )
    double = measurement.get("double_jpeg")
    if isinstance(double, dict) and double.get("tested"):
        tested["double_jpeg_llr"] = double["llr"]
        if float(double["llr"]) > params.double_jpeg_llr:
            out.append(
                Finding(
                    sha,
                    CHECK,
                    "double-compression",
                    FLAGGED,
                    HIGH,
                    f"the DCT statistics show an earlier compression with "
                    f"{double['camera']}'s tables (mean log-likelihood ratio "
                    f"{float(double['llr']):.4f} > {params.double_jpeg_llr}): "
                    "saved again after the camera",
                    score=double["llr"],
                    camera=camera,
                    detail=double,
                )
            )
    return out, tested


def check_image(
    record: ImageRecord,
    model: CameraModel,
    own_software: dict[str, frozenset[str]],
    measurement: dict[str, Any] | None,
    params: ReencodingParams,
    usual_aspect: float = 0.0,
) -> list[Finding]:
    findings = _header(record, model, own_software, params)
    tested: dict[str, Any] = {}
    if measurement is not None and not measurement.get("error"):
        pixel_findings, tested = _pixels(record, measurement, params, usual_aspect)
        findings += pixel_findings
    if measurement is not None and measurement.get("error"):
        # The header evidence stands; the pixel tests could not be made, and that is said.
        return [*findings, could_not_analyse(record.sha256, CHECK, str(measurement["error"]))]
    if any(f.verdict == FLAGGED for f in findings):
        return findings
    return [
        *findings,
        Finding(
            record.sha256,
            CHECK,
            "no-reencoding-evidence",
            CONSISTENT,
            NONE,
            "no sign of saving after the camera: header, thumbnail and DCT "
            "statistics agree with a camera original",
            camera=record.identity,
            detail=tested,
        ),
    ]


def check_reencoding(
    records: list[ImageRecord],
    model: CameraModel,
    measurements: dict[str, dict[str, Any]],
    params: ReencodingParams,
    share: float,
) -> list[Finding]:
    own_software = firmware(records, share)
    aspects = usual_aspects(records, measurements)
    return [
        finding
        for record in records
        for finding in check_image(
            record,
            model,
            own_software,
            measurements.get(record.sha256),
            params,
            aspects.get(record.identity or "", 0.0),
        )
    ]
