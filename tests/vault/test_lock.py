"""One archive, one writer: a second long write run waits or is refused by name, never
crashes; the lock dies with its process; readers are never blocked."""

from __future__ import annotations

import os
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
from dalil.vault.lock import LOCK_NAME, ArchiveBusy, exclusive
from dalil.vault.verify import verify

from .factories import camera_exif, ingest, jpeg_bytes


def _drive(root: Path, count: int, seed: int) -> Path:
    for i in range(count):
        folder = root / f"2013-0{1 + i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        data = jpeg_bytes(seed + i, (320, 240), exif=camera_exif())
        (folder / f"IMG_{i:04d}.JPG").write_bytes(data)
    return root


def _ingest(archive: Archive, source: Path, wait: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "dalil", "ingest", str(source), "--collection", "lock",
               "--custodian", "tester", "--archive", str(archive.root), "--json"]  # fmt: skip
    env = {**os.environ, "DALIL_LOCK_WAIT": wait}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_second_ingest_while_one_writes_is_refused_naming_the_first(
    archive: Archive, tmp_path: Path
) -> None:
    source = _drive(tmp_path / "drive", 3, 1)
    with archive.exclusive("dalil ingest /media/first-drive"):
        process = _ingest(archive, source, "0")
        out, err = process.communicate(timeout=120)
    message = " ".join((out + err).decode().split())  # the console wraps long lines
    assert process.returncode != 0
    assert "Traceback" not in message
    assert "being written by" in message
    assert f"process {os.getpid()}" in message
    assert "dalil ingest /media/first-drive" in message
    # Nothing of the refused run was written; the same command completes afterwards.
    with archive.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.batches)).scalar() == 0
    process = _ingest(archive, source, "0")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def test_two_ingests_at_once_one_completes_the_other_waits_or_refuses_cleanly(
    archive: Archive, tmp_path: Path
) -> None:
    first = _drive(tmp_path / "first", 40, 100)
    second = _drive(tmp_path / "second", 40, 500)
    processes = [_ingest(archive, first, "0"), _ingest(archive, second, "0")]
    outputs = [p.communicate(timeout=300) for p in processes]
    results = [
        (p.returncode, " ".join(err.decode().split()))
        for p, (_, err) in zip(processes, outputs, strict=True)
    ]
    for code, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or "being written by" in err, err
    assert any(code == 0 for code, _ in results)
    report = verify(archive, rules(), record=False)
    assert report.ok, report.problems
    # A refused run is simply run again, and then both drives are in.
    for (code, _), source in zip(results, (first, second), strict=True):
        if code != 0:
            process = _ingest(archive, source, "0")
            _, again = process.communicate(timeout=120)
            assert process.returncode == 0, again.decode()
    with archive.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.originals)).scalar() == 80
    assert verify(archive, rules(), record=False).ok


def test_second_ingest_that_waits_completes_after_the_first(
    archive: Archive, tmp_path: Path
) -> None:
    first = _drive(tmp_path / "first", 30, 100)
    second = _drive(tmp_path / "second", 30, 500)
    processes = [_ingest(archive, first, "300"), _ingest(archive, second, "300")]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    with archive.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.originals)).scalar() == 60
    assert verify(archive, rules(), record=False).ok


def test_lock_of_a_killed_writer_is_released_by_its_death(archive: Archive) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from dalil.vault.lock import exclusive\n"
         "with exclusive(Path(sys.argv[1]), 'dalil derive'):\n"
         "    print('held', flush=True); time.sleep(600)", str(archive.root)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    with (
        pytest.raises(ArchiveBusy, match=f"process {holder.pid} .*dalil derive"),
        exclusive(archive.root, wait=0),
    ):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    with exclusive(archive.root, wait=5):
        assert time.monotonic() - started < 5
    assert (archive.root / LOCK_NAME).exists()


def test_readers_are_not_blocked_and_one_process_may_nest(archive: Archive, tmp_path: Path) -> None:
    with archive.exclusive("dalil ingest"):
        assert verify(archive, rules(), record=False).ok
        with archive.read() as conn:
            assert conn.execute(select(func.count()).select_from(schema.events)).scalar()
        # The run itself may nest: receive inside the caller's own lock.
        result = ingest(archive, _drive(tmp_path / "drive", 2, 7))
        assert result.counts["files"] == 2
