"""Benchmark: ingest against the hashing limit of this machine and against bagit-python.

On one synthetic collection (default 5,000 photos of 1-2 MP), measured in one run:

  openssl      SHA-256 of every file, one `openssl dgst -sha256` process per core: the
               hashing limit of this machine on these files (coreutils' sha256sum is
               several times slower here, so it is not the yardstick)
  disk copy    `cp -r` of the files then `sync`: what this disk can durably write
  bagit        bagit-python making a bag of a copy (it hashes each file twice, sha256+sha512)
  receive      `dalil ingest --no-derive`: read once, hash, store durably, log, sign
  derive       `dalil derive`: EXIF, quantization tables, PDQ, thumbnail (reduced decode)
  verify       `dalil verify`: re-hash every object, replay the log, check checkpoints

Each is run as a separate process with the files in the page cache; we report the median
of --repeat runs (this machine is shared and noisy: compare ratios), files/s, MB/s and the
peak resident memory of the process tree (sampled), plus the same peaks on a subset of the
collection to show that memory does not grow with the collection.

    python bench/ingest.py [--photos 5000] [--repeat 3] [--json]
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
PYTHON = sys.executable
DALIL = [PYTHON, "-m", "dalil"]


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    files: int = 0
    bytes: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def rate(self) -> tuple[float, float]:
        return self.files / self.median, self.bytes / self.median / 1e6


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, whole process tree) of one command.

    The disk is synced first, so that no phase pays for writing what the one before
    left dirty in the page cache (a copy made for bagit, an archive just removed).
    """
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_mb(_descendants(process.pid)))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    return seconds, peak


def collection(photos: int) -> Path:
    out = CACHE / f"collection-{photos}"
    if not (out / "ground-truth.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        print(f"generating {photos} photos in {out} (cached for later runs)...", flush=True)
        subprocess.run(
            [*DALIL, "synth", "collection", str(out), "--photos", str(photos), "--seed", "2026"],
            check=True,
        )
    return out / "drives"


def files_of(drives: Path) -> list[Path]:
    return sorted(p for p in drives.rglob("*") if p.is_file() and not p.is_symlink())


def warm(files: list[Path]) -> None:
    for path in files:
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass


def openssl(files: list[Path], cores: int, work: Path) -> tuple[float, float]:
    """`openssl dgst -sha256` over all the files, `cores` processes at a time in parallel."""
    listing = work / "files.lst"
    listing.write_bytes(b"\0".join(os.fsencode(p) for p in files) + b"\0")
    per_process = -(-len(files) // cores)
    script = f"xargs -0 -a '{listing}' -P {cores} -n {per_process} openssl dgst -sha256 > /dev/null"
    return run(["bash", "-c", script])


def disk_copy(drives: Path, work: Path) -> tuple[float, float]:
    target = work / "copy"
    result = run(["bash", "-c", f"cp -r '{drives}' '{target}' && sync"])
    shutil.rmtree(target)
    return result


def bagit_bag(drives: Path, work: Path) -> tuple[float, float]:
    target = work / "bag"
    shutil.copytree(drives, target, symlinks=True)
    subprocess.run(["sync"], check=True)
    code = f"import bagit; bagit.make_bag({str(target)!r})"
    result = run([PYTHON, "-c", code])
    shutil.rmtree(target)
    return result


def dalil_phases(drives: Path, work: Path, derive: bool) -> dict[str, tuple[float, float]]:
    archive = work / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    subprocess.run([*DALIL, "init", str(archive)], check=True, stdout=subprocess.DEVNULL)
    sources = [str(p) for p in sorted(drives.iterdir())]
    common = ["--archive", str(archive)]
    results = {
        "receive": run(
            [
                *DALIL,
                "ingest",
                *sources,
                "--collection",
                "bench",
                "--custodian",
                "bench",
                "--no-derive",
                "--json",
                *common,
            ]
        ),
    }
    if derive:
        results["derive"] = run([*DALIL, "derive", "--json", *common])
    results["verify"] = run([*DALIL, "verify", "--json", *common])
    shutil.rmtree(archive)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="dalil ingest benchmark")
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (same disk)")
    args = parser.parse_args()

    drives = collection(args.photos)
    files = files_of(drives)
    total = sum(p.stat().st_size for p in files)
    photos = sum(1 for p in files if p.suffix.upper() == ".JPG")
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="dalil-bench-", dir=args.work or CACHE))
    measures = {
        name: Measure(name, files=len(files), bytes=total)
        for name in ("openssl", "disk copy", "bagit", "receive", "derive", "verify")
    }
    try:
        for attempt in range(args.repeat):
            print(f"run {attempt + 1}/{args.repeat}...", flush=True)
            warm(files)
            for name, (seconds, peak) in (
                ("openssl", openssl(files, cores, work)),
                ("disk copy", disk_copy(drives, work)),
                ("bagit", bagit_bag(drives, work)),
                *dalil_phases(drives, work, derive=True).items(),
            ):
                measures[name].seconds.append(seconds)
                measures[name].peak_mb.append(peak)
        subset = sorted(drives.iterdir())[0]
        subset_files = files_of(subset)
        small = dalil_phases(subset, work, derive=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report(measures, small, len(subset_files), photos, total, cores, args.json)


def report(
    measures: dict[str, Measure],
    small: dict[str, tuple[float, float]],
    small_files: int,
    photos: int,
    total: int,
    cores: int,
    as_json: bool,
) -> None:
    limit = measures["openssl"]
    hash_mbs = limit.rate()[1]
    receive, derive = measures["receive"], measures["derive"]
    both = receive.median + derive.median
    rows = []
    for m in measures.values():
        files_s, mb_s = m.rate()
        rows.append(
            {
                "what": m.name,
                "seconds": round(m.median, 2),
                "files_per_s": round(files_s, 1),
                "mb_per_s": round(mb_s, 1),
                "x_hash_limit": round(mb_s / hash_mbs, 2),
                "peak_mb": round(max(m.peak_mb), 1),
            }
        )
    summary = {
        "files": limit.files,
        "photos": photos,
        "bytes": total,
        "cores": cores,
        "runs": len(limit.seconds),
        "rows": rows,
        "receive_plus_derive_photos_per_s": round(photos / both, 1),
        "receive_vs_bagit": round(measures["bagit"].median / receive.median, 2),
        "receive_vs_disk_copy": round(measures["disk copy"].median / receive.median, 2),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "peak_mb_subset": {k: round(v[1], 1) for k, v in small.items()},
        "subset_files": small_files,
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"\n{limit.files:,} files ({photos:,} photos, {total / 1e9:.2f} GB), {cores} cores, "
        f"median of {len(limit.seconds)} runs\n"
    )
    print(
        f"| {'what':<10} | {'s':>7} | {'files/s':>8} | {'MB/s':>7} | {'× hash limit':>12} "
        f"| {'peak MB':>8} |"
    )
    print(f"|{'-' * 12}|{'-' * 9}|{'-' * 10}|{'-' * 9}|{'-' * 14}|{'-' * 10}|")
    for r in rows:
        print(
            f"| {r['what']:<10} | {r['seconds']:>7.2f} | {r['files_per_s']:>8,.0f} | "
            f"{r['mb_per_s']:>7,.0f} | {r['x_hash_limit']:>12.2f} | {r['peak_mb']:>8,.0f} |"
        )
    print(
        f"\nreceive + derive: {summary['receive_plus_derive_photos_per_s']:,.1f} photos/s; "
        f"receive is {summary['receive_vs_bagit']:.2f}x as fast as bagit's bag and "
        f"{summary['receive_vs_disk_copy']:.2f}x as fast as the disk copy"
    )
    print(
        f"peak MB on a subset of {small_files:,} files: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in summary["peak_mb_subset"].items())
    )
    print("load average at the end: " + " ".join(str(x) for x in summary["load_average"]))


if __name__ == "__main__":
    main()
