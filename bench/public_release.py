"""Benchmark: a public release's cost per image, and how much sensor noise it leaves.

One run: generate (or reuse) a synthetic collection (cameras with serials, an owner,
GPS and sensor noise), ingest it, draft a release of the images of the cameras that
have a fingerprint, approve every preview, release. Prints the time per image of each
step, and the PCE of every image against its camera's fingerprint (dalil's own PRNU
check, the image's share left out) before (the original) and after (the released
file laid back on the sensor with its exact transform), median and max, against the
threshold at which dalil attributes an image to a camera. The peer is what plainer
transformations leave (re-encoding only, resampling, dalil's own wavelet denoiser),
measured on the same images the same way.

    python bench/public_release.py [--photos 30] [--scale 1] [--images 12] [--seed 3]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from dalil.authenticity.inputs import ImageRecord, load_records
from dalil.authenticity.wavelet import residual
from dalil.export.public import encoding, scrubber
from dalil.export.public.attribution import Fingerprints, aligned_inputs, original_inputs
from dalil.export.public.draft import DraftRequest, draft_release
from dalil.export.public.geometry import affine
from dalil.export.public.release import release
from dalil.export.public.review import Verdict, review
from dalil.export.selection import Selection
from dalil.synth import SynthOptions, generate_collection
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive

CACHE = Path(__file__).parent / ".cache"


def _peer(name: str, rgb: np.ndarray, transform: scrubber.Transform) -> bytes:
    """A plainer transformation of the original: what it leaves is the comparison."""
    height, width = rgb.shape[:2]
    pixels = rgb
    if name == "wavelet denoiser + resample":
        pixels = _wavelet_denoised(rgb)
    if name != "re-encode only":
        matrix, out_w, out_h = affine(width, height, transform.placement)
        pixels = cv2.warpAffine(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REFLECT)  # fmt: skip
    return encoding.encode(np.ascontiguousarray(pixels), 88)


def _wavelet_denoised(rgb: np.ndarray) -> np.ndarray:
    """Each colour less dalil's own noise residual (the image padded to whole 16-pixel
    blocks, which the 4-level transform needs)."""
    height, width = rgb.shape[:2]
    pad = ((0, -height % 16), (0, -width % 16))
    planes = []
    for plane in rgb.astype(np.float32).transpose(2, 0, 1):
        padded = np.pad(plane, pad, mode="reflect")
        planes.append((padded - residual(np, padded, "db4", 4, 3.0))[:height, :width])
    return np.asarray(np.clip(np.stack(planes, axis=2), 0, 255), dtype=np.uint8)


PEERS = ("re-encode only", "resample + rotate + crop", "wavelet denoiser + resample")


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _archive(work: Path, photos: int, scale: float, seed: int) -> Archive:
    collection = CACHE / f"public-{photos}-{scale}-{seed}"
    if not (collection / "ground-truth.json").exists():
        shutil.rmtree(collection, ignore_errors=True)
        generate_collection(collection, SynthOptions(photos=photos, seed=seed, scale=scale))
    archive = Archive.create(work / "archive")
    receive(archive, ReceiveRequest(sorted((collection / "drives").iterdir()), "caesar", "NGO"))
    describe_pending(archive)
    return archive


def _chosen(records: list[ImageRecord], prints: Fingerprints, count: int) -> list[ImageRecord]:
    usable = [r for r in records if r.identity and r.size and r.pixels_readable]
    measured = [r for r in usable if any(p.camera == r.identity and p.sums.count > 4
                                         for p in prints.at(r.size or (0, 0)))]  # fmt: skip
    return measured[:: max(1, len(measured) // count)][:count]


def _row(label: str, values: list[float], threshold: float) -> str:
    above = sum(1 for v in values if v >= threshold)
    return (f"{label:34} {statistics.median(values):>12,.1f} {max(values):>12,.1f} "
            f"{above:>4} of {len(values)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--images", type=int, default=12)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    work = CACHE / "public-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with _archive(work, args.photos, args.scale, args.seed) as archive:
        with archive.read() as conn:
            records = load_records(conn)
        prints = Fingerprints(archive, records)
        chosen = _chosen(records, prints, args.images)
        started = time.perf_counter()
        request = DraftRequest("bench", Selection(items=tuple(r.sha256 for r in chosen)), "bench")
        drafted = draft_release(archive, request)
        draft_s = time.perf_counter() - started
        started = time.perf_counter()
        for number in range(1, drafted.items + 1):
            review(archive, "bench", number, Verdict.APPROVE, "bench")
        review_s = time.perf_counter() - started
        started = time.perf_counter()
        out = release(archive, "bench", work / "release")
        release_s = time.perf_counter() - started
        from dalil.export.public import queue

        with archive.read() as conn:
            entries = {e.original_sha256: e for e in queue.load(conn, "bench").entries}
        before, after = [], []
        peers: dict[str, list[float]] = {name: [] for name in PEERS}
        for record in chosen:
            data = archive.store.path_for(record.sha256).read_bytes()
            own = original_inputs(data, prints.sensor)
            score = prints.score(record, own, own).pce
            entry = entries[record.sha256]
            if score is None or entry.pce is None:
                continue
            before.append(score)
            after.append(float(entry.pce))
            transform = scrubber.Transform.from_json(entry.transform)
            matrix, _, _ = affine(*(record.size or (0, 0)), transform.placement)
            rgb = _decode(data)
            for name in PEERS:
                moved = _decode(_peer(name, rgb, transform))
                same = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
                grid = same if name == "re-encode only" else matrix
                test = aligned_inputs(moved, grid, record.size or (0, 0), prints.sensor)
                value = prints.score(record, own, test).pce
                peers[name].append(value if value is not None else 0.0)
    n = drafted.items
    threshold = prints.threshold
    size = chosen[0].size if chosen else None
    print(f"public release of {n} images ({size[0]}x{size[1]} and alike)" if size else "")
    print(f"{'step':34} {'s/image':>12}")
    for label, seconds in (("draft (redact, scrub, measure)", draft_s),
                           ("review (record each decision)", review_s),
                           ("release (copy, manifest, scan)", release_s)):  # fmt: skip
        print(f"{label:34} {seconds / max(1, n):>12.2f}")
    print(f"  scanned for {out.values_scanned:,} source-identifying values: no hit")
    print()
    print(f"PCE against the camera's fingerprint (dalil attributes at {threshold:.0f} or more)")
    print(f"{'images':34} {'median':>12} {'max':>12} {'attributed':>10}")
    print(_row("originals", before, threshold))
    for name in PEERS:
        print(_row(f"peer: {name}", peers[name], threshold))
    print(_row("dalil public release", after, threshold))


if __name__ == "__main__":
    main()
