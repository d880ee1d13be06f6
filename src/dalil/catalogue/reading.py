"""`dalil catalogue read`: read the numbers on every photo, in a pool of processes.

Each worker process loads the OCR models once and reads photos from the store by
SHA-256; this process records the readings in groups, each reading with its custody
event in the same transaction. A run interrupted at any moment resumes with the photos
not yet read by this version of the reader; a photo already read is never read twice.
A photo that kills the process reading it (a decoder bug met by a hostile file) is read
again alone, and if it kills that process too it is recorded as read, flagged
``reader-crashed``, with nothing found (``dalil.parallel.isolated_map``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from dalil import __version__
from dalil.catalogue import store
from dalil.catalogue.reader import CRASHED, READER, Reader, empty_reading
from dalil.catalogue.vocabulary import Vocabulary, load_vocabulary
from dalil.parallel import isolated_map, worker_count
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints
from dalil.vault.archive import Archive

GROUP_ITEMS = 64
GROUP_SECONDS = 2.0
PER_WORKER = 4  # photos in flight per worker

_reader: Reader | None = None


def _start(vocabulary: Vocabulary) -> None:
    """Each reading process's start (a worker's, or this one's with one worker): one
    OpenCV thread, the models loaded once."""
    import cv2

    cv2.setNumThreads(1)
    global _reader
    _reader = Reader(vocabulary)


def _read(job: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    sha, path = job
    if _reader is None:
        raise RuntimeError("the reader was not started in this process")
    return sha, _reader.read_bytes(Path(path).read_bytes()).as_json()


def _crashed(job: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    return job[0], empty_reading(CRASHED).as_json()


@dataclass
class ReadResult:
    read: int = 0
    skipped: int = 0  # read before by this reader
    with_numbers: int = 0
    scripts: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)

    def add(self, reading: dict[str, Any]) -> None:
        self.read += 1
        if any(reading[name]["value"] for name in ("detainee", "branch", "report")):
            self.with_numbers += 1
        script = reading["script"] or "none"
        self.scripts[script] = self.scripts.get(script, 0) + 1
        for flag in reading["flags"]:
            self.flagged[flag] = self.flagged.get(flag, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "skipped": self.skipped,
            "with_numbers": self.with_numbers,
            "scripts": dict(sorted(self.scripts.items())),
            "flagged": dict(sorted(self.flagged.items())),
        }


def read_photos(
    archive: Archive,
    collection: str | None = None,
    workers: int = 0,
    reporter: Reporter = SILENT,
    vocabulary: Vocabulary | None = None,
) -> ReadResult:
    """Read every photo not yet read by this reader; safe to run again at any time."""
    from dalil.catalogue.engine import model_identity

    vocabulary = vocabulary or load_vocabulary(archive.root)
    with archive.read() as conn:
        photos = store.photo_objects(conn, collection)
        done = store.read_already(conn, READER)
    todo = [sha for sha in photos if sha not in done]
    result = ReadResult(skipped=len(photos) - len(todo))
    context = {
        "reader": READER,
        "models": model_identity(),
        "vocabulary_sha256": vocabulary.sha256,
        "operator": _operator(),
        "tool": f"dalil {__version__}",
    }
    reporter.start("reading numbers", len(todo), "photos")
    group: list[tuple[str, dict[str, Any]]] = []
    started = time.monotonic()
    for sha, reading in _readings(archive, todo, workers, vocabulary):
        group.append((sha, reading))
        result.add(reading)
        reporter.advance()
        if len(group) >= GROUP_ITEMS or time.monotonic() - started >= GROUP_SECONDS:
            _commit(archive, group, context)
            group, started = [], time.monotonic()
    _commit(archive, group, context)
    reporter.finish()
    if result.read:
        with archive.write() as conn:
            checkpoints.sign_head(conn, archive.signer())
    return result


def _operator() -> str:
    from dalil.vault.archive import operator

    return operator()


def _commit(
    archive: Archive, group: list[tuple[str, dict[str, Any]]], context: dict[str, Any]
) -> None:
    if group:
        with archive.write() as conn:
            store.record_readings(conn, group, context)


def _readings(
    archive: Archive, todo: list[str], workers: int, vocabulary: Vocabulary
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each photo's reading, in order; the models loaded once in each process."""
    jobs = ((sha, str(archive.store.path_for(sha))) for sha in todo)
    count = worker_count(workers, len(todo))
    start = partial(_start, vocabulary)
    return isolated_map(_read, jobs, _crashed, count, initializer=start, per_worker=PER_WORKER)
