"""Benchmark: the authenticity checks against a synthetic collection with known manipulations.

One run: generate (or reuse) a collection of 1-2 MP photos from several cameras with
known manipulations (re-saved, pasted card, other camera's EXIF, shifted clock, an extra
camera without EXIF, resized and cropped copies), ingest it into a fresh archive, run
`analyze`, and score every check against the ground truth:

  precision   flagged images that were manipulated in some way / flagged images
  recall      flagged images among those the check is meant to catch
  FPR         flagged images among untouched camera originals (the false-positive rate)
  images/s    the check's stage on this machine (header triage needs no decoding)

plus sensor attribution accuracy, the camera count found by PRNU clustering, and the
near-duplicate linking recall. The peer is what a metadata-only triage (exiftool's
Software tag, libjpeg tables) catches on the same files, side by side.

    python bench/authenticity.py [--photos 2000] [--seed 11] [--scale 1] [--workers 0]
                                 [--write-rates] [--json]

`--write-rates` stores the figures in src/dalil/authenticity/error_rates.json, which
every finding cites.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dalil import __version__
from dalil.authenticity import rates
from dalil.authenticity.cameras import check_cameras
from dalil.authenticity.duplicates import pdq_links
from dalil.authenticity.inputs import load_records
from dalil.authenticity.params import ANALYSER, Parameters
from dalil.authenticity.pipeline import analyze
from dalil.authenticity.quantization import standard_quality
from dalil.authenticity.reencoding import EDITORS, check_reencoding
from dalil.authenticity.tables import authenticity_findings
from dalil.authenticity.timeline import check_timeline
from dalil.synth import SynthOptions, generate_collection
from dalil.synth.collection import GENERATOR_VERSION
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
RATES = ROOT.parent / "src" / "dalil" / "authenticity" / rates.FILE

# What each check is meant to catch (ground-truth manipulation kinds).
TARGETS = {
    "cameras": {"exif_swapped", "resaved", "extra_camera"},
    "sensors": {"exif_swapped", "extra_camera"},
    "timeline": {"time_shifted"},
    "reencoding": {"resaved", "pasted", "resized", "cropped"},
}


def _collection(args: argparse.Namespace) -> Path:
    name = f"authenticity-{args.photos}-s{args.seed}-m{args.manipulations}-x{args.scale}"
    folder = CACHE / name
    if not (folder / "col" / "ground-truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        options = SynthOptions(
            photos=args.photos,
            seed=args.seed,
            scale=args.scale,
            manipulations=args.manipulations,
            workers=args.workers or None,
        )
        print(f"generating {args.photos} photos into {folder / 'col'} ...", file=sys.stderr)
        generate_collection(folder / "col", options)
    return folder


def _template(folder: Path, workers: int) -> Path:
    """An archive with the collection ingested and described, made once and copied."""
    template = folder / "archive"
    if not (template / "done").exists():
        shutil.rmtree(template, ignore_errors=True)
        print("ingesting ...", file=sys.stderr)
        with Archive.create(template) as archive:
            drives = sorted((folder / "col" / "drives").iterdir())
            receive(archive, ReceiveRequest(drives, "caesar-synthetic", "bench", workers=workers))
            describe_pending(archive, workers=workers)
        (template / "done").write_text("ingested\n")
    return template


def _truth(folder: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    truth = json.loads((folder / "col" / "ground-truth.json").read_text(encoding="utf-8"))
    by_sha: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in truth["files"]:
        if entry["sha256"]:
            by_sha[entry["sha256"]].append(entry)
    return truth, by_sha


def _kinds(entries: list[dict[str, Any]]) -> set[str]:
    return {e["manipulation"]["kind"] for e in entries if e.get("manipulation")}


def _untouched(entries: list[dict[str, Any]]) -> bool:
    return all(
        e["kind"] in ("photo", "copy") and not e["manipulation"] and not e["damage"]
        for e in entries
    )


def _manipulated(entries: list[dict[str, Any]]) -> bool:
    return bool(_kinds(entries)) or any(e["kind"] == "derived" for e in entries)


def _current(archive: Archive) -> list[Any]:
    t = authenticity_findings
    with archive.read() as conn:
        return list(conn.execute(select(t).where(t.c.superseded_seq.is_(None))).all())


def _score(
    flagged: set[str], targets: set[str], untouched: set[str], manipulated: set[str]
) -> dict[str, Any]:
    caught = len(flagged & targets)
    return {
        "precision": len(flagged & manipulated) / len(flagged) if flagged else None,
        "recall": caught / len(targets) if targets else None,
        "false_positive_rate": len(flagged & untouched) / len(untouched) if untouched else None,
        "targets": len(targets),
        "caught": caught,
        "flagged": len(flagged),
        "false_positives": len(flagged & untouched),
        "untouched": len(untouched),
    }


def _sets(by_sha: dict[str, list[dict[str, Any]]], analysed: set[str]) -> dict[str, set[str]]:
    sets: dict[str, set[str]] = defaultdict(set)
    for sha in analysed:
        entries = by_sha.get(sha, [])
        if not entries:
            continue
        if _untouched(entries):
            sets["untouched"].add(sha)
        if _manipulated(entries):
            sets["manipulated"].add(sha)
        for kind in _kinds(entries):
            sets[kind].add(sha)
            if kind == "pasted":
                tables = {e["manipulation"].get("tables") for e in entries if e["manipulation"]}
                sets[f"pasted-{'camera' if 'camera' in tables else 'standard'}-tables"].add(sha)
    return sets


def _attribution(
    findings: list[Any], by_sha: dict[str, list[dict[str, Any]]], truth: dict[str, Any]
) -> dict[str, Any]:
    """Accuracy of naming each camera photo's sensor (labels mapped to true cameras by
    majority), over photos at their camera's own resolution."""
    resolution = {c["id"]: tuple(c["resolution"]) for c in truth["cameras"]}
    labels: dict[str, str | None] = {}
    for f in findings:
        if f.check != "sensors":
            continue
        detail = json.loads(f.detail)
        attributed = f.code in ("sensor-match", "sensor-other-camera", "sensor-attributed")
        labels[f.sha256] = f.camera if attributed else detail.get("cluster")
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    eligible = {}
    for sha, label in labels.items():
        entries = [e for e in by_sha.get(sha, []) if e["kind"] in ("photo", "copy")]
        if not entries or entries[0]["damage"]:
            continue
        camera = entries[0]["camera"]
        eligible[sha] = camera
        if label:
            votes[label][camera] += 1
    mapping = {label: counts.most_common(1)[0][0] for label, counts in votes.items()}
    correct = sum(1 for sha, camera in eligible.items() if mapping.get(labels[sha] or "") == camera)
    photos = [s for s, e in by_sha.items() if e[0]["kind"] == "photo" and not e[0]["damage"]]
    return {
        "accuracy": correct / len(eligible) if eligible else None,
        "images": len(eligible),
        "camera_photos": len(photos),
        "resolutions": sorted({f"{w}x{h}" for w, h in resolution.values()}),
    }


def _linking(findings: list[Any], by_sha: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Derived copies linked to the photo they were made from; wrong links."""
    key_to_sha = {e["key"]: sha for sha, entries in by_sha.items() for e in entries}
    cluster_of: dict[str, str] = {}
    for f in findings:
        if f.check == "duplicates" and f.code == "near-duplicate":
            cluster_of[f.sha256] = f.subject
        if f.check == "duplicates" and f.code == "cluster-original":
            cluster_of[f.sha256] = f.sha256
    derived = {sha: e for sha, entries in by_sha.items() for e in entries if e["kind"] == "derived"}
    linked = 0
    for sha, entry in derived.items():
        source = key_to_sha.get(entry["derived_from"])
        if (
            source is not None
            and cluster_of.get(sha)
            and cluster_of.get(sha) == cluster_of.get(source)
        ):
            linked += 1
    roots: dict[str, set[str]] = defaultdict(set)
    for sha, root in cluster_of.items():
        origin = {e["derived_from"] or e["key"] for e in by_sha.get(sha, [])}
        roots[root].update(origin)
    wrong = sum(1 for origins in roots.values() if len(origins) > 1)
    return {
        "recall": linked / len(derived) if derived else None,
        "derived": len(derived),
        "linked": linked,
        "clusters": len(roots),
        "clusters_mixing_photos": wrong,
        "precision": (len(roots) - wrong) / len(roots) if roots else None,
    }


def _triage_rate(archive: Archive, params: Parameters, repeat: int = 3) -> tuple[float, int]:
    """Images/s of the header-level work alone (facts from the catalogue, no decoding)."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        with archive.read() as conn:
            records = load_records(conn)
        _, model = check_cameras(records, params.cameras)
        check_timeline(records, params.timeline)
        check_reencoding(records, model, {}, params.reencoding, 0.05)
        pdq_links(records, params.duplicates)
        best = min(best, time.perf_counter() - started)
        count = len(records)
    return count / best, count


def _peer(
    by_sha: dict[str, list[dict[str, Any]]], records: list[Any], sets: dict[str, set[str]]
) -> dict[str, Any]:
    """Metadata-only triage as exiftool shows it: an editor in Software, or libjpeg tables."""
    software = {r.sha256 for r in records if r.software and EDITORS.search(r.software)}
    tables = {r.sha256 for r in records if standard_quality(r.qtables) is not None}
    flagged = software | tables
    return {
        "software_tag": _score(software, sets["resaved"], sets["untouched"], sets["manipulated"]),
        "software_or_tables": _score(
            flagged, sets["resaved"], sets["untouched"], sets["manipulated"]
        ),
    }


def evaluate(
    folder: Path,
    archive: Archive,
    seconds: dict[str, float],
    summary: dict[str, Any],
    params: Parameters,
) -> dict[str, Any]:
    truth, by_sha = _truth(folder)
    findings = _current(archive)
    with archive.read() as conn:
        records = load_records(conn)
    analysed = {r.sha256 for r in records}
    sets = _sets(by_sha, analysed)
    flagged: dict[str, set[str]] = defaultdict(set)
    by_code: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in findings:
        if f.verdict == "flagged":
            flagged[f.check].add(f.sha256)
            by_code[(f.check, f.code)].add(f.sha256)
    checks = {}
    for check, kinds in TARGETS.items():
        targets = set().union(*(sets[k] for k in kinds))
        checks[check] = _score(flagged[check], targets, sets["untouched"], sets["manipulated"])
    codes = {
        "cameras/tables-not-camera on exif_swapped": _score(
            by_code[("cameras", "tables-not-camera")],
            sets["exif_swapped"],
            sets["untouched"],
            sets["manipulated"],
        ),
        "reencoding on resaved (re-save detection)": _score(
            flagged["reencoding"], sets["resaved"], sets["untouched"], sets["manipulated"]
        ),
        "reencoding/double-compression on resaved": _score(
            by_code[("reencoding", "double-compression")],
            sets["resaved"],
            sets["untouched"],
            sets["manipulated"],
        ),
        "reencoding/thumbnail-mismatch on pasted": _score(
            by_code[("reencoding", "thumbnail-mismatch")],
            sets["pasted"],
            sets["untouched"],
            sets["manipulated"],
        ),
        "reencoding on pasted with camera tables": _score(
            flagged["reencoding"],
            sets["pasted-camera-tables"],
            sets["untouched"],
            sets["manipulated"],
        ),
        "timeline/file-time on time_shifted": _score(
            by_code[("timeline", "file-time")],
            sets["time_shifted"],
            sets["untouched"],
            sets["manipulated"],
        ),
    }
    by_kind = {
        kind: {check: len(flagged[check] & sets[kind]) for check in TARGETS}
        | {"images": len(sets[kind])}
        for kind in sorted(k for k in sets if k not in ("untouched", "manipulated"))
    }
    triage, count = _triage_rate(archive, params)
    pixel = seconds.get("fingerprints", 0) + seconds.get("measurements", 0)
    pixel += seconds.get("clustering", 0)
    n = len(records)
    rates_per_check = {
        "cameras": triage,
        "timeline": triage,
        "duplicates": n / (seconds.get("duplicates", 0) + n / triage),
        "sensors": n / pixel if pixel else None,
        "reencoding": n / pixel if pixel else None,
    }
    cameras_true = len(truth["cameras"])
    found = summary["sensors"]["physical_cameras"]
    return {
        "images": n,
        "checks": checks,
        "codes": codes,
        "by_kind": by_kind,
        "attribution": _attribution(findings, by_sha, truth),
        "camera_count": {"found": found, "true": cameras_true, "exact": found == cameras_true},
        "linking": _linking(findings, by_sha),
        "images_per_second": rates_per_check,
        "triage_images_per_second": triage,
        "triage_images": count,
        "analysis_seconds": seconds,
        "peer": _peer(by_sha, records, sets),
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def table(result: dict[str, Any], command: str) -> str:
    """The README / report table (Markdown)."""
    lines = [
        f"Measured with `{command}` ({result['images']:,} images; dalil {__version__}, "
        f"{ANALYSER}; {result['machine']}).",
        "",
        "| check | precision | recall (95% lower) | FPR on untouched (95% upper) | images/s "
        "| caught / target |",
        "|---|---|---|---|---|---|",
    ]
    for check, score in result["checks"].items():
        b = bounds(score["caught"], score["targets"], score["false_positives"], score["untouched"])
        lines.append(
            f"| {check} | {_pct(score['precision'])} | {_pct(score['recall'])} "
            f"(≥{_pct(float(b['recall_lower_95']))}) | {_pct(score['false_positive_rate'])} "
            f"(≤{_pct(float(b['false_positive_rate_upper_95']))}) | "
            f"{_rate(result['images_per_second'][check])} | "
            f"{score['caught']} / {score['targets']} |"
        )
    link = result["linking"]
    lines.append(
        f"| duplicates (linking) | {_pct(link['precision'])} | {_pct(link['recall'])} | – | "
        f"{_rate(result['images_per_second']['duplicates'])} | "
        f"{link['linked']} / {link['derived']} |"
    )
    lines += [
        "",
        "| single test | precision | recall | FPR on untouched | caught / target |",
        "|---|---|---|---|---|",
    ]
    for name, score in result["codes"].items():
        lines.append(
            f"| {name} | {_pct(score['precision'])} | {_pct(score['recall'])} | "
            f"{_pct(score['false_positive_rate'])} | {score['caught']} / {score['targets']} |"
        )
    for name, score in result["peer"].items():
        lines.append(
            f"| peer: {name.replace('_', ' ')} (metadata only) on resaved | "
            f"{_pct(score['precision'])} | {_pct(score['recall'])} | "
            f"{_pct(score['false_positive_rate'])} | {score['caught']} / {score['targets']} |"
        )
    attribution, count = result["attribution"], result["camera_count"]
    lines += [
        "",
        f"PRNU camera attribution accuracy: {_pct(attribution['accuracy'])} of "
        f"{attribution['images']:,} camera photos ({', '.join(attribution['resolutions'])}). "
        f"Cameras counted by PRNU clustering: {count['found']} (truth: {count['true']}). "
        f"Header/EXIF/quantization triage: {result['triage_images_per_second']:,.0f} images/s "
        "(one process, no decoding).",
    ]
    return "\n".join(lines)


def bounds(caught: int, targets: int, false_positives: int, untouched: int) -> dict[str, str]:
    """Exact (Clopper-Pearson) 95% bounds: the lowest recall and the highest false-positive
    rate the counts are consistent with. With 0 of n flagged the FPR bound is about 3/n:
    a perfect score on a finite set is never a promise of zero."""
    from scipy.stats import beta

    low = float(beta.ppf(0.025, caught, targets - caught + 1)) if caught else 0.0
    high = 1.0
    if false_positives < untouched:
        high = float(beta.ppf(0.975, false_positives + 1, untouched - false_positives))
    return {"recall_lower_95": f"{low:.4f}", "false_positive_rate_upper_95": f"{high:.4f}"}


def _figures(score: dict[str, Any], per_second: float | None) -> dict[str, Any]:
    def text(value: float | None) -> str | None:
        return None if value is None else f"{value:.4f}"

    return {
        "precision": text(score["precision"]),
        "recall": text(score["recall"]),
        "false_positive_rate": text(score["false_positive_rate"]),
        "caught": score["caught"],
        "targets": score["targets"],
        "flagged": score["flagged"],
        "false_positives": score["false_positives"],
        "untouched": score["untouched"],
        **bounds(score["caught"], score["targets"], score["false_positives"], score["untouched"]),
        "images_per_second": None if per_second is None else str(round(per_second)),
    }


def write_rates(
    result: dict[str, Any], args: argparse.Namespace, command: str, params: Parameters
) -> None:
    checks = {c: _figures(s, result["images_per_second"][c]) for c, s in result["checks"].items()}
    link = result["linking"]
    checks["duplicates"] = {
        "precision": None if link["precision"] is None else f"{link['precision']:.4f}",
        "recall": None if link["recall"] is None else f"{link['recall']:.4f}",
        "false_positive_rate": None,
        "caught": link["linked"],
        "targets": link["derived"],
        "recall_lower_95": bounds(link["linked"], link["derived"], 0, 1)["recall_lower_95"],
        "images_per_second": str(round(result["images_per_second"]["duplicates"])),
    }
    checks["sensors"]["attribution_accuracy"] = (
        None
        if result["attribution"]["accuracy"] is None
        else f"{result['attribution']['accuracy']:.4f}"
    )
    checks["sensors"]["camera_count"] = result["camera_count"]
    data = {
        "format": "dalil-authenticity-error-rates/1",
        "measured": {
            "benchmark": command,
            "date": datetime.date.today().isoformat(),
            "dalil": __version__,
            "analyser": ANALYSER,
            "parameters_sha256": params.sha256(),
            "collection": {
                "generator": GENERATOR_VERSION,
                "photos": args.photos,
                "seed": args.seed,
                "manipulations": str(args.manipulations),
                "scale": str(args.scale),
                "images": result["images"],
            },
            "machine": result["machine"],
        },
        "checks": checks,
        "single_tests": {name: _figures(score, None) for name, score in result["codes"].items()},
    }
    RATES.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {RATES}", file=sys.stderr)


def _machine() -> str:
    import os

    cpu = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", text)
        cpu = match[1].strip() if match else cpu
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--manipulations", type=float, default=0.1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--write-rates", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--existing",
        nargs=2,
        metavar=("ARCHIVE", "COLLECTION"),
        help="Analyse this archive in place, scored against COLLECTION/ground-truth.json "
        "(for tuning; no rates are written).",
    )
    args = parser.parse_args()
    command = "python bench/authenticity.py " + " ".join(sys.argv[1:])
    params = Parameters()
    if args.existing:
        folder, copy = Path(args.existing[1]).parent, Path(args.existing[0])
        args.write_rates = False
    else:
        folder = _collection(args)
        copy = None
    with tempfile.TemporaryDirectory(prefix="dalil-bench-") as tmp:
        if copy is None:
            copy = Path(tmp) / "archive"
            shutil.copytree(_template(folder, args.workers), copy)
        with Archive.open(copy) as archive:
            print("analysing ...", file=sys.stderr)
            started = time.perf_counter()
            analysis = analyze(archive, params=params, workers=args.workers)
            seconds = {**analysis.seconds, "total": time.perf_counter() - started}
            result = evaluate(folder, archive, seconds, analysis.summary, params)
    result["machine"] = _machine()
    if args.write_rates:
        write_rates(result, args, command, params)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(table(result, command))
    print()
    print("by manipulation kind (images flagged by each check):")
    for kind, row in result["by_kind"].items():
        print(f"  {kind:<28} {row}")
    print(f"stage seconds: { {k: round(v, 1) for k, v in result['analysis_seconds'].items()} }")


if __name__ == "__main__":
    main()
