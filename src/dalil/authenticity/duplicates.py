"""Check 5, near-duplicates: link re-encodings, resizes and crops to their original.

Byte-identical files are already one object in the vault, with every path kept; the
earliest path is the original. Re-encodings and resizes keep their PDQ perceptual hash
within a few bits; a crop does not (PDQ sees the whole frame), so images whose size no
camera writes are also matched, as templates, inside the vault's thumbnails of camera
originals. Linked images form clusters; the most original-looking member (camera tables,
most pixels, earliest) is the one the others are linked to. Pure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from dalil.authenticity.finding import CONSISTENT, INFO, NONE, Finding, decimal
from dalil.authenticity.inputs import ImageRecord
from dalil.authenticity.params import DuplicateParams

CHECK = "duplicates"
ROWS_PER_PASS = 256  # PDQ rows compared with the whole collection at once (memory bound)
_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(words: np.ndarray) -> np.ndarray:
    """Set bits of each 64-bit word: NumPy 2's instruction, or a byte table on NumPy 1."""
    if hasattr(np, "bitwise_count"):
        counted: np.ndarray = np.bitwise_count(words)
        return counted
    table: np.ndarray = _BITS[words.view(np.uint8)]
    total: np.ndarray = table.reshape(*words.shape, 8).sum(axis=-1)
    return total


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    how: str  # "pdq" or "crop"
    score: float  # bits apart (pdq) or correlation (crop)


def pdq_links(records: list[ImageRecord], params: DuplicateParams) -> list[Link]:
    usable = [
        r
        for r in records
        if r.pdq and len(r.pdq) == 64 and (r.pdq_quality or 0) >= params.min_pdq_quality
    ]
    if len(usable) < 2:
        return []
    words = np.array(
        [np.frombuffer(bytes.fromhex(r.pdq or ""), dtype=">u8") for r in usable], dtype=np.uint64
    )
    links = []
    for start in range(0, len(usable), ROWS_PER_PASS):
        block = words[start : start + ROWS_PER_PASS]
        distance = _popcount(block[:, None, :] ^ words[None, :, :]).sum(axis=2)
        for i, j in zip(*np.nonzero(distance <= params.pdq_distance), strict=True):
            a, b = start + int(i), int(j)
            if a < b:
                links.append(Link(usable[a].sha256, usable[b].sha256, "pdq", float(distance[i, j])))
    return links


def _camera_sizes(records: list[ImageRecord], consistent: frozenset[str]) -> set[tuple[int, int]]:
    return {r.size for r in records if r.sha256 in consistent and r.size}


def _template_score(original: np.ndarray, template: np.ndarray) -> float:
    if template.shape[0] > original.shape[0] or template.shape[1] > original.shape[1]:
        return -1.0
    if template.shape[0] < 8 or template.shape[1] < 8 or float(template.std()) < 1e-3:
        return -1.0
    result = cv2.matchTemplate(original, template, cv2.TM_CCOEFF_NORMED)
    return float(result.max())


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    height, width = image.shape
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _same_shot(query: ImageRecord, originals: list[ImageRecord]) -> list[ImageRecord]:
    """Originals a crop that kept its EXIF names itself: same camera, same capture time."""
    if query.identity is None or query.datetime_original is None:
        return []
    return [
        r
        for r in originals
        if r.identity == query.identity and r.datetime_original == query.datetime_original
    ]


def _best_crop_source(
    query: ImageRecord,
    picture: np.ndarray,
    candidates: list[ImageRecord],
    thumbnails: Callable[[str], np.ndarray | None],
    params: DuplicateParams,
    coarse_cache: dict[str, np.ndarray],
) -> Link | None:
    """The original that contains ``picture`` best: a coarse pass over every candidate
    (at ``crop_coarse_side`` pixels), then the best few compared at thumbnail size."""
    assert query.width is not None and query.height is not None
    coarse: list[tuple[float, ImageRecord, np.ndarray]] = []
    templates: dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]] = {}
    for original in candidates:
        base = thumbnails(original.sha256)
        if base is None or original.size is None:
            continue
        if query.width >= original.size[0] or query.height >= original.size[1]:
            continue
        shape = (*original.size, *base.shape)
        if shape not in templates:
            # The query's thumbnail at the original thumbnail's scale (crops keep scale).
            template = _scaled(
                picture, (base.shape[1] / original.size[0]) / (picture.shape[1] / query.width)
            )
            factor = params.crop_coarse_side / max(base.shape)
            templates[shape] = (template, _scaled(template, factor))
        template, small = templates[shape]
        if original.sha256 not in coarse_cache:
            coarse_cache[original.sha256] = _scaled(base, params.crop_coarse_side / max(base.shape))
        score = _template_score(coarse_cache[original.sha256], small)
        coarse.append((score, original, template))
    coarse.sort(key=lambda item: (-item[0], item[1].sha256))
    best: Link | None = None
    for _, original, template in coarse[: params.crop_candidates]:
        base = thumbnails(original.sha256)
        score = _template_score(base, template) if base is not None else -1.0
        if score >= params.crop_correlation and (best is None or score > best.score):
            best = Link(original.sha256, query.sha256, "crop", score)
    return best


def crop_links(
    records: list[ImageRecord],
    consistent: frozenset[str],
    thumbnails: Callable[[str], np.ndarray | None],
    linked: set[str],
    params: DuplicateParams,
) -> list[Link]:
    """Crops at the camera's own scale, found inside camera originals' thumbnails. A crop
    that kept its EXIF is first looked for among the photos of the same camera and time;
    one without is compared with every camera original (coarse first, then the best)."""
    sizes = _camera_sizes(records, consistent)
    queries = [
        r
        for r in records
        if r.size and r.size not in sizes and r.sha256 not in linked and r.store_thumbnail
    ]
    originals = [r for r in records if r.size in sizes and r.store_thumbnail]
    links = []
    coarse_cache: dict[str, np.ndarray] = {}
    for query in queries:
        picture = thumbnails(query.sha256)
        if picture is None or query.width is None or query.height is None:
            continue
        link = None
        named = _same_shot(query, originals)
        if named:
            link = _best_crop_source(query, picture, named, thumbnails, params, coarse_cache)
        if link is None:
            link = _best_crop_source(query, picture, originals, thumbnails, params, coarse_cache)
        if link is not None:
            links.append(link)
    return links


def _clusters(links: list[Link]) -> list[set[str]]:
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        neighbours[link.a].add(link.b)
        neighbours[link.b].add(link.a)
    seen: set[str] = set()
    clusters = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        stack, members = [start], set()
        while stack:
            node = stack.pop()
            if node not in members:
                members.add(node)
                stack.extend(neighbours[node] - members)
        seen |= members
        clusters.append(members)
    return clusters


def _originality(record: ImageRecord, consistent: frozenset[str]) -> tuple[object, ...]:
    """Sort key: the most original-looking first (camera-consistent, most pixels,
    earliest photo time, earliest received)."""
    pixels = (record.width or 0) * (record.height or 0)
    return (
        record.sha256 not in consistent,
        -pixels,
        record.datetime_original or "~",
        record.first_seq,
    )


def check_duplicates(
    records: list[ImageRecord],
    consistent: frozenset[str],
    links: list[Link],
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Findings for every image, and the clusters (for the report)."""
    by_sha = {r.sha256: r for r in records}
    best: dict[tuple[str, str], Link] = {}
    for each in links:
        best.setdefault((each.a, each.b), each)
        best.setdefault((each.b, each.a), each)
    findings: dict[str, list[Finding]] = defaultdict(list)
    report: list[dict[str, Any]] = []
    for members in _clusters(links):
        ordered = sorted(
            (by_sha[m] for m in members if m in by_sha), key=lambda r: _originality(r, consistent)
        )
        original = ordered[0]
        report.append({"original": original.sha256, "members": [r.sha256 for r in ordered]})
        findings[original.sha256].append(
            Finding(
                original.sha256,
                CHECK,
                "cluster-original",
                INFO,
                NONE,
                f"the original of {len(ordered) - 1} near-duplicate(s) in the collection "
                f"(received first at {original.path})",
                camera=original.identity,
                detail={"members": [r.sha256 for r in ordered[1:]]},
            )
        )
        for record in ordered[1:]:
            link: Link | None = best.get((original.sha256, record.sha256))
            how = (
                "linked through other copies"
                if link is None
                else (
                    f"PDQ {link.score:.0f} bits apart"
                    if link.how == "pdq"
                    else f"found as a crop (correlation {link.score:.3f})"
                )
            )
            findings[record.sha256].append(
                Finding(
                    record.sha256,
                    CHECK,
                    "near-duplicate",
                    INFO,
                    NONE,
                    f"a near-duplicate of {original.path} ({how}); that image is the original "
                    "of this cluster",
                    subject=original.sha256,
                    camera=record.identity,
                    score=None if link is None else decimal(link.score, 3),
                    detail={
                        "original": original.sha256,
                        "how": "cluster" if link is None else link.how,
                    },
                )
            )
    for record in records:
        if len(record.places) > 1:
            findings[record.sha256].append(
                Finding(
                    record.sha256,
                    CHECK,
                    "exact-copies",
                    INFO,
                    NONE,
                    f"the same bytes were received at {len(record.places)} paths; the earliest "
                    f"is {record.places[0].path}",
                    camera=record.identity,
                    detail={"paths": [p.path for p in record.places]},
                )
            )
        if not findings.get(record.sha256):
            findings[record.sha256].append(
                Finding(
                    record.sha256,
                    CHECK,
                    "unique",
                    CONSISTENT,
                    NONE,
                    "no near-duplicate of this image in the collection",
                    camera=record.identity,
                )
            )
    return [f for r in records for f in findings[r.sha256]], report
