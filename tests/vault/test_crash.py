"""Kill -9 an ingest at random moments, again and again; the next run completes the job.

The process is killed with SIGKILL (no cleanup code runs), at moments spread over the
whole run, receive and describe phases alike. Afterwards one more run must finish,
verify must pass, and every source file must be in the archive exactly once.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

from .factories import camera_exif, jpeg_bytes

KILLS = {"sqlite": 8, "postgresql": 4}


def _command(archive: Archive, source: Path) -> list[str]:
    return [sys.executable, "-m", "dalil", "ingest", str(source), "--collection", "crash",
            "--custodian", "tester", "--archive", str(archive.root), "--json"]  # fmt: skip


def _run(command: list[str], kill_after: float | None) -> int | None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if kill_after is None:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        return 0
    time.sleep(kill_after)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode


@pytest.mark.slow
def test_kill_9_at_random_moments_then_rerun_completes_exactly_once(
    archive: Archive, tmp_path: Path, database_url: str | None
) -> None:
    source = tmp_path / "drive"
    for i in range(100):
        folder = source / f"2013-0{1 + i % 3}-1{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"IMG_{i:04d}.JPG").write_bytes(jpeg_bytes(i, (480, 360), exif=camera_exif()))
    (source / "dup.JPG").write_bytes((source / "2013-01-10" / "IMG_0000.JPG").read_bytes())
    expected = {
        str(p.relative_to(tmp_path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in source.rglob("*") if p.is_file()
    }  # fmt: skip
    command = _command(archive, source)

    # How long does an uninterrupted run take here? Kill moments are spread over it.
    started = time.monotonic()
    with Archive.create(tmp_path / "probe-archive") as probe:
        _run(_command(probe, source), None)
    duration = time.monotonic() - started

    rng = random.Random(1234)
    kills = KILLS["sqlite" if database_url is None else "postgresql"]
    for _ in range(kills):
        _run(command, rng.uniform(0.2, duration))
    _run(command, None)

    report = verify(archive, rules(), record=False)
    assert report.ok, report.problems
    with archive.read() as conn:
        rows = conn.execute(select(schema.originals.c.path, schema.originals.c.object_sha256)).all()
        described = conn.execute(select(func.count()).select_from(schema.image_facts)).scalar_one()
        batches = conn.execute(select(schema.batches.c.status)).scalars().all()
    assert sorted(path for path, _ in rows) == sorted(expected)  # each path exactly once
    assert dict(rows) == expected
    assert described == len(set(expected.values()))
    assert batches == ["closed"]
