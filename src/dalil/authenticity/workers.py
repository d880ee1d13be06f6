"""Running pixel work over the cores, with a bounded queue and crash isolation.

Results come back in input order. A file that kills its worker process (a decoder bug
met by a hostile file) breaks the pool; the items then in flight are retried one at a
time in a fresh process each, and an item that kills that one too is reported through
``crashed`` instead of stopping the run. With one worker everything runs in this
process (tests, small runs).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from dalil.parallel import ordered_map

T = TypeVar("T")
R = TypeVar("R")


def worker_count(workers: int) -> int:
    return workers if workers > 0 else (os.cpu_count() or 1)


def _initialise() -> None:
    import cv2

    cv2.setNumThreads(1)


def run(
    function: Callable[[T], R],
    items: list[T],
    workers: int,
    crashed: Callable[[T], R],
) -> Iterator[R]:
    count = worker_count(workers)
    if count == 1 or len(items) <= 1:
        for item in items:
            yield function(item)
        return
    position = 0
    while position < len(items):
        try:
            with ProcessPoolExecutor(count, initializer=_initialise) as pool:
                for result in ordered_map(pool, function, items[position:], 2 * count):
                    yield result
                    position += 1
        except BrokenProcessPool:
            suspects = items[position : position + 2 * count]
            for item in suspects:
                try:
                    with ProcessPoolExecutor(1, initializer=_initialise) as single:
                        result = single.submit(function, item).result()
                except BrokenProcessPool:
                    result = crashed(item)
                yield result
                position += 1
