"""Ordered parallel map with a bounded number of tasks in flight.

``Executor.map`` submits its whole input at once, which holds every task of a
million-file collection in memory; this keeps at most ``window`` in flight, so memory
stays flat in the size of the collection while the results come back in input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    pool: Executor, fn: Callable[[T], R], items: Iterable[T], window: int
) -> Iterator[R]:
    in_flight: deque[Future[R]] = deque()
    try:
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= window:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        for future in in_flight:
            future.cancel()
