"""Benchmark: reading the numbers and grouping photos into cases, against plain RapidOCR.

On one generated collection with hard cards (default 1,000 photos; other hands and pens,
three layouts, rotation to ±30°, perspective, blur, faint ink, covered cards, writing
on a skin-toned surface, Eastern Arabic digits in some sessions), in one run:

  dalil      `dalil catalogue read` (detect, straighten, read three crops restricted to
             digits, Eastern Arabic glyph classifier, layouts + branch vocabulary), then
             `dalil catalogue group` (numbers, time order, near-duplicates) and the
             calibrated confident decision
  rapidocr   plain RapidOCR on the whole image (det limit 640, its own line order and
             scores), its lines parsed by the same layout parser and grouped by the same
             grouping, so that only the reading differs

Reported per reader: exact accuracy of the suggestions per field (per photo that shows
its writing, and per case), the share of case fields read confidently and their
precision, case-grouping pairwise precision/recall/F1 from machine suggestions alone,
and photos/s. Grouping is also scored with confirmed numbers (the ground truth typed for
every photo that shows its writing, as double entry would give).

    python bench/catalogue.py [--photos 1000] [--seed 4] [--workers 2] [--json]
    python bench/catalogue.py --calibrate --seed 101 --photos 1500
        measure the evidence buckets on another seed and write the calibration table that
        ships in the package (src/dalil/catalogue/data/calibration.json)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from dalil.catalogue import store
from dalil.catalogue.assembly import facts_of, group_archive
from dalil.catalogue.cases import list_cases
from dalil.catalogue.consensus import Calibration, Vote, shipped_calibration
from dalil.catalogue.grouping import CaseDraft, Grouping, PhotoFacts, group_photos
from dalil.catalogue.layout import FIELDS, Line, parse_lines
from dalil.catalogue.reader import READER
from dalil.catalogue.reading import read_photos
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.synth import SynthOptions, generate_collection, read_truth
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
CALIBRATION = ROOT.parent / "src" / "dalil" / "catalogue" / "data" / "calibration.json"
RAPIDOCR_PARAMS = {
    "Det.limit_type": "max",
    "Det.limit_side_len": 640,
    "Global.log_level": "critical",
}


# -- the collection and its truth --------------------------------------------------------


def collection(photos: int, seed: int, workers: int) -> Path:
    out = CACHE / f"catalogue-hard-{photos}-{seed}"
    if not (out / "ground-truth.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        generate_collection(
            out, SynthOptions(photos=photos, seed=seed, hard_cards=True, workers=workers)
        )
    return out


@dataclass
class Truth:
    """The generator's truth, keyed by the SHA-256 of each photo's bytes."""

    case_of: dict[str, str]  # sha256 → case id
    numbers: dict[str, dict[str, str | None]]  # case id → field → value
    visible: dict[str, bool]  # sha256 → the photo shows its writing
    digits: dict[str, str]  # case id → western | eastern


def load_truth(out: Path) -> Truth:
    data = read_truth(out / "ground-truth.json")
    truth = Truth({}, {}, {}, {})
    for case in data["cases"]:
        truth.numbers[case["id"]] = {
            name: None if case[name] is None else str(case[name]) for name in FIELDS
        }
        truth.digits[case["id"]] = case["writing"]["digits"]
    for entry in data["files"]:
        if entry["kind"] in ("photo", "copy") and entry["case"]:
            truth.case_of[entry["sha256"]] = entry["case"]
            shows = entry["card"]["visible"] and entry["damage"] is None
            truth.visible[entry["sha256"]] = truth.visible.get(entry["sha256"], False) or shows
    return truth


def ingest(out: Path, root: Path) -> Archive:
    archive = Archive.create(root)
    drives = sorted(p for p in (out / "drives").iterdir() if p.is_dir())
    receive(archive, ReceiveRequest(sources=drives, collection="bench", custodian="bench"))
    describe_pending(archive)
    return archive


# -- plain RapidOCR ----------------------------------------------------------------------

_engine: Any = None


def _start_rapidocr() -> None:
    global _engine
    from rapidocr import RapidOCR

    _engine = RapidOCR(params=RAPIDOCR_PARAMS)


def _rapidocr(path: str) -> list[tuple[str, float]]:
    try:
        result = _engine(Path(path).read_bytes())
    except Exception:  # a damaged file reads as nothing, as in ours
        return []
    texts = result.txts or ()
    scores = result.scores or ()
    return [(str(t), float(s)) for t, s in zip(texts, scores, strict=True)]


def rapidocr_readings(
    archive: Archive, shas: list[str], workers: int
) -> tuple[dict[str, dict[str, Any]], float]:
    """Each photo read by RapidOCR on the whole image; its lines parsed like ours."""
    vocabulary = load_vocabulary()
    paths = [str(archive.store.path_for(sha)) for sha in shas]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, initializer=_start_rapidocr) as pool:
        outputs = list(pool.map(_rapidocr, paths, chunksize=4))
    seconds = time.perf_counter() - started
    readings = {}
    for sha, lines in zip(shas, outputs, strict=True):
        kept = [(t, s) for t, s in lines if any(ch.isdigit() for ch in t)]
        parsed = parse_lines([Line(t, (s,) * len(t)) for t, s in kept], vocabulary)
        reading: dict[str, Any] = {"script": "western", "layout": parsed.layout}
        for name in FIELDS:
            reading[name] = parsed.fields[name].value
            reading[f"{name}_bp"] = parsed.fields[name].basis_points
        readings[sha] = reading
    return readings, seconds


# -- scoring -----------------------------------------------------------------------------


def pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    result: set[tuple[str, str]] = set()
    for members in groups:
        result.update(combinations(sorted(set(members)), 2))
    return result


def pairwise(grouping: Grouping, truth: Truth) -> dict[str, float]:
    photos = {sha for case in grouping.cases for sha in case.shas} | set(grouping.unassigned)
    photos &= set(truth.case_of)
    predicted = pairs([[s for s in case.shas if s in photos] for case in grouping.cases])
    by_case: dict[str, list[str]] = defaultdict(list)
    for sha in photos:
        by_case[truth.case_of[sha]].append(sha)
    actual = pairs(by_case.values())
    right = len(predicted & actual)
    precision = right / len(predicted) if predicted else 1.0
    recall = right / len(actual) if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "unassigned": len(grouping.unassigned)}  # fmt: skip


@dataclass
class FieldScore:
    total: int = 0
    right: int = 0
    confident: int = 0
    confident_right: int = 0
    by_script: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    def add(self, right: bool, confident: bool, script: str) -> None:
        self.total += 1
        self.right += right
        self.confident += confident
        self.confident_right += confident and right
        row = self.by_script[script]
        row[0] += 1
        row[1] += confident
        row[2] += confident and right


def owned_cases(grouping: Grouping, truth: Truth) -> Iterator[tuple[CaseDraft, str]]:
    """Each machine case with the truth case most of its photos belong to (if any)."""
    for case in grouping.cases:
        owners = Counter(truth.case_of[s] for s in case.shas if s in truth.case_of)
        if owners:
            yield case, owners.most_common(1)[0][0]


def case_fields(grouping: Grouping, truth: Truth) -> dict[str, FieldScore]:
    """Each machine case against the truth case of most of its photos."""
    scores = {name: FieldScore() for name in FIELDS}
    for case, owner in owned_cases(grouping, truth):
        for name in FIELDS:
            suggestion = case.suggestions[name]
            right = suggestion.value == truth.numbers[owner][name]
            scores[name].add(right, suggestion.confident, truth.digits[owner])
    return scores


def photo_fields(readings: dict[str, dict[str, Any]], truth: Truth) -> dict[str, float]:
    """Exact accuracy per field over the photos that show their writing."""
    shown = [sha for sha, visible in truth.visible.items() if visible and sha in readings]
    return {
        name: sum(readings[s][name] == truth.numbers[truth.case_of[s]][name] for s in shown)
        / max(len(shown), 1)
        for name in FIELDS
    }


def grouping_of(
    rows: list[store.PhotoRow],
    readings: dict[str, dict[str, Any]] | None,
    calibration: Calibration,
    confirmed: dict[str, dict[str, str]] | None = None,
) -> Grouping:
    """Group with other readings (a baseline's) or with confirmed numbers in place."""
    vocabulary = load_vocabulary().numbers
    photos: list[PhotoFacts] = []
    for row in rows:
        if readings is not None:
            row = store.PhotoRow(**{**row.__dict__, "reading": readings.get(row.sha256)})
        facts = facts_of(row, (confirmed or {}).get(row.sha256))
        if confirmed is not None:  # double entry replaces the machine's reading entirely
            facts = PhotoFacts(**{**facts.__dict__, "votes": {
                name: Vote(v, 1.0, "confirmed", True)
                for name, v in (confirmed.get(row.sha256) or {}).items() if v != "-"}})  # fmt: skip
        photos.append(facts)
    return group_photos(photos, calibration, vocabulary)


def truth_entries(truth: Truth) -> dict[str, dict[str, str]]:
    """What double entry would confirm: the true numbers of every photo showing them."""
    return {
        sha: {n: v if v is not None else "-" for n, v in truth.numbers[case].items()}
        for sha, case in truth.case_of.items()
        if truth.visible.get(sha)
    }


# -- calibration -------------------------------------------------------------------------


def calibrate(grouping: Grouping, truth: Truth, source: str) -> Calibration:
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case, owner in owned_cases(grouping, truth):
        for name in FIELDS:
            suggestion = case.suggestions[name]
            if suggestion.evidence is None:
                continue
            cell = buckets[suggestion.evidence.bucket]
            cell[0] += suggestion.value == truth.numbers[owner][name]
            cell[1] += 1
    return Calibration({k: (v[0], v[1]) for k, v in buckets.items()}, source)


# -- the run -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    out = collection(args.photos, args.seed, args.workers)
    truth = load_truth(out)
    work = Path(tempfile.mkdtemp(prefix="dalil-bench-catalogue-"))
    try:
        archive = ingest(out, work / "archive")
        started, cpu = time.perf_counter(), _cpu()
        result = read_photos(archive, workers=args.workers)
        ours_seconds, ours_cpu = time.perf_counter() - started, _cpu() - cpu
        with archive.read() as conn:
            rows = store.photo_rows(conn)
        readings = {r.sha256: r.reading for r in rows if r.reading is not None}
        calibration = shipped_calibration()
        if args.calibrate:
            mine = grouping_of(rows, None, Calibration({}))
            source = f"bench/catalogue.py --calibrate --seed {args.seed} --photos {args.photos}"
            table = calibrate(mine, truth, f"{source} ({READER})")
            CALIBRATION.write_text(table.dumps(), encoding="utf-8")
            print(f"wrote {CALIBRATION}", file=sys.stderr)
            calibration = table
        group_archive(archive, calibration=calibration)
        with archive.read() as conn:
            listed = list_cases(conn)
        ours = grouping_of(rows, None, calibration)
        confirmed = grouping_of(rows, None, calibration, truth_entries(truth))
        report: dict[str, Any] = {
            "photos": len(rows),
            "collection": str(out),
            "cases_listed": len(listed),
            "dalil": reader_report(readings, ours, truth, len(rows), ours_seconds, ours_cpu),
            "grouping_with_confirmed_numbers": pairwise(confirmed, truth),
            "read_result": result.as_dict(),
        }
        if not args.no_baseline:
            shas = [r.sha256 for r in rows]
            cpu = _cpu()
            base, base_seconds = rapidocr_readings(archive, shas, args.workers)
            base_cpu = _cpu() - cpu
            baseline = grouping_of(rows, base, calibration)
            report["rapidocr"] = reader_report(
                base, baseline, truth, len(rows), base_seconds, base_cpu
            )
        archive.close()
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the worker pools)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reader_report(
    readings: dict[str, dict[str, Any]], grouping: Grouping, truth: Truth, photos: int,
    seconds: float, cpu: float,
) -> dict[str, Any]:  # fmt: skip
    fields = case_fields(grouping, truth)
    total = sum(f.total for f in fields.values())
    confident = sum(f.confident for f in fields.values())
    confident_right = sum(f.confident_right for f in fields.values())
    scripts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in fields.values():
        for script, row in f.by_script.items():
            for i in range(3):
                scripts[script][i] += row[i]
    return {
        "photo_accuracy": photo_fields(readings, truth),
        "case_accuracy": {n: f.right / max(f.total, 1) for n, f in fields.items()},
        "confident_share": confident / max(total, 1),
        "confident_precision": confident_right / max(confident, 1),
        "confident_fields": confident,
        "confident_wrong": confident - confident_right,
        "fields": total,
        "by_script": {
            s: {"fields": r[0], "confident": r[1], "confident_right": r[2]}
            for s, r in sorted(scripts.items())
        },
        "grouping": pairwise(grouping, truth),
        "photos_per_second": photos / seconds if seconds else 0.0,
        "seconds": seconds,
        "cpu_seconds_per_photo": cpu / max(photos, 1),
    }


def table(report: dict[str, Any], workers: int) -> str:
    readers = [r for r in ("dalil", "rapidocr") if r in report]
    lines = [
        f"| {report['photos']:,} photos, {workers} workers | " + " | ".join(readers) + " |",
        "|---|" + "---|" * len(readers),
    ]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    for name in FIELDS:
        row(f"{name}: exact, photos showing it",
            [f"{report[r]['photo_accuracy'][name]:.1%}" for r in readers])  # fmt: skip
    for name in FIELDS:
        row(
            f"{name}: exact, per case", [f"{report[r]['case_accuracy'][name]:.1%}" for r in readers]
        )
    row("case fields read confidently (rest to review)",
        [f"{report[r]['confident_share']:.1%} ({report[r]['confident_fields']:,}/"
         f"{report[r]['fields']:,})" for r in readers])  # fmt: skip
    row("precision of confident readings",
        [f"{report[r]['confident_precision']:.2%} ({report[r]['confident_wrong']} wrong)"
         for r in readers])  # fmt: skip
    for script in ("western", "eastern"):
        row(f"  {script} digits: confident share",
            [_share(report[r]["by_script"].get(script)) for r in readers])  # fmt: skip
    row("grouping from suggestions: pairwise P / R / F1",
        [_prf(report[r]["grouping"]) for r in readers])  # fmt: skip
    row(
        "grouping with confirmed numbers: P / R / F1",
        [_prf(report["grouping_with_confirmed_numbers"])] + ["same grouping"] * (len(readers) - 1),
    )
    row("photos/s (wall clock, shared machine)",
        [f"{report[r]['photos_per_second']:.2f}" for r in readers])  # fmt: skip
    row("CPU seconds per photo (all processes)",
        [f"{report[r]['cpu_seconds_per_photo']:.3f}" for r in readers])  # fmt: skip
    idle = [workers / max(report[r]["cpu_seconds_per_photo"], 1e-9) for r in readers]
    row(f"photos/s on {workers} idle cores (workers / CPU per photo)", [f"{v:.2f}" for v in idle])
    return "\n".join(lines)


def _share(cell: dict[str, int] | None) -> str:
    if not cell:
        return "–"
    return f"{cell['confident'] / max(cell['fields'], 1):.1%}"


def _prf(score: dict[str, float]) -> str:
    return (f"{score['precision']:.3f} / {score['recall']:.3f} / {score['f1']:.3f} "
            f"({int(score['unassigned'])} unassigned)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=1, default=str))
    print(table(report, args.workers))


if __name__ == "__main__":
    main()
