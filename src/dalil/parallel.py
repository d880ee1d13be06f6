"""Ordered parallel maps with a bounded number of tasks in flight, one of them crash-proof.

``Executor.map`` submits its whole input at once, which holds every task of a
million-file collection in memory; these keep at most a window in flight, so memory
stays flat in the size of the collection while the results come back in input order.

``isolated_map`` runs the work in processes and outlives a worker's death. The files we
decode are hostile: a decoder bug met by one of them can kill the process running it (a
segfault, an abort, the kernel's OOM killer), which breaks the whole
``ProcessPoolExecutor`` and fails every task then in flight. Those tasks are run again
one at a time, each in a fresh process of its own, so the one that kills its process is
named: the caller's ``crashed(item)`` stands in for its result and the run goes on.
A worker whose start fails (models missing) is not a crash of any item: its error is
raised as the run's, instead of every item being blamed for it.

Workers start the platform's default way (fork on Linux: a worker starts in
milliseconds with the modules already imported), as derive, authenticity and the
catalogue reader always have; what a task carries is pickled.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Initializer = Callable[[], object]


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


def worker_count(requested: int, tasks: int | None = None) -> int:
    """``requested`` workers, one per core when 0; never more than there are ``tasks``
    (each worker of a forked pool starts, and loads its models, even with nothing to do)."""
    count = requested if requested > 0 else (os.cpu_count() or 1)
    return count if tasks is None else max(1, min(count, tasks))


def isolated_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    crashed: Callable[[T], R],
    workers: int = 0,
    *,
    initializer: Initializer | None = None,
    per_worker: int = 2,
    inline: bool = True,
) -> Iterator[R]:
    """``fn`` over ``items`` in ``workers`` processes (0: one per core), results in input
    order, ``crashed(item)`` for an item whose process died running it alone. At most
    ``per_worker`` tasks per worker are in flight. ``initializer`` runs once in each
    process, before its first task (models, thread settings). ``fn``'s own exceptions are
    raised, as from a plain loop. With one worker and ``inline``, everything runs in this
    process, unisolated (tests, small runs); without ``inline``, in one worker process.
    """
    count = worker_count(workers)
    task = _Task(fn, crashed, initializer)
    if count == 1 and inline:
        return _inline(task, items)
    return _isolated(task, iter(items), count, max(1, per_worker) * count)


# -- in the workers -------------------------------------------------------------------------

_start_error: Exception | None = None


def _start(initializer: Initializer | None) -> None:
    """First thing in every worker. A failed start is kept for the worker's tasks to raise:
    left to escape, it would end the process and read as a crash of the items in flight."""
    global _start_error
    if initializer is not None:
        try:
            initializer()
        except Exception as exc:
            _start_error = exc


def _call(fn: Callable[[T], R], item: T) -> R:
    if _start_error is not None:
        raise _start_error
    return fn(item)


# -- in this process ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task(Generic[T, R]):
    fn: Callable[[T], R]
    crashed: Callable[[T], R]
    initializer: Initializer | None

    def pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, initializer=_start, initargs=(self.initializer,))

    def submit(self, pool: ProcessPoolExecutor, item: T) -> Future[R]:
        try:
            return pool.submit(_call, self.fn, item)
        except BrokenProcessPool as exc:  # it broke since the last result was taken
            failed: Future[R] = Future()
            failed.set_exception(exc)
            return failed

    def alone(self, item: T) -> R:
        """``item`` in a process of its own: if that dies too, the item killed it."""
        with self.pool(1) as single:
            try:
                return self.submit(single, item).result()
            except BrokenProcessPool:
                return self.crashed(item)


def _inline(task: _Task[T, R], items: Iterable[T]) -> Iterator[R]:
    for index, item in enumerate(items):
        if index == 0 and task.initializer is not None:
            task.initializer()  # not before: an empty run loads no models
        yield task.fn(item)


def _isolated(task: _Task[T, R], items: Iterator[T], workers: int, window: int) -> Iterator[R]:
    while True:
        unfinished = yield from _pooled(task, items, workers, window)
        if not unfinished:
            return
        for item, future in unfinished:
            yield future.result() if _came_back(future) else task.alone(item)


def _pooled(
    task: _Task[T, R], items: Iterator[T], workers: int, window: int
) -> Generator[R, None, list[tuple[T, Future[R]]]]:
    """Results in order until the input ends (returns nothing) or the pool breaks (returns
    the items not yet taken, with their futures)."""
    in_flight: deque[tuple[T, Future[R]]] = deque()
    pool = task.pool(workers)
    try:
        for item in items:
            in_flight.append((item, task.submit(pool, item)))
            if len(in_flight) >= window:
                yield _take(in_flight)
        while in_flight:
            yield _take(in_flight)
    except BrokenProcessPool:
        return list(in_flight)
    finally:
        pool.shutdown(cancel_futures=True)
    return []


def _take(in_flight: deque[tuple[T, Future[R]]]) -> R:
    result = in_flight[0][1].result()  # the front stays in flight if the pool broke
    in_flight.popleft()
    return result


def _came_back(future: Future[R]) -> bool:
    """Finished before the pool broke, with a result or with ``fn``'s own error."""
    return (
        future.done()
        and not future.cancelled()
        and not isinstance(future.exception(), BrokenProcessPool)
    )
