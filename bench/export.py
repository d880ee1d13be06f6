"""Benchmark: court packages against the disk's own copy and against bagit-python.

On one synthetic collection (default 5,000 photos of 1-2 MP) received into an archive,
measured in one run, each a separate process with the files in the page cache and the
disk synced before it:

  disk copy      `cp -r` of the photos then `sync`: what this disk can durably write
  bagit bag      bagit-python making a bag (SHA-256 + SHA-512) of a copy of the photos
  dalil export   `dalil export court --collection`: every original copied from the store
                 and hashed twice, its dossier, events and inclusion proofs, the bag
  bagit check    bagit-python validating dalil's package (every checksum)
  verify.py      the package's own checker: every checksum, proof, signature and fact

Targets (issue 11): the package builds at >= 0.8x the disk copy's speed, verify.py checks
it at >= 0.8x bagit-python's validation while checking every proof too, and memory stays
flat in the number of items (peaks on half the collection are shown beside).

    python bench/export.py [--photos 5000] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest as common

DALIL = common.DALIL
PYTHON = common.PYTHON


def archive_of(drives: Path, work: Path) -> Path:
    """The collection received and described once (cached beside the collection)."""
    archive = common.CACHE / f"export-archive-{drives.parent.name}"
    if not (archive / "dalil-archive.json").exists():
        shutil.rmtree(archive, ignore_errors=True)
        print(f"receiving the collection into {archive} (cached for later runs)...", flush=True)
        subprocess.run([*DALIL, "init", str(archive)], check=True, stdout=subprocess.DEVNULL)
        sources = [str(p) for p in sorted(drives.iterdir())]
        subprocess.run([*DALIL, "ingest", *sources, "--collection", "bench", "--custodian",
                        "bench", "--json", "--archive", str(archive)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return archive


def export(archive: Path, out: Path, items: Path | None = None) -> tuple[float, float]:
    selection = ["--items", str(items)] if items else ["--collection", "bench"]
    command = [*DALIL, "export", "court", str(out), *selection, "--recipient", "Bench Court",
               "--purpose", "benchmark", "--contact", "bench", "--organization", "bench",
               "--quorum", "none", "--no-record", "--date", "2026-12-03", "--json",
               "--archive", str(archive)]  # fmt: skip
    return common.run(command)


def bagit_check(package: Path) -> tuple[float, float]:
    code = f"import bagit; bagit.Bag({str(package)!r}).validate(processes=1)"
    return common.run([PYTHON, "-c", code])


def verify_py(package: Path) -> tuple[float, float]:
    return common.run([PYTHON, "-I", str(package / "verify.py"), str(package)])


def half(archive: Path, work: Path) -> Path:
    listing = work / "half.txt"
    code = (f"from dalil.vault.archive import Archive; from dalil.export.selection import "
            f"Selection, resolve; a = Archive.open(__import__('pathlib').Path({str(archive)!r}));"
            f"c = a.engine.connect(); s = resolve(c, Selection(collections=('bench',)));"
            f"print('\\n'.join(s[: len(s) // 2]))")  # fmt: skip
    listing.write_text(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True,
                                      check=True).stdout)  # fmt: skip
    return listing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (same disk)")
    args = parser.parse_args()
    drives = common.collection(args.photos)
    work = Path(tempfile.mkdtemp(prefix="export-bench-", dir=args.work or common.CACHE))
    archive = archive_of(drives, work)
    photos = common.files_of(drives)
    common.warm(photos)
    measures = {name: common.Measure(name) for name in
                ("disk copy", "bagit bag", "dalil export", "bagit check", "verify.py")}  # fmt: skip
    package = work / "package"
    for i in range(args.repeat):
        print(f"run {i + 1}/{args.repeat}...", file=sys.stderr, flush=True)
        for name, step in (("disk copy", lambda: common.disk_copy(drives, work)),
                           ("bagit bag", lambda: common.bagit_bag(drives, work))):  # fmt: skip
            seconds, peak = step()
            measures[name].seconds.append(seconds)
            measures[name].peak_mb.append(peak)
        shutil.rmtree(package, ignore_errors=True)
        for name, step in (("dalil export", lambda: export(archive, package)),
                           ("bagit check", lambda: bagit_check(package)),
                           ("verify.py", lambda: verify_py(package))):  # fmt: skip
            seconds, peak = step()
            measures[name].seconds.append(seconds)
            measures[name].peak_mb.append(peak)
    files = [p for p in package.rglob("*") if p.is_file()]
    payload = [p for p in files if p.parts[len(package.parts)] == "data"]
    size = sum(p.stat().st_size for p in photos)
    for name in ("disk copy", "bagit bag"):
        measures[name].files, measures[name].bytes = len(photos), size
    for name in ("dalil export", "bagit check", "verify.py"):
        measures[name].files = len(payload)
        measures[name].bytes = sum(p.stat().st_size for p in payload)
    subset = work / "subset"
    peaks_half = {"dalil export": export(archive, subset, half(archive, work))[1],
                  "verify.py": verify_py(subset)[1]}  # fmt: skip
    items = json.loads((package / "dalil" / "package.json").read_text())["items"]
    report(measures, len(items), peaks_half, args.json)
    shutil.rmtree(work)


def report(measures: dict[str, common.Measure], items: int, halves: dict[str, float],
           as_json: bool) -> None:  # fmt: skip
    copy, bag, built = measures["disk copy"], measures["bagit bag"], measures["dalil export"]
    check, own = measures["bagit check"], measures["verify.py"]
    rows = []
    for m in measures.values():
        files_s, mb_s = m.rate()
        rows.append({"what": m.name, "seconds": round(m.median, 2), "files": m.files,
                     "files_per_s": round(files_s, 1), "mb_per_s": round(mb_s, 1),
                     "peak_mb": round(statistics.median(m.peak_mb), 1)})  # fmt: skip
    result = {
        "items": items,
        "cores": os.cpu_count(),
        "rows": rows,
        "export_vs_disk_copy_mb_s": round(built.rate()[1] / copy.rate()[1], 2),
        "export_vs_bagit_bag_mb_s": round(built.rate()[1] / bag.rate()[1], 2),
        "verify_py_vs_bagit_check_mb_s": round(own.rate()[1] / check.rate()[1], 2),
        "peak_mb_half": halves,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"\n{items:,} items; medians of {len(copy.seconds)} runs; {os.cpu_count()} cores")
    print("| what | s | files | files/s | MB/s | peak MB |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['what']} | {r['seconds']:.2f} | {r['files']:,} | {r['files_per_s']:,.0f} | "
              f"{r['mb_per_s']:,.0f} | {r['peak_mb']:.0f} |")  # fmt: skip
    print(f"\nexport / disk copy (MB/s): {result['export_vs_disk_copy_mb_s']} (target >= 0.8)")
    print(
        f"verify.py / bagit check (MB/s): {result['verify_py_vs_bagit_check_mb_s']} (target >= 0.8)"
    )
    print(f"peak MB on half the items: {halves} (flat if close to the full run's)")
    print(f"load average: {result['load_average']}")


if __name__ == "__main__":
    main()
