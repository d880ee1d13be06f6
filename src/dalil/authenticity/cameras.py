"""Check 1, camera grouping: which camera each image claims, and whether its JPEG agrees.

Images are grouped by the camera their EXIF names (make, model, body serial). A camera's
own quantization tables and header layout are learnt from the collection itself: the
signatures most of its images share. An image whose tables are not its camera's (libjpeg's
standard tables of an editor, or the tables of another camera model) was re-saved or
carries another camera's EXIF. Images without EXIF in a collection that has it are named
too: metadata was stripped, or they come from a device the collection does not otherwise
show. Pure: records in, findings and camera groups out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

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
)
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import CameraParams
from dalil.authenticity.quantization import standard_quality

CHECK = "cameras"
T = TypeVar("T")


@dataclass(frozen=True)
class CameraGroup:
    """The images that claim one camera, and what the collection says that camera writes."""

    identity: str
    make: str | None
    model: str | None
    serial: str | None
    members: tuple[str, ...]  # SHA-256s, oldest first
    signatures: frozenset[str]  # its own quantization-table signatures
    layouts: frozenset[str]  # its own header layouts (markers + Huffman tables)
    sizes: frozenset[tuple[int, int]]  # its own image dimensions
    established: bool  # enough images to say what the camera writes

    @property
    def model_key(self) -> tuple[str | None, str | None]:
        return (self.make, self.model)


@dataclass(frozen=True)
class CameraModel:
    """The collection's cameras, as the check understood them."""

    groups: dict[str, CameraGroup]
    by_signature: dict[str, str]  # a signature → the camera whose main tables it is
    has_exif: bool
    consistent: frozenset[str]  # images whose tables and layout agree with their camera


def _own(values: Iterable[T | None], share: float, minimum: int = 2) -> frozenset[T]:
    """The values a camera's own images use: the commonest, and any other used by at
    least ``minimum`` images and ``share`` of them all."""
    counts = Counter(v for v in values if v is not None)
    total = sum(counts.values())
    kept = {v for v, n in counts.items() if n >= minimum and n >= share * total}
    top = counts.most_common(1)
    if top:
        kept.add(top[0][0])
    return frozenset(kept)


def _layout_key(record: ImageRecord) -> str | None:
    if record.layout is None:
        return None
    return f"{record.layout} | {record.huffman}"


def build_model(records: list[ImageRecord], params: CameraParams) -> CameraModel:
    jpegs = [r for r in records if r.qt_signature is not None]
    claimed: dict[str, list[ImageRecord]] = {}
    for record in jpegs:
        if record.identity is not None:
            claimed.setdefault(record.identity, []).append(record)
    groups: dict[str, CameraGroup] = {}
    for identity, members in sorted(claimed.items()):
        # Standard libjpeg tables are an editor's, never counted as the camera's own.
        native = [m for m in members if standard_quality(m.qtables) is None]
        established = len(native) >= params.min_group
        signatures = _own((m.qt_signature for m in native), params.min_signature_share)
        native_sigs = [m for m in native if m.qt_signature in signatures]
        layouts = _own((_layout_key(m) for m in native_sigs), params.min_signature_share)
        sizes = Counter(m.size for m in native_sigs if m.size is not None)
        own_sizes = _own(sizes.elements(), params.min_signature_share)
        first = members[0]
        groups[identity] = CameraGroup(
            identity,
            first.make,
            first.model,
            first.serial,
            tuple(m.sha256 for m in members),
            signatures,
            layouts,
            own_sizes,
            established,
        )
    by_signature = _main_signatures(groups, claimed)
    has_exif = bool(jpegs) and sum(1 for r in jpegs if r.identity) >= params.exif_majority * len(
        jpegs
    )
    model = CameraModel(groups, by_signature, has_exif, frozenset())
    consistent = frozenset(r.sha256 for r in jpegs if _agrees(r, model))
    return CameraModel(groups, by_signature, has_exif, consistent)


def _main_signatures(
    groups: dict[str, CameraGroup], claimed: dict[str, list[ImageRecord]]
) -> dict[str, str]:
    """Each established camera's most used signature, naming the camera it belongs to."""
    result: dict[str, str] = {}
    for identity, group in groups.items():
        if not group.established:
            continue
        counts = Counter(m.qt_signature for m in claimed[identity] if m.qt_signature)
        for signature, _ in counts.most_common():
            if signature in group.signatures:
                result.setdefault(signature, identity)
                break
    return result


def _agrees(record: ImageRecord, model: CameraModel) -> bool:
    group = model.groups.get(record.identity or "")
    if group is None or not group.established:
        return False
    return record.qt_signature in group.signatures and _layout_key(record) in group.layouts


def _tables_owner(record: ImageRecord, model: CameraModel) -> str | None:
    owner = model.by_signature.get(record.qt_signature or "")
    if owner is not None:
        return owner
    for identity, group in model.groups.items():
        if group.established and record.qt_signature in group.signatures:
            return identity
    return None


def check_image(record: ImageRecord, model: CameraModel) -> list[Finding]:
    sha = record.sha256
    if record.media_type != "image/jpeg":
        return [_na(sha, "not a JPEG: it has no quantization tables to compare")]
    if record.qt_signature is None:
        problem = record.header_problem or "no quantization tables were found"
        return [could_not_analyse(sha, CHECK, f"the JPEG header cannot be read ({problem})")]
    if record.identity is None:
        return [_without_exif(record, model)]
    group = model.groups[record.identity]
    if not group.established:
        return [_small_group(record, group)]
    findings = []
    if record.qt_signature not in group.signatures:
        findings.append(_foreign_tables(record, group, model))
    if _layout_key(record) not in group.layouts:
        findings.append(
            Finding(
                sha,
                CHECK,
                "header-layout",
                FLAGGED,
                MEDIUM,
                f"the JPEG header is laid out differently from {group.identity}'s own files "
                f"({record.layout}); software, not the camera, wrote this file",
                camera=group.identity,
                detail={"layout": record.layout, "camera_layouts": sorted(group.layouts)},
            )
        )
    if findings:
        return findings
    return [
        Finding(
            sha,
            CHECK,
            "camera-consistent",
            CONSISTENT,
            NONE,
            f"quantization tables and header layout are those of {group.identity}, "
            f"like {len(group.members)} images claiming that camera",
            camera=group.identity,
            detail={"signature": record.qt_signature, "group_images": len(group.members)},
        )
    ]


def _na(sha: str, why: str) -> Finding:
    return Finding(sha, CHECK, "not-applicable", NOT_APPLICABLE, NONE, why)


def _foreign_tables(record: ImageRecord, group: CameraGroup, model: CameraModel) -> Finding:
    quality = standard_quality(record.qtables)
    owner = _tables_owner(record, model)
    detail: dict[str, object] = {
        "signature": record.qt_signature,
        "camera_signatures": sorted(group.signatures),
    }
    if quality is not None:
        whose = f"libjpeg's standard tables at quality {quality}, as editing software writes"
        severity, detail["standard_quality"] = HIGH, quality
    elif owner is not None and model.groups[owner].model_key != group.model_key:
        whose = f"the tables of another camera model, {owner}"
        severity, detail["tables_of"] = HIGH, owner
    else:
        whose = "tables no other image of this camera uses"
        severity = MEDIUM
    return Finding(
        record.sha256,
        CHECK,
        "tables-not-camera",
        FLAGGED,
        severity,
        f"the EXIF claims {group.identity}, but the quantization tables are {whose}",
        camera=group.identity,
        detail=detail,
    )


def _small_group(record: ImageRecord, group: CameraGroup) -> Finding:
    quality = standard_quality(record.qtables)
    if quality is not None:
        return Finding(
            record.sha256,
            CHECK,
            "tables-not-camera",
            FLAGGED,
            HIGH,
            f"the EXIF claims {group.identity}, but the quantization tables are libjpeg's "
            f"standard tables at quality {quality}, as editing software writes",
            camera=group.identity,
            detail={"standard_quality": quality},
        )
    return Finding(
        record.sha256,
        CHECK,
        "camera-unestablished",
        INFO,
        LOW,
        f"only {len(group.members)} image(s) claim {group.identity}: too few to learn "
        "which tables that camera writes",
        camera=group.identity,
        detail={"group_images": len(group.members)},
    )


def _without_exif(record: ImageRecord, model: CameraModel) -> Finding:
    owner = _tables_owner(record, model)
    quality = standard_quality(record.qtables)
    if owner is not None:
        tables = f"its quantization tables are those of {owner}"
    elif quality is not None:
        tables = f"its tables are libjpeg's standard tables at quality {quality} (software)"
    else:
        tables = "its quantization tables match no camera in the collection"
    label = owner or f"no EXIF, tables {record.qt_signature[:8] if record.qt_signature else '?'}"
    detail = {"signature": record.qt_signature, "tables_of": owner, "standard_quality": quality}
    if not model.has_exif:
        return Finding(
            record.sha256,
            CHECK,
            "no-exif",
            INFO,
            NONE,
            f"no EXIF camera identity, as in most of this collection; {tables}",
            camera=label,
            detail=detail,
        )
    return Finding(
        record.sha256,
        CHECK,
        "no-exif",
        FLAGGED,
        LOW if owner else MEDIUM,
        f"no EXIF camera identity in a collection whose photos carry one: the metadata was "
        f"removed, or another device made it; {tables}",
        camera=label,
        detail=detail,
    )


def check_cameras(
    records: list[ImageRecord], params: CameraParams
) -> tuple[list[Finding], CameraModel]:
    model = build_model(records, params)
    findings = [f for record in records for f in check_image(record, model)]
    return findings, model
